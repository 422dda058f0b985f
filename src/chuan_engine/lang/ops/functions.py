"""The built-in functions: aggregates over lists, lazy helpers and date/number helpers.

Each entry's scalar kernel and column kernel are written side by side; see spec.py for
how evaluators call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from ..logic import UNKNOWN, Range
from ..types import BOOL, DATE, NUM
from .lazy import lazy_module
from .spec import CORE_ONLY, SAME, Arg, Form, GapShape, Law, Lowered, Op, Signature, Tally

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")  # the column kernels' numpy, loaded when one first runs

Parts = tuple["np.ndarray", "np.ndarray", "np.ndarray"]  # (year, month, day) per row
Lazy = Callable[[int], Any]  # evaluates the i-th argument (and traces it)


class Groups(Protocol):
    """Per-row groups of list elements, as the column compiler forms them."""

    total: np.ndarray

    def sum(self, x: np.ndarray) -> np.ndarray: ...

    def min(self, x: np.ndarray) -> np.ndarray: ...

    def max(self, x: np.ndarray) -> np.ndarray: ...


def date_parts(d: np.ndarray) -> Parts:
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, day


# -- aggregates over a condition --------------------------------------------------------------------
def _agg(name: str, usage: str, element: Any, returns: Any, returns_doc: str, lo: int = 2) -> Signature:
    return Signature(usage, (Arg("the list", None), Arg(f"the second argument of {name}()", element)),
                     returns, returns_doc, lo, 2, element)


def _count(t: Tally) -> Any:
    """The known count, or with unknown elements the range [known true, known true + unknown] (issue 12)."""
    if not t.unknown:
        return t.true
    return Range(t.true, t.true + t.unknown, f"{t.true}–{t.true + t.unknown}")


Bounds = tuple["np.ndarray", "np.ndarray"]  # (lo, hi) per row where the value is a range (NaN elsewhere)


def _count_col(t: Tally) -> tuple[np.ndarray, np.ndarray, Bounds]:
    unk = np.asarray(t.unknown) > 0
    true = np.asarray(t.true, dtype=float)
    return true, ~unk, (np.where(unk, true, np.nan), np.where(unk, true + t.unknown, np.nan))


def _share(t: Tally) -> Any:
    """The known share, or with unknown elements the range [true / total, (true + unknown) / total]. The
    denominator is the whole list: an element whose condition is unknown is a member, counted in the
    denominator either way. Membership itself unknown (a ``filter`` on an unknown condition) makes the list,
    hence the share, unknown. An empty list is unknown."""
    if not t.total:
        return UNKNOWN
    if not t.unknown:
        return t.true / t.total
    hi = t.true + t.unknown
    return Range(t.true / t.total, hi / t.total,
                 f"{t.true}–{hi}/{t.total} ({_pct(t.true / t.total)}–{_pct(hi / t.total)})")


def _pct(x: float) -> str:
    return f"{round(x * 100, 1):g} %".replace(".", ",")


def _share_col(t: Tally) -> tuple[np.ndarray, np.ndarray, Bounds]:
    total = np.asarray(t.total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(total > 0, t.true / np.maximum(total, 1), np.nan)
        hi = np.where(total > 0, (t.true + t.unknown) / np.maximum(total, 1), np.nan)
    unk = np.asarray(t.unknown) > 0
    ranged = unk & (total > 0)
    return lo, ~unk & (total > 0), (np.where(ranged, lo, np.nan), np.where(ranged, hi, np.nan))


def _any(t: Tally) -> Any:
    return True if t.true else (UNKNOWN if t.unknown else False)


def _any_col(t: Tally) -> tuple[np.ndarray, np.ndarray, None]:
    return t.true > 0, (t.true > 0) | (t.unknown == 0), None


def _all(t: Tally) -> Any:
    return False if t.false else (UNKNOWN if t.unknown else True)


def _all_col(t: Tally) -> tuple[np.ndarray, np.ndarray, None]:
    return t.false == 0, (t.false > 0) | (t.unknown == 0), None


def _filter(items: Sequence[Any], values: Sequence[Any]) -> Any:
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return [i for i, v in zip(items, values, strict=True) if v is True]


def _filter_col(true: np.ndarray, t: Tally) -> tuple[np.ndarray, np.ndarray]:
    """(which elements are kept, which rows' lists are known)."""
    return true, t.unknown == 0


def _streak(years: Sequence[int], values: Sequence[Any], n: Any = None) -> tuple[Any, list[int], int | None]:
    """(value, years counted, the year that broke the streak) over elements oldest first.

    Counts back from the newest element until the first one that is not true; with ``n``, stops as soon as
    ``n`` are counted (the value is then ``n``, whatever the older elements are: LEGAL_SOURCES §8a.7).
    Unknown only if an unknown element is met before the count is decided, or ``n`` is unknown.
    """
    if n is UNKNOWN:
        return UNKNOWN, [], None
    counted: list[int] = []
    for year, v in zip(reversed(years), reversed(values), strict=True):
        if n is not None and len(counted) >= n:
            return len(counted), counted, None
        if v is True:
            counted.append(year)
            continue
        return (UNKNOWN if v is UNKNOWN else len(counted)), counted, (year if v is False else None)
    return len(counted), counted, None


def _streak_col(start: np.ndarray, end: np.ndarray, v: np.ndarray, k: np.ndarray,
                n: np.ndarray | None = None, nk: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Over contiguous ranges [start, end] of rows: (value, known) counting back from ``end``.

    With the cap ``n`` (per row, known where ``nk``): the value is min(run, n), known when the run is decided
    by a false element, reaches the start of the range, or already counts ``n`` elements (§8a.7)."""
    count = len(k)
    idx = np.arange(count)
    not_true = ~(k & v)
    last = np.maximum.accumulate(np.where(not_true, idx, -1)) if count else np.zeros(0, dtype=np.int64)
    last_in = last[end] if count else last
    broken = last_in >= start
    safe = np.where(broken, last_in, 0)
    unk = broken & ~k[safe] if count else broken
    val = np.where(broken, end - last_in, end - start + 1).astype(float)
    if n is not None:
        cap_known = np.ones(len(val), dtype=bool) if nk is None else nk.astype(bool)
        cap = np.where(cap_known, n, np.inf).astype(float)
        with np.errstate(invalid="ignore"):
            unk = (unk & ~(val >= cap)) | ~cap_known
            val = np.minimum(val, cap)
    return np.where(unk, np.nan, val), ~unk


def _window(on_year: int, years: Sequence[int], n: Any) -> list[int]:
    """Positions of the elements read in the ``n`` years up to ``on_year`` (a history's last n years)."""
    return [i for i, y in enumerate(years) if on_year - n < y <= on_year]


def _window_col(start: np.ndarray, end: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The new start of each history range [start, end] keeping its last ``n`` rows (one row per year)."""
    with np.errstate(invalid="ignore"):
        keep = np.where(np.isfinite(n), np.floor(n), 0).astype(np.int64)
    out: np.ndarray = np.maximum(start, end - np.maximum(keep, 0) + 1)
    return out


_AGGREGATES = (
    Op("count", Form.TALLY, _agg("count", "count(list[, condition])", BOOL, NUM, "number", lo=1), Law.COUNT,
       _count, _count_col, CORE_ONLY, GapShape.COUNT,
       "Số phần tử (thỏa điều kiện).", "Number of elements (meeting the condition)."),
    Op("share", Form.TALLY, _agg("share", "share(list, condition)", BOOL, NUM, "ratio"), Law.SHARE,
       _share, _share_col, CORE_ONLY, GapShape.SHARE,
       "Tỷ lệ phần tử thỏa điều kiện trên tổng số phần tử của danh sách (mẫu số).",
       "Share of elements meeting the condition, over all elements of the list (the denominator)."),
    Op("sum", Form.FOLD, _agg("sum", "sum(list, number)", NUM, NUM, "number"), Law.FOLD,
       sum, lambda g, x, k: (g.sum(np.where(k, x, 0.0)), None), CORE_ONLY, GapShape.VALUE, "Tổng giá trị.", "Sum of a value over elements."),
    Op("min", Form.FOLD, _agg("min", "min(list, number)", NUM, NUM, "number"), Law.FOLD_NONEMPTY,
       lambda vs: min(vs) if vs else UNKNOWN, lambda g, x, k: (g.min(x), g.total > 0), CORE_ONLY, GapShape.VALUE,
       "Giá trị nhỏ nhất.", "Smallest value."),
    Op("max", Form.FOLD, _agg("max", "max(list, number)", NUM, NUM, "number"), Law.FOLD_NONEMPTY,
       lambda vs: max(vs) if vs else UNKNOWN, lambda g, x, k: (g.max(x), g.total > 0), CORE_ONLY, GapShape.VALUE,
       "Giá trị lớn nhất.", "Largest value."),
    Op("any", Form.TALLY, _agg("any", "any(list, condition)", BOOL, BOOL, "bool"), Law.EXISTS,
       _any, _any_col, CORE_ONLY, GapShape.NONE, "Có ít nhất một phần tử thỏa.",
       "At least one element meets the condition."),
    Op("all", Form.TALLY, _agg("all", "all(list, condition)", BOOL, BOOL, "bool"), Law.FORALL,
       _all, _all_col, CORE_ONLY, GapShape.NONE, "Mọi phần tử đều thỏa.", "Every element meets the condition."),
    Op("filter", Form.FILTER, _agg("filter", "filter(list, condition)", BOOL, None, "list"), Law.TALLY,
       _filter, _filter_col, CORE_ONLY, GapShape.NONE, "Lọc danh sách theo điều kiện.",
       "The elements meeting the condition."),
    Op("streak", Form.STREAK,
       Signature("streak(history, condition[, n])",
                 (Arg("the list", None), Arg("the second argument of streak()", BOOL),
                  Arg("the third argument of streak() (the years needed)", NUM)), NUM, "number", 2, 3, BOOL),
       Law.STREAK, _streak, _streak_col, CORE_ONLY, GapShape.VALUE,
       "Số năm liên tục, tính lùi từ năm đánh giá, thỏa điều kiện; với n: dừng khi đã đủ n năm (kết quả n).",
       "Consecutive years, counted back from the evaluation year, meeting the condition; with n: stops once n "
       "years are counted (the value is then n)."),
    Op("window", Form.WINDOW,
       Signature("window(history, n)", (Arg("the list", None), Arg("the second argument of window()", NUM)), None,
                 "list", 2, 2),
       Law.WINDOW, _window, _window_col, CORE_ONLY, GapShape.NONE,
       "Các năm của lịch sử trong n năm tính đến năm đánh giá (ví dụ 3 lần CSTĐCS trong 5 năm).",
       "The years of a history within the n years up to the evaluation year (e.g. 3 CSTĐCS within 5 years)."),
)


# -- lazy helpers -----------------------------------------------------------------------------------
def _coalesce(arg: Lazy, n: int) -> Any:
    for i in range(n):
        v = arg(i)
        if v is not UNKNOWN:
            return v
    return UNKNOWN


def _coalesce_col(av: np.ndarray, ak: np.ndarray, bv: np.ndarray, bk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two arguments at a time, left to right."""
    return np.where(ak, av, bv), ak | bk


def _if(arg: Lazy, n: int) -> Any:
    c = arg(0)
    if c is UNKNOWN:
        return UNKNOWN
    return arg(1 if c else 2)


def _if_col(cv: np.ndarray, ck: np.ndarray, xv: np.ndarray, xk: np.ndarray, yv: np.ndarray,
            yk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.where(cv, xv, yv), ck & np.where(cv, xk, yk)


_HELPERS = (
    Op("coalesce", Form.FIRST_KNOWN,
       Signature("coalesce(a, b, ...)", (Arg("an argument of coalesce()", SAME),), SAME, "same as arguments", 2,
                 None),
       Law.FIRST_KNOWN, _coalesce, _coalesce_col, CORE_ONLY, GapShape.VALUE,
       "Giá trị đã biết đầu tiên (ví dụ: danh hiệu đã được công nhận, nếu không thì kết quả xét).",
       "The first known value (e.g. the title actually conferred, else the computed eligibility)."),
    Op("if", Form.BRANCH,
       Signature("if(condition, a, b)", (Arg("the condition of if()", BOOL), Arg("the first branch of if()", SAME),
                                         Arg("the second branch of if()", SAME)), SAME, "same as a and b", 3, 3),
       Law.BRANCH, _if, _if_col, CORE_ONLY, GapShape.VALUE,
       "a nếu điều kiện đúng, b nếu sai.", "a when the condition holds, b when it does not."),
    Op("known", Form.KNOWN, Signature("known(x)", (Arg("the argument of known()", None),), BOOL, "bool", 1, 1),
       Law.TOTAL, lambda arg, n: arg(0) is not UNKNOWN, lambda k: (k.copy(), np.ones(len(k), dtype=bool)),
       Lowered("presence", "a test that the fact is present"), GapShape.NONE,
       "Đúng nếu dữ kiện x đã có (không bao giờ là chưa rõ).", "True when the fact x is supplied (never unknown)."),
)


# -- date and number helpers --------------------------------------------------------------------------
def _months_since(on: dt.date, d: dt.date) -> int:
    return (on.year - d.year) * 12 + (on.month - d.month) - (1 if on.day < d.day else 0)


def _months_since_col(on: Parts, d: np.ndarray) -> np.ndarray:
    (oy, om, od), (y, m, day) = on, date_parts(d)
    months: np.ndarray = (oy - y) * 12 + (om - m) - (od < day)  # numpy's stubs type the comparison as Any
    return months


def _years_since(on: dt.date, d: dt.date) -> int:
    return on.year - d.year - (1 if (on.month, on.day) < (d.month, d.day) else 0)


def _years_since_col(on: Parts, d: np.ndarray) -> np.ndarray:
    (oy, om, od), (y, m, day) = on, date_parts(d)
    years: np.ndarray = (oy - y) - ((om < m) | ((om == m) & (od < day)))  # comparisons typed Any by the stubs
    return years


def _in_window(on: dt.date, year: Any, n: Any) -> bool:
    return bool(on.year - n < year <= on.year)


def _in_window_col(on: Parts, year: np.ndarray, n: np.ndarray) -> np.ndarray:
    oy = on[0]
    with np.errstate(invalid="ignore"):
        inside: np.ndarray = (oy - n < year) & (year <= oy)  # comparisons typed Any by numpy's stubs
    return inside


_DATE_CUT = Lowered("date_cut", "compared with a constant, a comparison of the date fact with a cut-off date")

_DATES = (
    Op("months_since", Form.STRICT,
       Signature("months_since(date)", (Arg("the argument of months_since()", DATE),), NUM, "number", 1, 1),
       Law.STRICT, _months_since, _months_since_col, _DATE_CUT, GapShape.VALUE,
       "Số tháng tròn từ ngày đó đến ngày đánh giá.", "Whole months from the date to the evaluation date."),
    Op("years_since", Form.STRICT,
       Signature("years_since(date)", (Arg("the argument of years_since()", DATE),), NUM, "number", 1, 1),
       Law.STRICT, _years_since, _years_since_col, _DATE_CUT, GapShape.VALUE,
       "Số năm tròn từ ngày đó đến ngày đánh giá.", "Whole years from the date to the evaluation date."),
    Op("in_window", Form.STRICT,
       Signature("in_window(year, n)", (Arg("the year of in_window()", NUM), Arg("the window of in_window()", NUM)),
                 BOOL, "bool", 2, 2),
       Law.STRICT, _in_window, _in_window_col, CORE_ONLY, GapShape.NONE,
       "Năm nằm trong n năm tính đến năm đánh giá (ví dụ 5 năm trước khi nộp hồ sơ).",
       "The year lies within the n years up to the evaluation year (e.g. 5 years before the dossier)."),
    Op("abs", Form.STRICT, Signature("abs(number)", (Arg("the argument of abs()", NUM),), NUM, "number", 1, 1),
       Law.STRICT, lambda on, x: abs(x), lambda on, x: np.abs(x), CORE_ONLY, GapShape.VALUE,
       "Giá trị tuyệt đối.", "Absolute value."),
)

FUNCTIONS: MappingProxyType[str, Op] = MappingProxyType({o.name: o for o in (*_AGGREGATES, *_HELPERS, *_DATES)})
