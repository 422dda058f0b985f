"""The parts of an indicator's measure (numerator and denominator, or the two operands of a ratio),
read from the evaluation's own steps for the gap analysis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import BINARY, FUNCTIONS, GapShape
from ..pack.plan import Plan, Rule
from ..report.outcome import MeasureParts
from ..report.trace import Step

SHAPED = (GapShape.SHARE, GapShape.COUNT, GapShape.RATIO)

# (view kind, variable name) -> the step of the variable's formula in this evaluation, None if supplied as input
FormulaStep = Callable[[str], Step | None]


def gap_shape(node: ast.Node) -> GapShape:
    """The gap shape the operator table gives the node's operator (value for any other node)."""
    match node:
        case ast.Call(func=func):
            op = FUNCTIONS.get(func)
        case ast.Binary(op=name):
            op = BINARY.get(name)
        case _:
            op = None
    return op.gap if op is not None and op.gap in SHAPED else GapShape.VALUE


def measure_parts(pack: Plan, rule: Rule, kind: str, step: Step | None, formula_step: FormulaStep) -> MeasureParts:
    """Follow the measure through the variables that compute it, alongside the steps that computed them.

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
    shape = gap_shape(node)
    if step is None or shape is GapShape.VALUE:
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
