"""Recursive-descent parser for rule expressions.

Grammar (lowest precedence first)::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("=="|"!="|"<"|"<="|">"|">="|"in"|"not" "in") sum)?
    sum        := product (("+"|"-") product)*
    product    := unary (("*"|"/") unary)*
    unary      := "-" unary | postfix
    postfix    := primary ("." NAME)*
    primary    := NUMBER | STRING | "true" | "false" | "$" DOTTED | "@" DOTTED
                | NAME "(" [expr ("," expr)*] ")" | NAME | "(" expr ")" | "[" [expr ("," expr)*] "]"

Errors carry the 0-based column of the offending token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import ExpressionSyntaxError, Text
from . import ast

MAX_DEPTH = 60
MAX_TREE_DEPTH = 200

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?%?)
  | (?P<string>'[^'\n]*'|"[^"\n]*")
  | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<ruleref>@[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,|\.)
    """,
    re.VERBOSE,
)

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionSyntaxError(
                Text(f"ký tự không mong đợi {text[pos]!r}", f"unexpected character {text[pos]!r}"),
                position=pos, expression=text)
        kind = m.lastgroup or ""
        if kind != "ws":
            value = m.group()
            if kind == "name" and value in KEYWORDS:
                kind = value
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    tokens.append(Token("eof", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: Text, pos: int | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(
            message, position=self.tok.pos if pos is None else pos, expression=self.text
        )

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, text: str, what: str) -> Token:
        t = self.accept(kind, text)
        if t is None:
            found = self.tok.text or "end of expression"
            raise self.error(Text(f"cần {what}, gặp {found!r}", f"expected {what}, found {found!r}"))
        return t

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(Text(f"biểu thức lồng sâu quá {MAX_DEPTH} mức", f"expression nested deeper than {MAX_DEPTH} levels"))

    # -- grammar -----------------------------------------------------------
    def parse(self) -> ast.Node:
        if self.tok.kind == "eof":
            raise self.error(Text("biểu thức trống", "empty expression"))
        node = self.expr()
        if self.tok.kind != "eof":
            raise self.error(Text(f"thừa {self.tok.text!r} sau một biểu thức đã trọn",
                                  f"unexpected {self.tok.text!r} after a complete expression"))
        return node

    def expr(self) -> ast.Node:
        self.enter()
        try:
            return self.or_()
        finally:
            self.depth -= 1

    def or_(self) -> ast.Node:
        node = self.and_()
        while self.accept("or"):
            right = self.and_()
            node = ast.Binary(node.pos, right.end, "or", node, right)
        return node

    def and_(self) -> ast.Node:
        node = self.not_()
        while self.accept("and"):
            right = self.not_()
            node = ast.Binary(node.pos, right.end, "and", node, right)
        return node

    def not_(self) -> ast.Node:
        t = self.tok
        if t.kind == "not" and self.tokens[self.i + 1].kind != "in":
            self.i += 1
            self.enter()
            try:
                operand = self.not_()
            finally:
                self.depth -= 1
            return ast.Unary(t.pos, operand.end, "not", operand)
        return self.comparison()

    def comparison(self) -> ast.Node:
        left = self.sum()
        t = self.tok
        op: str | None = None
        if t.kind == "op" and t.text in COMPARISONS:
            self.i += 1
            op = t.text
        elif t.kind == "in":
            self.i += 1
            op = "in"
        elif t.kind == "not" and self.tokens[self.i + 1].kind == "in":
            self.i += 2
            op = "not in"
        if op is None:
            return left
        right = self.sum()
        nxt = self.tok
        if (nxt.kind == "op" and nxt.text in COMPARISONS) or nxt.kind == "in":
            raise self.error(Text("không được viết so sánh nối chuỗi; hãy nối chúng bằng 'and'",
                                  "chained comparisons are not allowed; join them with 'and'"))
        return ast.Binary(left.pos, right.end, op, left, right)

    def sum(self) -> ast.Node:
        node = self.product()
        while self.tok.kind == "op" and self.tok.text in {"+", "-"}:
            op = self.tok.text
            self.i += 1
            right = self.product()
            node = ast.Binary(node.pos, right.end, op, node, right)
        return node

    def product(self) -> ast.Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in {"*", "/"}:
            op = self.tok.text
            self.i += 1
            right = self.unary()
            node = ast.Binary(node.pos, right.end, op, node, right)
        return node

    def unary(self) -> ast.Node:
        t = self.accept("op", "-")
        if t:
            self.enter()
            try:
                operand = self.unary()
            finally:
                self.depth -= 1
            return ast.Unary(t.pos, operand.end, "-", operand)
        return self.postfix()

    def postfix(self) -> ast.Node:
        node = self.primary()
        while self.accept("op", "."):
            name = self.accept("name")
            if name is None:
                raise self.error(Text("cần tên trường sau '.'", "expected a field name after '.'"))
            node = ast.Attr(node.pos, name.pos + len(name.text), node, name.text)
        return node

    def primary(self) -> ast.Node:
        t = self.tok
        end = t.pos + len(t.text)
        match t.kind:
            case "number":
                self.i += 1
                return self.number(t)
            case "string":
                self.i += 1
                return ast.Literal(t.pos, end, t.text[1:-1])
            case "true" | "false":
                self.i += 1
                return ast.Literal(t.pos, end, t.kind == "true")
            case "null":
                raise self.error(Text("'null' không phải một giá trị: dữ kiện bị thiếu đã là chưa rõ",
                                      "'null' is not a value: a missing fact is already unknown"))
            case "param":
                self.i += 1
                return ast.Param(t.pos, end, t.text[1:])
            case "ruleref":
                self.i += 1
                return ast.RuleRef(t.pos, end, t.text[1:])
            case "name":
                self.i += 1
                return self.call_or_name(t)
            case "op" if t.text in ("(", "["):
                self.i += 1
                return self.bracketed(t)
            case "eof":
                raise self.error(Text("biểu thức kết thúc quá sớm", "expression ends too early"))
            case _:
                raise self.error(Text(f"không mong đợi {t.text!r}", f"unexpected {t.text!r}"))

    def number(self, t: Token) -> ast.Literal:
        end = t.pos + len(t.text)
        if t.text.endswith("%"):
            return ast.Literal(t.pos, end, float(t.text[:-1]) / 100)
        if "." not in t.text and len(t.text) > _MAX_DIGITS:  # int() would raise ValueError (issue 12)
            raise self.error(Text(f"số quá dài (hơn {_MAX_DIGITS} chữ số)",
                                  f"number too long (more than {_MAX_DIGITS} digits)"), t.pos)
        return ast.Literal(t.pos, end, float(t.text) if "." in t.text else int(t.text))

    def call_or_name(self, t: Token) -> ast.Node:
        if self.accept("op", "("):
            args = self.items(")")
            close = self.expect("op", ")", "')' to close the call")
            return ast.Call(t.pos, close.pos + 1, t.text, tuple(args), t.pos)
        return ast.Name(t.pos, t.pos + len(t.text), t.text)

    def bracketed(self, t: Token) -> ast.Node:
        """A parenthesised expression (its span widened to the brackets) or a list literal."""
        if t.text == "(":
            inner = self.expr()
            close = self.expect("op", ")", "')'")
            return replace(inner, pos=t.pos, end=close.pos + 1)
        items = self.items("]")
        close = self.expect("op", "]", "']' to close the list")
        return ast.ListLit(t.pos, close.pos + 1, tuple(items))

    def items(self, closing: str) -> list[ast.Node]:
        items: list[ast.Node] = []
        if self.tok.kind == "op" and self.tok.text == closing:
            return items
        items.append(self.expr())
        while self.accept("op", ","):
            items.append(self.expr())
        return items


_MAX_DIGITS = 4300  # Python's default limit on integer string conversion (sys.get_int_max_str_digits)

def parse(text: str) -> ast.Node:
    """Parse expression text into a syntax tree, or raise ExpressionSyntaxError."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(Text(f"biểu thức phải là văn bản, không phải {type(text).__name__}",
                                         f"an expression must be text, not {type(text).__name__}"), position=0)
    tree = _Parser(text).parse()
    _check_tree_depth(tree, text)
    return tree


def _check_tree_depth(tree: ast.Node, text: str) -> None:
    """Long flat chains (``a.b.b…``, ``1 + 1 + …``) parse iteratively but build deep trees that the
    recursive checker and evaluator could not walk: refuse them here, with the column where it happens."""
    stack: list[tuple[ast.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise ExpressionSyntaxError(Text(f"biểu thức lồng sâu quá {MAX_TREE_DEPTH} mức (hãy tách thành biến)",
                                             f"expression nested deeper than {MAX_TREE_DEPTH} levels (split it into "
                                             "variables)"), position=node.pos, expression=text)
        if isinstance(node, ast.Attr):
            stack.append((node.obj, depth + 1))
        elif isinstance(node, ast.Unary):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Binary):
            stack.extend(((node.left, depth + 1), (node.right, depth + 1)))
        elif isinstance(node, ast.ListLit | ast.Call):
            stack.extend((child, depth + 1) for child in (node.items if isinstance(node, ast.ListLit) else node.args))
