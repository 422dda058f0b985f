"""Static checking of expressions against the fact schema, at pack load.

An unknown field, a type mismatch, an unknown parameter, an unknown rule or
an enum literal outside its vocabulary is a load error naming the file, the
rule and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ExpressionTypeError
from . import ast
from .functions import FUNCTIONS
from .types import ANY, BOOL, BUILTIN_NAMES, DATE, NUM, STR, Type, fact_field_type, fact_names, list_of


@dataclass
class CheckContext:
    """What an expression may name, supplied by the pack being compiled."""

    text: str
    variable_type: Callable[[str, str, int], Type | None]  # (kind, name, pos) -> type
    has_parameter: Callable[[str], bool]
    rule_subject: Callable[[str], str | None]  # ref -> subject kind of the referenced rule(s)
    names_read: set[tuple[str, str]]  # (kind, variable) pairs this expression reads
    params_read: set[str]
    rules_read: set[str]


class Checker:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx

    def fail(self, node: ast.Node, message: str) -> ExpressionTypeError:
        return ExpressionTypeError(message, position=node.pos, expression=self.ctx.text)

    def check(self, node: ast.Node, kind: str) -> Type:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node, kind)

    def expect(self, node: ast.Node, kind: str, want: Type, what: str) -> Type:
        got = self.check(node, kind)
        if got.kind != want.kind and got.kind != "any":
            raise self.fail(node, f"{what} must be {want}, but this is {got}")
        return got

    # -- leaves ------------------------------------------------------------
    def _literal(self, node: ast.Literal, kind: str) -> Type:
        v = node.value
        if isinstance(v, bool):
            return BOOL
        if isinstance(v, int | float):
            return NUM
        return STR

    def _name(self, node: ast.Name, kind: str) -> Type:
        var_t = self.ctx.variable_type(kind, node.name, node.pos)
        if var_t is not None:
            self.ctx.names_read.add((kind, node.name))
            return var_t
        fact_t = fact_field_type(kind, node.name)
        if fact_t is not None:
            return fact_t
        if node.name in BUILTIN_NAMES:
            return BUILTIN_NAMES[node.name]
        known = ", ".join(fact_names(kind))
        raise self.fail(node, f"unknown name '{node.name}' for a {kind}; facts are: {known}")

    def _param(self, node: ast.Param, kind: str) -> Type:
        if not self.ctx.has_parameter(node.name):
            raise self.fail(node, f"unknown parameter '${node.name}'")
        self.ctx.params_read.add(node.name)
        return ANY

    def _ruleref(self, node: ast.RuleRef, kind: str) -> Type:
        subject = self.ctx.rule_subject(node.name)
        if subject is None:
            raise self.fail(node, f"unknown rule or concept '@{node.name}'")
        if subject != kind:
            raise self.fail(node, f"'@{node.name}' is a rule about a {subject}, read here from a {kind}")
        self.ctx.rules_read.add(node.name)
        return BOOL

    def _attr(self, node: ast.Attr, kind: str) -> Type:
        obj = self.check(node.obj, kind)
        if obj.kind != "record" or obj.record is None:
            raise self.fail(node, f"'.{node.name}' needs a record, but this is {obj}")
        return self.check(ast.Name(node.end - len(node.name), node.end, node.name), obj.record)

    def _listlit(self, node: ast.ListLit, kind: str) -> Type:
        item_types = {self.check(i, kind).kind for i in node.items}
        if len(item_types) > 1:
            raise self.fail(node, "a list literal mixes types")
        item = {"num": NUM, "str": STR, "bool": BOOL}.get(next(iter(item_types), "any"), ANY)
        return list_of(item)

    # -- operators ---------------------------------------------------------
    def _unary(self, node: ast.Unary, kind: str) -> Type:
        if node.op == "not":
            self.expect(node.operand, kind, BOOL, "the operand of 'not'")
            return BOOL
        self.expect(node.operand, kind, NUM, "the operand of '-'")
        return NUM

    def _binary(self, node: ast.Binary, kind: str) -> Type:
        op = node.op
        if op in ("and", "or"):
            self.expect(node.left, kind, BOOL, f"the left side of '{op}'")
            self.expect(node.right, kind, BOOL, f"the right side of '{op}'")
            return BOOL
        if op in ("+", "-", "*", "/"):
            self.expect(node.left, kind, NUM, f"the left side of '{op}'")
            self.expect(node.right, kind, NUM, f"the right side of '{op}'")
            return NUM
        left = self.check(node.left, kind)
        right = self.check(node.right, kind)
        if op in ("in", "not in"):
            if right.kind == "any":
                return BOOL
            if right.kind != "list" or right.item is None:
                raise self.fail(node.right, f"the right side of '{op}' must be a list, but this is {right}")
            self._compatible(node, left, right.item, node.left, node.right)
            return BOOL
        self._compatible(node, left, right, node.left, node.right)
        if op not in ("==", "!=") and left.kind in ("bool", "str", "list", "record"):
            if not (left.kind == "str" and right.kind == "enum"):
                raise self.fail(node, f"'{op}' does not order values of type {left}")
        return BOOL

    def _compatible(self, node: ast.Node, a: Type, b: Type, na: ast.Node, nb: ast.Node) -> None:
        if "any" in (a.kind, b.kind):
            return
        if a.kind == "enum" and b.kind == "enum" and a.vocab is not b.vocab:
            raise self.fail(node, f"cannot compare {a} with {b}: different vocabularies")
        if a.kind == "enum" and b.kind in ("str", "enum"):
            self._enum_literals(a, nb)
            return
        if b.kind == "enum" and a.kind == "str":
            self._enum_literals(b, na)
            return
        if a.kind != b.kind:
            raise self.fail(node, f"cannot compare {a} with {b}")

    def _enum_literals(self, t: Type, node: ast.Node) -> None:
        assert t.vocab is not None
        literals = node.items if isinstance(node, ast.ListLit) else (node,)
        for lit in literals:
            if isinstance(lit, ast.Literal) and isinstance(lit.value, str):
                try:
                    t.vocab(lit.value)
                except ValueError:
                    allowed = ", ".join(m.value for m in t.vocab)
                    raise self.fail(lit, f"'{lit.value}' is not a value of {t}; allowed: {allowed}") from None

    # -- calls -------------------------------------------------------------
    def _call(self, node: ast.Call, kind: str) -> Type:
        doc = FUNCTIONS.get(node.func)
        if doc is None:
            names = ", ".join(sorted(FUNCTIONS))
            raise self.fail(node, f"unknown function '{node.func}'; functions are: {names}")
        args = node.args
        n = len(args)

        def arity(lo: int, hi: int) -> None:
            if not lo <= n <= hi:
                want = str(lo) if lo == hi else f"{lo} to {hi}"
                raise self.fail(node, f"{node.func}() takes {want} argument(s), {n} given")

        if doc.aggregate:
            arity(1 if node.func == "count" else 2, 2)
            coll = self.check(args[0], kind)
            if coll.kind != "list" or coll.item is None or coll.item.kind != "record":
                raise self.fail(args[0], f"{node.func}() needs a list of records first, but this is {coll}")
            item_kind = coll.item.record
            assert item_kind is not None
            if n == 2:
                want = NUM if node.func in ("sum", "min", "max") else BOOL
                self.expect(args[1], item_kind, want, f"the second argument of {node.func}()")
            if node.func == "filter":
                return coll
            return BOOL if node.func in ("any", "all") else NUM
        if node.func == "coalesce":
            if n < 2:
                raise self.fail(node, "coalesce() takes at least 2 arguments")
            types = [self.check(a, kind) for a in args]
            concrete = [t for t in types if t.kind != "any"]
            for t, a in zip(types, args, strict=True):
                if concrete and t.kind not in ("any", concrete[0].kind):
                    raise self.fail(a, f"coalesce() mixes {concrete[0]} and {t}")
            return concrete[0] if concrete else ANY
        if node.func == "if":
            arity(3, 3)
            self.expect(args[0], kind, BOOL, "the condition of if()")
            a, b = self.check(args[1], kind), self.check(args[2], kind)
            if "any" not in (a.kind, b.kind) and a.kind != b.kind:
                raise self.fail(node, f"if() branches differ: {a} and {b}")
            return a if a.kind != "any" else b
        if node.func == "known":
            arity(1, 1)
            self.check(args[0], kind)
            return BOOL
        if node.func in ("months_since", "years_since"):
            arity(1, 1)
            self.expect(args[0], kind, DATE, f"the argument of {node.func}()")
            return NUM
        if node.func == "in_window":
            arity(2, 2)
            self.expect(args[0], kind, NUM, "the year of in_window()")
            self.expect(args[1], kind, NUM, "the window of in_window()")
            return BOOL
        if node.func == "abs":
            arity(1, 1)
            self.expect(args[0], kind, NUM, "the argument of abs()")
            return NUM
        raise self.fail(node, f"function '{node.func}' has no checker")  # pragma: no cover
