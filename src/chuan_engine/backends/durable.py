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
from ..lang.ops import BINARY, CORE_ONLY, EPS, FUNCTIONS, Form, Lowered, Refused, compare
from ..lang.types import LINKS, fact_field_type
from ..pack.plan import Plan, Rule
from ..report.outcome import Outcome
from ..run.explain import Evaluation, _check_input, _coerce_like, _input, _num_compare
from ..run.views import View

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
# Date-independent intermediate form, built once per pack. Building it IS the support check.


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


@dataclass(frozen=True)
class _Side:
    term: _Term | None = None
    fn: str | None = None  # months_since | years_since on a date term
    const: ast.Node | None = None


IR = tuple[Any, ...]


@dataclass(frozen=True)
class _RuleIR:
    rule: Rule
    applies: IR | None
    body: IR | None  # condition rules
    measure: _Side | None  # indicators


def _size(ir: IR) -> tuple[int, int]:
    """Upper bound on the Rete rules needed for (true, false) of an expression."""
    tag = ir[0]
    if tag in ("const", "pconst", "truthy", "known", "ref", "cmpc", "inc"):
        return 1, 1
    if tag == "cmp":
        side, op = ir[1], ir[2]
        if side.term.domain in ("enum", "bool"):
            n = len(side.term.vocab) if side.term.vocab else 2
            return n, n
        if side.term.domain == "str":
            return 1, 1
        return {"==": (1, 2), "!=": (2, 1)}.get(op, (1, 1))
    if tag == "in":
        term, n, negate = ir[1], len(ir[2].items), ir[3]
        if term.domain in ("enum", "bool"):
            d = len(term.vocab) if term.vocab else 2
            t, f = d, d
        elif term.domain == "str":
            t, f = max(n, 1), 1
        else:
            t, f = max(n, 1), 2 ** n
        return (f, t) if negate else (t, f)
    if tag == "var":
        t, f = _size(ir[3])
        return 1 + t, 1 + f
    if tag == "not":
        t, f = _size(ir[1])
        return f, t
    ta, fa = _size(ir[1])
    tb, fb = _size(ir[2])
    if tag == "and":
        return ta * tb, fa + fb
    return ta + tb, fa * fb  # or


class _Builder:
    """AST -> intermediate form for one subject kind; raises _Unsupported with a reason."""

    def __init__(self, pack: Plan) -> None:
        self.pack = pack
        self.terms: dict[str, _Term] = {}
        self.flags: dict[str, str] = {}  # s_ flag prop -> variable name (input supplied?)

    # -- leaves ---------------------------------------------------------------------
    def _term(self, kind: str, name: str) -> _Term:
        var = self.pack.variables.get((kind, name))
        if var is not None:
            if var.formula is not None:
                raise _Unsupported(f"variable '{name}' is computed by a formula ({var.formula.text})")
            dom = {"num": "num", "bool": "bool", "str": "str", "date": "date"}.get(var.type.kind)
            if dom is None:
                raise _Unsupported(f"variable '{name}' is a {var.type}")
            term = _Term(f"v_{name}", name, "var", dom, var_kind=var.type.kind)
        else:
            if name in LINKS.get(kind, {}):
                raise _Unsupported(f"reads the link '{name}' (other records: aggregate or history)")
            t = fact_field_type(kind, name)
            if t is None:
                raise _Unsupported(f"name '{name}' is not a fact of a {kind}")
            if t.kind not in ("num", "bool", "str", "enum", "date"):
                raise _Unsupported(f"fact '{name}' is a {t} (not a scalar)")
            term = _Term(f"a_{name}", name, "field", t.kind, t.vocab)
        self.terms[term.prop] = term
        return term

    def _is_const(self, node: ast.Node, kind: str) -> bool:
        if isinstance(node, ast.Literal | ast.Param):
            return True
        if isinstance(node, ast.Name):
            return node.name == "eval_year" and (kind, node.name) not in self.pack.variables \
                and fact_field_type(kind, node.name) is None
        if isinstance(node, ast.ListLit):
            return all(self._is_const(i, kind) for i in node.items)
        if isinstance(node, ast.Unary) and node.op == "-":
            return self._is_const(node.operand, kind)
        if isinstance(node, ast.Binary) and node.op in ("+", "-", "*", "/"):
            return self._is_const(node.left, kind) and self._is_const(node.right, kind)
        return False

    def side(self, node: ast.Node, kind: str) -> _Side:
        if self._is_const(node, kind):
            return _Side(const=node)
        if isinstance(node, ast.Name):
            term = self._term(kind, node.name)
            if term.domain == "date":
                raise _Unsupported(f"compares the date '{node.name}' (only months_since/years_since of a date)")
            return _Side(term=term)
        if isinstance(node, ast.Call):
            match FUNCTIONS[node.func].durable:
                case Lowered(how="date_cut"):
                    arg = node.args[0] if node.args else None
                    if not isinstance(arg, ast.Name):
                        raise _Unsupported(f"{node.func}() of something other than a date fact")
                    term = self._term(kind, arg.name)
                    if term.domain != "date":
                        raise _Unsupported(f"{node.func}() of '{arg.name}', which is not a date")
                    return _Side(term=term, fn=node.func)
                case Refused(reason=reason):
                    raise _Unsupported(f"function {node.func}() ({reason})")
                case _:  # lowered only as a condition (known)
                    raise _Unsupported(f"function {node.func}() ({CORE_ONLY.reason})")
        if isinstance(node, ast.Attr):
            raise _Unsupported("reads a field of a linked record")
        if isinstance(node, ast.Unary | ast.Binary):
            raise _Unsupported("arithmetic on facts")
        raise _Unsupported(f"expression {type(node).__name__} as a value")

    # -- boolean expressions ----------------------------------------------------------
    def boolean(self, node: ast.Node, kind: str) -> IR:
        if isinstance(node, ast.Literal) and isinstance(node.value, bool):
            return ("const", node.value)
        if isinstance(node, ast.Param):  # a dated switch, e.g. "a pending review blocks rewards"
            return ("pconst", node)
        if isinstance(node, ast.RuleRef):
            return ("ref", node.name)
        if isinstance(node, ast.Unary) and node.op == "not":
            return ("not", self.boolean(node.operand, kind))
        if isinstance(node, ast.Name):
            var = self.pack.variables.get((kind, node.name))
            if var is not None and var.formula is not None:
                if var.type.kind != "bool":
                    raise _Unsupported(f"variable '{node.name}' is a computed {var.type}")
                formula = self.boolean(var.formula.tree, kind)
                term = _Term(f"v_{node.name}", node.name, "var", "bool", var_kind="bool")
                self.terms[term.prop] = term
                self.flags[f"s_{term.prop}"] = node.name
                return ("var", term, f"s_{term.prop}", formula)
            term = self._term(kind, node.name)
            if term.domain != "bool":
                raise _Unsupported(f"'{node.name}' used as a condition is a {term.domain}")
            return ("truthy", term)
        if isinstance(node, ast.Binary):
            form = BINARY[node.op].form
            if form is Form.LOGIC:
                return (node.op, self.boolean(node.left, kind), self.boolean(node.right, kind))
            if form is Form.MEMBERSHIP:
                left = self.side(node.left, kind)
                if not isinstance(node.right, ast.ListLit) or not self._is_const(node.right, kind):
                    raise _Unsupported("membership in a list-valued fact")
                if left.const is not None:
                    return ("inc", left.const, node.right, node.op == "not in")
                if left.fn is not None:
                    raise _Unsupported(f"{left.fn}() inside 'in'")
                return ("in", left.term, node.right, node.op == "not in")
            if form in (Form.EQUALITY, Form.COMPARISON):
                left, right = self.side(node.left, kind), self.side(node.right, kind)
                if left.const is not None and right.const is not None:
                    return ("cmpc", node.op, left.const, right.const)
                if left.const is None and right.const is None:
                    raise _Unsupported("compares two facts with each other")
                if left.const is None:
                    return ("cmp", left, node.op, right.const, True)
                return ("cmp", right, node.op, left.const, False)
        if isinstance(node, ast.Call):
            match FUNCTIONS[node.func].durable:
                case Lowered(how="presence"):
                    arg = node.args[0]
                    if not isinstance(arg, ast.Name):
                        raise _Unsupported("known() of something other than a fact")
                    var = self.pack.variables.get((kind, arg.name))
                    if var is not None and var.formula is not None:
                        raise _Unsupported(f"known() of the computed variable '{arg.name}'")
                    return ("known", self._term(kind, arg.name))
                case Refused(reason=reason):
                    raise _Unsupported(f"function {node.func}() ({reason})")
                case _:  # lowered only as a value compared with a constant (months_since)
                    raise _Unsupported(f"function {node.func}() ({CORE_ONLY.reason})")
        if isinstance(node, ast.Attr):
            raise _Unsupported("reads a field of a linked record")
        raise _Unsupported(f"expression {type(node).__name__} as a condition")

    def rule(self, rule: Rule) -> _RuleIR:
        kind = rule.subject
        applies = self.boolean(rule.applies_if.tree, kind) if rule.applies_if is not None else None
        at, af = _size(applies) if applies is not None else (1, 1)
        if rule.kind == "condition":
            assert rule.condition is not None
            body = self.boolean(rule.condition.tree, kind)
            bt, bf = _size(body)
            if max(at * bt, at * bf, af) > MAX_ALTERNATIVES:
                raise _Unsupported(f"needs more than {MAX_ALTERNATIVES} alternative Rete rules")
            return _RuleIR(rule, applies, body, None)
        assert rule.measure is not None
        measure = self.side(rule.measure.tree, kind)
        if measure.term is not None and measure.term.domain != "num" and measure.fn is None:
            raise _Unsupported(f"the measure is a {measure.term.domain}")
        if max(at, af) * 2 > MAX_ALTERNATIVES:
            raise _Unsupported(f"needs more than {MAX_ALTERNATIVES} alternative Rete rules")
        return _RuleIR(rule, applies, None, measure)


def _refs(ir: IR | None) -> set[str]:
    if ir is None:
        return set()
    if ir[0] == "ref":
        return {ir[1]}
    if ir[0] == "var":
        return _refs(ir[3])
    if ir[0] == "not":
        return _refs(ir[1])
    if ir[0] in ("and", "or"):
        return _refs(ir[1]) | _refs(ir[2])
    return set()


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


class _DateCompiler:
    """Folds parameters and turns the intermediate form into Rete condition sets for one date."""

    def __init__(self, pack: Plan, on: dt.date, verdict_key: Callable[[Rule], str]) -> None:
        self.pack = pack
        self.on = on
        self.verdict_key = verdict_key

    def const(self, node: ast.Node) -> Any:
        if isinstance(node, ast.Literal):
            return node.value
        if isinstance(node, ast.Param):
            return self.pack.parameters.at(node.name, self.on).value
        if isinstance(node, ast.Name):  # eval_year
            return self.on.year
        if isinstance(node, ast.ListLit):
            return [self.const(i) for i in node.items]
        if isinstance(node, ast.Unary):
            v = self.const(node.operand)
            return UNKNOWN if v is UNKNOWN else -v
        assert isinstance(node, ast.Binary)
        a, b = self.const(node.left), self.const(node.right)
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        if node.op == "/":
            return UNKNOWN if b == 0 else a / b
        return {"+": a + b, "-": a - b, "*": a * b}[node.op]

    def tf(self, ir: IR) -> tuple[DNF, DNF]:
        """(conditions proving true, conditions proving false); anything else is unknown."""
        tag = ir[0]
        if tag == "const":
            return (TRUE, FALSE) if ir[1] else (FALSE, TRUE)
        if tag == "pconst":
            value = self.const(ir[1])
            if not isinstance(value, bool):
                raise _Unsupported(f"parameter '${ir[1].name}' used as a condition is not true/false")
            return (TRUE, FALSE) if value else (FALSE, TRUE)
        if tag == "truthy":
            p = ir[1].prop
            return _tests(_known(p), (p, "==", 1)), _tests(_known(p), (p, "==", 0))
        if tag == "known":
            p = ir[1].prop
            return _tests(_known(p)), _tests((f"k_{p}", "==", 0))
        if tag == "ref":
            rule = self.pack.resolve(ir[1], self.on)
            if rule is None:
                return FALSE, FALSE
            key = self.verdict_key(rule)
            return [_Conj(verdicts=frozenset({(key, "pass")}))], [_Conj(verdicts=frozenset({(key, "fail")}))]
        if tag == "not":
            t, f = self.tf(ir[1])
            return f, t
        if tag in ("and", "or"):
            ta, fa = self.tf(ir[1])
            tb, fb = self.tf(ir[2])
            if tag == "and":
                return _and(ta, tb), _or(fa, fb)
            return _or(ta, tb), _and(fa, fb)
        if tag == "var":
            term, flag, formula = ir[1], ir[2], ir[3]
            ft, ff = self.tf(formula)
            supplied, computed = _tests((flag, "==", 1)), _tests((flag, "==", 0))
            it, if_ = self.tf(("truthy", term))
            return _or(_and(supplied, it), _and(computed, ft)), _or(_and(supplied, if_), _and(computed, ff))
        if tag == "cmpc":
            a, b = self.const(ir[2]), self.const(ir[3])
            return self._fold(compare(ir[1], a, _coerce_like(a, b)) if UNKNOWN not in (a, b) else UNKNOWN)
        if tag == "inc":
            a, items = self.const(ir[1]), self.const(ir[2])
            if a is UNKNOWN:
                return FALSE, FALSE
            hit = any(compare("==", a, _coerce_like(a, x)) is True for x in items)
            return self._fold(hit != ir[3])
        if tag == "cmp":
            return self._cmp(ir[1], ir[2], self.const(ir[3]), ir[4])
        if tag == "in":
            return self._in(ir[1], self.const(ir[2]), ir[3])
        raise AssertionError(tag)  # pragma: no cover

    @staticmethod
    def _fold(value: Any) -> tuple[DNF, DNF]:
        if value is UNKNOWN:
            return FALSE, FALSE
        return (TRUE, FALSE) if value else (FALSE, TRUE)

    def _cmp(self, side: _Side, op: str, c: Any, term_left: bool) -> tuple[DNF, DNF]:
        term = side.term
        assert term is not None
        if c is UNKNOWN:
            return FALSE, FALSE
        p = term.prop
        if side.fn is not None:
            if not isinstance(c, int | float) or isinstance(c, bool):
                raise EvaluationError(f"{side.fn}({term.name}) compared with {c!r}, not a number")
            return self._date_cmp(side.fn, p, op, c, term_left)
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

    def _date_cmp(self, fn: str, p: str, op: str, c: float, term_left: bool) -> tuple[DNF, DNF]:
        shape, k = _int_set(op, float(c), term_left)
        cut = _DateCut(fn, self.on).cut
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

    def _in(self, term: _Term, items: list[Any], negate: bool) -> tuple[DNF, DNF]:
        p = term.prop
        k = _known(p)
        if term.domain in ("enum", "bool"):
            hits: list[int] = []
            misses: list[int] = []
            for value, code in _members(term):
                hit = any(compare("==", value, _coerce_like(value, x)) is True for x in items)
                (hits if hit else misses).append(code)
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
        return (f, t) if negate else (t, f)


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
                    builder = _Builder(pack)
                    irs.append(builder.rule(rule))
                    rule_reads.append((builder.terms, builder.flags))
            except _Unsupported as exc:
                reasons[rid] = exc.reason
                continue
            self._ir[rid], reads[rid] = irs, rule_reads
        changed = True
        while changed:  # a rule reading an unsupported rule is unsupported
            changed = False
            for rid, irs in list(self._ir.items()):
                refs = {ref for ir in irs for ref in _refs(ir.applies) | _refs(ir.body)}
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
        dc = _DateCompiler(pack, on, _verdict_key)
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
                at, af = dc.tf(ir.applies) if ir.applies is not None else (TRUE, FALSE)
                bodies: dict[str, tuple[DNF, DNF]] = {}
                if ir.body is not None:
                    bodies[rule.id] = dc.tf(ir.body)
                    keys[rid] = {lv: rule.id for lv in levels if lv in (rule.levels or levels)}
                    statics[rid] = {lv: Outcome.not_applicable for lv in levels if lv not in keys[rid]}
                else:
                    assert ir.measure is not None and rule.op is not None
                    keys[rid], statics[rid] = {}, {}
                    for lv, pname in rule.level_thresholds:
                        if pname is None:
                            statics[rid][lv] = Outcome.not_applicable
                            continue
                        key = f"{rule.id}@{lv}"
                        keys[rid][lv] = key
                        param = ast.Param(0, 0, pname)
                        if ir.measure.const is not None:
                            bodies[key] = dc.tf(("cmpc", rule.op, ir.measure.const, param))
                        else:
                            bodies[key] = dc.tf(("cmp", ir.measure, rule.op, param, True))
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
