"""The operators: Kleene and/or/not, arithmetic, comparisons and membership.

Each entry's scalar kernel and column kernel are written side by side; see spec.py for
how evaluators call them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ...facts.vocab import OrderedVocab
from ..logic import UNKNOWN, Range, k_and, k_not, k_or
from ..types import BOOL, NUM
from .lazy import lazy_module
from .spec import SAME, Arg, Form, GapShape, Law, Lowered, Op, Signature

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")  # the column kernels' numpy, loaded when one first runs

EPS = 1e-9
"""Numbers closer than this compare equal (0.1 + 0.2 == 0.3), in every path."""


def _binary_sig(op: str, t: Any, returns: Any, doc: str) -> Signature:
    return Signature(f"a {op} b", (Arg(f"the left side of '{op}'", t), Arg(f"the right side of '{op}'", t)),
                     returns, doc, 2, 2)


# -- Kleene logic -------------------------------------------------------------------------------
def _and_col(av: np.ndarray, ak: np.ndarray, bv: np.ndarray, bk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fa, fb = ak & ~av, bk & ~bv
    return (ak & av) & (bk & bv), fa | fb | (ak & bk)


def _or_col(av: np.ndarray, ak: np.ndarray, bv: np.ndarray, bk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ta, tb = ak & av, bk & bv
    return ta | tb, ta | tb | (ak & bk)


def _not_col(av: np.ndarray, ak: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return ~av, ak.copy()


_LOGIC = (
    Op("and", Form.LOGIC, _binary_sig("and", BOOL, BOOL, "bool"), Law.KLEENE_AND, k_and, _and_col,
       Lowered("and", "conjunction of the condition sets"), GapShape.NONE,
       "Và (logic ba giá trị): sai nếu một vế sai.", "Kleene and: false if either side is false."),
    Op("or", Form.LOGIC, _binary_sig("or", BOOL, BOOL, "bool"), Law.KLEENE_OR, k_or, _or_col,
       Lowered("or", "union of the condition sets"), GapShape.NONE,
       "Hoặc (logic ba giá trị): đúng nếu một vế đúng.", "Kleene or: true if either side is true."),
    Op("not", Form.NEGATION, Signature("not a", (Arg("the operand of 'not'", BOOL),), BOOL, "bool", 1, 1),
       Law.KLEENE_NOT, k_not, _not_col, Lowered("not", "the true and false condition sets swapped"), GapShape.NONE,
       "Phủ định (logic ba giá trị).", "Kleene not."),
)


# -- arithmetic ---------------------------------------------------------------------------------
def _div(a: Any, b: Any) -> Any:
    return UNKNOWN if b == 0 else a / b


def _div_col(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    zero = b == 0
    return a / np.where(zero, 1.0, b), ~zero


_FOLDED = Lowered("fold", "folded to a constant (both sides must be constants)")

_ARITHMETIC = (
    Op("+", Form.ARITHMETIC, _binary_sig("+", NUM, NUM, "number"), Law.STRICT, lambda a, b: a + b,
       lambda a, b: (a + b, None), _FOLDED, GapShape.VALUE, "Cộng.", "Addition."),
    Op("-", Form.ARITHMETIC, _binary_sig("-", NUM, NUM, "number"), Law.STRICT, lambda a, b: a - b,
       lambda a, b: (a - b, None), _FOLDED, GapShape.VALUE, "Trừ.", "Subtraction."),
    Op("*", Form.ARITHMETIC, _binary_sig("*", NUM, NUM, "number"), Law.STRICT, lambda a, b: a * b,
       lambda a, b: (a * b, None), _FOLDED, GapShape.VALUE, "Nhân.", "Multiplication."),
    Op("/", Form.ARITHMETIC, _binary_sig("/", NUM, NUM, "number"), Law.STRICT_PARTIAL, _div, _div_col, _FOLDED,
       GapShape.RATIO, "Chia; chia cho 0 cho kết quả chưa rõ.", "Division; dividing by zero is unknown."),
    Op("neg", Form.NEGATIVE, Signature("-a", (Arg("the operand of '-'", NUM),), NUM, "number", 1, 1),
       Law.STRICT, lambda a: -a, lambda a: (-a, None), _FOLDED, GapShape.VALUE, "Số đối.", "Negation."),
)


# -- comparisons ----------------------------------------------------------------------------------
def _tolerant(d: float) -> float:
    return 0.0 if abs(d) < EPS else d


def excess(op: str, value: Any, threshold: Any) -> Any:
    """How far a number (or a column of numbers) lies past a threshold in the direction the comparison asks:
    positive 'vượt chuẩn', negative short of it; equality asks for nearness. The margin of both paths."""
    if op in (">=", ">"):
        return value - threshold
    if op in ("<=", "<"):
        return threshold - value
    return -abs(value - threshold)


def difference(a: Any, b: Any, ordered: bool) -> Any:
    """The signed difference the comparison kernels read: enums by legal rank, numbers within EPS,
    other values by Python's order (or 0/1 for equal/unequal when only equality is asked)."""
    if isinstance(a, OrderedVocab) or isinstance(b, OrderedVocab):
        vocab = type(a) if isinstance(a, OrderedVocab) else type(b)
        return _tolerant(float(vocab.rank(a)) - float(vocab.rank(b)))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return _tolerant(float(a) - float(b))
    if not ordered:
        return 0 if a == b else 1
    return (a > b) - (a < b)


def range_compare(op: str, dmin: Any, dmax: Any) -> tuple[Any, Any]:
    """``a op b`` when ``a - b`` is only known to lie in [dmin, dmax] (a count or share range, LEGAL: issue 12):
    (value, decided). An ordering is decided when both ends give the same answer (its kernel is monotone in the
    difference); an equality when the ends agree and zero lies outside the range, or the range is one point.
    Scalars or arrays alike (the column compiler calls it on whole columns); tolerant differences expected."""
    entry = COMPARISONS[op]
    lo, hi = entry.scalar(dmin), entry.scalar(dmax)
    if isinstance(dmin, float | int) and isinstance(dmax, float | int):  # one entity: numpy is not needed
        return lo, _decided(entry.form, dmin, dmax, lo, hi)
    with np.errstate(invalid="ignore"):  # columns: NaN bounds (no range on that row) compare quietly
        return lo, _decided(entry.form, dmin, dmax, lo, hi)


def _decided(form: Form, dmin: Any, dmax: Any, lo: Any, hi: Any) -> Any:
    if form is Form.EQUALITY:
        return (dmin > 0) | (dmax < 0) | (dmin == dmax)
    return lo == hi


def _bounds(x: Any) -> tuple[float, float] | None:
    if isinstance(x, Range):
        return x.lo, x.hi
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x), float(x)
    return None


def compare(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for a comparison operator, three-valued; a range (lang.logic.Range) decides when the whole
    range falls on one side, and is unknown otherwise (or against anything but a number or range)."""
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if isinstance(a, Range) or isinstance(b, Range):
        ab, bb = _bounds(a), _bounds(b)
        if ab is None or bb is None:
            return UNKNOWN
        value, decided = range_compare(op, _tolerant(ab[0] - bb[1]), _tolerant(ab[1] - bb[0]))
        return bool(value) if decided else UNKNOWN
    entry = COMPARISONS[op]
    return bool(entry.scalar(difference(a, b, entry.form is Form.COMPARISON)))


def _cmp(op: str, kernel: Any, vi: str, en: str) -> Op:
    form = Form.EQUALITY if op in ("==", "!=") else Form.COMPARISON
    sig = _binary_sig(op, SAME, BOOL, "bool")
    return Op(op, form, sig, Law.STRICT, kernel, kernel, Lowered("test", "a test of a fact against a constant"),
              GapShape.NONE, vi, en)


COMPARISONS: MappingProxyType[str, Op] = MappingProxyType({o.name: o for o in (
    _cmp("==", lambda d: d == 0, "Bằng.", "Equal."),
    _cmp("!=", lambda d: d != 0, "Khác.", "Not equal."),
    _cmp("<", lambda d: d < 0, "Nhỏ hơn.", "Less than."),
    _cmp("<=", lambda d: d <= 0, "Nhỏ hơn hoặc bằng.", "Less than or equal."),
    _cmp(">", lambda d: d > 0, "Lớn hơn.", "Greater than."),
    _cmp(">=", lambda d: d >= 0, "Lớn hơn hoặc bằng (với thang xếp loại: từ mức đó trở lên).",
         "Greater than or equal (for a rating scale: that level or above)."),
)})

_MEMBERSHIP = (
    Op("in", Form.MEMBERSHIP, Signature("a in [x, y]", (Arg("the value", SAME), Arg("the list", None)), BOOL,
                                        "bool", 2, 2),
       Law.STRICT, lambda hit: hit, lambda hit: hit, Lowered("members", "one test per listed value"), GapShape.NONE,
       "Thuộc danh sách.", "Is one of the list."),
    Op("not in", Form.MEMBERSHIP, Signature("a not in [x, y]", (Arg("the value", SAME), Arg("the list", None)),
                                            BOOL, "bool", 2, 2),
       Law.STRICT, lambda hit: not hit, lambda hit: np.logical_not(hit), Lowered("members", "one test per listed value"), GapShape.NONE,
       "Không thuộc danh sách.", "Is none of the list."),
)

BINARY: MappingProxyType[str, Op] = MappingProxyType(
    {o.name: o for o in (*_LOGIC[:2], *_ARITHMETIC[:4], *COMPARISONS.values(), *_MEMBERSHIP)})
UNARY: MappingProxyType[str, Op] = MappingProxyType({"not": _LOGIC[2], "-": _ARITHMETIC[4]})
