"""What a pack reads, from its compiled plan: the names its rules and variables use, and the sheets they need."""

from __future__ import annotations

from ..facts.headers import FRAMES, Frame
from ..lang import ast
from ..pack.plan import Expression, Plan, Variable


def _expressions(plan: Plan) -> list[Expression]:
    out = [e for rule in plan.rules for _, e in rule.expressions()]
    out += [v.formula for v in plan.variables.values() if v.formula is not None]
    return out


def names_read(plan: Plan) -> set[str]:
    """Every field or link name a rule or variable formula of the pack mentions."""
    names: set[str] = set()
    for expr in _expressions(plan):
        for node in ast.walk(expr.tree):
            match node:
                case ast.Name(name=name) | ast.Attr(name=name):
                    names.add(name)
                case _:
                    pass
    return names


def input_variables(plan: Plan, kind: str) -> list[Variable]:
    """The pack's input-only variables of a kind (no formula): figures the workbook supplies."""
    return [v for (k, _), v in sorted(plan.variables.items()) if k == kind and v.formula is None]


_LINKS = {"unit": {"units", "members", "unit"}, "staff": {"staff", "members"}, "initiative": {"initiatives"},
          "research": {"research"}}


def frames_read(plan: Plan) -> list[Frame]:
    """The sheets a pack needs: the school always (it holds the rest), the kinds it judges, the records it reads."""
    names = names_read(plan)
    kinds = {r.subject for r in plan.rules} | {k for k, _ in plan.variables} | {"school"}
    kinds |= {kind for kind, links in _LINKS.items() if links & names}
    return [f for f in FRAMES if f.kind in kinds]
