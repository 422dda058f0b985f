"""The durable algebra of the one interpreter (run/interpreter.py): rule trees as dated Rete conditions.

Each rule version's compiled tree is walked once, by ``run.interpreter.evaluate``, into *dated*
values: constants and condition sets are functions of the evaluation date (parameters change by
date), which the backend applies when it compiles a date. The meaning of each operator comes from
the operator table: its ``durable`` lowering (or refusal), its law (Kleene's dominant value) and its
scalar kernels for folding constants. Refusing an operator is raising ``_Unsupported`` inside the
walk (like the column algebra's ``NotVectorisable``): building the values IS the support check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import EvaluationError
from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import CORE_ONLY, FUNCTIONS, Lowered, Op, Refused, compare
from ..lang.types import LINKS, fact_field_type
from ..pack.plan import Plan, Rule
from ..run.interpreter import Walk, evaluate
from ..run.scalar import coerce_like
from .conditions import FALSE, TF, _and, _cmp, _Conj, _fold, _in, _known, _or, _Term, _tests

MAX_ALTERNATIVES = 64
"""A rule whose true/false condition needs more Rete rules than this is reported unsupported."""


class _Unsupported(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason




@dataclass(frozen=True)
class _Const:
    """A value decided without facts: a literal, a parameter, eval_year, or arithmetic on those."""

    at: Callable[[dt.date], Any]


@dataclass(frozen=True)
class _Fact:
    """A fact of the entity, or ``fn(fact)`` for a date-cut function (months_since / years_since)."""

    term: _Term
    fn: str | None = None


@dataclass(frozen=True)
class _Cond:
    """A condition: its true/false condition sets on a date, an upper bound on their sizes (Rete rules)
    and the rules whose verdicts it reads."""

    at: Callable[[dt.date], TF]
    size: tuple[int, int] = (1, 1)
    refs: frozenset[str] = frozenset()


_Val = _Const | _Fact | _Cond


@dataclass
class _Reads:
    """The context of the walk: one rule version's subject kind, and the facts it reads."""

    pack: Plan
    kind: str
    terms: dict[str, _Term] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)  # s_ flag prop -> variable name (input supplied?)

    def term(self, name: str) -> _Term:
        var = self.pack.variables.get((self.kind, name))
        if var is not None:
            dom = {"num": "num", "bool": "bool", "str": "str", "date": "date"}.get(var.type.kind)
            if dom is None:
                raise _Unsupported(f"variable '{name}' is a {var.type}")
            term = _Term(f"v_{name}", name, "var", dom, var_kind=var.type.kind)
        else:
            if name in LINKS.get(self.kind, {}):
                raise _Unsupported(f"reads the link '{name}' (other records: aggregate or history)")
            t = fact_field_type(self.kind, name)
            if t is None:
                raise _Unsupported(f"name '{name}' is not a fact of a {self.kind}")
            if t.kind not in ("num", "bool", "str", "enum", "date"):
                raise _Unsupported(f"fact '{name}' is a {t} (not a scalar)")
            term = _Term(f"a_{name}", name, "field", t.kind, t.vocab)
        self.terms[term.prop] = term
        return term

def _cond(v: _Val, what: str) -> _Cond:
    """A value read as a condition: a condition, a boolean fact, or a constant that is true/false on the date."""
    match v:
        case _Cond():
            return v
        case _Fact(term=term, fn=None) if term.domain == "bool":
            p = term.prop
            return _Cond(lambda on: (_tests(_known(p), (p, "==", 1)), _tests(_known(p), (p, "==", 0))))
        case _Fact(term=term):
            raise _Unsupported(f"'{term.name}' used as a condition is a {term.domain}")
        case _Const(at=at):
            def dated(on: dt.date) -> TF:
                value = at(on)
                if value is not UNKNOWN and not isinstance(value, bool):
                    raise EvaluationError(f"{what} used as a condition is not true/false")
                return _fold(value)
            return _Cond(dated)
    raise AssertionError(v)  # pragma: no cover


def _value(v: _Val) -> _Const | _Fact:
    match v:
        case _Cond():
            raise _Unsupported("a computed condition used as a value")
        case _Fact(term=term, fn=None) if term.domain == "date":
            raise _Unsupported(f"compares the date '{term.name}' (only months_since/years_since of a date)")
    return v


def _strict(kernel: Callable[..., Any], *values: Any) -> Any:
    return UNKNOWN if any(v is UNKNOWN for v in values) else kernel(*values)


def _test_size(f: _Fact, op: str) -> tuple[int, int]:
    if f.term.domain in ("enum", "bool"):
        n = len(f.term.vocab) if f.term.vocab else 2
        return n, n
    if f.term.domain == "str":
        return 1, 1
    return {"==": (1, 2), "!=": (2, 1)}.get(op, (1, 1))


def _compare(op: str, a: _Const | _Fact, b: _Const | _Fact) -> _Cond:
    """``a op b`` with at most one side a fact (the operator table's ``test`` lowering)."""
    match a, b:
        case _Const(at=x), _Const(at=y):
            return _Cond(lambda on: _fold(_strict(lambda u, w: compare(op, u, coerce_like(u, w)), x(on), y(on))))
        case _Fact() as f, _Const(at=c):
            return _Cond(lambda on: _cmp(f.term, f.fn, op, c(on), True, on), _test_size(f, op))
        case _Const(at=c), _Fact() as f:
            return _Cond(lambda on: _cmp(f.term, f.fn, op, c(on), False, on), _test_size(f, op))
    raise _Unsupported("compares two facts with each other")


class _Rete:
    """The durable algebra: values are dated constants, facts and condition sets (see ``Algebra``)."""

    def around(self, node: ast.Node, ctx: _Reads, ranged: bool, walk: Walk[_Val, _Reads]) -> _Val:
        if isinstance(node, ast.Call):  # an operator the table refuses: say so before reading its arguments
            lowering = FUNCTIONS[node.func].durable
            if isinstance(lowering, Refused):
                raise _Unsupported(f"function {node.func}() ({lowering.reason})")
        if isinstance(node, ast.Attr):  # a linked record's field: other records than the entity's own
            raise _Unsupported("reads a field of a linked record")
        return walk(self, node, ctx)

    def literal(self, node: ast.Literal, ctx: _Reads) -> _Val:
        value = node.value
        return _Const(lambda on: value)

    def list_of(self, node: ast.ListLit, ctx: _Reads, items: list[_Val]) -> _Val:
        consts = [i.at for i in items if isinstance(i, _Const)]
        if len(consts) != len(items):
            raise _Unsupported("membership in a list-valued fact")
        return _Const(lambda on: [c(on) for c in consts])

    def param(self, node: ast.Param, ctx: _Reads) -> _Val:
        params, name = ctx.pack.parameters, node.name
        return _Const(lambda on: params.at(name, on).value)

    def rule_ref(self, node: ast.RuleRef, ctx: _Reads) -> _Val:
        pack, name = ctx.pack, node.name

        def dated(on: dt.date) -> TF:
            rule = pack.resolve(name, on)
            if rule is None:
                return FALSE, FALSE
            key = _verdict_key(rule)
            return [_Conj(verdicts=frozenset({(key, "pass")}))], [_Conj(verdicts=frozenset({(key, "fail")}))]

        return _Cond(dated, refs=frozenset({name}))

    def name(self, node: ast.Name, ctx: _Reads) -> _Val:
        var = ctx.pack.variables.get((ctx.kind, node.name))
        if var is None and node.name == "eval_year" and fact_field_type(ctx.kind, node.name) is None:
            return _Const(lambda on: on.year)
        if var is None or var.formula is None:
            return _Fact(ctx.term(node.name))
        if var.type.kind != "bool":
            raise _Unsupported(f"variable '{node.name}' is computed by a formula ({var.formula.text})")
        # a computed condition the user may supply as an input: the input if supplied, else the formula
        formula = _cond(evaluate(self, var.formula.tree, ctx), f"variable '{node.name}'")
        term = _Term(f"v_{node.name}", node.name, "var", "bool", var_kind="bool")
        ctx.terms[term.prop] = term
        flag = f"s_{term.prop}"
        ctx.flags[flag] = node.name
        given = _cond(_Fact(term), node.name)

        def dated(on: dt.date) -> TF:
            (ft, ff), (it, if_) = formula.at(on), given.at(on)
            supplied, computed = _tests((flag, "==", 1)), _tests((flag, "==", 0))
            return _or(_and(supplied, it), _and(computed, ft)), _or(_and(supplied, if_), _and(computed, ff))

        return _Cond(dated, (1 + formula.size[0], 1 + formula.size[1]), formula.refs)

    def attr(self, node: ast.Attr, ctx: _Reads, obj: _Val) -> _Val:
        raise _Unsupported("reads a field of a linked record")  # pragma: no cover - refused in around()

    def negation(self, op: Op, node: ast.Unary, ctx: _Reads, v: _Val) -> _Val:
        match op.durable:
            case Lowered(how="not"):
                c = _cond(v, "the operand of 'not'")
                return _Cond(lambda on: c.at(on)[::-1], c.size[::-1], c.refs)
        raise _Unsupported(f"operator '{op.name}'")  # pragma: no cover - 'not' is lowered

    def negative(self, op: Op, node: ast.Unary, ctx: _Reads, v: _Val) -> _Val:
        if not isinstance(v, _Const):
            raise _Unsupported("arithmetic on facts")
        a, kernel = v.at, op.scalar
        return _Const(lambda on: _strict(kernel, a(on)))

    def decides(self, a: _Val, dominant: bool) -> bool:
        return False  # both sides become condition sets: the Rete engine decides per entity

    def short_circuit(self, node: ast.Binary, ctx: _Reads, a: _Val) -> _Val:  # pragma: no cover
        raise AssertionError("the durable algebra never short-circuits")

    def logic(self, op: Op, node: ast.Binary, ctx: _Reads, a: _Val, b: _Val) -> _Val:
        """Kleene and/or from the law's dominant value: the dominant outcome is the union of the two sides'
        condition sets, the other outcome their product (``and``: false dominates)."""
        x, y = _cond(a, f"the left side of '{op.name}'"), _cond(b, f"the right side of '{op.name}'")
        match op.durable, op.law.dominant:
            case Lowered(how="and" | "or"), bool() as dominant:
                def dated(on: dt.date) -> TF:
                    (ta, fa), (tb, fb) = x.at(on), y.at(on)
                    return (_or(ta, tb), _and(fa, fb)) if dominant else (_and(ta, tb), _or(fa, fb))
                (sa, fa), (sb, fb) = x.size, y.size
                size = (sa + sb, fa * fb) if dominant else (sa * sb, fa + fb)
                return _Cond(dated, size, x.refs | y.refs)
        raise _Unsupported(f"operator '{op.name}'")  # pragma: no cover - and/or are lowered

    def arithmetic(self, op: Op, node: ast.Binary, ctx: _Reads, a: _Val, b: _Val) -> _Val:
        if not (isinstance(a, _Const) and isinstance(b, _Const)):
            raise _Unsupported("arithmetic on facts")
        x, y, kernel = a.at, b.at, op.scalar
        return _Const(lambda on: _strict(kernel, x(on), y(on)))

    def comparison(self, op: Op, node: ast.Binary, ctx: _Reads, a: _Val, b: _Val) -> _Val:
        return _compare(op.name, _value(a), _value(b))

    def membership(self, op: Op, node: ast.Binary, ctx: _Reads, a: _Val, b: _Val) -> _Val:
        if not (isinstance(b, _Const) and isinstance(node.right, ast.ListLit)):  # a written list of constants
            raise _Unsupported("membership in a list-valued fact")
        n, items, hit = len(node.right.items), b.at, op.scalar  # the kernel: the outcome from "the value is in the list"
        match _value(a):
            case _Const(at=x):
                def folded(on: dt.date) -> TF:
                    v = x(on)
                    if v is UNKNOWN:
                        return FALSE, FALSE
                    return _fold(hit(any(compare("==", v, coerce_like(v, i)) is True for i in items(on))))
                return _Cond(folded)
            case _Fact(fn=None, term=term):
                return _Cond(lambda on: _in(term, items(on), hit), _in_size(term, n, hit))
            case _Fact(fn=fn):
                raise _Unsupported(f"{fn}() inside 'in'")
        raise AssertionError(a)  # pragma: no cover

    def strict_call(self, op: Op, node: ast.Call, ctx: _Reads, args: list[_Val]) -> _Val:
        match op.durable, args:
            case Lowered(how="date_cut"), [_Fact(term=term, fn=None)] if term.domain == "date":
                return _Fact(term, op.name)
            case Lowered(how="date_cut"), [_Fact(term=term, fn=None)]:
                raise _Unsupported(f"{op.name}() of '{term.name}', which is not a date")
            case Lowered(how="date_cut"), _:
                raise _Unsupported(f"{op.name}() of something other than a date fact")
        raise _Unsupported(f"function {op.name}() ({CORE_ONLY.reason})")

    def aggregate(self, op: Op, node: ast.Call, ctx: _Reads, coll: _Val, each: Callable[[_Reads], _Val] | None,
                  cap: Callable[[], _Val] | None) -> _Val:
        raise _Unsupported(f"function {op.name}() ({CORE_ONLY.reason})")

    def window(self, op: Op, node: ast.Call, ctx: _Reads, coll: _Val, n: _Val) -> _Val:
        raise _Unsupported(f"function {op.name}() ({CORE_ONLY.reason})")

    def lazy(self, op: Op, node: ast.Call, ctx: _Reads, arg: Callable[[int], _Val]) -> _Val:
        match op.durable:
            case Lowered(how="presence"):
                match arg(0):
                    case _Fact(term=term, fn=None):
                        p = term.prop
                        return _Cond(lambda on: (_tests(_known(p)), _tests((f"k_{p}", "==", 0))))
                    case _Cond():
                        raise _Unsupported(f"{op.name}() of a computed variable")
                raise _Unsupported(f"{op.name}() of something other than a fact")
        raise _Unsupported(f"function {op.name}() ({CORE_ONLY.reason})")


def _in_size(term: _Term, n: int, hit: Callable[[bool], bool]) -> tuple[int, int]:
    if term.domain in ("enum", "bool"):
        d = len(term.vocab) if term.vocab else 2
        t, f = d, d
    elif term.domain == "str":
        t, f = max(n, 1), 1
    else:
        t, f = max(n, 1), 2 ** n
    return (t, f) if hit(True) else (f, t)


@dataclass(frozen=True)
class _RuleIR:
    rule: Rule
    applies: _Cond | None
    body: _Cond | None  # condition rules
    levels: dict[str, _Cond]  # indicators: level -> the measure against its threshold parameter
    refs: frozenset[str]


def _walk_rule(pack: Plan, rule: Rule) -> tuple[_RuleIR, _Reads]:
    """One rule version as dated condition sets, from the plan's compiled trees; raises _Unsupported."""
    alg, ctx = _Rete(), _Reads(pack, rule.subject)
    applies = None if rule.applies_if is None else _cond(evaluate(alg, rule.applies_if.tree, ctx), "applies_if")
    at, af = applies.size if applies is not None else (1, 1)
    refs = applies.refs if applies is not None else frozenset()
    if rule.kind == "condition":
        assert rule.condition is not None
        body = _cond(evaluate(alg, rule.condition.tree, ctx), "the condition")
        bt, bf = body.size
        if max(at * bt, at * bf, af) > MAX_ALTERNATIVES:
            raise _Unsupported(f"needs more than {MAX_ALTERNATIVES} alternative Rete rules")
        return _RuleIR(rule, applies, body, {}, refs | body.refs), ctx
    assert rule.measure is not None and rule.op is not None
    measure = _value(evaluate(alg, rule.measure.tree, ctx))
    if isinstance(measure, _Fact) and measure.term.domain != "num" and measure.fn is None:
        raise _Unsupported(f"the measure is a {measure.term.domain}")
    if max(at, af) * 2 > MAX_ALTERNATIVES:
        raise _Unsupported(f"needs more than {MAX_ALTERNATIVES} alternative Rete rules")
    levels = {lv: _compare(rule.op, measure, _value(alg.param(ast.Param(0, 0, pname), ctx)))
              for lv, pname in rule.level_thresholds if pname is not None}
    return _RuleIR(rule, applies, None, levels, refs), ctx


def _verdict_key(rule: Rule) -> str:
    """The Rete verdict a ``@ref`` reads: the rule's own, or its base level for an indicator."""
    if rule.kind == "condition":
        return rule.id
    return f"{rule.id}@{rule.base_level}"
