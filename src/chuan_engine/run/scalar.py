"""The scalar algebra: plain Python values of one entity, each with its trace step (the explaining path).

Aggregates are three-valued: an element whose condition is unknown makes a count or share a range (known
true up to known true + unknown, ``Range``), which a comparison decides when the whole range falls on one
side; ``any`` is true as soon as one element is true and ``all`` false as soon as one is false (Kleene).
``share`` always records its numerator and denominator, because a share of lecturers is not a share of all
staff. The tracer records steps only when asked: without it every step is the shared ``NO_STEP``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, NamedTuple, TypeVar

from ..errors import EvaluationError
from ..facts.vocab import OrderedVocab
from ..lang import ast
from ..lang.logic import UNKNOWN, Range, undecided
from ..lang.ops import Form, GapShape, Law, Op, Tally, compare
from ..pack.plan import Plan, Rule
from ..report.outcome import Outcome
from ..report.trace import Step
from .interpreter import Walk
from .views import View

T = TypeVar("T")
MAX_LISTED = 25
NO_STEP = Step("", None)
"""The step of every value when the tracer does not record (never shown: no explanation is built)."""


class At(NamedTuple):
    """Where a scalar expression is evaluated: an entity's view and the source text of the expression."""

    view: View
    text: str


Traced = tuple[Any, Step]


class ScalarAlgebra:
    """Values and trace steps; the name, rule and variable resolution is the evaluation's (run/explain.py)."""

    pack: Plan
    tracing: bool = True

    def rule_outcome(self, rule: Rule, view: View) -> Outcome:
        raise NotImplementedError

    def lookup(self, view: View, name: str) -> tuple[Any, dict[str, Any]]:
        raise NotImplementedError

    def value(self, view: View, name: str) -> Any:
        raise NotImplementedError

    def quietly(self, compute: Callable[[], T]) -> T:
        """``compute()`` without recording steps: for values whose steps no explanation shows (the elements
        of an aggregate, a rule read by ``@``: only its outcome is shown)."""
        if not self.tracing:
            return compute()
        self.tracing = False
        try:
            return compute()
        finally:
            self.tracing = True

    def step(self, node: ast.Node, ctx: At, value: Any, children: list[Step] | None = None,
             detail: dict[str, Any] | None = None) -> Step:
        if not self.tracing:
            return NO_STEP
        return Step(ctx.text[node.pos:node.end], value, [] if children is None else children,
                    {} if detail is None else detail)

    def around(self, node: ast.Node, ctx: At, ranged: bool, walk: Walk[Traced, At]) -> Traced:
        try:
            value, step = walk(self, node, ctx)
        except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            # Values the checker could not type (parameters are untyped) and that do not fit the
            # operation: an error for this entity, never a traceback.
            raise EvaluationError(f"cannot evaluate '{ctx.text[node.pos:node.end]}': {exc}",
                                  where=f"{ctx.view.kind} '{ctx.view.model.id}'") from None
        if isinstance(value, Range) and not ranged:
            if self.tracing:
                step = Step(step.text, UNKNOWN, step.children, step.detail | {"range": value.text})
            return UNKNOWN, step
        return value, step

    # -- leaves --------------------------------------------------------------------------------
    def literal(self, node: ast.Literal, ctx: At) -> Traced:
        return node.value, self.step(node, ctx, node.value)

    def list_of(self, node: ast.ListLit, ctx: At, items: list[Traced]) -> Traced:
        values = [v for v, _ in items]
        return values, self.step(node, ctx, values)

    def param(self, node: ast.Param, ctx: At) -> Traced:
        pv = self.pack.parameters.at(node.name, ctx.view.on)
        if not self.tracing:
            return pv.value, NO_STEP
        return pv.value, Step(f"${node.name}", pv.value, detail={
            "from": pv.start, "source": pv.source, "provenance": pv.provenance.value})

    def rule_ref(self, node: ast.RuleRef, ctx: At) -> Traced:
        view = ctx.view
        rule = self.pack.resolve(node.name, view.on)
        if rule is None:
            return UNKNOWN, Step(f"@{node.name}", UNKNOWN, detail={
                "missing": f"@{node.name}", "note": f"no regime in force on {view.on.isoformat()}"})
        outcome = self.rule_outcome(rule, view)
        value = {Outcome.passed: True, Outcome.failed: False}.get(outcome, UNKNOWN)
        if not self.tracing:
            return value, NO_STEP
        detail: dict[str, Any] = {"rule": rule.id, "outcome": outcome.value, "year": view.on.year}
        if value is UNKNOWN:
            detail["missing"] = f"@{node.name}"
        return value, Step(f"@{node.name}", value, detail=detail)

    def name(self, node: ast.Name, ctx: At) -> Traced:
        if not self.tracing:
            return self.value(ctx.view, node.name), NO_STEP
        value, detail = self.lookup(ctx.view, node.name)
        if undecided(value):
            detail.setdefault("missing", f"{ctx.view.kind}.{node.name}")
        return value, Step(node.name, value, detail=detail)

    def attr(self, node: ast.Attr, ctx: At, obj: Traced) -> Traced:
        view, step = obj
        if view is UNKNOWN:
            return UNKNOWN, self.step(node, ctx, UNKNOWN, [step])
        if not self.tracing:
            value = self.value(view, node.name)
            return (UNKNOWN if isinstance(value, Range) else value), NO_STEP
        value, detail = self.lookup(view, node.name)
        if isinstance(value, Range):  # another entity's range reads as unknown (as the column algebra's gather)
            detail = detail | {"range": value.text}
            value = UNKNOWN
        if value is UNKNOWN:
            detail.setdefault("missing", f"{view.kind}.{node.name}")
        return value, self.step(node, ctx, value, [step], detail)

    # -- operators -------------------------------------------------------------------------------
    def negation(self, op: Op, node: ast.Unary, ctx: At, v: Traced) -> Traced:
        out = op.scalar(v[0])
        return out, self.step(node, ctx, out, [v[1]])

    def negative(self, op: Op, node: ast.Unary, ctx: At, v: Traced) -> Traced:
        out = UNKNOWN if v[0] is UNKNOWN else op.scalar(v[0])  # Law.STRICT
        return out, self.step(node, ctx, out, [v[1]])

    def decides(self, a: Traced, dominant: bool) -> bool:
        return a[0] is dominant

    def short_circuit(self, node: ast.Binary, ctx: At, a: Traced) -> Traced:
        return a[0], self.step(node, ctx, a[0], [a[1]], {"short_circuit": True})

    def logic(self, op: Op, node: ast.Binary, ctx: At, a: Traced, b: Traced) -> Traced:
        out = op.scalar(a[0], b[0])
        return out, self.step(node, ctx, out, [a[1], b[1]])

    def arithmetic(self, op: Op, node: ast.Binary, ctx: At, a: Traced, b: Traced) -> Traced:
        out = UNKNOWN if a[0] is UNKNOWN or b[0] is UNKNOWN else op.scalar(a[0], b[0])
        return out, self.step(node, ctx, out, [a[1], b[1]])

    def comparison(self, op: Op, node: ast.Binary, ctx: At, a: Traced, b: Traced) -> Traced:
        x, y = a[0], b[0]
        out = UNKNOWN if x is UNKNOWN or y is UNKNOWN else compare(node.op, x, coerce_like(x, y))
        return out, self.step(node, ctx, out, [a[1], b[1]])

    def membership(self, op: Op, node: ast.Binary, ctx: At, a: Traced, b: Traced) -> Traced:
        x, items = a[0], b[0]
        if x is UNKNOWN or items is UNKNOWN:
            out = UNKNOWN
        else:
            out = op.scalar(any(compare("==", x, coerce_like(x, i)) is True for i in items))
        return out, self.step(node, ctx, out, [a[1], b[1]])

    # -- calls ------------------------------------------------------------------------------------
    def strict_call(self, op: Op, node: ast.Call, ctx: At, args: list[Traced]) -> Traced:
        values = [v for v, _ in args]
        out = UNKNOWN if any(v is UNKNOWN for v in values) else op.scalar(ctx.view.on, *values)
        return out, self.step(node, ctx, out, [s for _, s in args])

    def window(self, op: Op, node: ast.Call, ctx: At, coll: Traced, n: Traced) -> Traced:
        if coll[0] is UNKNOWN or n[0] is UNKNOWN:  # Law.WINDOW
            return UNKNOWN, self.step(node, ctx, UNKNOWN, [coll[1], n[1]])
        items = coll[0]
        kept = [items[i] for i in op.scalar(ctx.view.on.year, [i.on.year for i in items], n[0])]
        return kept, self.step(node, ctx, kept, [coll[1], n[1]], {"years": [i.on.year for i in kept]})

    def lazy(self, op: Op, node: ast.Call, ctx: At, arg: Callable[[int], Traced]) -> Traced:
        steps: list[Step] = []

        def value(i: int) -> Any:
            v, s = arg(i)
            steps.append(s)
            return v

        out = op.scalar(value, len(node.args))
        return out, self.step(node, ctx, out, steps)

    def aggregate(self, op: Op, node: ast.Call, ctx: At, coll: Traced, each: Callable[[At], Traced] | None,
                  cap: Callable[[], Traced] | None) -> Traced:
        items, coll_step = coll
        if items is UNKNOWN:
            return UNKNOWN, self.step(node, ctx, UNKNOWN, [coll_step], {"missing": coll_step.text})
        out: Any
        if each is None:  # count(list): every element counts
            out = op.scalar(Tally(len(items), 0, 0, len(items)))
            return out, self.step(node, ctx, out, [coll_step], {"denominator": len(items)})
        values: list[Any] = self.quietly(lambda: [each(At(item, ctx.text))[0] for item in items])
        n_unknown = sum(v is UNKNOWN for v in values)
        detail: dict[str, Any] = {}
        children = [coll_step]
        if n_unknown and self.tracing:
            arg = node.args[1]
            detail["unknown"] = n_unknown
            detail["unknown_ids"] = [i.model.id for i, v in zip(items, values, strict=True) if v is UNKNOWN][
                :MAX_LISTED]
            detail["missing"] = f"{ctx.text[arg.pos:arg.end]} ({n_unknown})"
        match op.form:
            case Form.TALLY | Form.FILTER:
                tally = Tally(sum(v is True for v in values), sum(v is False for v in values), n_unknown,
                              len(items))
                out = op.scalar(items, values) if op.form is Form.FILTER else op.scalar(tally)
                if self.tracing:
                    _tally_detail(op, detail, tally, items, values, out)
            case Form.FOLD:
                out = UNKNOWN if n_unknown else op.scalar(values)
            case _:  # Form.STREAK (the optional n is read where the call is, not on each element)
                bound: list[Any] = []
                if cap is not None:
                    n, n_step = cap()
                    bound.append(n)
                    children.append(n_step)
                out, counted, broken_by = op.scalar([i.on.year for i in items], values, *bound)
                if broken_by is not None:
                    detail["broken_by"] = broken_by
                detail["years"] = sorted(counted)
                if out is not UNKNOWN:
                    detail.pop("missing", None)
        return out, self.step(node, ctx, out, children, detail)


def _tally_detail(op: Op, detail: dict[str, Any], tally: Tally, items: list[View], values: list[Any],
                  out: Any) -> None:
    if op.law in (Law.COUNT, Law.TALLY, Law.SHARE):  # the laws that count elements record the counts
        detail.update({"numerator": tally.true, "denominator": tally.total})
    if op.gap is GapShape.SHARE:
        detail["not_meeting"] = [i.model.id for i, v in zip(items, values, strict=True) if v is False][:MAX_LISTED]
    if isinstance(out, Range):  # known true up to known true + unknown: "3–4/4" (issue 12)
        detail["range"] = out.text


def coerce_like(a: Any, b: Any) -> Any:
    """A string compared with a rating is read in the rating's vocabulary."""
    if isinstance(a, OrderedVocab) and isinstance(b, str) and not isinstance(b, Enum):
        return type(a)(b)
    return b

