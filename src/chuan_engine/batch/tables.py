"""Row tables of one chunk: every entity at every year of its school's window, with links as index arrays.

The explaining evaluator sees a staff member *at a date*: the evaluation date
for the evaluation year, 31/12 of each earlier year for its history. Here each
(entity, year) from the school's earliest record to its evaluation year is one
row, dated the same way, so ``history`` is a contiguous range of rows,
``members`` and ``staff`` are (parent row, child row) pairs, and ``unit`` or
``school`` are row indexes. Rules are evaluated once over all rows; the rows
of the evaluation year are the output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic_core import PydanticUndefined

from ..lang.ops import date_parts
from ..lang.types import DATE, ENTITY_FIELDS, YEAR_FIELDS
from .cols import Col, else_none, not_none
from .layout import SPECS, Frame, normalize

NO_YEAR = 1 << 30


@dataclass
class Rec:
    """A record-valued column: for each row, a row of ``table`` (or unknown)."""

    table: Table
    idx: np.ndarray
    k: np.ndarray
    err: np.ndarray | None = None


@dataclass
class Rel:
    """A list-valued column: (parent row, child row) pairs, or a contiguous range per parent (history)."""

    table: Table
    n: int
    k: np.ndarray
    parent: np.ndarray | None = None
    child: np.ndarray | None = None
    start: np.ndarray | None = None
    end: np.ndarray | None = None  # inclusive
    err: np.ndarray | None = None

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        if self.parent is None:
            assert self.start is not None and self.end is not None
            counts = np.where(self.k, self.end - self.start + 1, 0)
            self.parent, self.child = ranges(self.start, counts)
        assert self.child is not None
        return self.parent, self.child


def ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parent i, the positions starts[i] .. starts[i]+counts[i]-1, flattened."""
    counts = counts.astype(np.int64)
    total = int(counts.sum())
    parent = np.repeat(np.arange(len(counts)), counts)
    if total == 0:
        return parent, np.zeros(0, dtype=np.int64)
    offs = np.cumsum(counts) - counts
    pos = np.arange(total) - np.repeat(offs, counts) + np.repeat(starts.astype(np.int64), counts)
    return parent, pos


def year_end(year: np.ndarray) -> np.ndarray:
    return (year - 1969).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")


def _default(kind_model: Any, name: str) -> Any:
    info = kind_model.model_fields.get(name)
    if info is None or info.default is PydanticUndefined:
        return None
    return info.default


class Table:
    """The rows of one record kind in a chunk."""

    def __init__(self, chunk: Chunk, kind: str, year: np.ndarray, date: np.ndarray, ent: np.ndarray,
                 efr: Frame | None, erow: np.ndarray, yfr: Frame | None = None, rec: np.ndarray | None = None,
                 school: np.ndarray | None = None) -> None:
        self.chunk = chunk
        self.kind = kind
        self.n = len(year)
        self.year = year
        self.date = date
        self.ent = ent
        self.efr = efr
        self.erow = erow
        self.yfr = yfr
        self.rec = rec
        self.school = school  # school index per row
        self.links: dict[str, Any] = {}
        self._fields: dict[str, Col] = {}
        self._date_parts: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._distinct: tuple[np.ndarray, np.ndarray] | None = None
        self._covers: dict[tuple[dt.date, dt.date | None], np.ndarray] = {}
        self._later: np.ndarray | None = None
        self.full_rows: np.ndarray | None = None  # an evaluation-year table: its rows in the full table

    def distinct_dates(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct row dates and each row's position among them (dated parameters are looked up per date)."""
        if self._distinct is None:
            if self.n:
                self._distinct = np.unique(self.date, return_inverse=True)
            else:
                self._distinct = (np.zeros(0, "datetime64[D]"), np.zeros(0, dtype=np.int64))
        return self._distinct

    def covers(self, start: dt.date, end: dt.date | None) -> np.ndarray:
        """Rows whose date lies in [start, end] (a rule's or version's effective period), computed once per period."""
        key = (start, end)
        hit = self._covers.get(key)
        if hit is None:
            dates, inv = self.distinct_dates()
            ok = dates >= np.datetime64(start, "D")
            if end is not None:
                ok &= dates <= np.datetime64(end, "D")
            hit = self._covers[key] = ok[inv] if self.n else np.zeros(0, dtype=bool)
        return hit

    def recruited_after(self) -> np.ndarray:
        """Staff rows whose person was recruited in a later year than the row's (views.recruited_after): not yet
        staff then, so no staff rule applies and no unit counts them. False on other tables. Computed once per
        table: every staff rule reads it."""
        if self._later is None:
            later = np.zeros(self.n, dtype=bool)
            rec = self.field("recruited_on") if self.kind == "staff" else None
            if rec is not None and rec.k.any():
                later = rec.k & (rec.v.astype("datetime64[Y]").astype(np.int64) + 1970 > self.year)
            self._later = later
        return self._later

    def date_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Year, month, day of each row's date (computed once per table, over its few distinct dates)."""
        if self._date_parts is None:
            dates, inv = self.distinct_dates()
            y, m, d = date_parts(dates)
            self._date_parts = (y[inv], m[inv], d[inv])
        return self._date_parts

    # -- facts ---------------------------------------------------------------
    def _column(self, frame: Frame | None, rows: np.ndarray, name: str, model: Any, t: Any,
                missing_row_default: bool) -> Col:
        kind = t.kind
        default = _default(model, name)
        n = self.n
        fill: np.ndarray | None = None
        if frame is not None and name in frame.cols and len(frame.cols[name].k):
            c = frame.cols[name]
            safe = np.where(rows < 0, 0, rows)
            vals = c.v[safe]
            known = c.k[safe] & (rows >= 0)
            if missing_row_default and default is not None:
                fill = rows < 0
        else:
            vals = _fill(kind, n)
            known = np.zeros(n, dtype=bool)
            if default is not None:
                fill = np.ones(n, dtype=bool) if missing_row_default else rows >= 0
        if fill is not None and kind != "list":
            vals = np.where(fill, _encode(default, t), vals)
            known = known | fill
        return Col(_ctype(kind), vals, known, None, t.vocab)

    def field(self, name: str) -> Col | None:
        """A fact of the row: year-record field first, then the entity's own field (as View.lookup)."""
        hit = self._fields.get(name)
        if hit is not None:
            return hit
        kind = self.kind
        out: Col | None = None
        yf = YEAR_FIELDS.get(kind, {}) if self.rec is not None else {}
        ef = ENTITY_FIELDS.get(kind, {})
        if name in yf:
            if name == "year":
                out = Col("num", self.year.astype(float), np.ones(self.n, dtype=bool))
            else:
                model = SPECS[_year_frame(kind)][1]
                assert self.rec is not None
                out = self._column(self.yfr, self.rec, name, model, yf[name], missing_row_default=False)
                if name in ef:
                    ent = self._entity(name, ef[name])
                    out = Col(out.t, np.where(out.k, out.v, ent.v), out.k | ent.k, None, out.vocab)
        elif name in ef:
            out = self._entity(name, ef[name])
        if out is not None:
            self._fields[name] = out
        return out

    def _entity(self, name: str, t: Any) -> Col:
        if name == "id":
            if self.kind in self.chunk.ids:
                return Col("str", self.chunk.ids[self.kind][self.ent], np.ones(self.n, dtype=bool))
            assert self.efr is not None
            return Col("str", self.efr.keys[SPECS[self.efr.name][2]][self.erow], np.ones(self.n, dtype=bool))
        model = SPECS[_entity_frame(self.kind)][1]
        return self._column(self.efr, self.erow, name, model, t, missing_row_default=True)

    def inputs(self, name: str) -> tuple[Col | None, Col | None]:
        """Supplied inputs for a pack variable: (year-record input, entity input)."""
        yin = ein = None
        if self.yfr is not None and self.rec is not None and name in self.yfr.inputs:
            c = self.yfr.inputs[name]
            safe = np.where(self.rec < 0, 0, self.rec)
            yin = Col(_ctype(c.t.kind), c.v[safe], c.k[safe] & (self.rec >= 0), None, c.t.vocab)
        if self.efr is not None and name in self.efr.inputs:
            c = self.efr.inputs[name]
            safe = np.where(self.erow < 0, 0, self.erow)
            ein = Col(_ctype(c.t.kind), c.v[safe], c.k[safe] & (self.erow >= 0), None, c.t.vocab)
        return yin, ein

    def link(self, name: str) -> Rec | Rel | None:
        hit = self.links.get(name)
        if callable(hit):
            hit = hit()
            self.links[name] = hit
        return hit


def _ctype(kind: str) -> str:
    return {"list": "strlist", "record": "any"}.get(kind, kind)


def _fill(kind: str, n: int) -> np.ndarray:
    if kind == "num":
        return np.full(n, np.nan)
    if kind == "bool":
        return np.zeros(n, dtype=bool)
    if kind == "enum":
        return np.full(n, -1, dtype=np.int64)
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return np.full(n, None, dtype=object)


def _encode(value: Any, t: Any) -> Any:
    if t.kind == "enum":
        return list(t.vocab.__members__.values()).index(t.vocab(value))
    if t.kind == "date":
        return np.datetime64(value, "D")
    return value


def _entity_frame(kind: str) -> str:
    return {"school": "schools", "unit": "units", "staff": "staff", "initiative": "initiatives",
            "research": "research"}[kind]


def _year_frame(kind: str) -> str:
    return {"school": "school_years", "unit": "unit_years", "staff": "staff_years"}[kind]


@dataclass
class Entities:
    """The entities of one kind in a chunk: ids, school, entity-frame row, first record year, errors."""

    ids: np.ndarray
    school: np.ndarray
    erow: np.ndarray
    first: np.ndarray
    bad: np.ndarray
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rec_ent: np.ndarray | None = None  # the entity of each row of the year frame (set by Chunk)
    off: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # first table row per entity


class Chunk:
    """All row tables of a set of schools, evaluated together (links never leave a chunk)."""

    def __init__(self, frames: dict[str, Frame], on: dt.date, history: bool = True, every_year: bool = False) -> None:
        self.frames = frames
        self.history = history
        self.gindex: dict[str, tuple[pd.Index, int]] = {}
        self.bad_on: set[int] = set()
        self._key_index: dict[str, pd.Index] = {}
        self.ids: dict[str, np.ndarray] = {}
        self._unit_ent = np.zeros(0, dtype=np.int64)  # the unit entity of each full staff row (set by _links)
        self._build_schools(on)
        self.known = {  # per school: a roster with no rows at all is not supplied (unknown), not empty
            "staff": self._listed("staff", "staff_years"),
            "units": self._listed("units", "unit_years"),
            "research": self._listed("research"),
        }
        self.ent: dict[str, Entities] = {"school": self.schools}
        for kind in ("unit", "staff"):
            self.ent[kind] = self._entities(kind)
        for kind in ("unit", "staff"):  # a school without a valid date: nothing in it is evaluated on a guess
            ent = self.ent[kind]
            for e in np.flatnonzero(np.isin(ent.school, list(self.bad_on))) if self.bad_on else ():
                ent.bad[e] = ent.bad[e] or "ngày đánh giá của trường không hợp lệ / invalid school date ('on')"
        self._windows()
        # ``full``: every entity at every year of its school's window; ``tables``: the rows rules are evaluated
        # on. Unless every year is reported, those are the evaluation-year rows only (one per entity, in entity
        # order), and only ``history`` reaches into the full tables: a rule read through a history is
        # evaluated on the earlier years, every other rule on one row per entity.
        self.full: dict[str, Table] = {}
        for kind in ("school", "unit", "staff"):
            self.full[kind] = self._grid(kind)
        self._links(self.full, self.row_of, check=True)
        if not history or every_year:
            self.tables = self.full
        else:
            self.tables = {kind: self._now(kind, t) for kind, t in self.full.items()}
            self._links(self.tables, self._now_row, check=False)

    # -- entities ---------------------------------------------------------------
    def _build_schools(self, on: dt.date) -> None:
        ids: list[np.ndarray] = [f.keys["school_id"].uniques for f in self.frames.values()]
        allids = pd.unique(np.concatenate(ids)) if ids else np.zeros(0, dtype=object)
        s_ids = np.asarray(allids, dtype=object)
        self.school_index = pd.Index(s_ids, dtype=object)
        n = len(s_ids)
        erow = np.full(n, -1, dtype=np.int64)
        bad = np.full(n, None, dtype=object)
        ondates = np.full(n, np.datetime64(on, "D"), dtype="datetime64[D]")
        sf = self.frames.get("schools")
        if sf is not None:
            pos = sf.keys["school_id"].positions(self.school_index)
            dup = pd.Series(pos).duplicated().to_numpy()
            for i in np.flatnonzero(dup):
                bad[pos[i]] = f"trùng mã trường / duplicate school '{s_ids[pos[i]]}'"
            erow[pos[~dup]] = np.flatnonzero(~dup)
            self._merge_bad(bad, pos, sf.row_bad)
            if sf.raw is not None and "on" in sf.raw.columns:
                c = normalize(sf.raw["on"], DATE, "on")
                self._merge_bad(bad, pos, c.bad)
                self.bad_on = {int(pos[i]) for i in c.bad if pos[i] >= 0}
                use = c.k & ~dup
                ondates[pos[use]] = c.v[use]
        self.on = ondates
        self.E = ondates.astype("datetime64[Y]").astype(np.int64) + 1970
        self.ids["school"] = s_ids
        self.schools = Entities(s_ids, np.arange(n), erow, np.full(n, NO_YEAR, dtype=np.int64), bad)

    def close(self) -> None:
        for t in (*self.tables.values(), *self.full.values()):
            t.links.clear()
            t._fields.clear()
            t._covers.clear()
        self.tables.clear()
        self.full.clear()

    def key_index(self, kind: str) -> pd.Index:
        hit = self._key_index.get(kind)
        if hit is None:
            hit = self._key_index[kind] = pd.Index(self.ent[kind].keys)
        return hit

    def _listed(self, *names: str) -> np.ndarray:
        out = np.zeros(len(self.ids["school"]), dtype=bool)
        for name in names:
            fr = self.frames.get(name)
            if fr is None:
                continue
            pos = fr.keys["school_id"].positions(self.school_index)
            if name == "research":
                pos = pos[fr.keys["staff_id"].codes < 0]
            out[pos[pos >= 0]] = True
        return out

    @staticmethod
    def _merge_bad(bad: np.ndarray, pos: np.ndarray, msgs: Any) -> None:
        if msgs is None:
            return
        rows = sorted(msgs) if isinstance(msgs, dict) else np.flatnonzero(not_none(msgs))
        for i in rows:
            if pos[i] >= 0 and bad[pos[i]] is None:
                bad[pos[i]] = msgs[i]

    def _entities(self, kind: str) -> Entities:
        ef, yf = self.frames.get(_entity_frame(kind)), self.frames.get(_year_frame(kind))
        idcol = SPECS[_entity_frame(kind)][2]
        srcs = [f for f in (ef, yf) if f is not None]
        uniqs = [f.keys[idcol].uniques for f in srcs]
        allc, gids = pd.factorize(np.concatenate(uniqs)) if srcs else (np.zeros(0, np.int64), np.zeros(0, object))
        gindex = pd.Index(np.asarray(gids, dtype=object), dtype=object)
        G = len(gindex) + 1
        keys, pos0 = [], 0
        for f, u in zip(srcs, uniqs, strict=True):
            gid = np.append(allc[pos0:pos0 + len(u)], -1)[f.keys[idcol].codes]
            pos0 += len(u)
            keys.append(f.keys["school_id"].positions(self.school_index).astype(np.int64) * G + gid)
        allkeys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        uniq, first_pos = np.unique(allkeys, return_index=True)
        order = np.argsort(first_pos, kind="stable")
        ukeys = uniq[order]
        index = pd.Index(ukeys)
        n = len(ukeys)
        ids = np.asarray(gindex, dtype=object)[ukeys % G] if n else np.zeros(0, dtype=object)
        school = ukeys // G
        self.gindex[kind] = (gindex, G)
        erow = np.full(n, -1, dtype=np.int64)
        bad = np.full(n, None, dtype=object)
        first = np.full(n, NO_YEAR, dtype=np.int64)
        self.ids[kind] = ids
        k = 0
        if ef is not None:
            pos = index.get_indexer(keys[k])
            dup = pd.Series(pos).duplicated().to_numpy()
            for i in np.flatnonzero(dup):
                bad[pos[i]] = f"trùng mã / duplicate {kind} id '{ids[pos[i]]}'"
            erow[pos[~dup]] = np.flatnonzero(~dup)
            self._merge_bad(bad, pos, ef.row_bad)
            k += 1
        ent_of_rec = None
        if yf is not None:
            pos = index.get_indexer(keys[k])
            ent_of_rec = pos
            yf_year = yf.record_years
            valid = yf_year >= 0
            dup = pd.DataFrame({"p": pos, "y": yf_year}).duplicated().to_numpy() & valid
            for i in np.flatnonzero(dup):
                bad[pos[i]] = f"trùng bản ghi năm {int(yf_year[i])} / duplicate year record"
            self._merge_bad(bad, pos, yf.row_bad)
            yrs = np.where(valid, yf_year, NO_YEAR)
            np.minimum.at(first, pos, yrs)
        ent = Entities(ids, school, erow, first, bad, ukeys)
        ent.rec_ent = ent_of_rec
        return ent

    # -- windows and grids ------------------------------------------------------
    def _windows(self) -> None:
        y0 = self.E.copy()
        sy = self.frames.get("school_years")
        if sy is not None:
            pos = sy.keys["school_id"].positions(self.school_index)
            sy_year = sy.record_years
            valid = sy_year >= 0
            np.minimum.at(self.schools.first, pos[valid], sy_year[valid])
            dup = pd.DataFrame({"p": pos, "y": sy_year}).duplicated().to_numpy() & valid
            for i in np.flatnonzero(dup):
                self.schools.bad[pos[i]] = f"trùng bản ghi năm {int(sy_year[i])} / duplicate year record"
            self._merge_bad(self.schools.bad, pos, sy.row_bad)
            self.schools.rec_ent = pos
        for ent in (self.schools, self.ent.get("unit"), self.ent.get("staff")):
            if ent is None or len(ent.first) == 0:
                continue
            np.minimum.at(y0, ent.school, np.minimum(ent.first, NO_YEAR))
        # without ``history`` in the pack, no rule ever sees an earlier year: one row per entity suffices
        self.Y0 = np.minimum(y0, self.E) if self.history else self.E.copy()

    def _grid(self, kind: str) -> Table:
        ent = self.ent[kind]
        es = ent.school
        span = (self.E - self.Y0 + 1)[es] if len(es) else np.zeros(0, dtype=np.int64)
        off = np.cumsum(span) - span
        rows_ent = np.repeat(np.arange(len(es)), span)
        total = int(span.sum())
        year = np.repeat(self.Y0[es], span) + (np.arange(total) - np.repeat(off, span))
        school = es[rows_ent]
        date = np.where(year == self.E[school], self.on[school], year_end(year))
        ent.off = off
        efr = self.frames.get(_entity_frame(kind))
        yfr = self.frames.get(_year_frame(kind))
        rec = np.full(total, -1, dtype=np.int64)
        rec_ent = ent.rec_ent
        if yfr is not None and rec_ent is not None:
            yr = yfr.record_years
            ok = (yr >= 0) & (rec_ent >= 0)
            e = rec_ent[ok]
            sch = es[e]
            inside = (yr[ok] >= self.Y0[sch]) & (yr[ok] <= self.E[sch])
            rows = off[e[inside]] + yr[ok][inside] - self.Y0[sch[inside]]
            src = np.flatnonzero(ok)[inside]
            rec[rows[::-1]] = src[::-1]  # first record wins on duplicates
        return Table(self, kind, year, date, rows_ent, efr, ent.erow[rows_ent], yfr, rec, school)

    def _now(self, kind: str, full: Table) -> Table:
        """The evaluation-year rows of a full table, as a table of their own (row i is entity i)."""
        rows = np.flatnonzero(full.year == self.E[full.school]) if full.n else np.zeros(0, dtype=np.int64)
        assert full.school is not None and full.rec is not None
        t = Table(self, kind, full.year[rows], full.date[rows], full.ent[rows], full.efr, full.erow[rows], full.yfr,
                  full.rec[rows], full.school[rows])
        t.full_rows = rows
        return t

    @staticmethod
    def _now_row(kind: str, e: np.ndarray, year: np.ndarray) -> np.ndarray:
        """The row of entity ``e`` in an evaluation-year table (its year is always the evaluation year)."""
        return np.where(e >= 0, e, -1)

    def row_of(self, kind: str, e: np.ndarray, year: np.ndarray) -> np.ndarray:
        ent = self.ent[kind]
        valid = e >= 0
        safe = np.where(valid, e, 0)
        if len(ent.school) == 0:
            return np.full(len(e), -1, dtype=np.int64)
        return np.where(valid, ent.off[safe] + year - self.Y0[ent.school[safe]], -1)

    def output_rows(self, kind: str) -> np.ndarray:
        """The rows evaluated on each school's evaluation date (one per entity, in entity order)."""
        t = self.tables[kind]
        return np.flatnonzero(t.year == self.E[t.school])

    # -- links ------------------------------------------------------------------
    def _links(self, tabs: dict[str, Table], row_of: Callable[[str, np.ndarray, np.ndarray], np.ndarray],
               check: bool) -> None:
        """The links of one set of tables (``row_of``: an entity's row in that set at a year)."""
        S, U, P = tabs["school"], tabs["unit"], tabs["staff"]
        assert S.school is not None and U.school is not None and P.school is not None  # entity tables have schools
        for kind, t in tabs.items():
            t.links["history"] = self._history(kind, t)
        # staff -> unit (the unit of that year, else the current one)
        uid = P.field("unit_id")
        assert uid is not None
        unit_ent = np.full(P.n, -1, dtype=np.int64)
        if P.full_rows is not None:  # the evaluation-year rows of the full table: their units are known
            unit_ent = self._unit_ent[P.full_rows]
        elif P.n and len(self.ent["unit"].ids):
            gindex, G = self.gindex["unit"]
            # an object index (not inferred as Arrow strings: the lookup would convert them back)
            gid = gindex.get_indexer(pd.Index(else_none(uid.k, uid.v), dtype=object))
            unit_ent = self.key_index("unit").get_indexer(pd.Index(P.school.astype(np.int64) * G + gid))
            unit_ent = np.where(uid.k & (gid >= 0), unit_ent, -1)
        self._unit_ent = unit_ent
        if P.n and check:
            missing = uid.k & (unit_ent < 0) & self.known["units"][P.school]
            self._check_unit_refs(P, missing, uid)
        unit_row = row_of("unit", unit_ent, P.year)
        sch_row_p = row_of("school", P.school, P.year)
        sch_row_u = row_of("school", U.school, U.year)
        P.links["unit"] = Rec(U, unit_row, unit_row >= 0)
        P.links["school"] = Rec(S, sch_row_p, np.ones(P.n, dtype=bool))
        U.links["school"] = Rec(S, sch_row_u, np.ones(U.n, dtype=bool))
        staff_known = self.known["staff"]
        units_known = self.known["units"]

        def members() -> Rel:
            # as views.py: staff recruited after the row's year are not yet members of the unit
            child = np.flatnonzero((unit_row >= 0) & ~P.recruited_after())
            parent = unit_row[child]
            order = np.argsort(parent, kind="stable")
            return Rel(P, U.n, staff_known[U.school], parent[order], child[order])

        def school_staff() -> Rel:
            order = np.argsort(sch_row_p, kind="stable")
            return Rel(P, S.n, staff_known[S.school], sch_row_p[order], order)

        def school_units() -> Rel:
            order = np.argsort(sch_row_u, kind="stable")
            return Rel(U, S.n, units_known[S.school], sch_row_u[order], order)

        U.links["members"] = members
        S.links["staff"] = school_staff
        S.links["units"] = school_units
        S.links["research"] = lambda: self._items(S, "research", owner="school")
        P.links["research"] = lambda: self._items(P, "research", owner="staff")
        P.links["initiatives"] = lambda: self._items(P, "initiatives", owner="staff")

    def _check_unit_refs(self, P: Table, missing: np.ndarray, uid: Col) -> None:
        """Facts name a unit the school does not have: the staff member is an error (School validation)."""
        bad = self.ent["staff"].bad
        for i in np.flatnonzero(missing):
            e = P.ent[i]
            if bad[e] is None:
                bad[e] = f"cán bộ ghi đơn vị không có trong trường / names unknown unit '{uid.v[i]}'"

    def _history(self, kind: str, t: Table) -> Any:
        """Each row's earlier years: a range of rows of the full table (ending at the row's own year)."""
        def make() -> Rel:
            if t.full_rows is not None:  # an evaluation-year table: the ranges of its rows in the full table
                full = self.full[kind]
                rel = full.link("history")
                assert isinstance(rel, Rel) and rel.start is not None
                return Rel(full, t.n, rel.k[t.full_rows], start=rel.start[t.full_rows], end=t.full_rows.copy())
            ent = self.ent[kind]
            first = ent.first[t.ent] if t.n else np.zeros(0, dtype=np.int64)
            base = ent.off[t.ent] - self.Y0[t.school] if t.n else np.zeros(0, dtype=np.int64)
            idx = np.arange(t.n)
            start = np.where(first <= t.year, base + first, idx)
            # known when the year frame is given at all, even empty (as ``years: []``); without it unknown (issue 12)
            known = np.full(t.n, self.frames.get(_year_frame(kind)) is not None)
            return Rel(t, t.n, known, start=start, end=idx)
        return make

    def _items(self, parent: Table, frame_name: str, owner: str) -> Rel:
        """Initiatives or research items as a table of (parent row, item) pairs dated like the parent."""
        kind = "initiative" if frame_name == "initiatives" else "research"
        fr = self.frames.get(frame_name)
        # A person's items are known when the frame is given at all (its rows are the whole list, an empty frame
        # says "none"); without the frame they are unknown, as an omitted list in facts (issue 12).
        known = np.full(parent.n, fr is not None) if owner == "staff" else self.known["research"][parent.school]
        if fr is None:
            empty = Table(self, kind, np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[D]"),
                          np.zeros(0, dtype=np.int64), None, np.zeros(0, dtype=np.int64))
            return Rel(empty, parent.n, known, np.zeros(0, dtype=np.int64),
                       np.zeros(0, dtype=np.int64))
        spos = fr.keys["school_id"].positions(self.school_index)
        stf = fr.keys["staff_id"]
        has_staff = stf.codes >= 0
        if owner == "school":
            own = np.where(~has_staff, spos, -1)
        else:
            gindex, G = self.gindex["staff"]
            gid = stf.positions(gindex)
            found = self.key_index("staff").get_indexer(spos.astype(np.int64) * G + gid)
            own = np.where(has_staff & (gid >= 0) & (spos >= 0), found, -1)
        items = np.flatnonzero(own >= 0)
        items = items[np.argsort(own[items], kind="stable")]
        n_own = len(self.ent[owner].ids)
        counts = np.bincount(own[items], minlength=n_own) if n_own else np.zeros(0, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        pe = parent.ent
        p_parent, p_pos = ranges(starts[pe] if len(pe) else np.zeros(0, dtype=np.int64),
                                 counts[pe] if len(pe) else np.zeros(0, dtype=np.int64))
        item_rows = items[p_pos]
        for e_bad, msg in self._item_errors(fr, own, owner):
            b = self.ent[owner].bad
            if b[e_bad] is None:
                b[e_bad] = msg
        table = Table(self, kind, parent.year[p_parent], parent.date[p_parent], item_rows, fr, item_rows)
        return Rel(table, parent.n, known, p_parent, np.arange(len(item_rows)))

    @staticmethod
    def _item_errors(fr: Frame, own: np.ndarray, owner: str) -> list[tuple[int, str]]:
        out = []
        if fr.row_bad is not None:
            for i in np.flatnonzero(not_none(fr.row_bad) & (own >= 0)):
                out.append((int(own[i]), str(fr.row_bad[i])))
        idcol = SPECS[fr.name][2]
        dup = pd.DataFrame({"o": own, "i": fr.keys[idcol].codes}).duplicated().to_numpy() & (own >= 0)
        for i in np.flatnonzero(dup):
            out.append((int(own[i]), f"trùng mã / duplicate {fr.name} id '{fr.keys[idcol][i]}'"))
        return out
