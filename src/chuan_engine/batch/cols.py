"""Column values of the vectorised evaluator: three-valued logic as two boolean masks.

A ``Col`` holds ``v`` (values) and ``k`` (known); an unknown cell is never
read as False or 0. ``err`` carries, per row, the message of an evaluation
error (a parameter with no value on the row's date), propagated as the
explaining evaluator would raise it: ``False and <error>`` is False because
the right side is never evaluated there either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..facts.vocab import OrderedVocab
from ..lang.ops import BINARY, COMPARISONS, EPS, FUNCTIONS, UNARY, Form

# ``None`` as a read-only 0-d object array. numpy reads a bare None as this array wherever an array is
# expected (``np.where(c, a, None)``, ``np.not_equal(a, None)``), but its stubs do not take None as array-like.
NONE = np.array(None, dtype=object)
NONE.flags.writeable = False


class NotVectorisable(Exception):
    """A construct the column compiler does not handle; the rule falls back to the explaining evaluator."""


@dataclass
class Col:
    t: str  # num | bool | str | enum | date | strlist | any
    v: np.ndarray
    k: np.ndarray
    err: np.ndarray | None = None
    vocab: type[OrderedVocab] | None = None
    lit: Any = None  # the Python value when the column is a literal (for enum coercion)

    @property
    def n(self) -> int:
        return len(self.k)


def not_none(a: np.ndarray) -> np.ndarray:
    """Elementwise ``x is not None`` of an object array (numpy's ``a != None``)."""
    out: np.ndarray = np.not_equal(a, NONE)  # an object comparison: the stubs say Any, numpy gives bools
    return out


def else_none(cond: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``a`` where ``cond`` holds, None elsewhere (an object array)."""
    return np.where(cond, a, NONE)


def has_err(err: np.ndarray | None, n: int) -> np.ndarray:
    if err is None:
        return np.zeros(n, dtype=bool)
    return not_none(err)


def merge_err(a: np.ndarray | None, b: np.ndarray | None, where_b: np.ndarray | None = None) -> np.ndarray | None:
    """First error wins; ``b`` counts only where ``where_b`` (it was evaluated there)."""
    if b is not None and where_b is not None:
        b = else_none(where_b, b)
        if not not_none(b).any():
            b = None
    if a is None:
        return b
    if b is None:
        return a
    return np.where(not_none(a), a, b)


def unknown(n: int, t: str = "any") -> Col:
    v = np.zeros(n, dtype=bool) if t in ("bool", "any") else np.full(n, np.nan)
    return Col(t, v, np.zeros(n, dtype=bool))


def const(value: Any, n: int) -> Col:
    """A literal broadcast to n rows without copying (read-only views: operations always make new arrays)."""
    known = np.broadcast_to(np.True_, (n,))
    if isinstance(value, bool):
        return Col("bool", np.broadcast_to(np.bool_(value), (n,)), known, lit=value)
    if isinstance(value, int | float):
        return Col("num", np.broadcast_to(np.float64(value), (n,)), known, lit=value)
    if isinstance(value, str):
        return Col("str", np.broadcast_to(np.array(value, dtype=object), (n,)), known, lit=value)
    raise NotVectorisable(f"literal {value!r}")


def gather(c: Col, idx: np.ndarray, known: np.ndarray | None = None) -> Col:
    """Rows ``idx`` of a column (idx < 0 = no row: unknown)."""
    safe = np.where(idx < 0, 0, idx) if len(c.k) else np.zeros(len(idx), dtype=np.int64)
    if len(c.k) == 0:
        out = Col(c.t, np.resize(c.v, len(idx)), np.zeros(len(idx), dtype=bool), None, c.vocab)
        return out
    k = c.k[safe] & (idx >= 0)
    if known is not None:
        k &= known
    err = None if c.err is None else else_none(idx >= 0, c.err[safe])
    if err is not None and known is not None:
        err = else_none(known, err)
    return Col(c.t, c.v[safe], k, err, c.vocab, c.lit)


def logic(op: str, a: Col, b: Col) -> Col:
    """``a and b`` / ``a or b`` by the operator table; the right side's errors count only where the
    left side does not decide (the explaining evaluator never reads it there)."""
    entry = BINARY[op]
    av, bv = a.v.astype(bool), b.v.astype(bool)
    v, k = entry.column(av, a.k, bv, b.k)
    decided = a.k & (av == entry.law.dominant)
    return Col("bool", v, k, merge_err(a.err, b.err, ~decided))


def k_and(a: Col, b: Col) -> Col:
    return logic("and", a, b)


def k_or(a: Col, b: Col) -> Col:
    return logic("or", a, b)


def k_not(a: Col) -> Col:
    v, k = UNARY["not"].column(a.v.astype(bool), a.k)
    return Col("bool", v, k, a.err)


def _ranks(c: Col, vocab: type[OrderedVocab]) -> np.ndarray:
    """A column as ranks in ``vocab`` (string literals and string columns are coerced like the engine does)."""
    if c.t == "enum":
        if c.vocab is not vocab:
            raise NotVectorisable(f"comparison across vocabularies {c.vocab} / {vocab}")
        return c.v.astype(np.int64)
    if c.t == "str" and isinstance(c.lit, str):
        try:
            return np.full(len(c.k), list(vocab.__members__.values()).index(vocab(c.lit)), dtype=np.int64)
        except ValueError:
            raise NotVectorisable(f"'{c.lit}' is not a value of {vocab.__name__}") from None
    if c.t == "str":
        members = list(vocab.__members__.values())
        cache: dict[Any, int] = {}
        out = np.full(len(c.k), -1, dtype=np.int64)
        for i in np.flatnonzero(c.k):
            s = c.v[i]
            if s not in cache:
                try:
                    cache[s] = members.index(vocab(s))
                except ValueError:
                    raise NotVectorisable(f"'{s}' is not a value of {vocab.__name__}") from None
            out[i] = cache[s]
        return out
    raise NotVectorisable(f"cannot compare {c.t} with an enum")


def compare(op: str, a: Col, b: Col) -> Col:
    n = len(a.k)
    k = a.k & b.k
    err = merge_err(a.err, b.err)
    entry = COMPARISONS[op]
    kernel = entry.column
    if "any" in (a.t, b.t):
        return Col("bool", np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), err)
    if a.t == "enum" or b.t == "enum":
        vocab = a.vocab if a.t == "enum" else b.vocab
        assert vocab is not None
        ra, rb = _ranks(a, vocab), _ranks(b, vocab)
        return Col("bool", kernel(ra - rb) & k, k, err)
    if a.t == "num" and b.t == "num":
        with np.errstate(invalid="ignore"):
            d = a.v - b.v
            d = np.where(np.abs(d) < EPS, 0.0, d)
            out = kernel(d)
        return Col("bool", out & k, k, err)
    if a.t == "date" and b.t == "date":
        d = (a.v - b.v).astype(np.int64)
        return Col("bool", kernel(d) & k, k, err)
    if a.t != b.t or entry.form is not Form.EQUALITY:
        raise NotVectorisable(f"compare {a.t} {op} {b.t}")
    eq = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(k)
    if len(idx):
        eq[idx] = np.asarray(a.v[idx] == b.v[idx], dtype=bool)
    return Col("bool", kernel(np.where(eq, 0, 1)) & k, k, err)


def arith(op: str, a: Col, b: Col) -> Col:
    if a.t not in ("num", "any") or b.t not in ("num", "any"):
        raise NotVectorisable(f"arithmetic on {a.t}, {b.t}")
    k = a.k & b.k
    with np.errstate(all="ignore"):
        v, defined = BINARY[op].column(a.v.astype(float), b.v.astype(float))
    if defined is not None:
        k = k & defined
    return Col("num", np.where(k, v, np.nan), k, merge_err(a.err, b.err))


def where(c: Col, x: Col, y: Col) -> Col:
    """``if(c, x, y)``: unknown condition gives unknown."""
    cv = c.v.astype(bool)
    t, vocab = _join_types(x, y)
    v, k = FUNCTIONS["if"].column(cv, c.k, _as(x, t), x.k, _as(y, t), y.k)
    err = merge_err(c.err, merge_err(else_none(c.k & cv, x.err) if x.err is not None else None,
                                     else_none(c.k & ~cv, y.err) if y.err is not None else None))
    return Col(t, v, k, err, vocab)


def coalesce(cols: list[Col]) -> Col:
    out = cols[0]
    for nxt in cols[1:]:
        t, vocab = _join_types(out, nxt)
        v, k = FUNCTIONS["coalesce"].column(_as(out, t), out.k, _as(nxt, t), nxt.k)
        err = merge_err(out.err, nxt.err, ~out.k & ~has_err(out.err, len(k)))
        out = Col(t, v, k, err, vocab)
    return out


def _join_types(x: Col, y: Col) -> tuple[str, Any]:
    if x.t == "any":
        return y.t, y.vocab
    if y.t == "any" or x.t == y.t:
        if x.t == "enum" and y.t == "enum" and x.vocab is not y.vocab:
            raise NotVectorisable("mixed vocabularies")
        return x.t, x.vocab
    raise NotVectorisable(f"mixed types {x.t}/{y.t}")


def _as(c: Col, t: str) -> np.ndarray:
    if c.t == t:
        return c.v
    n = len(c.k)
    if t == "bool":
        return np.zeros(n, dtype=bool)
    if t in ("num",):
        return np.full(n, np.nan)
    if t == "enum":
        return np.full(n, -1, dtype=np.int64)
    if t == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return np.full(n, None, dtype=object)
