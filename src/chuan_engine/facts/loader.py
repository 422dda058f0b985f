"""Load facts from YAML or JSON files or folders; all-or-nothing, with precise errors."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import FactsError, Text
from ..yamlio import pydantic_location, read_data
from .messages import validation_text
from .models import (
    Cluster,
    Entity,
    FactsDocument,
    Initiative,
    Research,
    School,
    SchoolYear,
    Staff,
    StaffYear,
    Unit,
    UnitYear,
)
from .sheets import SheetError
from .store import Facts
from .tabular import Read, read_spreadsheet
from .vocab import VOCABULARIES, spelling_pattern

SUFFIXES = (".yaml", ".yml", ".json")
SHEET_SUFFIXES = (".xlsx", ".csv")
# A facts file larger than this is refused before it is read: a 60-person roster is a few hundred
# kilobytes, and PyYAML needs roughly 20-50 times a file's size in memory to parse it.
MAX_FILE_BYTES = 50 * 1024 * 1024


_FIELDS = sorted({name for model in (School, Unit, Staff, Cluster, SchoolYear, UnitYear, StaffYear, Initiative, Research)
                  for name in model.model_fields})


def _unknown_field(name: object) -> Text:
    """'trường không có trong mẫu dữ kiện / unknown field', with the nearest known field when one is close."""
    close = difflib.get_close_matches(str(name), _FIELDS, n=1, cutoff=0.75)
    if close:
        return Text(f"trường không có trong mẫu dữ kiện; có phải là '{close[0]}'?",
                    f"unknown field; did you mean '{close[0]}'?")
    return Text("trường không có trong mẫu dữ kiện", "unknown field")


def _files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file())
            if not found:
                raise FactsError(Text("thư mục không có tệp dữ kiện .yaml/.yml/.json", "folder holds no .yaml/.yml/.json facts"), file=str(p))
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise FactsError(Text("không có tệp hay thư mục này", "no such file or folder"), file=str(p))
    return out


def _entities_in(data: Any, file: str) -> list[dict[str, Any]]:
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict) and "entities" in data:
        items = data.get("entities") or []
        extra = set(data) - {"entities", "schema_version"}
        if extra:
            raise FactsError(Text(f"khóa cấp ngoài cùng không hợp lệ {sorted(extra)}", f"unexpected top-level keys {sorted(extra)}"), file=file)
        if data.get("schema_version", "1") != "1":
            raise FactsError(Text(f"schema_version không được hỗ trợ {data.get('schema_version')!r}", f"unsupported schema_version {data.get('schema_version')!r}"), file=file)
    elif isinstance(data, dict):
        items = [data]
    else:
        raise FactsError(Text("cần một đối tượng, một danh sách đối tượng, hoặc {entities: [...]}", "expected an entity, a list of entities, or {entities: [...]}"), file=file)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise FactsError(Text(f"mục {i} không phải một bản ghi (khóa: giá trị)", f"entry {i} is not a mapping"), file=file)
    return items


def _validated(item: dict[str, Any]) -> School | Cluster | Staff | Unit:
    """The entity its ``kind`` names, validated by that model. Each model's validator is built with its class;
    a ``TypeAdapter`` over the union would build them all again at import (a tenth of a second of every
    one-school run), so it is made only to word the error of a missing or unknown kind."""
    match item.get("kind"):
        case "school":
            return School.model_validate(item)
        case "cluster":
            return Cluster.model_validate(item)
        case "staff":
            return Staff.model_validate(item)
        case "unit":
            return Unit.model_validate(item)
        case _:
            entity: School | Cluster | Staff | Unit = TypeAdapter(Entity).validate_python(item)
            return entity


def parse_entity(item: dict[str, Any], file: str | None = None) -> School | Cluster | Staff | Unit:
    """Validate one entity mapping, raising FactsError naming the entity id and field path."""
    try:
        return _validated(item)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])  # from the kind's own model: no union tag in front
        entity = str(item.get("id", "?"))
        path = pydantic_location(tuple(loc))
        # Name the nested entity too (e.g. the staff member inside a school).
        node: Any = item
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and "id" in node and node is not item:
                entity = f"{item.get('id', '?')}/{node['id']}"
        msg = _unknown_field(loc[-1]) if err["type"] == "extra_forbidden" and loc else \
            validation_text({**err, "loc": tuple(loc)}, item.get("kind"))
        raise FactsError(msg, file=file, entity=entity, field=path or None) from None


def load_facts(*paths: str | Path) -> Facts:
    """Read every facts file under the given paths into one ``Facts``; nothing is half-loaded."""
    facts, errors = _load(paths, keep_going=False)
    return facts


def load_facts_keep_going(*paths: str | Path) -> tuple[Facts, list[FactsError]]:
    """Like ``load_facts`` but a bad file or entity is set aside (and returned) instead of stopping the rest."""
    return _load(paths, keep_going=True)


def _load(paths: Iterable[str | Path], keep_going: bool) -> tuple[Facts, list[FactsError]]:
    entities: list[Any] = []
    origin: dict[str, str] = {}
    errors: list[FactsError] = []
    notes: list[str] = []
    for f in _files(paths):
        if f.suffix.lower() in SHEET_SUFFIXES:
            got = read_spreadsheet(f, keep_going)
            errors.extend(got.errors)
            notes.extend(got.notes)
            for item in got.items:
                _admit(partial(_parse_located, item, got, str(f)), str(f), keep_going, entities, origin, errors)
            continue
        try:
            size = f.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FactsError(
                    f"file too large ({size / 1024 / 1024:.0f} MB > {MAX_FILE_BYTES // 1024 // 1024} MB limit); "
                    "split it into several files / tệp quá lớn, hãy tách thành nhiều tệp", file=str(f))
            items = _entities_in(read_data(f, FactsError), str(f))
        except FactsError as exc:
            if not keep_going:
                raise
            errors.append(exc)
            continue
        for item in items:
            _admit(partial(parse_entity, item, str(f)), str(f), keep_going, entities, origin, errors)
    facts = Facts.of(entities)
    facts.origin.update(origin)
    facts.notes.extend(notes)
    return facts, errors


def _admit(parse: Callable[[], School | Cluster | Staff | Unit], file: str, keep_going: bool, entities: list[Any],
           origin: dict[str, str], errors: list[FactsError]) -> None:
    """Parse one entity and add it, refusing an id already read; with ``keep_going`` a bad one is set aside."""
    try:
        e = parse()
        if e.id in origin:
            raise FactsError(Text(f"mã đối tượng trùng (lần đầu ở {origin[e.id]})", f"duplicate entity id (first in {origin[e.id]})"), file=file, entity=e.id)
    except FactsError as exc:
        if not keep_going:
            raise
        errors.append(exc)
        return
    origin[e.id] = file
    entities.append(e)


def _parse_located(item: dict[str, Any], got: Read, file: str) -> School | Cluster | Staff | Unit:
    """``parse_entity`` for a spreadsheet entity: an error names the sheet and row of the entity it is about."""
    try:
        return parse_entity(item, file)
    except FactsError as exc:
        entity = (exc.entity or "").rsplit("/", 1)[-1]
        if entity not in got.where:
            raise
        table, row = got.where[entity]
        name = (exc.field or "").rsplit(".", 1)[-1]
        column = table.columns.get(name)
        raise SheetError(exc.message, file=file, sheet=table.sheet, row=row.number,
                         column=column[0].header if column else None, letter=column[1] if column else None,
                         entity=exc.entity) from None


def facts_json_schema() -> dict[str, Any]:
    """JSON Schema of a facts file: one entity, a list of entities, or ``{schema_version, entities: [...]}``.

    It is generated from the same models the loader validates with; what it cannot say (ids unique within
    a file, a staff member's unit among the school's units) the loader checks on top. The union is the three
    shapes the loader reads (``_entities_in``), built here so that a run that prints no schema does not pay for it.
    """
    schema = _spellings(_shared_conferred(TypeAdapter(FactsDocument | Entity | list[Entity]).json_schema()))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "chuan_engine facts file"
    return schema


def _shared_conferred(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a conferred title or reward (models._conferred_schema, a long spelling pattern) once in
    ``$defs``, referred to from every ``titles`` and ``rewards`` list, instead of inline six times."""
    shared: dict[str, Any] = {}

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            title = node.get("title")
            if isinstance(title, str) and title.startswith("Conferred") and "anyOf" in node:
                shared[title] = node
                return {"$ref": f"#/$defs/{title}"}
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    out: dict[str, Any] = visit(schema)
    out.setdefault("$defs", {}).update(shared)
    return out


def _spellings(schema: dict[str, Any]) -> dict[str, Any]:
    """Beside each vocabulary's codes and aliases (its ``enum``, listed in the docs), the spellings the loader
    folds onto them (case, diacritics, NFC or NFD: ``HTTNV``, ``Khiển trách``), as ``<Name>Spelling``, so that the
    schema accepts what the loader reads (issue 12: one fact contract)."""
    defs = schema.setdefault("$defs", {})
    refs: dict[str, dict[str, Any]] = {}
    for name, vocab in VOCABULARIES.items():
        if name in defs and "enum" in defs[name]:
            keys = [m.value for m in vocab] + list(getattr(vocab, "_aliases", {}))
            defs[f"{name}Spelling"] = {
                "type": "string", "title": f"{name}Spelling", "pattern": spelling_pattern(keys),
                "description": (f"Cách viết khác của một mục {name} mà bộ đọc chấp nhận (hoa hoặc thường, có hoặc "
                                f"không dấu, NFC hoặc NFD) / a spelling of a {name} the loader reads (any case, with "
                                f"or without diacritics, NFC or NFD)")}
            refs[f"#/$defs/{name}"] = {"anyOf": [{"$ref": f"#/$defs/{name}"},
                                                 {"$ref": f"#/$defs/{name}Spelling"}]}

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"$ref"} and node["$ref"] in refs:
                return refs[node["$ref"]]
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    out: dict[str, Any] = visit(schema)
    return out
