"""The expression AST turned into column operations over a row table.

Each node is evaluated once per table (cached), so a rule costs a fixed number
of NumPy operations whatever the number of rows. Aggregates run over
(parent, child) index pairs with ``bincount``; ``history`` is a contiguous
range of rows, so counts, shares and streaks over it use cumulative sums.
The semantics are those of engine.py and aggregates.py, rule for rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..lang import ast
from ..lang.ops import Form, GapShape, Law, Op, Tally
from ..lang.types import BOOL, DATE
from ..pack.plan import Plan
from ..run.interpreter import Walk, evaluate
from .cols import (
    Col,
    NotVectorisable,
    arith,
    coalesce,
    compare,
    const,
    gather,
    k_and,
    k_not,
    k_or,
    merge_err,
    not_none,
    unknown,
    where,
)
from .tables import Rec, Rel, Table, ranges


@dataclasses.dataclass
class PartCols:
    """An indicator's measure parts per row (see ``report.outcome.MeasureParts``): ``n``/``d`` are the
    numerator and denominator (or a ratio's operands), ``k`` where they are known."""

    shape: str
    n: np.ndarray
    d: np.ndarray
    k: np.ndarray


@dataclasses.dataclass(frozen=True)
class Lits:
    """A list of literals, the right side of ``x in ['a', 'b']`` (the only list literal vectorised)."""

    items: tuple[Any, ...]


Value = Col | Rec | Rel | Lits


def _col(c: Value, what: str) -> Col:
    if not isinstance(c, Col):
        raise NotVectorisable(what)
    return c


def _bool(c: Value, what: str) -> Col:
    if not isinstance(c, Col):
        raise NotVectorisable(f"{what} is a record or list")
    if c.t == "any":
        return Col("bool", np.zeros(c.n, dtype=bool), c.k, c.err)
    return c


class Vectoriser:
    """Evaluates expressions of one pack over the tables of one chunk."""

    def __init__(self, pack: Plan, rule_cols: Any) -> None:
        self.pack = pack
        self.rule_cols = rule_cols  # callable(rule, table) -> RuleCols
        self._cache: dict[tuple[int, Any], Value] = {}
        self._shapes: dict[int, tuple[ast.Node, Any]] = {}
        self._vars: dict[tuple[int, str], Col | Rel] = {}
        self._supplied: dict[tuple[int, str], np.ndarray] = {}  # rows where a variable is an input
        self._tallies: dict[tuple[int, Any], tuple[np.ndarray, np.ndarray]] = {}  # (n meeting, n) of a count
        self._keep: list[Any] = []

    def clear(self) -> None:
        self._cache.clear()
        self._vars.clear()
        self._supplied.clear()
        self._tallies.clear()
        self._keep.clear()

    def parts(self, rule: Any, t: Table) -> PartCols:
        """The parts of an indicator's measure over a table, as the evaluation computed them (after ``ev``):
        a share's or count's numerator and denominator, a ratio's two operands; unknown on rows where a
        variable on the way was supplied as an input, as in the explaining evaluator (run/parts.py)."""
        node = rule.measure.tree
        supplied = np.zeros(t.n, dtype=bool)
        seen: set[str] = set()
        while isinstance(node, ast.Name) and node.name not in seen:
            seen.add(node.name)
            var = self.pack.variables.get((t.kind, node.name))
            if var is None or var.formula is None:
                break
            hit = self._supplied.get((id(t), node.name))
            supplied = supplied | hit if hit is not None else supplied
            node = var.formula.tree
        assert rule.shape is not None  # the plan compiled the measure's shape (pack/plan.py)
        shape = rule.shape.kind
        nan = np.full(t.n, np.nan)
        if shape is GapShape.RATIO:
            assert isinstance(node, ast.Binary)
            ratio = self._operands(node, t, supplied)
            if ratio is not None:
                return ratio
        elif shape in (GapShape.SHARE, GapShape.COUNT):
            tally = self._tallies.get((id(t), self.shape(node)))
            if tally is not None:
                return PartCols(shape.value, tally[0], tally[1], ~supplied)
        return PartCols(shape.value, nan, nan, np.zeros(t.n, dtype=bool))

    def shape(self, node: ast.Node) -> Any:
        """The node's structure without source positions: one subexpression written in several rules
        (``streak(history, rating == 'hoan_thanh_xuat_sac')``, ``months_since(recruited_on)``) is computed once."""
        hit = self._shapes.get(id(node))
        if hit is not None:
            return hit[1]
        if isinstance(node, ast.Literal):
            out: Any = ("Literal", type(node.value).__name__, repr(node.value))
        else:
            parts: list[Any] = [type(node).__name__]
            for f in dataclasses.fields(node):
                if f.name in ("pos", "end", "func_pos"):
                    continue
                v = getattr(node, f.name)
                if isinstance(v, ast.Node):
                    parts.append(self.shape(v))
                elif isinstance(v, tuple):
                    parts.append(tuple(self.shape(x) for x in v))
                else:
                    parts.append(v)
            out = tuple(parts)
        self._shapes[id(node)] = (node, out)  # the node is kept, so its id is not reused
        return out

    def ev(self, node: ast.Node, table: Table) -> Value:
        """The column of an expression over a table (run/interpreter.py walks the tree)."""
        return evaluate(self, node, table)

    def around(self, node: ast.Node, t: Table, ranged: bool, walk: Walk[Value, Table]) -> Value:
        """Each subexpression once per table, by its shape. A column keeps its range bounds (``rng``)
        wherever it goes: only comparisons read them, so ``ranged`` changes nothing here."""
        key = (id(t), self.shape(node))
        hit = self._cache.get(key)
        if hit is None:
            hit = walk(self, node, t)
            self._cache[key] = hit
            self._keep.append(t)
        return hit

    def _operands(self, node: ast.Binary, t: Table, supplied: np.ndarray) -> PartCols | None:
        """A ratio's two operands as part columns (None when they are not both number columns)."""
        a, b = self.ev(node.left, t), self.ev(node.right, t)
        if isinstance(a, Col) and isinstance(b, Col) and a.t == "num" and b.t == "num":
            return PartCols(GapShape.RATIO.value, a.v.astype(float), b.v.astype(float), a.k & b.k & ~supplied)
        return None

    # -- leaves -------------------------------------------------------------------
    def literal(self, node: ast.Literal, t: Table) -> Value:
        return const(node.value, t.n)

    def list_of(self, node: ast.ListLit, t: Table, items: list[Value]) -> Value:
        """Only ``x in [literals]`` is vectorised: the values are kept for ``membership``, every other
        operation refuses them."""
        if not all(isinstance(it, ast.Literal) for it in node.items):
            raise NotVectorisable("a list literal of non-literals")
        return Lits(tuple(it.value for it in node.items if isinstance(it, ast.Literal)))

    def param(self, node: ast.Param, t: Table) -> Value:
        return self.parameter(node.name, t)

    def parameter(self, name: str, t: Table) -> Col:
        """A dated parameter at each row's date; a date with no value is an error on that row."""
        key = (id(t), "$" + name)
        hit = self._vars.get(key)
        if hit is None:
            hit = self._vars[key] = self._param(name, t)
            self._keep.append(t)
        assert isinstance(hit, Col)
        return hit

    def _param(self, name: str, t: Table) -> Col:
        dates, inv = t.distinct_dates()
        vals: list[Any] = []
        errs: list[Any] = []
        for d in dates:
            try:
                vals.append(self.pack.parameters.at(name, d.astype(dt.date)).value)
                errs.append(None)
            except ParameterError as exc:
                vals.append(None)
                errs.append(exc.describe())
        known = np.array([v is not None for v in vals], dtype=bool)[inv] if t.n else np.zeros(0, dtype=bool)
        err = None
        if any(e is not None for e in errs):
            err = np.array(errs, dtype=object)[inv]
        sample = next((v for v in vals if v is not None), 0)
        if isinstance(sample, bool):
            v = np.array([bool(x) if x is not None else False for x in vals], dtype=bool)[inv] if t.n else \
                np.zeros(0, dtype=bool)
            return Col("bool", v, known, err)
        if isinstance(sample, int | float):
            v = np.array([float(x) if x is not None else np.nan for x in vals], dtype=float)[inv] if t.n else \
                np.zeros(0)
            return Col("num", v, known, err)
        arr = np.array(vals, dtype=object)[inv] if t.n else np.zeros(0, dtype=object)
        return Col("str", arr, known, err)

    def rule_ref(self, node: ast.RuleRef, t: Table) -> Value:
        versions = self.pack.versions(node.name)
        n = t.n
        v = np.zeros(n, dtype=bool)
        k = np.zeros(n, dtype=bool)
        err: np.ndarray | None = None
        todo = np.ones(n, dtype=bool)
        for rule in versions:
            covers = t.covers(rule.effective.start, rule.effective.end) & todo
            if not covers.any():
                continue
            if rule.subject != t.kind:
                raise NotVectorisable(f"@{node.name} names a {rule.subject} rule from a {t.kind}")
            rc = self.rule_cols(rule, t)
            v |= covers & (rc.outcome == 0)
            k |= covers & (rc.outcome <= 1)
            err = merge_err(err, rc.err, covers)
            todo &= ~covers
        return Col("bool", v, k, err)

    def name(self, node: ast.Name, t: Table) -> Value:
        return self.named(node.name, t)

    def named(self, name: str, t: Table) -> Col | Rec | Rel:
        """A variable, a field, the evaluation year or date, or a link of the table's kind."""
        if (t.kind, name) in self.pack.variables:
            return self.variable(name, t)
        col = t.field(name)
        if col is not None:
            return col
        if name == "eval_year":
            return Col("num", t.year.astype(float), np.ones(t.n, dtype=bool))
        if name == "eval_date":
            return Col("date", t.date, np.ones(t.n, dtype=bool))
        link = t.link(name)
        if link is not None:
            return link
        return unknown(t.n)

    def variable(self, name: str, t: Table) -> Col | Rel:
        key = (id(t), name)
        hit = self._vars.get(key)
        if hit is not None:
            return hit
        var = self.pack.variables[(t.kind, name)]
        yin, ein = t.inputs(name)
        supplied = np.zeros(t.n, dtype=bool)
        out: Col | None = None
        for c in (yin, ein):
            if c is None:
                continue
            c = _typed_input(c, var.type)
            out = c if out is None else Col(out.t, np.where(supplied, out.v, c.v), out.k | (c.k & ~supplied),
                                            None, out.vocab)
            supplied |= c.k
        self._supplied[key] = supplied
        if var.formula is not None:
            f = self.ev(var.formula.tree, t)
            if isinstance(f, Rel) and out is None:
                # a list variable (e.g. the lecturers, filter(staff, is_lecturer)) computed on every row
                self._vars[key] = f
                return f
            if not isinstance(f, Col):
                raise NotVectorisable(f"variable '{name}' is a list or record")
            if out is None:
                out = f
            else:
                tt = out.t if out.t != "any" else f.t
                if f.t not in (tt, "any") and tt != "any":
                    raise NotVectorisable(f"variable '{name}': input {tt} vs formula {f.t}")
                fv = f.v if f.t == tt else np.zeros(t.n, dtype=out.v.dtype)
                rng = None if f.rng is None else (np.where(supplied, np.nan, f.rng[0]), np.where(supplied, np.nan, f.rng[1]))
                out = Col(tt, np.where(supplied, out.v, fv), np.where(supplied, out.k, f.k),
                          merge_err(None, f.err, ~supplied), out.vocab or f.vocab, rng=rng)
        if out is None:
            out = unknown(t.n)
        self._vars[key] = out
        return out

    # -- structure ---------------------------------------------------------------
    def attr(self, node: ast.Attr, t: Table, obj: Value) -> Value:
        if isinstance(obj, Col):
            if obj.k.any():
                raise NotVectorisable(f"'.{node.name}' on a {obj.t}")
            return unknown(t.n)
        if not isinstance(obj, Rec):
            raise NotVectorisable(f"'.{node.name}' on a list")
        target = self.named(node.name, obj.table)
        if isinstance(target, Col):
            out = gather(target, obj.idx, obj.k)
            out.err = merge_err(obj.err, out.err)
            return out
        if isinstance(target, Rec):
            safe = np.where(obj.idx < 0, 0, obj.idx)
            k = obj.k & (target.k[safe] if len(target.k) else False)
            return Rec(target.table, np.where(k, target.idx[safe] if len(target.k) else -1, -1), k, obj.err)
        parent, child = target.pairs()
        order = np.argsort(parent, kind="stable")
        parent, child = parent[order], child[order]
        counts = np.bincount(parent, minlength=target.n) if target.n else np.zeros(0, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        safe = np.where(obj.k, obj.idx, 0)
        cnt = np.where(obj.k, counts[safe] if target.n else 0, 0)
        p, pos = ranges(starts[safe] if target.n else np.zeros(t.n, dtype=np.int64), cnt)
        k = obj.k & (target.k[safe] if target.n else False)
        return Rel(target.table, t.n, k, p, child[pos])

    # -- operators ------------------------------------------------------------------
    def negation(self, op: Op, node: ast.Unary, t: Table, v: Value) -> Value:
        return k_not(_bool(v, "operand"))

    def negative(self, op: Op, node: ast.Unary, t: Table, v: Value) -> Value:
        c = _col(v, "'-' of a record or list")
        return Col("num", -c.v.astype(float), c.k, c.err)

    def decides(self, a: Value, dominant: bool) -> bool:
        """Columns evaluate both sides of and/or: some rows may be decided by the left side, not all."""
        return False

    def short_circuit(self, node: ast.Binary, t: Table, a: Value) -> Value:
        raise AssertionError("columns never short-circuit")  # pragma: no cover - decides() is False

    def logic(self, op: Op, node: ast.Binary, t: Table, a: Value, b: Value) -> Value:
        left, right = _bool(a, "left side"), _bool(b, "right side")
        return k_and(left, right) if node.op == "and" else k_or(left, right)

    def arithmetic(self, op: Op, node: ast.Binary, t: Table, a: Value, b: Value) -> Value:
        what = f"'{node.op}' on records or lists"
        return arith(node.op, _col(a, what), _col(b, what))

    def comparison(self, op: Op, node: ast.Binary, t: Table, a: Value, b: Value) -> Value:
        what = f"'{node.op}' on records or lists"
        return compare(node.op, _col(a, what), _col(b, what))

    def membership(self, op: Op, node: ast.Binary, t: Table, a: Value, b: Value) -> Value:
        if not isinstance(a, Col):
            raise NotVectorisable("'in' on a record")
        if isinstance(b, Lits):
            hit = np.zeros(t.n, dtype=bool)
            for x in b.items:
                c = compare("==", a, const(x, t.n))
                hit |= c.v & c.k
            out = hit if node.op == "in" else ~hit
            return Col("bool", out & a.k, a.k.copy(), a.err)
        if not isinstance(b, Col) or b.t not in ("strlist", "any"):
            raise NotVectorisable("'in' on a non-literal list")
        k = a.k & b.k
        hit = np.zeros(t.n, dtype=bool)
        if a.t == "enum":
            raise NotVectorisable("enum 'in' a list field")
        for i in np.flatnonzero(k):
            hit[i] = a.v[i] in b.v[i]
        out = hit if node.op == "in" else ~hit
        return Col("bool", out & k, k, merge_err(a.err, b.err))

    # -- calls ------------------------------------------------------------------
    def strict_call(self, op: Op, node: ast.Call, t: Table, args: list[Value]) -> Value:
        """A function unknown when any argument is; the same fact (e.g. recruited_on) is read by many
        rules, so it is computed once per table and argument columns."""
        cols = [_col(a, f"{op.name}() of records or lists") for a in args]
        key = (id(t), f"{op.name}#" + ",".join(str(id(c)) for c in cols))
        hit = self._vars.get(key)
        if hit is None:
            hit = self._vars[key] = self._strict(op, cols, t)
            self._keep.append(cols)
        return hit

    def lazy(self, op: Op, node: ast.Call, t: Table, arg: Callable[[int], Value]) -> Value:
        """coalesce / if / known: every argument is a column; the kernel combines their (v, k) pairs."""
        match op.form:
            case Form.FIRST_KNOWN:
                return coalesce([_col(arg(i), "coalesce of records or lists") for i in range(len(node.args))])
            case Form.BRANCH:
                c = _bool(arg(0), "condition")
                x, y = arg(1), arg(2)
                if not isinstance(x, Col) or not isinstance(y, Col):
                    raise NotVectorisable("if() of records or lists")
                return where(c, x, y)
            case _:  # Form.KNOWN
                z = arg(0)
                if isinstance(z, Lits):
                    raise NotVectorisable("a list literal outside 'in'")
                v, k = op.column(z.k)
                return Col("bool", v, k, z.err)

    def window(self, op: Op, node: ast.Call, t: Table, coll: Value, n: Value) -> Value:
        """window(history, n): the history ranges narrowed to their last n rows (one row per year)."""
        rel = coll
        if not isinstance(rel, Rel) or rel.start is None or rel.end is None:
            raise NotVectorisable("window() over a list that is not a history")
        if not isinstance(n, Col) or n.t not in ("num", "any"):
            raise NotVectorisable("window() with a non-numeric n")
        start = op.column(rel.start, rel.end, np.where(n.k, n.v.astype(float), 0.0))
        return Rel(rel.table, rel.n, rel.k & n.k, start=start, end=rel.end, err=merge_err(rel.err, n.err))

    @staticmethod
    def _strict(op: Op, cols: list[Col], t: Table) -> Col:
        """A function unknown when any argument is (Law.STRICT), at each row's date."""
        k = np.ones(t.n, dtype=bool)
        err = None
        for c in cols:
            k &= c.k
            err = merge_err(err, c.err)
        arrays = []
        for c, spec in zip(cols, op.signature.args, strict=True):
            if spec.type is DATE:
                if c.t != "date":
                    raise NotVectorisable(f"{op.name}() of a {c.t}")
                arrays.append(np.where(k, c.v, t.date))
            else:
                arrays.append(c.v.astype(float))
        out = op.column(t.date_parts(), *arrays)
        if op.signature.returns is BOOL:
            return Col("bool", out & k, k, err)
        return Col("num", np.where(k, out.astype(float), np.nan), k, err)

    def aggregate(self, op: Op, node: ast.Call, t: Table, coll: Value, each: Callable[[Table], Value] | None,
                  cap: Callable[[], Value] | None) -> Value:
        """count/share/any/all/sum/min/max/filter/streak over (parent, child) pairs or history ranges."""
        f = op.name
        rel = coll
        if isinstance(rel, Col):
            if not rel.k.any():
                return unknown(t.n, "bool" if op.signature.returns is BOOL else "num")
            raise NotVectorisable(f"{f}() of a non-list")
        if not isinstance(rel, Rel):
            raise NotVectorisable(f"{f}() of a record")
        if each is None:  # count(list): every element counts
            g = _Groups(rel, ranges=False)
            v, kn, _ = op.column(Tally(g.total.astype(float), 0, 0, g.total))
            return Col("num", v, rel.k & kn, rel.err)
        c = each(rel.table)
        if not isinstance(c, Col):
            raise NotVectorisable(f"{f}() of records or lists")
        if op.form is Form.STREAK:
            if rel.start is None or rel.end is None:
                raise NotVectorisable("streak() over a list that is not a history")
            c = _bool(c, "streak condition")
            years: list[np.ndarray] = []
            cap_err = None
            if cap is not None:  # the years needed, read at the row (§8a.7)
                n = cap()
                if not isinstance(n, Col) or n.t not in ("num", "any"):
                    raise NotVectorisable("streak() with a non-numeric n")
                years = [n.v.astype(float), n.k]
                cap_err = n.err
            v, kn = op.column(rel.start, rel.end, c.v.astype(bool), c.k, *years)
            return Col("num", v, rel.k & kn, merge_err(merge_err(rel.err, _range_err(rel, c.err)), cap_err))
        g = _Groups(rel, ranges=rel.start is not None and op.form is not Form.FILTER)
        e = g.elements(c)
        n_unk = g.sum(~e.k)
        err = merge_err(rel.err, g.first_err(e.err))
        known = rel.k.copy()
        if op.form is Form.FOLD:
            if e.t not in ("num", "enum", "any"):
                raise NotVectorisable(f"{f}() of a {e.t}")
            v, defined = op.column(g, e.v.astype(float), e.k)
            kn = known & (n_unk == 0) & (True if defined is None else defined)
            if e.t == "enum":
                return Col("enum", np.where(kn, v, -1).astype(np.int64), kn, err, e.vocab)
            return Col("num", v, kn, err)
        if e.t not in ("bool", "any"):
            raise NotVectorisable(f"{f}() with a non-condition")
        true = e.k & e.v.astype(bool)
        n_true = g.sum(true)
        tally = Tally(n_true, g.total - n_true - n_unk, n_unk, g.total)
        self._record_tally(op, node, t, n_true, g.total)
        if op.form is Form.FILTER:
            keep, kn = op.column(true, tally)
            return Rel(rel.table, rel.n, known & kn, g.parent[keep], g.child[keep], err=err)
        v, kn, bounds = op.column(tally)
        if bounds is not None:  # count / share with unknown elements: a range where the list is known (issue 12)
            bounds = (np.where(known, bounds[0], np.nan), np.where(known, bounds[1], np.nan))
        return Col("bool" if op.signature.returns is BOOL else "num", v, known & kn, err, rng=bounds)

    def _record_tally(self, op: Op, node: ast.Call, t: Table, n_true: np.ndarray, total: np.ndarray) -> None:
        """Keep a count's or share's numerator and denominator for the gap analysis (``parts``)."""
        if op.law in (Law.TALLY, Law.SHARE) and op.form is Form.TALLY:
            self._tallies[(id(t), self.shape(node))] = (np.asarray(n_true, dtype=float),
                                                        np.asarray(total, dtype=float))


class _Groups:
    """The elements of each row's list: contiguous row ranges (a history, summed with cumulative sums)
    or (parent, child) pairs (summed with ``bincount``)."""

    def __init__(self, rel: Rel, ranges: bool) -> None:
        self.rel = rel
        self.ranges = ranges
        n = rel.n
        if ranges:
            assert rel.start is not None and rel.end is not None
            self.total: np.ndarray = (rel.end + 1 - rel.start).astype(float)
        else:
            self.total = np.bincount(self.parent, minlength=n)[:n] if n else np.zeros(0, dtype=np.int64)

    @functools.cached_property
    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return self.rel.pairs()

    @property
    def parent(self) -> np.ndarray:
        return self._pairs[0]

    @property
    def child(self) -> np.ndarray:
        return self._pairs[1]

    def elements(self, c: Col) -> Col:
        return c if self.ranges else gather(c, self.child)

    def sum(self, x: np.ndarray) -> np.ndarray:
        rel = self.rel
        if self.ranges:
            assert rel.start is not None and rel.end is not None
            cs = np.concatenate([[0.0], np.cumsum(x, dtype=float)])
            out: np.ndarray = cs[rel.end + 1] - cs[rel.start]
            return out
        return np.bincount(self.parent, weights=x, minlength=rel.n)[:rel.n] if rel.n else np.zeros(0)

    def _agg(self, x: np.ndarray, how: str) -> np.ndarray:
        vals = x[self.child] if self.ranges else x
        agg = pd.Series(vals).groupby(self.parent).agg(how) if len(self.parent) else pd.Series(dtype=float)
        out = np.full(self.rel.n, np.nan)
        out[agg.index.to_numpy(dtype=np.int64)] = agg.to_numpy()
        return out

    def min(self, x: np.ndarray) -> np.ndarray:
        return self._agg(x, "min")

    def max(self, x: np.ndarray) -> np.ndarray:
        return self._agg(x, "max")

    def first_err(self, err: np.ndarray | None) -> np.ndarray | None:
        return _range_err(self.rel, err) if self.ranges else _first_err(self.parent, err, self.rel.n)


def _typed_input(c: Col, vt: Any) -> Col:
    if vt.kind == "enum":
        raise NotVectorisable("enum inputs")
    return c


def _first_err(parent: np.ndarray, err: np.ndarray | None, n: int) -> np.ndarray | None:
    if err is None:
        return None
    hit = np.flatnonzero(not_none(err))
    if not len(hit):
        return None
    out = np.full(n, None, dtype=object)
    for i in hit[::-1]:
        out[parent[i]] = err[i]
    return out


def _range_err(rel: Rel, err: np.ndarray | None) -> np.ndarray | None:
    if err is None:
        return None
    assert rel.start is not None and rel.end is not None
    bad = not_none(err)
    cs = np.concatenate([[0], np.cumsum(bad)])
    anyb = (cs[rel.end + 1] - cs[rel.start]) > 0
    if not anyb.any():
        return None
    out = np.full(rel.n, None, dtype=object)
    first = np.where(bad, np.arange(len(bad)), len(bad))
    # the earliest error in each range
    nxt = np.minimum.accumulate(first[::-1])[::-1]
    for i in np.flatnonzero(anyb):
        out[i] = err[nxt[rel.start[i]]]
    return out
