"""Run the per-entity subset of a pack on durable_rules (Rete), isolated, with the core's verdicts.

Why it exists: the design card names durable_rules. It is *not* the core:
it runs only rules that read an entity's own scalar facts (fields, year-record
fields, scalar inputs) and other rules' verdicts, and it says up front
(``DurableBackend(pack).unsupported``) which rules it cannot run and why.

How it stays correct on an engine with sharp edges (see docs/durable.md):

- three-valued logic: every expression is compiled into two condition sets, one
  for *true* and one for *false* (Kleene); a verdict that neither set proves is
  *unknown*. Every fact property is always present with a ``k_`` "known" flag,
  so a missing fact never raises inside the engine and never matches;
- no ``|`` in ``when_all``: disjunctions become separate Rete rules writing the
  same verdict, and the action is idempotent, so a rule firing twice cannot
  change a result;
- typing: facts are encoded (enums as legal rank, booleans as 0/1, dates as
  ordinals) and validated by a strict pydantic model before they are asserted,
  so ``"abc" >= 0.9`` can never be asked;
- isolation: a private ``Host`` subclass (no module-global ``durable.lang``
  host, no background timer threads), ruleset names namespaced by pack id,
  version, date and a per-instance suffix, state deleted after each entity
  (one live session at a time, far below durable's 1,024-session cap), and
  ``close()`` frees the C rulesets.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import ChuanError, EvaluationError
from ..facts.store import Facts
from ..facts.vocab import OrderedVocab
from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import CORE_ONLY, EPS, FUNCTIONS, Lowered, Op, Refused, compare
from ..lang.types import LINKS, fact_field_type
from ..pack.plan import Plan, Rule
from ..report.outcome import Outcome
from ..run.explain import Evaluation, _check_input, _coerce_like, _input, _num_compare
from ..run.interpreter import Walk, evaluate
from ..run.views import View, recruited_after

MAX_ALTERNATIVES = 64
"""A rule whose true/false condition needs more Rete rules than this is reported unsupported."""

MAX_PROPERTIES = 240
"""durable_rules fails on facts over 253 properties; we stay below with room for our own keys."""


def _json_safe(x: float) -> float:
    """durable's C parser rejects '1e-09' (an exponent without a '.'): move such a float by one ulp.

    One ulp is ~1e-25 of the value, far below the core's 1e-9 tolerance, so no verdict changes.
    """
    text = repr(x)
    if "e" in text and "." not in text.split("e")[0]:
        return math.nextafter(x, 0.0)
    return x


class BackendUnavailableError(ChuanError):
    """The optional engine is not installed here (durable_rules needs Python < 3.13 and a C compiler)."""


@dataclass(frozen=True)
class EntityVerdicts:
    """Verdicts of the supported rules for one entity (the core's ``EntityReport`` carries the explanations)."""

    kind: str
    id: str
    school: str | None
    outcomes: dict[str, Outcome]
    levels: dict[str, dict[str, Outcome]]
    error: str | None = None


# ---------------------------------------------------------------------------------------------
# The durable algebra of the one interpreter (run/interpreter.py), walked once per rule version.
# Its values are *dated*: constants and condition sets are functions of the evaluation date
# (parameters change by date); ``_compile(on)`` applies the date. Refusing an operator is raising
# ``_Unsupported`` inside the walk, so building the values IS the support check.


class _Unsupported(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Term:
    """A scalar fact of the entity, as one property of the asserted fact."""

    prop: str
    name: str
    source: str  # field | var
    domain: str  # num | enum | bool | str | date
    vocab: type[OrderedVocab] | None = None
    var_kind: str | None = None  # declared type kind of a pack variable (input check)


TF = tuple["DNF", "DNF"]  # (conditions proving true, conditions proving false); anything else is unknown


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


def _fold(value: Any) -> TF:
    if value is UNKNOWN:
        return FALSE, FALSE
    return (TRUE, FALSE) if value else (FALSE, TRUE)


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
            return _Cond(lambda on: _fold(_strict(lambda u, w: compare(op, u, _coerce_like(u, w)), x(on), y(on))))
        case _Fact() as f, _Const(at=c):
            return _Cond(lambda on: _cmp(f, op, c(on), True, on), _test_size(f, op))
        case _Const(at=c), _Fact() as f:
            return _Cond(lambda on: _cmp(f, op, c(on), False, on), _test_size(f, op))
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
        if not isinstance(b, _Const):
            raise _Unsupported("membership in a list-valued fact")
        items, hit = b.at, op.scalar  # the kernel: the outcome from "the value is in the list"
        match _value(a):
            case _Const(at=x):
                def folded(on: dt.date) -> TF:
                    v = x(on)
                    if v is UNKNOWN:
                        return FALSE, FALSE
                    return _fold(hit(any(compare("==", v, _coerce_like(v, i)) is True for i in items(on))))
                return _Cond(folded)
            case _Fact(fn=None, term=term):
                n = len(node.right.items) if isinstance(node.right, ast.ListLit) else 1
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


# ---------------------------------------------------------------------------------------------
# Date-specific compilation: constants folded, conditions in disjunctive normal form.

Test = tuple[str, str, Any]  # (property, op, value)


@dataclass(frozen=True)
class _Conj:
    tests: frozenset[Test] = frozenset()
    verdicts: frozenset[tuple[str, str]] = frozenset()  # (verdict key, outcome)


DNF = list[_Conj]
TRUE: DNF = [_Conj()]
FALSE: DNF = []


def _consistent(c: _Conj) -> bool:
    eq: dict[str, Any] = {}
    for prop, op, v in c.tests:
        if op == "==":
            if prop in eq and eq[prop] != v:
                return False
            eq[prop] = v
    seen: dict[str, str] = {}
    for key, out in c.verdicts:
        if seen.setdefault(key, out) != out:
            return False
    return True


def _or(*dnfs: DNF) -> DNF:
    out: list[_Conj] = []
    for d in dnfs:
        for c in d:
            if c not in out:
                out.append(c)
    return out


def _and(a: DNF, b: DNF) -> DNF:
    out: list[_Conj] = []
    for x, y in itertools.product(a, b):
        c = _Conj(x.tests | y.tests, x.verdicts | y.verdicts)
        if _consistent(c) and c not in out:
            out.append(c)
    return out


def _tests(*tests: Test) -> DNF:
    return [_Conj(frozenset(tests))]


def _known(prop: str) -> Test:
    return (f"k_{prop}", "==", 1)


FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def _num_tests(prop: str, op: str, c: float) -> tuple[DNF, DNF]:
    """``value op c`` with the core's tolerance: |value - c| < EPS counts as equal."""
    k = _known(prop)
    below = (prop, "<=", c - EPS)  # value < c, beyond tolerance
    above = (prop, ">=", c + EPS)  # value > c, beyond tolerance
    not_below = (prop, ">", c - EPS)
    not_above = (prop, "<", c + EPS)
    eq = _tests(k, not_below, not_above)
    ne = _or(_tests(k, below), _tests(k, above))
    table = {
        ">=": (_tests(k, not_below), _tests(k, below)),
        ">": (_tests(k, above), _tests(k, not_above)),
        "<=": (_tests(k, not_above), _tests(k, above)),
        "<": (_tests(k, below), _tests(k, not_below)),
        "==": (eq, ne),
        "!=": (ne, eq),
    }
    return table[op]


def _code_set(prop: str, codes: list[int], domain: list[int]) -> DNF:
    """``value in codes`` over a finite ordered domain, as ranges of consecutive codes."""
    k = _known(prop)
    chosen = sorted(set(codes))
    if not chosen:
        return FALSE
    if chosen == sorted(domain):
        return _tests(k)
    runs: list[tuple[int, int]] = []
    for code in chosen:
        if runs and code == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    out: DNF = []
    for lo, hi in runs:
        if lo == hi:
            out = _or(out, _tests(k, (prop, "==", lo)))
        else:
            tests = [k] + ([(prop, ">=", lo)] if lo > min(domain) else []) + \
                ([(prop, "<=", hi)] if hi < max(domain) else [])
            out = _or(out, _tests(*tests))
    return out


def _members(term: _Term) -> list[tuple[Any, int]]:
    """The finite domain of an enum or bool term: (python value, encoded code)."""
    if term.domain == "bool":
        return [(False, 0), (True, 1)]
    assert term.vocab is not None
    return [(m, term.vocab.rank(m)) for m in term.vocab]


_MAX_ORD = dt.date.max.toordinal()


class _DateCut:
    """``f(date) >= k`` for a non-increasing whole-number function of the date is ``ordinal <= cut(k)``."""

    def __init__(self, fn: str, on: dt.date) -> None:
        since = FUNCTIONS[fn].scalar  # the operator table's months_since / years_since
        self.f: Callable[[dt.date], int] = lambda d: since(on, d)

    def cut(self, k: int) -> int:
        lo, hi = 1, _MAX_ORD
        if self.f(dt.date.fromordinal(lo)) < k:
            return 0
        while lo < hi:  # largest ordinal with f >= k
            mid = (lo + hi + 1) // 2
            if self.f(dt.date.fromordinal(mid)) >= k:
                lo = mid
            else:
                hi = mid - 1
        return lo


def _int_set(op: str, c: float, term_left: bool) -> tuple[str, int | None]:
    """The whole numbers m with ``m op c`` (core tolerance), as ('ge'|'le'|'eq'|'ne'|'none', bound)."""
    if not term_left:
        op = FLIP[op]
    window = range(math.floor(c) - 3, math.ceil(c) + 4)
    hits = [m for m in window if _num_compare(op, float(m), float(c))]
    if op in (">=", ">"):
        return "ge", min(hits)
    if op in ("<=", "<"):
        return "le", max(hits)
    if op == "==":
        return ("eq", hits[0]) if hits else ("none", None)
    misses = [m for m in window if m not in hits]
    return ("ne", misses[0]) if misses else ("all", None)


def _cmp(side: _Fact, op: str, c: Any, term_left: bool, on: dt.date) -> TF:
    """``fact op c`` (or ``c op fact``) as condition sets, with the core's coercions and tolerance."""
    term = side.term
    if c is UNKNOWN:
        return FALSE, FALSE
    p = term.prop
    if side.fn is not None:
        if not isinstance(c, int | float) or isinstance(c, bool):
            raise EvaluationError(f"{side.fn}({term.name}) compared with {c!r}, not a number")
        return _date_cmp(side.fn, p, op, c, term_left, on)
    if term.domain in ("enum", "bool"):
        hits: list[int] = []
        misses: list[int] = []
        for value, code in _members(term):
            a, b = (value, c) if term_left else (c, value)
            ok = compare(op, a, _coerce_like(a, b))
            (hits if ok else misses).append(code)
        domain = [code for _, code in _members(term)]
        return _code_set(p, hits, domain), _code_set(p, misses, domain)
    if term.domain == "str":
        if op not in ("==", "!="):
            raise EvaluationError(f"'{term.name}' (text) cannot be ordered with '{op}'")
        k = _known(p)
        if not isinstance(c, str):  # text never equals a number: the core says False / True
            eq_t, eq_f = FALSE, _tests(k)
        else:
            eq_t, eq_f = _tests(k, (p, "==", c)), _tests(k, (p, "!=", c))
        return (eq_t, eq_f) if op == "==" else (eq_f, eq_t)
    if not isinstance(c, int | float) or isinstance(c, bool):
        raise EvaluationError(f"'{term.name}' (number) compared with {c!r}, which is not a number")
    return _num_tests(p, op if term_left else FLIP[op], float(c))

def _date_cmp(fn: str, p: str, op: str, c: float, term_left: bool, on: dt.date) -> TF:
    shape, k = _int_set(op, float(c), term_left)
    cut = _DateCut(fn, on).cut
    known = _known(p)

    def ge(n: int) -> DNF:  # f(date) >= n
        return _tests(known, (p, "<=", cut(n)))

    def lt(n: int) -> DNF:  # f(date) < n
        return _tests(known, (p, ">", cut(n)))

    if shape == "none":
        return FALSE, _tests(known)
    if shape == "all":
        return _tests(known), FALSE
    assert k is not None
    if shape == "ge":
        return ge(k), lt(k)
    if shape == "le":
        return lt(k + 1), ge(k + 1)
    eq = _and(ge(k), lt(k + 1))
    ne = _or(lt(k), ge(k + 1))
    return (eq, ne) if shape == "eq" else (ne, eq)

def _in(term: _Term, items: list[Any], hit: Callable[[bool], bool]) -> TF:
    p = term.prop
    k = _known(p)
    if term.domain in ("enum", "bool"):
        hits: list[int] = []
        misses: list[int] = []
        for value, code in _members(term):
            found = any(compare("==", value, _coerce_like(value, x)) is True for x in items)
            (hits if found else misses).append(code)
        domain = [code for _, code in _members(term)]
        t, f = _code_set(p, hits, domain), _code_set(p, misses, domain)
    elif term.domain == "str":
        strs = [x for x in items if isinstance(x, str)]
        t = _or(*[_tests(k, (p, "==", x)) for x in strs])
        f = _tests(k, *[(p, "!=", x) for x in strs])
    else:
        nums = [float(x) for x in items if isinstance(x, int | float) and not isinstance(x, bool)]
        t, f = FALSE, _tests(k)
        for x in nums:
            eq, ne = _num_tests(p, "==", x)
            t, f = _or(t, eq), _and(f, ne)
    return (t, f) if hit(True) else (f, t)


# ---------------------------------------------------------------------------------------------
# The backend


_OUTCOMES = {"pass": Outcome.passed, "fail": Outcome.failed, "na": Outcome.not_applicable}


def _verdict_key(rule: Rule) -> str:
    """The Rete verdict a ``@ref`` reads: the rule's own, or its base level for an indicator."""
    if rule.kind == "condition":
        return rule.id
    return f"{rule.id}@{rule.base_level}"


@dataclass
class _Compiled:
    """One pack on one date, registered in the private host."""

    name: str | None
    statics: dict[str, dict[str, Outcome]]  # rule -> level -> outcome decided without facts
    keys: dict[str, dict[str, str]]  # rule -> level -> verdict key
    kind_errors: dict[str, str]
    rules_by_kind: dict[str, list[str]]
    n_rete_rules: int = 0


@dataclass
class _Collector:
    verdicts: dict[str, dict[str, str]] = field(default_factory=dict)  # sid -> key -> outcome
    fired: int = 0


def _noop(c: Any) -> None:
    return None


def _durable_engine() -> Any:
    try:
        from durable import engine
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise BackendUnavailableError(
            "durable_rules is not installed; install the extra: pip install 'chuan-engine[durable]' "
            f"(Python < 3.13, needs a C compiler): {exc}"
        ) from None
    return engine


def _private_host() -> Any:
    """A durable host of our own: never the module-global ``durable.lang`` host, no timer threads."""
    engine = _durable_engine()

    class _QuietHost(engine.Host):  # type: ignore[misc, name-defined]
        def _run(self) -> None:
            # durable's Host starts two self-rescheduling timer threads here; we drive it synchronously.
            return None

    return _QuietHost()


class DurableBackend:
    """The per-entity subset of one pack on a private durable_rules host.

    ``unsupported`` lists ``(rule id, reason)`` for every rule it cannot run, decided
    when the backend is built; ``supported`` lists the others. ``evaluate`` returns
    ``EntityVerdicts`` for the supported rules only. Not thread-safe across calls of
    one instance (a lock serialises them); use one instance per thread for speed.
    """

    def __init__(self, pack: Plan) -> None:
        self.pack = pack
        # One IR per version of each rule (oldest first); a rule runs here only if every version can.
        self._ir: dict[str, list[_RuleIR]] = {}
        reads: dict[str, list[tuple[dict[str, _Term], dict[str, str]]]] = {}
        reasons: dict[str, str] = {}
        for rid in pack.rule_ids:
            irs, rule_reads = [], []
            try:
                for rule in pack.versions_of(rid):
                    ir, reads_of = _walk_rule(pack, rule)
                    irs.append(ir)
                    rule_reads.append((reads_of.terms, reads_of.flags))
            except _Unsupported as exc:
                reasons[rid] = exc.reason
                continue
            self._ir[rid], reads[rid] = irs, rule_reads
        changed = True
        while changed:  # a rule reading an unsupported rule is unsupported
            changed = False
            for rid, irs in list(self._ir.items()):
                refs = {ref for ir in irs for ref in ir.refs}
                bad = sorted({v.id for ref in refs for v in pack.versions(ref) if v.id in reasons})
                if bad:
                    reasons[rid] = f"reads the verdict of unsupported rule '{bad[0]}'"
                    del self._ir[rid]
                    changed = True
        self.unsupported: list[tuple[str, str]] = [(rid, reasons[rid]) for rid in pack.rule_ids if rid in reasons]
        self.supported: list[str] = [rid for rid in pack.rule_ids if rid in self._ir]
        # Only facts read by supported rules reach the engine, one fact shape per subject kind.
        self._terms: dict[str, dict[str, _Term]] = {}
        self._flags: dict[str, dict[str, str]] = {}
        for rid in self.supported:
            kind = self._ir[rid][0].rule.subject
            for terms, flags in reads[rid]:
                self._terms.setdefault(kind, {}).update(terms)
                self._flags.setdefault(kind, {}).update(flags)
        self._fact_models: dict[str, type[BaseModel]] = {}
        for kind in self._terms:
            props = self._properties(kind)
            if len(props) > MAX_PROPERTIES:
                raise BackendUnavailableError(
                    f"pack '{pack.id}' needs {len(props)} properties for a {kind}; durable_rules fails over 253"
                )
            self._fact_models[kind] = create_model(
                f"DurableFact_{kind}", __config__=ConfigDict(strict=True, extra="forbid"), **props
            )
        self._suffix = uuid.uuid4().hex[:12]
        self._host: Any = None
        self._compiled: dict[dt.date, _Compiled] = {}
        self._collector = _Collector()
        self._sids = itertools.count()
        self._lock = threading.Lock()
        self._closed = False

    # -- facts --------------------------------------------------------------------------
    def _properties(self, kind: str) -> dict[str, Any]:
        py = {"num": float, "enum": int, "bool": int, "str": str, "date": int}
        props: dict[str, Any] = {"t": (str, ...), "id": (str, ...), "sid": (str, ...)}
        for prop, term in self._terms[kind].items():
            props[prop] = (py[term.domain], ...)
            props[f"k_{prop}"] = (int, ...)
        for flag in self._flags[kind]:
            props[flag] = (int, ...)
        return props

    @staticmethod
    def _encode(term: _Term, value: Any) -> Any:
        if term.domain == "num":
            if not math.isfinite(value):
                raise EvaluationError(f"'{term.name}' is not a finite number: {value!r}")
            return _json_safe(float(value))
        if term.domain == "enum":
            assert term.vocab is not None
            return term.vocab.rank(value)
        if term.domain == "bool":
            return 1 if value else 0
        if term.domain == "date":
            return value.toordinal()
        return value

    _PLACEHOLDER = {"num": 0.0, "enum": -1, "bool": 0, "str": "", "date": 0}

    def _fact(self, run: Evaluation, view: View, sid: str) -> dict[str, Any]:
        """The entity as one flat, fully-populated, typed fact (unknown = k_ flag 0 + placeholder)."""
        fact: dict[str, Any] = {"t": f"e:{view.kind}", "id": "e", "sid": sid}
        for prop, term in self._terms[view.kind].items():
            if term.source == "field":
                value, _ = run.lookup(view, term.name)
            else:
                supplied, found = _input(view, term.name)
                value = _check_input(term.var_kind or "", supplied, view, term.name) if found else UNKNOWN
            if value is UNKNOWN:
                fact[prop], fact[f"k_{prop}"] = self._PLACEHOLDER[term.domain], 0
            else:
                fact[prop], fact[f"k_{prop}"] = self._encode(term, value), 1
        for flag, name in self._flags[view.kind].items():
            fact[flag] = 1 if _input(view, name)[1] else 0
        try:
            self._fact_models[view.kind].model_validate(fact)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise EvaluationError(f"fact '{err['loc'][0]}' for the Rete engine: {err['msg']}",
                                  where=f"{view.kind} '{view.model.id}'") from None
        return fact

    # -- compilation --------------------------------------------------------------------
    def _action(self, key: str, outcome: str, consumed: bool) -> Callable[[Any], None]:
        collector = self._collector

        def action(c: Any) -> None:
            collector.fired += 1
            bucket = collector.verdicts[c.s.sid]
            previous = bucket.get(key)
            if previous is None:
                bucket[key] = outcome
                if consumed and outcome != "na":  # only verdicts another Rete rule reads become facts
                    c.assert_fact({"t": "v", "id": f"v:{key}", "r": key, "v": outcome})
            elif previous != outcome:  # pragma: no cover - the true and false sets are disjoint
                raise EvaluationError(f"rule verdict '{key}' derived both {previous} and {outcome}")

        return action

    def _compile(self, on: dt.date) -> _Compiled:
        pack = self.pack
        statics: dict[str, dict[str, Outcome]] = {}
        keys: dict[str, dict[str, str]] = {}
        kind_errors: dict[str, str] = {}
        rules_by_kind: dict[str, list[str]] = {}
        definition: dict[str, Any] = {}
        pending: list[tuple[str, _Conj, str, str]] = []
        for rid in self.supported:
            ir = self._ir_on(rid, on)
            rule = ir.rule
            rules_by_kind.setdefault(rule.subject, []).append(rid)
            levels = pack.level_keys
            if not rule.in_force(on):
                statics[rid] = {lv: Outcome.not_applicable for lv in levels}
                continue
            try:
                at, af = ir.applies.at(on) if ir.applies is not None else (TRUE, FALSE)
                bodies: dict[str, tuple[DNF, DNF]] = {}
                if ir.body is not None:
                    bodies[rule.id] = ir.body.at(on)
                    keys[rid] = {lv: rule.id for lv in levels if lv in (rule.levels or levels)}
                    statics[rid] = {lv: Outcome.not_applicable for lv in levels if lv not in keys[rid]}
                else:
                    keys[rid], statics[rid] = {}, {}
                    for lv, pname in rule.level_thresholds:
                        if pname is None:
                            statics[rid][lv] = Outcome.not_applicable
                            continue
                        key = f"{rule.id}@{lv}"
                        keys[rid][lv] = key
                        bodies[key] = ir.levels[lv].at(on)
            except ChuanError as exc:
                kind_errors.setdefault(rule.subject, f"rule '{rid}': {exc.message}")
                continue
            for key, (bt, bf) in bodies.items():
                for outcome, dnf in (("pass", _and(at, bt)), ("fail", _and(at, bf)), ("na", af)):
                    pending.extend((rule.subject, conj, key, outcome) for conj in dnf)
        consumed = {vkey for _, conj, _, _ in pending for vkey, _ in conj.verdicts}
        for kind, conj, key, outcome in pending:
            definition[f"r{len(definition)}"] = self._rete_rule(kind, conj, key, outcome, key in consumed)
        # Catch-alls: every asserted fact is handled, so durable keeps a session we can delete
        # (deleting the session of an unhandled fact aborts the process in durable 2.0.28).
        for kind in sorted(rules_by_kind):
            definition[f"any_{kind}"] = {"all": [{"m_0": {"t": f"e:{kind}"}}], "run": _noop}
        if consumed:
            definition["any_verdict"] = {"all": [{"m_0": {"t": "v"}}], "run": _noop}
        name = None
        if definition:
            if self._host is None:
                self._host = _private_host()
            safe = re.sub(r"[^A-Za-z0-9_]", "_", f"{pack.id}_{pack.version}_{on.isoformat()}")
            name = f"chuan_{safe}_{self._suffix}"
            self._host.register_rulesets({name: definition})
        return _Compiled(name, statics, keys, kind_errors, rules_by_kind, len(definition))

    def _rete_rule(self, kind: str, conj: _Conj, key: str, outcome: str, consumed: bool) -> dict[str, Any]:
        ops = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
        tests: list[dict[str, Any]] = [{"t": f"e:{kind}"}]
        for prop, op, value in sorted(conj.tests, key=repr):
            if isinstance(value, float):
                value = _json_safe(value)
            tests.append({prop: value} if op == "==" else {ops[op]: {prop: value}})
        patterns: list[dict[str, Any]] = [{"m_0": {"$and": tests} if len(tests) > 1 else tests[0]}]
        for i, (vkey, vout) in enumerate(sorted(conj.verdicts), start=1):
            patterns.append({f"m_{i}": {"$and": [{"t": "v"}, {"r": vkey}, {"v": vout}]}})
        return {"all": patterns, "run": self._action(key, outcome, consumed)}

    def compiled(self, on: dt.date) -> _Compiled:
        if self._closed:
            raise EvaluationError("this DurableBackend is closed")
        hit = self._compiled.get(on)
        if hit is None:
            hit = self._compiled[on] = self._compile(on)
        return hit

    def _ir_on(self, rid: str, on: dt.date) -> _RuleIR:
        """The IR of the version of a rule a report shows on a date (the one in force, if any)."""
        shown = self.pack.version_shown(rid, on)
        return next(ir for ir in self._ir[rid] if ir.rule is shown)

    # -- evaluation ---------------------------------------------------------------------
    @property
    def fired(self) -> int:
        """How many Rete actions ran so far (a verdict derived twice still counts once in results)."""
        return self._collector.fired

    def subjects(self) -> list[str]:
        return sorted({self._ir[r][0].rule.subject for r in self.supported})

    def evaluate(self, facts: Facts | Iterable[Any], on: dt.date) -> list[EntityVerdicts]:
        """Verdicts of the supported rules for every entity of the kinds they are about."""
        if not isinstance(facts, Facts):
            facts = Facts.of(facts)
        with self._lock:
            compiled = self.compiled(on)
            run = Evaluation(self.pack, facts)
            subjects = set(self.subjects())
            out: list[EntityVerdicts] = []
            for kind, model, school in facts.entities():
                if kind in subjects:
                    out.append(self._one(compiled, run, View(kind, model, on, school, facts)))
            return out

    def _one(self, compiled: _Compiled, run: Evaluation, view: View) -> EntityVerdicts:
        school = view.school.id if view.school is not None and view.school.id != "_loose" else None
        rids = compiled.rules_by_kind.get(view.kind, [])

        def failed(message: str) -> EntityVerdicts:
            return EntityVerdicts(view.kind, view.model.id, school, {}, {}, message)

        if view.kind in compiled.kind_errors:
            return failed(compiled.kind_errors[view.kind])
        if view.kind == "staff" and recruited_after(view.model, view.on.year):
            # not yet staff in the year: no staff rule applies, decided from the facts as the core does (issue 12)
            na = {lv: Outcome.not_applicable for lv in self.pack.level_keys}
            return EntityVerdicts(view.kind, view.model.id, school, dict.fromkeys(rids, Outcome.not_applicable),
                                  {rid: dict(na) for rid in rids})
        sid = str(next(self._sids))
        try:
            fact = self._fact(run, view, sid)
        except ChuanError as exc:
            return failed(exc.describe())
        bucket: dict[str, str] = {}
        if compiled.name is not None:
            engine = _durable_engine()
            self._collector.verdicts[sid] = bucket
            try:
                self._host.assert_fact(compiled.name, fact)
            except engine.MessageNotHandledException:
                pass  # no Rete rule matched: every verdict stays unknown
            finally:
                self._host.delete_state(compiled.name, sid)
                del self._collector.verdicts[sid]
        outcomes: dict[str, Outcome] = {}
        levels: dict[str, dict[str, Outcome]] = {}
        for rid in rids:
            lv_out = dict(compiled.statics.get(rid, {}))
            for lv, key in compiled.keys.get(rid, {}).items():
                lv_out[lv] = _OUTCOMES[bucket[key]] if key in bucket else Outcome.unknown
            ordered = {lv: lv_out[lv] for lv in self.pack.level_keys}
            levels[rid] = ordered
            outcomes[rid] = self._rule_outcome(self._ir_on(rid, view.on).rule, ordered, bucket, view.on)
        return EntityVerdicts(view.kind, view.model.id, school, outcomes, levels)

    def _rule_outcome(self, rule: Rule, levels: dict[str, Outcome], bucket: dict[str, str], on: dt.date) -> Outcome:
        if not rule.in_force(on):
            return Outcome.not_applicable
        if rule.kind == "condition":
            return _OUTCOMES[bucket[rule.id]] if rule.id in bucket else Outcome.unknown
        base = rule.base_level
        return Outcome.not_applicable if base is None else levels.get(base, Outcome.not_applicable)

    # -- lifetime -----------------------------------------------------------------------
    def close(self) -> None:
        """Free the C rulesets of this instance (durable never frees memory by itself)."""
        with self._lock:
            if self._host is not None:
                import durable_rules_engine  # type: ignore[import-not-found]  # durable_rules' C extension: no stubs

                for ruleset in list(self._host._ruleset_list):
                    durable_rules_engine.delete_ruleset(ruleset._handle)
                self._host = None
            self._compiled.clear()
            self._closed = True

    def __enter__(self) -> DurableBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def core_outcomes(report: Any, backend: DurableBackend) -> dict[tuple[str, str, str | None], Any]:
    """The core report's outcomes for the backend's rules, keyed like ``backend_outcomes``."""
    wanted = set(backend.supported)
    kinds = set(backend.subjects())
    out: dict[tuple[str, str, str | None], Any] = {}
    for ent in report.entities:
        if ent.kind not in kinds:
            continue
        key = (ent.kind, ent.id, ent.school)
        if ent.error is not None:
            out[key] = ("error", ent.error)
            continue
        out[key] = {
            r.rule: (r.outcome, {lv: lr.outcome for lv, lr in r.levels.items()})
            for r in ent.results if r.rule in wanted
        }
    return out


def backend_outcomes(verdicts: Iterable[EntityVerdicts]) -> dict[tuple[str, str, str | None], Any]:
    """The backend's verdicts in the shape of ``core_outcomes``."""
    out: dict[tuple[str, str, str | None], Any] = {}
    for v in verdicts:
        key = (v.kind, v.id, v.school)
        if v.error is not None:
            out[key] = ("error", v.error)
            continue
        out[key] = {rid: (o, v.levels[rid]) for rid, o in v.outcomes.items()}
    return out
