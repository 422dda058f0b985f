"""The expression parser: valid forms, and errors that give the column."""

from __future__ import annotations

import pytest

from chuan_engine.errors import ExpressionSyntaxError
from chuan_engine.lang import ast
from chuan_engine.lang.parser import MAX_DEPTH, parse


def test_precedence_and_binds_tighter_than_or():
    tree = parse("a or b and not c")
    assert isinstance(tree, ast.Binary) and tree.op == "or"
    assert isinstance(tree.right, ast.Binary) and tree.right.op == "and"
    assert isinstance(tree.right.right, ast.Unary) and tree.right.right.op == "not"


def test_arithmetic_precedence():
    tree = parse("1 + 2 * 3")
    assert tree.op == "+" and tree.right.op == "*"


def test_percent_literal_is_a_ratio():
    assert parse("75%").value == 0.75


def test_param_ruleref_call_and_membership():
    tree = parse("share(staff, degree in ['thac_si', 'tien_si']) >= $qd11.x and @lao_dong_tien_tien")
    cmp_, ref = tree.left, tree.right
    assert isinstance(ref, ast.RuleRef) and ref.name == "lao_dong_tien_tien"
    assert isinstance(cmp_.right, ast.Param) and cmp_.right.name == "qd11.x"
    call = cmp_.left
    assert isinstance(call, ast.Call) and call.func == "share" and len(call.args) == 2
    assert call.args[1].op == "in" and isinstance(call.args[1].right, ast.ListLit)


def test_not_in_and_attribute_access():
    tree = parse("unit.name not in ['a']")
    assert tree.op == "not in" and isinstance(tree.left, ast.Attr) and tree.left.name == "name"


def test_spans_cover_parentheses():
    text = "not (a >= 'x')"
    tree = parse(text)
    assert text[tree.operand.pos:tree.operand.end] == "(a >= 'x')"


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("a >= ", 5, "ends too early"),
        ("a >= 3 )", 7, "unexpected ')'"),
        ("a # b", 2, "unexpected character '#'"),
        ("count(staff", 11, "')' to close the call"),
        ("1 < 2 < 3", 6, "chained comparisons"),
        ("a == null", 5, "null"),
        ("", 0, "empty"),
        ("x.", 2, "field name"),
    ],
)
def test_syntax_errors_give_the_column(text, column, words):
    with pytest.raises(ExpressionSyntaxError) as err:
        parse(text)
    assert err.value.position == column
    assert words in err.value.message
    # The rendered message points at the column with a caret.
    assert err.value.describe().splitlines()[-1] == " " * (4 + column) + "^"


def test_depth_is_bounded():
    with pytest.raises(ExpressionSyntaxError, match="nested deeper"):
        parse("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(ExpressionSyntaxError, match="nested deeper"):
        parse("not " * (MAX_DEPTH + 5) + "a")


def test_non_text_is_rejected():
    with pytest.raises(ExpressionSyntaxError):
        parse(12)  # type: ignore[arg-type]
