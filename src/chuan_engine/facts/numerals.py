"""Numbers typed as text in a table column, read by the column's convention.

A cell such as "25.000" or "12,500" reads two ways: Vietnamese (dot groups thousands, comma is the decimal
mark: 25 000 and 12,5) or international (25.0 and 12 500). Other cells read one way only ("12,5", "1.234,5",
"1.234.567" are Vietnamese; "0.85", "12.5", "1,234.5", "1e-05" are international, as pandas writes them).
A column takes the convention its one-way cells show, Vietnamese when they show none; a two-way cell in a
column that shows both conventions is refused, since nothing says which one the official meant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import Enum

from ..errors import Text


class Convention(Enum):
    VI = "vi"
    INTL = "intl"
    MIXED = "mixed"


_VI = re.compile(r"[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?")
_INTL = re.compile(r"[+-]?([1-9]\d{0,2}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?")


def _clean(text: str) -> tuple[str, bool]:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    percent = text.endswith("%")
    return text.rstrip("%"), percent


def readings(text: str) -> tuple[float | None, float | None]:
    """(Vietnamese reading, international reading) of one cell; None where it does not fit."""
    body, percent = _clean(text)
    scale = 0.01 if percent else 1.0
    vi = float(body.replace(".", "").replace(",", ".")) * scale if _VI.fullmatch(body) else None
    intl = float(body.replace(",", "")) * scale if _INTL.fullmatch(body) else None
    return vi, intl


def convention(texts: Iterable[str]) -> Convention:
    """The convention a column's one-way cells show (Vietnamese when none shows one)."""
    seen: set[Convention] = set()
    for text in texts:
        vi, intl = readings(text)
        if vi is not None and intl is None:
            seen.add(Convention.VI)
        elif intl is not None and vi is None:
            seen.add(Convention.INTL)
        if len(seen) == 2:
            return Convention.MIXED
    return Convention.INTL if seen == {Convention.INTL} else Convention.VI


def read(text: str, conv: Convention) -> float:
    """One cell of a column of convention ``conv``; ValueError (a bilingual Text) when it cannot be read."""
    vi, intl = readings(text)
    if vi is not None and intl is not None and vi != intl:
        match conv:
            case Convention.VI:
                value = vi
            case Convention.INTL:
                value = intl
            case Convention.MIXED:
                raise ValueError(Text(
                    f"số {text!r} đọc được hai cách ({_show(vi)} hoặc {_show(intl)}) mà cột dùng cả hai kiểu viết số;"
                    f" hãy viết theo kiểu Việt Nam (1.234,5) cho cả cột",
                    f"number {text!r} reads two ways ({_show(vi)} or {_show(intl)}) and the column mixes both"
                    f" conventions; write the whole column one way (1.234,5)"))
    elif vi is not None:
        value = vi
    elif intl is not None:
        value = intl
    else:
        raise ValueError(Text(f"không đọc được số {text!r} (viết kiểu Việt Nam: 1.234,5 hoặc 87,5 %)",
                              f"not a number: {text!r} (write 1.234,5 or 87,5 %)"))
    if not math.isfinite(value):
        raise ValueError(Text(f"phải là số hữu hạn: {text!r}", f"must be a finite number: {text!r}"))
    return value


def _show(x: float) -> str:
    return str(int(x)) if x.is_integer() else repr(x)
