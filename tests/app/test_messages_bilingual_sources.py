"""Issue 15 item 4, by enumeration: every library error made in the expression parser and checker, the pack
loader and compiler, the side files, the policy layer, the batch inputs and the server carries its message in
both languages (the parser's and checker's ``error``/``fail`` helpers take a ``Text``: mypy holds them to it).

The source is read with ``ast``, not run: each call of a ``ChuanError`` class (``RuleError(...)``,
``ParameterError(...)``…) in those modules must give as its message a ``Text(vi, en)``, a helper that builds
one (``at``, ``validation_text``) or a value passed on (a name, ``exc.text or exc.message``), never a bare
string, an f-string or ``str(exc)``, which would be one language (or both glued together). And each
``Text(vi, en)`` written there has a Vietnamese side with Vietnamese letters and an English side that differs.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from chuan_engine import errors

SRC = Path(__file__).resolve().parents[2] / "src" / "chuan_engine"
AREAS = ("lang", "pack", "policy", "batch", "server")
ERROR_CLASSES = {name for name, obj in vars(errors).items()
                 if inspect.isclass(obj) and issubclass(obj, errors.ChuanError)}
# Helpers that return a Text (validation_text: ours for every pydantic error type the models raise).
BUILDERS = {"Text", "at", "validation_text"}
VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _modules() -> list[Path]:
    return sorted(p for area in AREAS for p in (SRC / area).rglob("*.py"))


def _name(func: ast.expr) -> str:
    match func:
        case ast.Name(id=name):
            return name
        case ast.Attribute(attr=name):
            return name
        case _:
            return ""


def _message(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _one_language(arg: ast.expr) -> bool:
    """True for a message that cannot carry two languages apart: a string literal, f-string, str(...)."""
    match arg:
        case ast.Constant(value=str()) | ast.JoinedStr() | ast.BinOp():
            return True
        case ast.Call(func=func):
            return _name(func) not in BUILDERS
        case _:
            return False


def _error_calls() -> list[tuple[str, int, ast.Call]]:
    out = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in ERROR_CLASSES:
                out.append((str(path.relative_to(SRC)), node.lineno, node))
    return out


def _text_calls() -> list[tuple[str, int, ast.Call]]:
    out = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "Text":
                out.append((str(path.relative_to(SRC)), node.lineno, node))
    return out


def _literal_text(arg: ast.expr) -> str:
    """The written (constant) part of a string expression; interpolated values left out."""
    return "".join(n.value for n in ast.walk(arg) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def test_the_scan_sees_the_raise_sites():
    # Not an empty scan: the pack loader alone raises dozens of errors, each area at least one.
    calls = _error_calls()
    assert len(calls) > 60
    assert {c[0].split("/")[0] for c in calls} == set(AREAS)


def test_every_error_message_is_two_languages():
    bad = [f"{file}:{line}" for file, line, call in _error_calls()
           if (msg := _message(call)) is not None and _one_language(msg)]
    assert bad == []


@pytest.mark.parametrize("file, line, call", _text_calls(), ids=lambda v: str(v) if isinstance(v, str | int) else "")
def test_each_text_has_vietnamese_and_a_different_english(file, line, call):
    assert len(call.args) == 2, f"{file}:{line}"
    vi, en = call.args
    vi_words, en_words = _literal_text(vi), _literal_text(en)
    if not vi_words and not en_words:
        return  # Text("", ""): no hint to give (did_you_mean with nothing close)
    assert set(vi_words.lower()) & VIETNAMESE, f"{file}:{line}: {vi_words!r}"
    assert vi_words != en_words, f"{file}:{line}"
    # the English side is English (a Vietnamese column header it names, 'Mã tham số', aside)
    assert not set(en_words.replace("Mã tham số", "").lower()) & VIETNAMESE, f"{file}:{line}: {en_words!r}"
