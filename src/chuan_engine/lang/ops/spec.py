"""What an entry of the operator table holds.

One ``Op`` per operator and function: its type signature (read by the checker), its
three-valued law, its scalar kernel (plain Python values, used by the explaining
evaluator) beside its column kernel (NumPy arrays, used by the batch compiler), its
lowering for the durable backend or the reason it has none, its gap shape and its
Vietnamese and English documentation.

Kernels see only values: evaluating the arguments, tracing, column types and error
propagation belong to the evaluators, which choose how to call a kernel by the entry's
``form``. The calling conventions, by form:

- LOGIC (and, or): scalar ``(a, b) -> bool | UNKNOWN``; column ``(av, ak, bv, bk) -> (v, k)``.
- NEGATION (not): scalar ``(a)``; column ``(av, ak) -> (v, k)``.
- ARITHMETIC (+ - * /): scalar ``(a, b)`` on known numbers (may give UNKNOWN: division by zero);
  column ``(av, bv) -> (v, defined)`` with ``defined`` a mask or None.
- NEGATIVE (unary -): scalar ``(a)``; column ``(av) -> (v, None)``.
- EQUALITY, COMPARISON (ordering): scalar and column ``(d) -> bool`` on the signed difference of the operands
  (0 for equal values, within the 1e-9 tolerance for numbers).
- MEMBERSHIP (in, not in): scalar and column ``(hit) -> bool``, ``hit`` = the value is in the list.
- STRICT functions: scalar ``(on, *values)`` on known values; column ``(on_parts, *arrays)``,
  ``on_parts`` = (year, month, day) arrays of each row's evaluation date.
- TALLY aggregates (count, share, any, all): scalar ``(Tally) -> value`` (count and share give a
  ``lang.logic.Range`` when elements are unknown); column ``(Tally of arrays) -> (v, k, bounds)``, ``bounds``
  the (lo, hi) arrays of the rows whose value is a range (NaN elsewhere), or None.
- Comparisons on a range: ``range_compare(op, dmin, dmax) -> (value, decided)`` on the bounds of the
  difference, scalars or arrays (operators.py).
- FOLD aggregates (sum, min, max): scalar ``(values) -> value`` on known values; column
  ``(Groups, values, known) -> (v, defined)`` over the elements.
- KNOWN: scalar ``(arg, n)`` as the lazy helpers below; column ``(k) -> (v, k)``.
- FILTER: see its entry. STREAK: scalar ``(years, values[, n])`` -> (value, years counted, breaking year);
  column ``(start, end, v, k[, n, nk])`` -> (v, k) over history ranges; ``n`` caps the count (§8a.7).
- WINDOW: scalar ``(on_year, element_years, n)`` -> the positions kept; column ``(start, end, n)`` -> new start.
- Lazy helpers (FIRST_KNOWN, BRANCH, KNOWN): scalar ``(arg, n)``, where ``arg(i)`` evaluates the
  i-th of the n arguments only when the kernel asks; column kernels combine (v, k) pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple

from ..types import Type


class Form(Enum):
    """How an evaluator calls the entry's kernels (and how the checker reads its signature)."""

    LOGIC = "logic"
    NEGATION = "negation"
    ARITHMETIC = "arithmetic"
    NEGATIVE = "negative"
    EQUALITY = "equality"
    COMPARISON = "comparison"
    MEMBERSHIP = "membership"
    STRICT = "strict"
    TALLY = "tally"
    FOLD = "fold"
    FILTER = "filter"
    STREAK = "streak"
    WINDOW = "window"
    FIRST_KNOWN = "first_known"
    BRANCH = "branch"
    KNOWN = "known"


class Law(Enum):
    """How unknown operands or elements combine (Kleene's strong three-valued logic throughout)."""

    STRICT = ("strict", None, "unknown if any operand is unknown",
              "chưa rõ nếu một toán hạng chưa rõ")
    STRICT_PARTIAL = ("strict_partial", None, "unknown if any operand is unknown, or the divisor is zero",
                      "chưa rõ nếu một toán hạng chưa rõ hoặc số chia bằng 0")
    KLEENE_AND = ("kleene_and", False, "false dominates unknown; true and unknown is unknown",
                  "sai thắng chưa rõ; đúng và chưa rõ là chưa rõ")
    KLEENE_OR = ("kleene_or", True, "true dominates unknown; false or unknown is unknown",
                 "đúng thắng chưa rõ; sai hoặc chưa rõ là chưa rõ")
    KLEENE_NOT = ("kleene_not", None, "not unknown is unknown", "phủ định của chưa rõ là chưa rõ")
    TALLY = ("tally", None, "unknown if the list or any element's condition is unknown",
             "chưa rõ nếu danh sách hoặc điều kiện của một phần tử chưa rõ")
    COUNT = ("count", None, "unknown if the list is unknown; with elements whose condition is unknown, the range "
             "[known true, known true + unknown]: a comparison is decided when the whole range falls on one side",
             "chưa rõ nếu danh sách chưa rõ; có phần tử chưa rõ điều kiện thì là khoảng [số đúng đã biết, số đúng "
             "đã biết + số chưa rõ]: phép so sánh được quyết định khi cả khoảng nằm về một phía")
    SHARE = ("share", None, "unknown if the list is unknown (a filter on an unknown condition included) or empty; "
             "with elements whose condition is unknown, the range [true / all, (true + unknown) / all] over the "
             "whole list as denominator: a comparison is decided when the whole range falls on one side",
             "chưa rõ nếu danh sách chưa rõ (kể cả lọc theo điều kiện chưa rõ) hoặc rỗng; có phần tử chưa rõ "
             "điều kiện thì là khoảng [số đúng / tổng, (số đúng + số chưa rõ) / tổng], mẫu số là cả danh sách: "
             "phép so sánh được quyết định khi cả khoảng nằm về một phía")
    EXISTS = ("exists", True, "true as soon as one element is true, even if others are unknown; "
              "else unknown if any is unknown", "đúng ngay khi một phần tử đúng; nếu không, chưa rõ khi có "
              "phần tử chưa rõ")
    FORALL = ("forall", False, "false as soon as one element is false, even if others are unknown; "
              "else unknown if any is unknown", "sai ngay khi một phần tử sai; nếu không, chưa rõ khi có "
              "phần tử chưa rõ")
    FOLD = ("fold", None, "unknown if the list or any element's value is unknown; the sum of no elements is 0",
            "chưa rõ nếu danh sách hoặc giá trị của một phần tử chưa rõ; tổng của danh sách rỗng là 0")
    FOLD_NONEMPTY = ("fold_nonempty", None, "unknown if the list or any element's value is unknown, "
                     "or the list is empty", "chưa rõ nếu danh sách hoặc giá trị của một phần tử chưa rõ, "
                     "hoặc danh sách rỗng")
    STREAK = ("streak", None, "counts back until the first element that is not true, or (with n) until n "
              "elements are counted; unknown only if an unknown element comes before that, or n is unknown: a "
              "run of n known true years decides even when older years are unknown",
              "đếm lùi đến phần tử đầu tiên không đúng, hoặc (có n) đến khi đủ n phần tử; chỉ chưa rõ nếu gặp "
              "phần tử chưa rõ trước đó, hoặc n chưa rõ: đủ n năm liên tục đã biết thì quyết định dù các năm "
              "trước chưa rõ")
    WINDOW = ("window", None, "unknown if the list or n is unknown; else the elements read in the n years up to "
              "the evaluation year", "chưa rõ nếu danh sách hoặc n chưa rõ; nếu không, các phần tử của n năm tính "
              "đến năm đánh giá")
    FIRST_KNOWN = ("first_known", None, "the first known argument; unknown only if all are unknown",
                   "đối số đã biết đầu tiên; chỉ chưa rõ nếu mọi đối số chưa rõ")
    BRANCH = ("branch", None, "unknown if the condition is unknown; else the chosen branch (the other is "
              "never read)", "chưa rõ nếu điều kiện chưa rõ; nếu không, nhánh được chọn (nhánh kia không "
              "được đọc)")
    TOTAL = ("total", None, "never unknown: true when the argument is known",
             "không bao giờ chưa rõ: đúng khi đối số đã biết")

    def __init__(self, key: str, dominant: bool | None, en: str, vi: str) -> None:
        self.key = key
        self.dominant = dominant  # the value that decides whatever the unknown operands are
        self.en = en
        self.vi = vi


class GapShape(Enum):
    """What kind of measure the operator computes, for the gap analysis (analysis/gaps.py)."""

    SHARE = "share"
    COUNT = "count"
    RATIO = "ratio_of"
    VALUE = "value"
    NONE = "none"  # not a measure (a condition or a list)


@dataclass(frozen=True, slots=True)
class Lowered:
    """The durable backend compiles the operator to Rete conditions: ``how`` names the construction
    (backends/rete_algebra.py matches on it), ``text`` describes it."""

    how: str
    text: str


@dataclass(frozen=True, slots=True)
class Refused:
    """The durable backend does not run the operator (the rule stays with the core), and why."""

    reason: str


CORE_ONLY = Refused("aggregates, history and helpers run only in the core")


class Same(Enum):
    """An argument type that must agree with the other ``SAME`` arguments (the result's type)."""

    SAME = "same"


SAME = Same.SAME


@dataclass(frozen=True, slots=True)
class Arg:
    what: str  # how the checker names it in an error: "the argument of abs()"
    type: Type | Same | None  # None: any type


@dataclass(frozen=True, slots=True)
class Signature:
    usage: str  # as documented: "count(list[, condition])"
    args: tuple[Arg, ...]
    returns: Type | Same | None  # None with AGGREGATE forms: the list itself (filter)
    returns_doc: str
    min_args: int
    max_args: int | None  # None: any number
    element: Type | None = None  # aggregates: type of the argument evaluated on each element


class Tally(NamedTuple):
    """Elements of a list by the value of a condition on each (numbers, or per-row arrays)."""

    true: Any
    false: Any
    unknown: Any
    total: Any


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    form: Form
    signature: Signature
    law: Law
    scalar: Callable[..., Any]
    column: Callable[..., Any]
    durable: Lowered | Refused
    gap: GapShape
    doc_vi: str
    doc_en: str

    @property
    def aggregate(self) -> bool:
        """The second argument is evaluated for each element of the first."""
        return self.signature.element is not None
