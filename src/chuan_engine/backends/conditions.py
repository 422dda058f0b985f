"""Rete condition sets: a condition as (conjunctions proving it true, conjunctions proving it false).

Kleene's three values without a third set: a verdict neither set proves is unknown. Every fact
property has a ``k_`` "known" flag, so each test on a fact also asks that the fact is known. The
tests of a fact against a constant follow the core's coercions and its 1e-9 tolerance; a
months_since/years_since of a date becomes a test of the date's ordinal against a cut-off.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import EvaluationError
from ..facts.vocab import OrderedVocab
from ..lang.logic import UNKNOWN
from ..lang.ops import EPS, FUNCTIONS, compare
from ..run.explain import _num_compare
from ..run.scalar import coerce_like


@dataclass(frozen=True)
class _Term:
    """A scalar fact of the entity, as one property of the asserted fact."""

    prop: str
    name: str
    source: str  # field | var
    domain: str  # num | enum | bool | str | date
    vocab: type[OrderedVocab] | None = None
    var_kind: str | None = None  # declared type kind of a pack variable (input check)


Test = tuple[str, str, Any]  # (property, op, value)


@dataclass(frozen=True)
class _Conj:
    tests: frozenset[Test] = frozenset()
    verdicts: frozenset[tuple[str, str]] = frozenset()  # (verdict key, outcome)


DNF = list[_Conj]
TRUE: DNF = [_Conj()]
FALSE: DNF = []
TF = tuple[DNF, DNF]  # (conditions proving true, conditions proving false); anything else is unknown


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


def _cmp(term: _Term, fn: str | None, op: str, c: Any, term_left: bool, on: dt.date) -> TF:
    """``fact op c`` (or ``c op fact``) as condition sets, with the core's coercions and tolerance."""
    if c is UNKNOWN:
        return FALSE, FALSE
    if fn is not None:
        if not isinstance(c, int | float) or isinstance(c, bool):
            raise EvaluationError(f"{fn}({term.name}) compared with {c!r}, not a number")
        return _date_cmp(fn, term.prop, op, c, term_left, on)
    match term.domain:
        case "enum" | "bool":
            return _split_members(term, lambda value: _member_cmp(op, value, c, term_left))
        case "str":
            return _text_cmp(term, op, c)
        case _:
            if not isinstance(c, int | float) or isinstance(c, bool):
                raise EvaluationError(f"'{term.name}' (number) compared with {c!r}, which is not a number")
            return _num_tests(term.prop, op if term_left else FLIP[op], float(c))


def _member_cmp(op: str, value: Any, c: Any, term_left: bool) -> bool:
    a, b = (value, c) if term_left else (c, value)
    return bool(compare(op, a, coerce_like(a, b)))


def _split_members(term: _Term, hit: Callable[[Any], bool]) -> TF:
    """An enum or boolean fact as the code sets of the members that satisfy ``hit`` and of those that do not."""
    hits: list[int] = []
    misses: list[int] = []
    for value, code in _members(term):
        (hits if hit(value) else misses).append(code)
    domain = [code for _, code in _members(term)]
    return _code_set(term.prop, hits, domain), _code_set(term.prop, misses, domain)


def _text_cmp(term: _Term, op: str, c: Any) -> TF:
    if op not in ("==", "!="):
        raise EvaluationError(f"'{term.name}' (text) cannot be ordered with '{op}'")
    p, k = term.prop, _known(term.prop)
    if not isinstance(c, str):  # text never equals a number: the core says False / True
        eq_t, eq_f = FALSE, _tests(k)
    else:
        eq_t, eq_f = _tests(k, (p, "==", c)), _tests(k, (p, "!=", c))
    return (eq_t, eq_f) if op == "==" else (eq_f, eq_t)

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
    match term.domain:
        case "enum" | "bool":
            t, f = _split_members(term, lambda value: any(compare("==", value, coerce_like(value, x)) is True
                                                              for x in items))
        case "str":
            strs = [x for x in items if isinstance(x, str)]
            t = _or(*[_tests(k, (p, "==", x)) for x in strs])
            f = _tests(k, *[(p, "!=", x) for x in strs])
        case _:
            t, f = FALSE, _tests(k)
            for x in [float(x) for x in items if isinstance(x, int | float) and not isinstance(x, bool)]:
                eq, ne = _num_tests(p, "==", x)
                t, f = _or(t, eq), _and(f, ne)
    return (t, f) if hit(True) else (f, t)


def _fold(value: Any) -> TF:
    if value is UNKNOWN:
        return FALSE, FALSE
    return (TRUE, FALSE) if value else (FALSE, TRUE)
