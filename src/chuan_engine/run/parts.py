"""The parts of an indicator's measure (numerator and denominator, or the two operands of a ratio),
read from the evaluation's own steps for the gap analysis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import GapShape
from ..pack.plan import Plan, Rule
from ..report.outcome import MeasureParts
from ..report.trace import Step

# a variable's name -> the step of its formula in this evaluation, None if supplied as an input
FormulaStep = Callable[[str], Step | None]


def measure_parts(pack: Plan, rule: Rule, kind: str, step: Step | None, formula_step: FormulaStep) -> MeasureParts:
    """Follow the measure through the variables that compute it, alongside the steps that computed them
    (the shape is the plan's, ``Rule.shape``).

    ``step`` is the measure's step; ``formula_step(name)`` the step of a variable's formula (None when the
    value was supplied as an input: then the shape is kept, the numbers are not).
    """
    assert rule.measure is not None
    node = rule.measure.tree
    seen: set[str] = set()
    while isinstance(node, ast.Name) and node.name not in seen:
        seen.add(node.name)
        var = pack.variables.get((kind, node.name))
        if var is None or var.formula is None:
            break
        step = formula_step(node.name) if step is not None else None
        node = var.formula.tree
    assert rule.shape is not None  # the plan compiled the measure's shape (pack/plan.py)
    shape = rule.shape.kind
    if step is None or shape in (GapShape.VALUE, GapShape.NONE):
        return MeasureParts(shape.value)
    if shape is GapShape.RATIO:
        if len(step.children) != 2:
            return MeasureParts(shape.value)
        return MeasureParts(shape.value, _number(step.children[0].value), _number(step.children[1].value))
    return MeasureParts(shape.value, step.detail.get("numerator"), step.detail.get("denominator"))


def _number(v: Any) -> int | float | None:
    if v is UNKNOWN or isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v
