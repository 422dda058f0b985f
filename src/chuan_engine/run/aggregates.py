"""Function calls of the expression language: aggregates over collections and helpers.

Aggregates are three-valued: an element whose condition is unknown makes a
count unknown, but ``any`` is true as soon as one element is true and
``all`` false as soon as one is false (Kleene). ``share`` always records its
numerator and denominator, because a share of lecturers is not a share of
all staff.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..lang import ast
from ..lang.logic import UNKNOWN, k_all, k_any
from ..report.trace import Step
from .views import View

if TYPE_CHECKING:
    from .explain import Evaluation

MAX_LISTED = 25


def _years(d1: dt.date, d2: dt.date) -> int:
    years = d2.year - d1.year
    if (d2.month, d2.day) < (d1.month, d1.day):
        years -= 1
    return years


def call(ev: Evaluation, node: ast.Call, view: View, text: str) -> tuple[Any, Step]:
    src = text[node.pos:node.end]
    f = node.func
    if f in ("count", "share", "sum", "min", "max", "any", "all", "filter", "streak"):
        return _aggregate(ev, node, view, text, src)
    if f == "coalesce":
        steps = []
        for arg in node.args:
            v, s = ev.value_of(arg, view, text)
            steps.append(s)
            if v is not UNKNOWN:
                return v, Step(src, v, steps)
        return UNKNOWN, Step(src, UNKNOWN, steps)
    if f == "if":
        c, sc = ev.value_of(node.args[0], view, text)
        if c is UNKNOWN:
            return UNKNOWN, Step(src, UNKNOWN, [sc])
        v, sv = ev.value_of(node.args[1] if c else node.args[2], view, text)
        return v, Step(src, v, [sc, sv])
    if f == "known":
        v, s = ev.value_of(node.args[0], view, text)
        return (v is not UNKNOWN), Step(src, v is not UNKNOWN, [s])
    args = [ev.value_of(a, view, text) for a in node.args]
    values = [a[0] for a in args]
    steps = [a[1] for a in args]
    if any(v is UNKNOWN for v in values):
        return UNKNOWN, Step(src, UNKNOWN, steps)
    if f == "months_since":
        d = values[0]
        out: Any = (view.on.year - d.year) * 12 + (view.on.month - d.month) - (1 if view.on.day < d.day else 0)
    elif f == "years_since":
        out = _years(values[0], view.on)
    elif f == "in_window":
        year, n = values
        out = view.on.year - n < year <= view.on.year
    elif f == "abs":
        out = abs(values[0])
    else:  # pragma: no cover - the checker rejects unknown functions
        raise AssertionError(f)
    return out, Step(src, out, steps)


def _aggregate(ev: Evaluation, node: ast.Call, view: View, text: str, src: str) -> tuple[Any, Step]:
    f = node.func
    coll, coll_step = ev.value_of(node.args[0], view, text)
    if coll is UNKNOWN:
        return UNKNOWN, Step(src, UNKNOWN, [coll_step], {"missing": coll_step.text})
    items: list[View] = coll
    if len(node.args) == 1:  # count(list)
        return len(items), Step(src, len(items), [coll_step], {"denominator": len(items)})
    arg = node.args[1]
    values: list[Any] = []
    for item in items:
        v, _ = ev.value_of(arg, item, text)
        values.append(v)
    unknown_ids = [i.model.id for i, v in zip(items, values, strict=True) if v is UNKNOWN]
    detail: dict[str, Any] = {}
    if unknown_ids:
        detail["unknown"] = len(unknown_ids)
        detail["unknown_ids"] = unknown_ids[:MAX_LISTED]
        detail["missing"] = f"{text[arg.pos:arg.end]} ({len(unknown_ids)})"
    out: Any
    if f in ("count", "share", "filter"):
        hits = [i for i, v in zip(items, values, strict=True) if v is True]
        misses = [i.model.id for i, v in zip(items, values, strict=True) if v is False]
        detail.update({"numerator": len(hits), "denominator": len(items)})
        if f == "share":
            detail["not_meeting"] = misses[:MAX_LISTED]
        if unknown_ids:
            out = UNKNOWN
        elif f == "count":
            out = len(hits)
        elif f == "share":
            out = UNKNOWN if not items else len(hits) / len(items)
        else:
            out = hits
    elif f in ("sum", "min", "max"):
        if unknown_ids or (f != "sum" and not values):
            out = UNKNOWN
        else:
            out = {"sum": sum, "min": min, "max": max}[f](values) if values else 0
    elif f == "any":
        out = k_any(values)
    elif f == "all":
        out = k_all(values)
    else:  # streak: consecutive years, counted back from the evaluation year
        counted: list[int] = []
        out = None
        for item, v in zip(reversed(items), reversed(values), strict=True):
            if v is True:
                counted.append(item.on.year)
                continue
            out = UNKNOWN if v is UNKNOWN else len(counted)
            if v is False:
                detail["broken_by"] = item.on.year
            break
        if out is None:
            out = len(counted)
        detail["years"] = sorted(counted)
        if out is not UNKNOWN:
            detail.pop("missing", None)
    return out, Step(src, out, [coll_step], detail)
