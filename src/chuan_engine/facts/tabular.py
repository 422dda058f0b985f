"""Facts from a workbook or CSV file: rows of the sheets joined into schools with their units and staff.

Rows join on their id columns (Mã trường, Mã đơn vị, Mã cán bộ); a workbook with a single school may leave
Mã trường blank everywhere (and may leave the Trường sheet empty or out: the school is then named after the file). With
``keep_going`` a bad staff row sets that staff member aside (with the error), a bad school or unit row its
school; the rest is read. Without it, the first error stops the reading and nothing is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FactsError
from .headers import BY_NAME, FRAMES, ID_LABELS, Frame
from .sheets import Row, SheetError, Table, convert_row, read_sources, read_table

Key = tuple[str, ...]


@dataclass
class Read:
    """What a spreadsheet gave: entity mappings (schools), the errors set aside, and notes of skipped rows."""

    items: list[dict[str, Any]] = field(default_factory=list)
    errors: list[FactsError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    where: dict[str, tuple[Table, Row]] = field(default_factory=dict)  # entity id -> its first row


class _Builder:
    def __init__(self, file: str, keep_going: bool) -> None:
        self.file, self.keep_going = file, keep_going
        self.out = Read()
        self.schools: dict[str, dict[str, Any]] = {}
        self.units: dict[Key, dict[str, Any]] = {}
        self.staff: dict[Key, dict[str, Any]] = {}
        self.bad: set[Key] = set()

    def fail(self, err: FactsError, key: Key | None) -> None:
        if not self.keep_going:
            raise err
        self.out.errors.append(err)
        if key is not None:
            self.bad.add(key)
            if err.entity is None:
                err.entity = "/".join(key[1:])  # the entity set aside, as the report lists it

    def key(self, table: Table, row: Row, name: str) -> str | None:
        value = row.values.get(name)
        if value is not None:
            return str(value)
        if name == "school_id" and len(self.schools) == 1:
            return next(iter(self.schools))
        label = ID_LABELS.get(name, "Năm")
        header = table.columns[name][0].header if name in table.columns else label
        self.fail(SheetError(f"thiếu {label} / missing {name}", file=self.file, sheet=table.sheet,
                             row=row.number, column=header,
                             letter=table.columns[name][1] if name in table.columns else None), None)
        return None

    def add(self, table: Table) -> None:
        for row in table.rows:
            errors = convert_row(table, row, self.file)
            sid = self.key(table, row, "school_id") if table.frame.name != "schools" else None
            if not all(self.key(table, row, name) is not None for name in _row_keys(table.frame)):
                continue
            key = self._entity_key(table, row, sid)
            for err in errors:
                self.fail(err, key)
            if errors or key is None:
                continue
            self._place(table, row, sid)

    def _entity_key(self, table: Table, row: Row, sid: str | None) -> Key | None:
        f = table.frame.name
        if f == "schools":
            return ("school", str(row.values.get("school_id", row.raw.get("school_id", "?"))))
        if sid is None:
            return None
        if f in ("staff", "staff_years", "initiatives") or (f == "research" and row.values.get("staff_id")):
            pid = row.values.get("staff_id")
            return ("staff", sid, str(pid)) if pid is not None else ("school", sid)
        return ("school", sid)

    def _fields(self, table: Table, row: Row) -> tuple[dict[str, Any], dict[str, Any]]:
        keys = {"school_id", "staff_id", table.frame.id_col}
        facts = {k: v for k, v in row.values.items() if k not in keys and not table.columns[k][0].input}
        if table.frame.name in ("staff", "staff_years") and "unit_id" in row.values:
            facts["unit_id"] = row.values["unit_id"]
        inputs = {k: v for k, v in row.values.items() if table.columns[k][0].input}
        return facts, inputs

    def _parent(self, table: Table, row: Row, found: dict[str, Any] | None, what: str, ref: str) -> bool:
        if found is None:
            self.fail(SheetError(f"{what} '{ref}' không có trong sheet của nó / {what} '{ref}' is not listed",
                                 file=self.file, sheet=table.sheet, row=row.number), None)
            return False
        return True

    def _place(self, table: Table, row: Row, sid: str | None) -> None:
        facts, inputs = self._fields(table, row)
        f = table.frame.name
        v = row.values
        match f:
            case "schools":
                sid = str(v["school_id"])
                self.schools[sid] = {"kind": "school", "id": sid, **facts, "inputs": inputs}
                self.out.where.setdefault(sid, (table, row))
                return
        assert sid is not None
        school = self.schools.get(sid)
        if not self._parent(table, row, school, "Mã trường", sid):
            return
        assert school is not None
        match f:
            case "school_years":
                school.setdefault("years", []).append({**facts, "year": v["year"], "inputs": inputs})
            case "units":
                unit = {"id": str(v["unit_id"]), **facts, "inputs": inputs}
                school.setdefault("units", []).append(unit)
                self.units[(sid, unit["id"])] = unit
                self.out.where.setdefault(unit["id"], (table, row))
            case "unit_years":
                unit_ = self.units.get((sid, str(v["unit_id"])))
                if self._parent(table, row, unit_, "Mã đơn vị", str(v["unit_id"])):
                    assert unit_ is not None
                    unit_.setdefault("years", []).append({**facts, "year": v["year"], "inputs": inputs})
            case "staff":
                person = {"id": str(v["staff_id"]), **facts, "inputs": inputs}
                school.setdefault("staff", []).append(person)
                self.staff[(sid, person["id"])] = person
                self.out.where.setdefault(person["id"], (table, row))
            case "staff_years" | "initiatives" | "research":
                self._place_staff_record(table, row, school, sid, facts)

    def _place_staff_record(self, table: Table, row: Row, school: dict[str, Any], sid: str,
                            facts: dict[str, Any]) -> None:
        v = row.values
        pid = v.get("staff_id")
        if table.frame.name == "research" and pid is None:
            school.setdefault("research", []).append({"id": str(v["research_id"]), **facts})
            return
        person = self.staff.get((sid, str(pid)))
        if not self._parent(table, row, person, "Mã cán bộ", str(pid)):
            return
        assert person is not None
        match table.frame.name:
            case "staff_years":
                _, inputs = self._fields(table, row)
                person.setdefault("years", []).append({**facts, "year": v["year"], "inputs": inputs})
            case "initiatives":
                person.setdefault("initiatives", []).append({"id": str(v["initiative_id"]), **facts})
            case _:
                person.setdefault("research", []).append({"id": str(v["research_id"]), **facts})

    def finish(self, default_school: str, given: set[str]) -> Read:
        # A sheet given is the whole list of what it records (an entity without rows there has none); a sheet
        # not given leaves the list out, so it reads as not known (issue 12).
        lists = [(self.schools.values(), "school_years", "years"), (self.units.values(), "unit_years", "years"),
                 (self.staff.values(), "staff_years", "years"), (self.staff.values(), "initiatives", "initiatives"),
                 (self.staff.values(), "research", "research")]
        for entities, sheet, name in lists:
            for entity in entities if sheet in given else ():
                entity.setdefault(name, [])
        for sid, school in self.schools.items():
            if ("school", sid) in self.bad:
                continue
            if "staff" in school:
                school["staff"] = [p for p in school["staff"] if ("staff", sid, p["id"]) not in self.bad]
            self.out.items.append(school)
        return self.out


def read_spreadsheet(path: Path, keep_going: bool = False) -> Read:
    """Entity mappings from an .xlsx workbook or a CSV file (see the module docstring)."""
    file = str(path)
    builder = _Builder(file, keep_going)
    tables: dict[str, list[Table]] = {}
    try:
        for sheet, frame, rows in read_sources(path):
            table = read_table(sheet, frame, rows, file)
            tables.setdefault(frame.name, []).append(table)
            builder.out.notes.extend(table.notes)
    except FactsError as exc:
        if not keep_going:
            raise
        builder.out.errors.append(exc)
        return builder.out
    for frame in FRAMES:
        for table in tables.get(frame.name, []):
            if _require_keys(table, builder):
                builder.add(table)
        if frame.name == "schools" and not builder.schools:  # no school listed: the file is the school
            builder.schools[path.stem] = {"kind": "school", "id": path.stem, "inputs": {}}
    return builder.finish(path.stem, set(tables))


def _row_keys(frame: Frame) -> list[str]:
    """The keys every row of a sheet must fill: its own id (and year on a year sheet), the staff member of a
    staff record; Mã trường is needed only with several schools."""
    needed = [frame.id_col] + (["year"] if frame.year else [])
    if frame.name in ("staff_years", "initiatives"):
        needed.append("staff_id")
    return [n for n in needed if n != "school_id"]


def _require_keys(table: Table, builder: _Builder) -> bool:
    frame: Frame = BY_NAME[table.frame.name]
    needed = _row_keys(frame) + (["school_id"] if frame.name == "schools" else [])
    for name in needed:
        if name not in table.columns:
            label = ID_LABELS.get(name, "Năm")
            builder.fail(SheetError(f"thiếu cột {label} / missing column {name}", file=builder.file,
                                    sheet=table.sheet), None)
            return False
    return True
