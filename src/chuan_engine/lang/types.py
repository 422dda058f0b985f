"""Static types of the expression language and the record schemas facts expose.

The record schemas are derived from the pydantic fact models, so a new field
in a model is immediately readable by rules and checked at pack load.
"""

from __future__ import annotations

import datetime as dt
import types as pytypes
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from ..facts import models
from ..facts.vocab import OrderedVocab


@dataclass(frozen=True, slots=True)
class Type:
    kind: str  # num | bool | str | date | enum | list | record | any
    vocab: type[OrderedVocab] | None = None
    item: Type | None = None  # element type of a list
    record: str | None = None  # record kind of a record

    def __str__(self) -> str:
        if self.kind == "enum" and self.vocab is not None:
            return f"enum {self.vocab.__name__}"
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item}"
        if self.kind == "record":
            return f"{self.record}"
        return self.kind


NUM = Type("num")
BOOL = Type("bool")
STR = Type("str")
DATE = Type("date")
ANY = Type("any")


def enum(vocab: type[OrderedVocab]) -> Type:
    return Type("enum", vocab=vocab)


def list_of(item: Type) -> Type:
    return Type("list", item=item)


def record(kind: str) -> Type:
    return Type("record", record=kind)


DECLARED_TYPES: dict[str, Type] = {
    "number": NUM,
    "integer": NUM,
    "ratio": NUM,
    "share": NUM,  # a ratio within [0, 1] (a part of a whole), checked on input
    "bool": BOOL,
    "text": STR,
    "date": DATE,
}


def _strip(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, pytypes.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None
            annotation = args[0]
        else:
            return annotation


_MODEL_RECORDS: dict[type[BaseModel], str] = {
    models.Initiative: "initiative",
    models.Research: "research",
    models.Staff: "staff",
    models.Unit: "unit",
    models.School: "school",
}


def type_of_annotation(annotation: Any) -> Type | None:
    ann = _strip(annotation)
    if ann is None:
        return None
    if ann is bool:
        return BOOL
    if ann in (int, float):
        return NUM
    if ann is str:
        return STR
    if ann is dt.date:
        return DATE
    if isinstance(ann, type) and issubclass(ann, OrderedVocab):
        return enum(ann)
    if get_origin(ann) is list:
        (inner,) = get_args(ann)
        inner_t = type_of_annotation(inner)
        if inner_t is not None:
            return list_of(inner_t)
        inner = _strip(inner)
        if inner in _MODEL_RECORDS:
            return list_of(record(_MODEL_RECORDS[inner]))
    return None


def _fields(model: type[BaseModel], skip: set[str]) -> dict[str, Type]:
    out: dict[str, Type] = {}
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        t = type_of_annotation(info.annotation)
        if t is not None:
            out[name] = t
    return out


_SKIP = {"inputs", "years", "kind"}

# Fields of the entity itself, fields of its record for the evaluation year, and links.
ENTITY_FIELDS: dict[str, dict[str, Type]] = {
    "school": _fields(models.School, _SKIP | {"units", "staff", "research"}),
    "unit": _fields(models.Unit, _SKIP),
    "staff": _fields(models.Staff, _SKIP | {"initiatives", "research"}),
    "cluster": _fields(models.Cluster, _SKIP),
    "initiative": _fields(models.Initiative, set()),
    "research": _fields(models.Research, set()),
}
YEAR_FIELDS: dict[str, dict[str, Type]] = {
    "school": _fields(models.SchoolYear, {"inputs"}),
    "unit": _fields(models.UnitYear, {"inputs"}),
    "staff": _fields(models.StaffYear, {"inputs"}),
    "cluster": _fields(models.SchoolYear, {"inputs"}),
}
LINKS: dict[str, dict[str, Type]] = {
    "school": {
        "staff": list_of(record("staff")),
        "units": list_of(record("unit")),
        "research": list_of(record("research")),
        "history": list_of(record("school")),
    },
    "unit": {
        "members": list_of(record("staff")),
        "history": list_of(record("unit")),
        "school": record("school"),
    },
    "staff": {
        "initiatives": list_of(record("initiative")),
        "research": list_of(record("research")),
        "history": list_of(record("staff")),
        "unit": record("unit"),
        "school": record("school"),
    },
    "cluster": {
        "schools": list_of(record("school")),
        "history": list_of(record("cluster")),
    },
    "initiative": {},
    "research": {},
}
BUILTIN_NAMES: dict[str, Type] = {"eval_year": NUM, "eval_date": DATE}

SUBJECT_KINDS = ("school", "unit", "staff", "cluster")


def fact_field_type(kind: str, name: str) -> Type | None:
    """The type of a fact (year field, entity field or link) readable in a record of ``kind``."""
    for table in (YEAR_FIELDS.get(kind, {}), ENTITY_FIELDS[kind], LINKS[kind]):
        if name in table:
            return table[name]
    return None


def fact_names(kind: str) -> list[str]:
    names = set(ENTITY_FIELDS[kind]) | set(YEAR_FIELDS.get(kind, {})) | set(LINKS[kind])
    return sorted(names)
