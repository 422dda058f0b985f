"""The operator table (chuan_engine.lang.ops) is complete: every entry defines the whole operator, and
every operator and function the language accepts has an entry.

The accepted sets are derived independently of the table: operators from the parser's grammar (each
terminal of the operator productions, parsed in a probe expression), functions from every expression of
every shipped pack and test pack, and from the checker, which must reject a name the table lacks.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import pytest

from chuan_engine import load_pack
from chuan_engine.errors import ExpressionTypeError
from chuan_engine.lang import ast, parser
from chuan_engine.lang.checker import CheckContext, Checker
from chuan_engine.lang.ops import BINARY, FUNCTIONS, OPS, UNARY, Form, GapShape, Law, Lowered, Op, Refused
from chuan_engine.lang.types import Type

ROOT = Path(__file__).resolve().parents[2]
PACK_DIRS = sorted(p.parent for p in [*(ROOT / "rules").glob("*/pack.yaml"),
                                      *(ROOT / "tests" / "batch_packs").glob("*/pack.yaml")])
OPERATOR_RULES = ("or", "and", "not", "comparison", "sum", "product", "unary")


def _grammar_operators() -> tuple[set[str], set[str]]:
    """(binary, unary) operators, read off the grammar in the parser's docstring and confirmed by parsing."""
    doc = parser.__doc__ or ""
    block = re.search(r"Grammar[^\n]*::\n\n(.*?)\n\n", doc, re.S)
    assert block is not None
    terminals: set[str] = set()
    for line in block.group(1).splitlines():
        head = line.split(":=")[0].strip()
        if head in OPERATOR_RULES:
            for m in re.finditer(r'"[^"]+"(?: "[^"]+")*', line.split(":=", 1)[1]):
                terminals.add(" ".join(re.findall(r'"([^"]+)"', m.group())))
    assert {"and", "or", "not", "+", "-", "*", "/", "==", "not in"} <= terminals, terminals
    binary: set[str] = set()
    unary: set[str] = set()
    for t in terminals:
        for text, kind in ((f"a {t} b", ast.Binary), (f"{t} a", ast.Unary)):
            try:
                node = parser.parse(text)
            except Exception:  # noqa: BLE001 - a terminal that is not an operator in this position
                continue
            if isinstance(node, kind):
                (binary if kind is ast.Binary else unary).add(node.op)
    return binary, unary


def _pack_functions() -> set[str]:
    names: set[str] = set()
    for path in PACK_DIRS:
        pack = load_pack(path)
        trees = [e.tree for r in pack.rules for _, e in r.expressions()]
        trees += [v.formula.tree for v in pack.variables.values() if v.formula is not None]
        names |= {n.func for t in trees for n in ast.walk(t) if isinstance(n, ast.Call)}
    return names


def _check(text: str) -> Type:
    ctx = CheckContext(text, lambda kind, name, pos: None, lambda name: True, lambda ref: "staff",
                       set(), set(), set())
    return Checker(ctx).check(parser.parse(text), "staff")


def test_every_grammar_operator_has_an_entry() -> None:
    binary, unary = _grammar_operators()
    # 8 comparisons and memberships, 4 arithmetic, and/or; not and unary minus
    assert binary == set(BINARY) and len(binary) == 14
    assert unary == set(UNARY) == {"not", "-"}


def test_every_function_used_by_a_pack_has_an_entry() -> None:
    used = _pack_functions()
    assert {"count", "share", "months_since"} <= used  # the packs do exercise functions
    assert used - set(FUNCTIONS) == set()


def test_the_checker_accepts_exactly_the_table_functions() -> None:
    with pytest.raises(ExpressionTypeError, match="unknown function 'median'"):
        _check("median(initiatives, true) > 1")
    for name in FUNCTIONS:  # any error other than "unknown function" means the checker knows the name
        try:
            _check(f"{name}()")
        except ExpressionTypeError as exc:
            assert "unknown function" not in str(exc), name
    # spot checks of signatures, by hand: count(list) is a number; known(x) a truth value
    assert _check("count(initiatives)").kind == "num"
    assert _check("known(rating)").kind == "bool"
    assert _check("if(true, 1, 2)").kind == "num"


@pytest.mark.parametrize("name", sorted(OPS), ids=str)
def test_every_entry_is_complete(name: str) -> None:
    op = OPS[name]
    assert isinstance(op, Op) and isinstance(op.form, Form) and isinstance(op.law, Law)
    sig = op.signature
    assert sig.usage and sig.returns_doc and sig.args and sig.min_args >= 1
    assert sig.max_args is None or sig.min_args <= sig.max_args
    assert all(a.what for a in sig.args)
    assert op.law.en and op.law.vi
    assert callable(op.scalar) and callable(op.column)
    match op.durable:
        case Lowered(how=how, text=text):
            assert how and text
        case Refused(reason=reason):
            assert reason
        case other:
            pytest.fail(f"{name}: durable is {other!r}")
    assert isinstance(op.gap, GapShape)
    assert op.doc_vi.strip() and op.doc_en.strip() and op.doc_vi != op.doc_en


def test_the_table_is_immutable() -> None:
    assert isinstance(OPS, MappingProxyType) and isinstance(FUNCTIONS, MappingProxyType)
    with pytest.raises(TypeError):
        OPS["median"] = OPS["sum"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        OPS["sum"].name = "total"  # type: ignore[misc]


def test_laws_match_the_kernels() -> None:
    """The stated law, checked on the scalar kernels by hand."""
    from chuan_engine.lang.logic import UNKNOWN
    from chuan_engine.lang.ops import Tally

    # and: false dominates unknown; or: true dominates unknown
    assert OPS["and"].scalar(False, UNKNOWN) is False and OPS["and"].scalar(True, UNKNOWN) is UNKNOWN
    assert OPS["or"].scalar(UNKNOWN, True) is True and OPS["or"].scalar(False, UNKNOWN) is UNKNOWN
    assert OPS["and"].law.dominant is False and OPS["or"].law.dominant is True
    from chuan_engine.lang.logic import Range

    # 3 elements, 1 true, 1 false, 1 unknown: count the range 1..2 (1 known true, + 1 unknown), share
    # 1/3..2/3; any true (the true one decides); all false (the false one decides)
    t = Tally(true=1, false=1, unknown=1, total=3)
    assert OPS["count"].scalar(t) == Range(1, 2) and OPS["share"].scalar(t) == Range(1 / 3, 2 / 3)
    assert OPS["any"].scalar(t) is True and OPS["all"].scalar(t) is False
    # 2 elements, 1 true, 1 unknown: any true, all unknown; 1 false, 1 unknown: any unknown, all false
    assert OPS["any"].scalar(Tally(1, 0, 1, 2)) is True and OPS["all"].scalar(Tally(1, 0, 1, 2)) is UNKNOWN
    assert OPS["any"].scalar(Tally(0, 1, 1, 2)) is UNKNOWN and OPS["all"].scalar(Tally(0, 1, 1, 2)) is False
    # share of an empty list is unknown; count of it is 0
    assert OPS["share"].scalar(Tally(0, 0, 0, 0)) is UNKNOWN and OPS["count"].scalar(Tally(0, 0, 0, 0)) == 0
    # 3 of 4 true: share 0.75
    assert OPS["share"].scalar(Tally(3, 1, 0, 4)) == 0.75
    # division by zero is unknown
    assert OPS["/"].scalar(1, 0) is UNKNOWN and OPS["/"].scalar(3, 4) == 0.75
    # a streak oldest first [true, false, true, true]: counted back 2 years, broken by the false year
    assert OPS["streak"].scalar([2021, 2022, 2023, 2024], [True, False, True, True]) == (2, [2024, 2023], 2022)
    # ... and unknown when the breaking year is unknown
    assert OPS["streak"].scalar([2023, 2024], [UNKNOWN, True])[0] is UNKNOWN


def test_streak_with_n_decides_a_run_long_enough_despite_older_unknowns() -> None:
    """LEGAL_SOURCES §8a.7: n known true years up to the evaluation year decide, whatever the older years are;
    an unknown year inside the n needed leaves the count unknown. Expectations by hand, both kernels."""
    import numpy as np

    from chuan_engine.lang.logic import UNKNOWN

    streak = OPS["streak"]
    years = [2020, 2021, 2022, 2023, 2024]
    # oldest first [unknown, unknown, true, true, true], n = 3: counted back 2024, 2023, 2022 -> 3 reached, decided
    assert streak.scalar(years, [UNKNOWN, UNKNOWN, True, True, True], 3) == (3, [2024, 2023, 2022], None)
    # the same without n: the run might be longer than 3, so the count itself is unknown (law unchanged)
    assert streak.scalar(years, [UNKNOWN, UNKNOWN, True, True, True])[0] is UNKNOWN
    # [true, true, unknown, true, true], n = 3: 2024, 2023 counted, 2022 unknown before 3 -> unknown
    assert streak.scalar(years, [True, True, UNKNOWN, True, True], 3)[0] is UNKNOWN
    # [unknown, false, true, true, true], n = 5: 3 counted, then 2021 false -> 3, decided, broken by 2021
    assert streak.scalar(years, [UNKNOWN, False, True, True, True], 5) == (3, [2024, 2023, 2022], 2021)
    # n unknown: unknown
    assert streak.scalar(years, [True] * 5, UNKNOWN)[0] is UNKNOWN

    # Column kernel: the same four histories as rows 0-4, 5-9, 10-14, 15-19 of one table.
    rows = [[UNKNOWN, UNKNOWN, True, True, True], [True, True, UNKNOWN, True, True],
            [UNKNOWN, False, True, True, True], [True] * 5]
    flat = [x for r in rows for x in r]
    k = np.array([x is not UNKNOWN for x in flat])
    v = np.array([x is True for x in flat])
    start, end = np.array([0, 5, 10, 15]), np.array([4, 9, 14, 19])
    n = np.array([3.0, 3.0, 5.0, 3.0])
    nk = np.array([True, True, True, False])
    val, known = streak.column(start, end, v, k, n, nk)
    # row 0: 3 (decided); row 1: unknown; row 2: 3 (broken by a false); row 3: n unknown -> unknown
    assert known.tolist() == [True, False, True, False]
    assert val[0] == 3 and val[2] == 3
    # without n: row 0 is unknown (2021 unknown breaks it), row 3 all true: 5
    val2, known2 = streak.column(start, end, v, k)
    assert known2.tolist() == [False, False, True, True] and val2[2] == 3 and val2[3] == 5


def test_window_keeps_the_last_n_years() -> None:
    import numpy as np

    window = OPS["window"]
    # evaluated in 2024, years 2019..2024, n = 5: positions of 2020..2024
    assert window.scalar(2024, [2019, 2020, 2021, 2022, 2023, 2024], 5) == [1, 2, 3, 4, 5]
    # n = 0 keeps nothing; n larger than the history keeps everything
    assert window.scalar(2024, [2023, 2024], 0) == [] and window.scalar(2024, [2023, 2024], 9) == [0, 1]
    # column: ranges [0, 5] and [6, 7], n = 5 and 9: new starts 1 and 6
    assert window.column(np.array([0, 6]), np.array([5, 7]), np.array([5.0, 9.0])).tolist() == [1, 6]
