"""A gap as numbers (``Gap``) and its sentences in Vietnamese and English.

The gap analysis (analysis/gaps.py) computes a ``Gap`` from the measure's parts; this module
is the only place that writes its words, for the explaining report and the batch frames alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..lang.ops import EPS
from . import formatting

INCREASING = (">=", ">")


@dataclass(frozen=True)
class Gap:
    """The smallest change meeting one level of one indicator, as numbers.

    ``unit`` is ``members`` (a share of a roster: convert or add members), ``items`` (a count or the
    numerator of a ratio), ``points`` (a share given as one figure, in percentage points) or ``value``.
    ``amount`` is None when the threshold cannot be reached (a share only).
    """

    level: str
    shape: str
    mode: str  # convert, add (members); add, remove (items); points; value
    op: str
    value: float
    threshold: float
    amount: int | float | None
    unit: str
    numerator: int | float | None = None
    denominator: int | float | None = None
    alternatives: dict[str, int | None] | None = None  # members: {"convert": x, "add": y}
    after: float | None = None

    @property
    def up(self) -> bool:
        return self.op in INCREASING

    def as_dict(self, noun_vi: str, noun_en: str) -> dict[str, Any]:
        """The JSON form (``RuleResult.gap`` and its ``levels``), keys in the order of the JSON contract."""
        out: dict[str, Any] = {"level": self.level, "shape": self.shape, "mode": self.mode, "op": self.op,
                               "value": self.value, "threshold": self.threshold, "noun_vi": noun_vi,
                               "noun_en": noun_en}
        match self.unit:
            case "members":
                out.update(numerator=self.numerator, denominator=self.denominator, alternatives=self.alternatives,
                           amount=self.amount, amount_unit=self.unit)
                if self.amount is not None:
                    out["after"] = self.after
            case "items" if self.shape == "ratio_of":
                out.update(amount=self.amount, amount_unit=self.unit, numerator=self.numerator,
                           denominator=self.denominator, after=self.after)
            case "items":
                out.update(amount=self.amount, amount_unit=self.unit)
                if self.numerator is not None:
                    out["numerator"] = self.numerator
                out["after"] = self.after
            case _:
                out.update(amount=self.amount, amount_unit=self.unit, after=self.after)
        out["text_vi"], out["text_en"] = gap_text(self, noun_vi, noun_en)
        return out


def num(x: float | int | None, lang: str = "vi") -> str:
    """A number as the reader writes it (Babel): 20.000 and 3,25 in Vietnamese, 20,000 and 3.25 in English;
    integral floats without decimals, others to two places."""
    if x is None:
        return "—"
    if isinstance(x, float) and abs(x - round(x)) < EPS:
        x = int(round(x))
    return formatting.number(x, lang)


def pct(x: float, lang: str = "vi") -> str:
    """87,5 % (Vietnamese), 87.5% (English): the reader's format (``formatting.percent``)."""
    return formatting.percent(x, lang)


def points(x: float, lang: str = "vi") -> str:
    return formatting.number(round(x * 100, 2), lang)


def gap_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    """The (vi, en) sentences of a gap."""
    match g.unit:
        case "members":
            return _members_text(g, noun_vi, noun_en)
        case "items" if g.shape == "ratio_of":
            return _ratio_text(g, noun_vi, noun_en)
        case "items":
            return _count_text(g, noun_vi, noun_en)
        case "points":
            return _points_text(g, noun_vi, noun_en)
        case _:
            return _value_text(g, noun_vi, noun_en)


def _members_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    n, d, x, t, op = g.numerator, g.denominator, g.amount, g.threshold, g.op
    assert isinstance(n, int) and isinstance(d, int)
    if x is None:
        return (f"không thể đạt ngưỡng {op} {pct(t)} với {n}/{d} hiện có",
                f"the threshold {op} {pct(t, 'en')} cannot be reached from {n}/{d}")
    now, now_en = f"{n}/{d} = {pct(n / d)}", f"{n}/{d} = {pct(n / d, 'en')}"
    if g.mode == "add":
        nn, dd = (n + x, d + x) if g.up else (n, d + x)
        vi = f"cần bổ sung {x} {noun_vi} mới (hiện {now}; sau khi bổ sung {nn}/{dd} = {pct(nn / dd)} {op} {pct(t)})"
        en = f"needs {x} new {noun_en} (now {now_en}; then {nn}/{dd} = {pct(nn / dd, 'en')} {op} {pct(t, 'en')})"
        convert = (g.alternatives or {}).get("convert")
        if g.up and convert is not None and convert != x:
            vi += f"; hoặc {convert} người hiện có đạt thêm"
            en += f"; or {convert} existing members newly meeting it"
        return vi, en
    nn = n + x if g.up else n - x
    met = f"{nn}/{d} = {pct(nn / d)} {op} {pct(t)}"
    met_en = f"{nn}/{d} = {pct(nn / d, 'en')} {op} {pct(t, 'en')}"
    if g.up:
        return (f"cần thêm {x} {noun_vi} (hiện {now}; đạt khi {met})",
                f"needs {x} more {noun_en} (now {now_en}; met at {met_en})")
    return (f"cần giảm {x} {noun_vi} (hiện {now}; đạt khi {met})",
            f"needs {x} fewer {noun_en} (now {now_en}; met at {met_en})")


def _count_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    v = g.numerator if g.numerator is not None else g.value
    x, t, op = g.amount, g.threshold, g.op
    if g.up:
        return (f"thiếu {x} {noun_vi} (hiện {num(v)}, cần {op} {num(t)})",
                f"{x} more {noun_en} needed (now {num(v, 'en')}, needs {op} {num(t, 'en')})")
    return (f"cần giảm {x} {noun_vi} (hiện {num(v)}, cần {op} {num(t)})",
            f"{x} fewer {noun_en} needed (now {num(v, 'en')}, needs {op} {num(t, 'en')})")


def _ratio_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    a, b = g.numerator, g.denominator
    assert a is not None and b is not None
    word_vi, word_en = ("cần thêm", "more") if g.up else ("cần giảm", "fewer")
    now, now_en = f"{num(a)}/{num(b)} = {num(a / b)}", f"{num(a, 'en')}/{num(b, 'en')} = {num(a / b, 'en')}"
    return (f"{word_vi} {g.amount} {noun_vi} (hiện {now}, cần {g.op} {num(g.threshold)})",
            f"needs {g.amount} {word_en} {noun_en} (now {now_en}, needs {g.op} {num(g.threshold, 'en')})")


def _points_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    t, v, op = g.threshold, g.value, g.op
    pts = (t - v) if g.up else (v - t)
    word_vi, word_en = ("tăng", "rise") if g.up else ("giảm", "fall")
    return (f"tỷ lệ {noun_vi} cần {word_vi} thêm {points(pts)} điểm phần trăm (hiện {pct(v)}, cần {op} {pct(t)})",
            f"the share of {noun_en} must {word_en} by {points(pts, 'en')} percentage points "
            f"(now {pct(v, 'en')}, needs {op} {pct(t, 'en')})")


def _value_text(g: Gap, noun_vi: str, noun_en: str) -> tuple[str, str]:
    t, v, op = g.threshold, g.value, g.op
    diff = (t - v) if g.up else (v - t)
    word_vi, word_en = ("còn thiếu", "short by") if g.up else ("vượt quá", "over by")
    return (f"{word_vi} {num(diff)} {noun_vi} (hiện {num(v)}, cần {op} {num(t)})",
            f"{word_en} {num(diff, 'en')} {noun_en} (now {num(v, 'en')}, needs {op} {num(t, 'en')})")
