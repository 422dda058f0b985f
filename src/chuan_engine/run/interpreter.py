"""The one interpreter of the expression language, written against a value algebra.

``evaluate`` walks the syntax tree once, with an exhaustive ``match`` on the node classes and on the
operator table's ``Form``; what a value *is* belongs to the algebra: scalar values with a tracer (the
explaining path, run/scalar.py), columns over a row table (the batch path, batch/compiler.py). An algebra
refuses an operator it cannot run by raising its own exception (the column algebra's ``NotVectorisable``).

The interpreter decides the order of evaluation and what is never read: the right side of ``and``/``or``
when the left side decides (``Algebra.decides``), the arguments of the lazy helpers until the kernel asks,
the elements of an aggregate through a per-element callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from ..lang import ast
from ..lang.ops import BINARY, FUNCTIONS, UNARY, Form, Op

V = TypeVar("V")
C = TypeVar("C")

Walk = Callable[["Algebra[V, C]", ast.Node, C], V]


class Algebra(Protocol[V, C]):
    """The values one path computes with (``V``) in the context it evaluates in (``C``): one method per
    node kind and operator form. Operands arrive evaluated, except where the method takes a callback."""

    def around(self, node: ast.Node, ctx: C, ranged: bool, walk: Walk[V, C]) -> V:
        """Evaluate one node: ``walk(self, node, ctx)`` computes it (the place for caching, errors, ranges).
        ``ranged``: the parent reads a range (a count or share with unknown elements) as such."""
        ...

    def literal(self, node: ast.Literal, ctx: C) -> V: ...
    def list_of(self, node: ast.ListLit, ctx: C, items: list[V]) -> V: ...
    def param(self, node: ast.Param, ctx: C) -> V: ...
    def rule_ref(self, node: ast.RuleRef, ctx: C) -> V: ...
    def name(self, node: ast.Name, ctx: C) -> V: ...
    def attr(self, node: ast.Attr, ctx: C, obj: V) -> V: ...
    def negation(self, op: Op, node: ast.Unary, ctx: C, v: V) -> V: ...
    def negative(self, op: Op, node: ast.Unary, ctx: C, v: V) -> V: ...

    def decides(self, a: V, dominant: bool) -> bool:
        """The left side of and/or alone decides (it is the law's dominant value): the right is not read."""
        ...

    def short_circuit(self, node: ast.Binary, ctx: C, a: V) -> V: ...
    def logic(self, op: Op, node: ast.Binary, ctx: C, a: V, b: V) -> V: ...
    def arithmetic(self, op: Op, node: ast.Binary, ctx: C, a: V, b: V) -> V: ...
    def comparison(self, op: Op, node: ast.Binary, ctx: C, a: V, b: V) -> V: ...
    def membership(self, op: Op, node: ast.Binary, ctx: C, a: V, b: V) -> V: ...
    def strict_call(self, op: Op, node: ast.Call, ctx: C, args: list[V]) -> V: ...

    def aggregate(self, op: Op, node: ast.Call, ctx: C, coll: V, each: Callable[[C], V] | None,
                  cap: Callable[[], V] | None) -> V:
        """count/share/any/all/sum/min/max/filter/streak: ``each(element context)`` evaluates the second
        argument on the elements (None for ``count(list)``), ``cap()`` streak's optional n at the call."""
        ...

    def window(self, op: Op, node: ast.Call, ctx: C, coll: V, n: V) -> V: ...

    def lazy(self, op: Op, node: ast.Call, ctx: C, arg: Callable[[int], V]) -> V:
        """coalesce / if / known: ``arg(i)`` evaluates the i-th argument, only when asked."""
        ...


def evaluate(alg: Algebra[V, C], node: ast.Node, ctx: C, ranged: bool = False) -> V:
    """The value of an expression in a context, in the algebra's values."""
    return alg.around(node, ctx, ranged, _walk)


def _walk(alg: Algebra[V, C], node: ast.Node, ctx: C) -> V:
    match node:  # the node classes are disjoint: the cases are in the order of how often rules hold them
        case ast.Binary():
            return _binary(alg, node, ctx)
        case ast.Name():
            return alg.name(node, ctx)
        case ast.Literal():
            return alg.literal(node, ctx)
        case ast.Call():
            return _call(alg, node, ctx)
        case ast.Param():
            return alg.param(node, ctx)
        case ast.RuleRef():
            return alg.rule_ref(node, ctx)
        case ast.Attr(obj=obj):
            return alg.attr(node, ctx, evaluate(alg, obj, ctx))
        case ast.Unary(op=symbol, operand=operand):
            op = UNARY[symbol]
            v = evaluate(alg, operand, ctx)
            return alg.negation(op, node, ctx, v) if op.form is Form.NEGATION else alg.negative(op, node, ctx, v)
        case ast.ListLit(items=items):
            return alg.list_of(node, ctx, [evaluate(alg, i, ctx) for i in items])
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover - the parser builds only the above


def _binary(alg: Algebra[V, C], node: ast.Binary, ctx: C) -> V:
    op = BINARY[node.op]
    match op.form:
        case Form.LOGIC:
            assert op.law.dominant is not None
            a = evaluate(alg, node.left, ctx)
            if alg.decides(a, op.law.dominant):
                return alg.short_circuit(node, ctx, a)
            return alg.logic(op, node, ctx, a, evaluate(alg, node.right, ctx))
        case Form.ARITHMETIC:
            return alg.arithmetic(op, node, ctx, evaluate(alg, node.left, ctx), evaluate(alg, node.right, ctx))
        case Form.MEMBERSHIP:
            return alg.membership(op, node, ctx, evaluate(alg, node.left, ctx), evaluate(alg, node.right, ctx))
        case Form.EQUALITY | Form.COMPARISON:  # a comparison decides on a range (issue 12)
            a = evaluate(alg, node.left, ctx, ranged=True)
            return alg.comparison(op, node, ctx, a, evaluate(alg, node.right, ctx, ranged=True))
    raise AssertionError(f"binary operator of form {op.form}")  # pragma: no cover


def _call(alg: Algebra[V, C], node: ast.Call, ctx: C) -> V:
    op = FUNCTIONS[node.func]
    args = node.args
    match op.form:
        case Form.TALLY | Form.FOLD | Form.FILTER | Form.STREAK:
            coll = evaluate(alg, args[0], ctx)
            each = None if len(args) < 2 else (lambda elem: evaluate(alg, args[1], elem))
            cap = None if len(args) < 3 else (lambda: evaluate(alg, args[2], ctx))
            return alg.aggregate(op, node, ctx, coll, each, cap)
        case Form.WINDOW:
            return alg.window(op, node, ctx, evaluate(alg, args[0], ctx), evaluate(alg, args[1], ctx))
        case Form.FIRST_KNOWN | Form.BRANCH | Form.KNOWN:
            return alg.lazy(op, node, ctx, lambda i: evaluate(alg, args[i], ctx))
        case _:  # Form.STRICT
            return alg.strict_call(op, node, ctx, [evaluate(alg, a, ctx) for a in args])
