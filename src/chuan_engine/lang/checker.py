"""Static checking of expressions against the fact schema, at pack load.

An unknown field, a type mismatch, an unknown parameter, an unknown rule or
an enum literal outside its vocabulary is a load error naming the file, the
rule and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ExpressionTypeError, Text
from . import ast
from .ops import BINARY, FUNCTIONS, SAME, UNARY, Arg, Form, Signature
from .types import ANY, BOOL, BUILTIN_NAMES, NUM, STR, Type, fact_field_type, fact_names, list_of


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

    def fail(self, node: ast.Node, message: Text) -> ExpressionTypeError:
        return ExpressionTypeError(message, position=node.pos, expression=self.ctx.text)

    def check(self, node: ast.Node, kind: str) -> Type:
        match node:
            case ast.Literal():
                return self._literal(node, kind)
            case ast.Name():
                return self._name(node, kind)
            case ast.Param():
                return self._param(node, kind)
            case ast.RuleRef():
                return self._ruleref(node, kind)
            case ast.Attr():
                return self._attr(node, kind)
            case ast.ListLit():
                return self._listlit(node, kind)
            case ast.Unary():
                return self._unary(node, kind)
            case ast.Binary():
                return self._binary(node, kind)
            case ast.Call():
                return self._call(node, kind)
        raise TypeError(f"no type rule for syntax node {type(node).__name__}")

    def expect(self, node: ast.Node, kind: str, want: Type, what: str) -> Type:
        got = self.check(node, kind)
        if got.kind != want.kind and got.kind != "any":
            raise self.fail(node, Text(f"{what} phải có kiểu {want}, nhưng đây là {got}", f"{what} must be {want}, but this is {got}"))
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
        raise self.fail(node, Text(f"tên không rõ '{node.name}' với đối tượng {kind}; các dữ kiện là: {known}",
                                   f"unknown name '{node.name}' for a {kind}; facts are: {known}"))

    def _param(self, node: ast.Param, kind: str) -> Type:
        if not self.ctx.has_parameter(node.name):
            raise self.fail(node, Text(f"tham số không có trong bộ quy tắc '${node.name}'", f"unknown parameter '${node.name}'"))
        self.ctx.params_read.add(node.name)
        return ANY

    def _ruleref(self, node: ast.RuleRef, kind: str) -> Type:
        subject = self.ctx.rule_subject(node.name)
        if subject is None:
            raise self.fail(node, Text(f"không có quy tắc hay khái niệm '@{node.name}'", f"unknown rule or concept '@{node.name}'"))
        if subject != kind:
            raise self.fail(node, Text(f"'@{node.name}' là quy tắc về {subject}, ở đây lại đọc từ {kind}",
                                       f"'@{node.name}' is a rule about a {subject}, read here from a {kind}"))
        self.ctx.rules_read.add(node.name)
        return BOOL

    def _attr(self, node: ast.Attr, kind: str) -> Type:
        obj = self.check(node.obj, kind)
        if obj.kind != "record" or obj.record is None:
            raise self.fail(node, Text(f"'.{node.name}' cần một bản ghi, nhưng đây là {obj}",
                                       f"'.{node.name}' needs a record, but this is {obj}"))
        return self.check(ast.Name(node.end - len(node.name), node.end, node.name), obj.record)

    def _listlit(self, node: ast.ListLit, kind: str) -> Type:
        item_types = {self.check(i, kind).kind for i in node.items}
        if len(item_types) > 1:
            raise self.fail(node, Text("danh sách trộn nhiều kiểu giá trị", "a list literal mixes types"))
        item = {"num": NUM, "str": STR, "bool": BOOL}.get(next(iter(item_types), "any"), ANY)
        return list_of(item)

    # -- operators ---------------------------------------------------------
    def _unary(self, node: ast.Unary, kind: str) -> Type:
        (arg,) = UNARY[node.op].signature.args
        assert isinstance(arg.type, Type)
        self.expect(node.operand, kind, arg.type, arg.what)
        return arg.type

    def _binary(self, node: ast.Binary, kind: str) -> Type:
        op = BINARY[node.op]
        sig = op.signature
        match op.form:
            case Form.LOGIC | Form.ARITHMETIC:
                for arg, side in zip(sig.args, (node.left, node.right), strict=True):
                    assert isinstance(arg.type, Type)
                    self.expect(side, kind, arg.type, arg.what)
                assert isinstance(sig.returns, Type)
                return sig.returns
        left = self.check(node.left, kind)
        right = self.check(node.right, kind)
        match op.form:
            case Form.MEMBERSHIP:
                if right.kind == "any":
                    return BOOL
                if right.kind != "list" or right.item is None:
                    raise self.fail(node.right, Text(f"vế phải của '{op.name}' phải là danh sách, nhưng đây là {right}",
                                                     f"the right side of '{op.name}' must be a list, but this is {right}"))
                self._compatible(node, left, right.item, node.left, node.right)
            case Form.EQUALITY:
                self._compatible(node, left, right, node.left, node.right)
            case _:  # an ordering comparison
                self._compatible(node, left, right, node.left, node.right)
                if left.kind in ("bool", "str", "list", "record") and not (left.kind == "str" and right.kind == "enum"):
                    raise self.fail(node, Text(f"'{op.name}' không so thứ tự được giá trị kiểu {left}",
                                               f"'{op.name}' does not order values of type {left}"))
        return BOOL

    def _compatible(self, node: ast.Node, a: Type, b: Type, na: ast.Node, nb: ast.Node) -> None:
        if "any" in (a.kind, b.kind):
            return
        if a.kind == "enum" and b.kind == "enum" and a.vocab is not b.vocab:
            raise self.fail(node, Text(f"không so sánh được {a} với {b}: khác danh mục",
                                       f"cannot compare {a} with {b}: different vocabularies"))
        if a.kind == "enum" and b.kind in ("str", "enum"):
            self._enum_literals(a, nb)
            return
        if b.kind == "enum" and a.kind == "str":
            self._enum_literals(b, na)
            return
        if a.kind != b.kind:
            raise self.fail(node, Text(f"không so sánh được {a} với {b}", f"cannot compare {a} with {b}"))

    def _enum_literals(self, t: Type, node: ast.Node) -> None:
        assert t.vocab is not None
        literals = node.items if isinstance(node, ast.ListLit) else (node,)
        for lit in literals:
            if isinstance(lit, ast.Literal) and isinstance(lit.value, str):
                try:
                    t.vocab(lit.value)
                except ValueError:
                    allowed = ", ".join(m.value for m in t.vocab)
                    raise self.fail(lit, Text(f"'{lit.value}' không phải giá trị của {t}; được dùng: {allowed}",
                                              f"'{lit.value}' is not a value of {t}; allowed: {allowed}")) from None

    # -- calls -------------------------------------------------------------
    def _call(self, node: ast.Call, kind: str) -> Type:
        op = FUNCTIONS.get(node.func)
        if op is None:
            names = ", ".join(sorted(FUNCTIONS))
            raise self.fail(node, Text(f"hàm không rõ '{node.func}'; các hàm là: {names}",
                                       f"unknown function '{node.func}'; functions are: {names}"))
        sig, args = op.signature, node.args
        n = len(args)
        self._arity(node, sig)
        if op.aggregate:
            return self._aggregate(node, kind, sig)
        if op.form is Form.WINDOW:
            return self._window(node, kind, sig)
        specs = [sig.args[min(i, len(sig.args) - 1)] for i in range(n)]  # a variadic signature repeats its last
        types = [self._argument(a, kind, spec) for a, spec in zip(args, specs, strict=True)]
        same = [(t, a) for t, a, spec in zip(types, args, specs, strict=True) if spec.type is SAME]
        concrete = [t for t, _ in same if t.kind != "any"]
        if concrete:
            self._alike(node, op.form, same, concrete[0])
        if sig.returns is SAME:
            return concrete[0] if concrete else ANY
        assert isinstance(sig.returns, Type)
        return sig.returns

    def _window(self, node: ast.Call, kind: str, sig: Signature) -> Type:
        """window(history, n): the list itself, narrowed."""
        coll = self.check(node.args[0], kind)
        if coll.kind != "list":
            raise self.fail(node.args[0], Text(f"{node.func}() cần một danh sách ở đối số đầu, nhưng đây là {coll}",
                                               f"{node.func}() needs a list first, but this is {coll}"))
        self._argument(node.args[1], kind, sig.args[1])
        return coll

    def _alike(self, node: ast.Call, form: Form, same: list[tuple[Type, ast.Node]], first: Type) -> None:
        """The arguments a signature says are of one type (if()'s branches, coalesce's values) are."""
        for t, a in same:
            if t.kind not in ("any", first.kind):
                match form:
                    case Form.BRANCH:
                        raise self.fail(node, Text(f"các nhánh của if() khác kiểu: {same[0][0]} và {same[1][0]}",
                                                   f"if() branches differ: {same[0][0]} and {same[1][0]}"))
                    case _:
                        raise self.fail(a, Text(f"{node.func}() trộn {first} với {t}",
                                                f"{node.func}() mixes {first} and {t}"))

    def _arity(self, node: ast.Call, sig: Signature) -> None:
        n, lo, hi = len(node.args), sig.min_args, sig.max_args
        if hi is None and n < lo:
            raise self.fail(node, Text(f"{node.func}() cần ít nhất {lo} đối số", f"{node.func}() takes at least {lo} arguments"))
        if hi is not None and not lo <= n <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.fail(node, Text(f"{node.func}() cần {want} đối số, đã cho {n}",
                                       f"{node.func}() takes {want} argument(s), {n} given"))

    def _argument(self, node: ast.Node, kind: str, spec: Arg) -> Type:
        if isinstance(spec.type, Type):
            return self.expect(node, kind, spec.type, spec.what)
        return self.check(node, kind)

    def _aggregate(self, node: ast.Call, kind: str, sig: Signature) -> Type:
        args = node.args
        coll = self.check(args[0], kind)
        if coll.kind != "list" or coll.item is None or coll.item.kind != "record":
            raise self.fail(args[0], Text(f"{node.func}() cần một danh sách bản ghi ở đối số đầu, nhưng đây là {coll}",
                                          f"{node.func}() needs a list of records first, but this is {coll}"))
        item_kind = coll.item.record
        assert item_kind is not None and sig.element is not None
        if len(args) >= 2:
            self.expect(args[1], item_kind, sig.element, sig.args[1].what)
        for arg, spec in zip(args[2:], sig.args[2:], strict=False):  # streak's n: read where the call is
            self._argument(arg, kind, spec)
        if sig.returns is None:  # filter: the list itself
            return coll
        assert isinstance(sig.returns, Type)
        return sig.returns
