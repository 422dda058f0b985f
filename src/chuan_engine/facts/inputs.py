"""Figures supplied directly for a pack variable (``inputs``), checked against the type the pack declares.

The facts models cannot know which inputs a pack reads, so this check runs once a pack is chosen, before
any rule is evaluated: a variable declared ``type: share`` must lie in [0, 1] (85 for 85 % is refused with
the way to write it; a ``ratio`` such as a completion rate of 1.05 may exceed 1), an ``integer`` is a count
(a whole number of at least 0), a number is finite, a flag is true/false, and an input whose name is a near
miss of one the pack declares for that kind of entity is taken for a misspelling. Every error names the file, the entity (once)
and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import FactsError
from .models import ISO_DATE
from .store import Facts

# (subject, variable name) -> the type the pack declares for it (None when only inferred from a formula).
Declared = Mapping[tuple[str, str], str | None]


def _is_iso_date(text: str) -> bool:
    if re.fullmatch(ISO_DATE, text) is None:
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def input_problem(declared: str | None, value: Any) -> str | None:
    """Why a value cannot be an input of a variable of this declared type, or None when it can."""
    if value is None:  # null says "not known": the variable is unknown
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    match declared:
        case "share":
            if not number or not math.isfinite(value):
                return f"tỷ lệ phải là một số từ 0 đến 1 / a share must be a number from 0 to 1: {value!r}"
            if 1 < value <= 100:
                return (f"{value!r} trông như phần trăm: tỷ lệ viết từ 0 đến 1, ví dụ 0.85 cho 85 % / "
                        f"{value!r} looks like a percentage: write a share from 0 to 1, e.g. 0.85 for 85 %")
            if not 0 <= value <= 1:
                return f"tỷ lệ phải từ 0 đến 1 / a share must be from 0 to 1: {value!r}"
        case "integer":  # every integer a pack declares is a count (topics, classes, initiatives)
            if not number or not math.isfinite(value):
                return f"phải là một số / must be a number: {value!r}"
            if value < 0 or value != int(value):
                return (f"số lượng phải là số nguyên không âm / a count must be a whole number of at least 0: "
                        f"{value!r}")
        case "number" | "ratio":
            if not number or not math.isfinite(value):
                return f"phải là một số / must be a number: {value!r}"
        case "bool":
            if not isinstance(value, bool):
                return f"phải là true hoặc false / must be true or false: {value!r}"
        case "text":
            if not isinstance(value, str):
                return f"phải là văn bản / must be text: {value!r}"
        case "date":
            if isinstance(value, dt.date) or (isinstance(value, str) and _is_iso_date(value)):
                return None
            return f"không phải ngày, hãy viết YYYY-MM-DD / not a date (write YYYY-MM-DD): {value!r}"
    return None


def _records(facts: Facts) -> Iterator[tuple[str, str, str, str, Mapping[str, Any]]]:
    """(top-level id, entity label, kind, field prefix, inputs) for every entity and year record."""
    for kind, model, school in facts.entities():
        top = school.id if school is not None and school.id != "_loose" else model.id
        label = f"{school.id}/{model.id}" if school is not None and school.id != "_loose" else model.id
        yield top, label, kind, "inputs", model.inputs
        for rec in model.years or []:
            yield top, label, kind, f"years[{rec.year}].inputs", rec.inputs


def input_errors(facts: Facts, declared: Declared) -> list[tuple[str, FactsError]]:
    """Every misspelt input name, or input whose value its declared type refuses, with the id of
    the top-level entity it belongs to (so a caller that keeps going can set that entity aside)."""
    names: dict[str, list[str]] = {}
    for subject, name in declared:
        names.setdefault(subject, []).append(name)
    out: list[tuple[str, FactsError]] = []
    for top, label, kind, prefix, inputs in _records(facts):
        for name, value in inputs.items():
            if (kind, name) not in declared:
                # A facts file may carry inputs for several packs: only a near miss of a declared name is
                # taken for a misspelling (and refused with the name meant).
                close = difflib.get_close_matches(name, names.get(kind, []), n=1, cutoff=0.85)
                problem = (f"bộ quy tắc không có biến '{name}' cho {kind}; có phải là '{close[0]}'? / the pack has "
                           f"no {kind} variable '{name}'; did you mean '{close[0]}'?") if close else None
            else:
                problem = input_problem(declared[(kind, name)], value)
            if problem is not None:
                out.append((top, FactsError(problem, file=facts.origin.get(top), entity=label,
                                            field=f"{prefix}.{name}")))
    return out
