"""One spreadsheet cell as a fact value, the ways officials type them: Vietnamese numbers (1.234,5; 87,5 %),
dd/mm/yyyy dates or Excel dates, Có/Không/x, vocabulary words with or without diacritics.

Each reader returns the value or raises ``ValueError`` with a Vietnamese/English reason; the sheet reader
adds the sheet, row and column. An empty cell is ``None`` (unknown), never a default.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ..errors import Text
from .vocab import LABELS_VI, OrderedVocab, ascii_key, conferred_code

_TRUE = {"co", "x", "true", "1", "dung", "yes"}
_FALSE = {"khong", "false", "0", "sai", "no"}
_TOTAL = re.compile(r"(tong_cong|tong_so|total)(_.*)?|tong|cong")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# 1.234.567,5 (Vietnamese grouping) or 1234,5 or 1234 (with an optional sign).
_VI_NUMBER = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_total_row(row: tuple[object, ...]) -> bool:
    """A "Tổng cộng" / "Cộng" / "Total" row under a list: its first non-blank cell says so."""
    first = next((c for c in row if not is_blank(c)), None)
    if not isinstance(first, str):
        return False
    # "Tổng cộng", "Tổng số: 12", "Cộng", "Total" — not a name that happens to begin "Tống" or "Công"
    return _TOTAL.fullmatch(ascii_key(first)) is not None


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = ascii_key(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(Text(f"cần Có hoặc Không (hoặc x): {value!r}", f"expected Có or Không (yes/no): {value!r}"))


def to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    found = _DMY.fullmatch(text) or _ISO.fullmatch(text)
    if found is not None:
        a, b, c = (int(g) for g in found.groups())
        day, month, year = (a, b, c) if found.re is _DMY else (c, b, a)
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise ValueError(Text(f"không phải ngày, hãy viết dd/mm/yyyy, ví dụ 01/09/2012: {value!r}",
                          f"not a date (write dd/mm/yyyy, e.g. 01/09/2012): {value!r}"))


def to_number(value: object) -> float:
    """A number: an Excel number, or text in the Vietnamese convention (dot groups thousands, comma is the
    decimal mark); a trailing % divides by 100. Text that fits neither reading (12.5, 1,234.5) is refused."""
    if isinstance(value, bool):
        raise ValueError(Text(f"cần một số: {value!r}", f"expected a number: {value!r}"))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        percent = text.endswith("%")
        text = text.rstrip("%")
        if not _VI_NUMBER.fullmatch(text):
            raise ValueError(Text(f"không đọc được số (viết kiểu Việt Nam: 1.234,5 hoặc 87,5 %): {value!r}",
                                  f"not a number in the Vietnamese convention (1.234,5; 87,5 %): {value!r}"))
        number = float(text.replace(".", "").replace(",", "."))
        if percent:
            number /= 100
    if not math.isfinite(number):
        raise ValueError(Text(f"phải là số hữu hạn: {value!r}", f"must be a finite number: {value!r}"))
    return number


def to_int(value: object) -> int:
    number = to_number(value)
    if number != int(number):
        raise ValueError(Text(f"cần một số nguyên: {value!r}", f"expected a whole number: {value!r}"))
    return int(number)


def to_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number (123) reads as "123", not "123.0"
    if isinstance(value, dt.datetime | dt.date):
        raise ValueError(Text(f"cần văn bản, không phải ngày: {value!r}", f"expected text, not a date: {value!r}"))
    return str(value).strip()


def to_vocab(vocab: type[OrderedVocab], value: object) -> str:
    try:
        return vocab(to_text(value)).value
    except ValueError:
        pass
    choices = "; ".join(LABELS_VI[vocab].values())
    raise ValueError(Text(f"không có trong danh mục ({choices}): {value!r}", f"not in the list ({choices}): {value!r}")) from None


def to_list(vocab: type[OrderedVocab] | None, value: object) -> list[str]:
    """Several entries in one cell, separated by ';' (or a new line); titles and rewards read as codes."""
    parts = [p.strip() for p in re.split(r"[;\n]", to_text(value)) if p.strip()]
    if vocab is None:
        return parts
    return [str(conferred_code(vocab, p)) for p in parts]


def to_auto(value: object) -> bool | int | float | str:
    """A pack input cell: a number (Vietnamese convention), Có/Không, or text."""
    if isinstance(value, bool | int | float):
        number = to_number(value)
        return int(number) if isinstance(value, int) and not isinstance(value, bool) else number
    text = to_text(value)
    if ascii_key(text) in _TRUE - {"1"} or ascii_key(text) in _FALSE - {"0"}:
        return to_bool(text)
    try:
        return to_number(text)
    except ValueError:
        if re.fullmatch(r"[+-]?[\d.,\s%]+", text):
            raise
        return text
