"""Function calls of the expression language: aggregates over collections and helpers.

Aggregates are three-valued: an element whose condition is unknown makes a
count unknown, but ``any`` is true as soon as one element is true and
``all`` false as soon as one is false (Kleene). ``share`` always records its
numerator and denominator, because a share of lecturers is not a share of
all staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import FUNCTIONS, Form, GapShape, Law, Op, Tally
from ..report.trace import Step
from .views import View

if TYPE_CHECKING:
    from .explain import Evaluation

MAX_LISTED = 25


def call(ev: Evaluation, node: ast.Call, view: View, text: str) -> tuple[Any, Step]:
    """A function call, by its entry in the operator table (lang/ops): the kernel decides, this traces."""
    src = text[node.pos:node.end]
    op = FUNCTIONS[node.func]
    match op.form:
        case Form.TALLY | Form.FOLD | Form.FILTER | Form.STREAK:
            return _aggregate(ev, op, node, view, text, src)
        case Form.WINDOW:
            coll, coll_step = ev.value_of(node.args[0], view, text)
            n, n_step = ev.value_of(node.args[1], view, text)
            if coll is UNKNOWN or n is UNKNOWN:  # Law.WINDOW
                return UNKNOWN, Step(src, UNKNOWN, [coll_step, n_step])
            kept = [coll[i] for i in op.scalar(view.on.year, [i.on.year for i in coll], n)]
            return kept, Step(src, kept, [coll_step, n_step], {"years": [i.on.year for i in kept]})
        case Form.FIRST_KNOWN | Form.BRANCH | Form.KNOWN:
            steps: list[Step] = []

            def arg(i: int) -> Any:
                v, s = ev.value_of(node.args[i], view, text)
                steps.append(s)
                return v

            out = op.scalar(arg, len(node.args))
            return out, Step(src, out, steps)
    args = [ev.value_of(a, view, text) for a in node.args]
    values = [a[0] for a in args]
    steps = [a[1] for a in args]
    if any(v is UNKNOWN for v in values):  # Law.STRICT
        return UNKNOWN, Step(src, UNKNOWN, steps)
    out = op.scalar(view.on, *values)
    return out, Step(src, out, steps)


def _aggregate(ev: Evaluation, op: Op, node: ast.Call, view: View, text: str, src: str) -> tuple[Any, Step]:
    coll, coll_step = ev.value_of(node.args[0], view, text)
    if coll is UNKNOWN:
        return UNKNOWN, Step(src, UNKNOWN, [coll_step], {"missing": coll_step.text})
    items: list[View] = coll
    out: Any
    if len(node.args) == 1:  # count(list): every element counts
        out = op.scalar(Tally(len(items), 0, 0, len(items)))
        return out, Step(src, out, [coll_step], {"denominator": len(items)})
    arg = node.args[1]
    values: list[Any] = [ev.value_of(arg, item, text)[0] for item in items]
    unknown_ids = [i.model.id for i, v in zip(items, values, strict=True) if v is UNKNOWN]
    detail: dict[str, Any] = {}
    children = [coll_step]
    if unknown_ids:
        detail["unknown"] = len(unknown_ids)
        detail["unknown_ids"] = unknown_ids[:MAX_LISTED]
        detail["missing"] = f"{text[arg.pos:arg.end]} ({len(unknown_ids)})"
    match op.form:
        case Form.TALLY | Form.FILTER:
            tally = Tally(sum(v is True for v in values), sum(v is False for v in values), len(unknown_ids),
                          len(items))
            if op.law in (Law.TALLY, Law.SHARE):  # the laws that count elements record the counts
                detail.update({"numerator": tally.true, "denominator": tally.total})
            if op.gap is GapShape.SHARE:
                detail["not_meeting"] = [i.model.id for i, v in zip(items, values, strict=True) if v is False][
                    :MAX_LISTED]
            out = op.scalar(items, values) if op.form is Form.FILTER else op.scalar(tally)
        case Form.FOLD:
            out = UNKNOWN if unknown_ids else op.scalar(values)
        case _:  # Form.STREAK (the optional n is read where the call is, not on each element)
            cap: list[Any] = []
            if len(node.args) == 3:
                n, n_step = ev.value_of(node.args[2], view, text)
                cap.append(n)
                children.append(n_step)
            out, counted, broken_by = op.scalar([i.on.year for i in items], values, *cap)
            if broken_by is not None:
                detail["broken_by"] = broken_by
            detail["years"] = sorted(counted)
            if out is not UNKNOWN:
                detail.pop("missing", None)
    return out, Step(src, out, children, detail)
