"""Numbers, shares, quantities and dates as Vietnamese (87,5 %; 30/06/2025; 20.000 m²) or English readers
expect them, through Babel's locale data: one module, so every renderer formats alike."""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal

_LOCALE = {"vi": "vi_VN", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALE.get(lang, "vi_VN")


def number(value: float | int, lang: str = "vi", digits: int = 2) -> str:
    """20.000 and 3,25 in Vietnamese; 20,000 and 3.25 in English (at most ``digits`` decimals)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(share: float, lang: str = "vi", digits: int = 1) -> str:
    """A share 0.875 as '87,5 %' (Vietnamese) or '87.5%' (English)."""
    text = number(share * 100, lang, digits)
    return f"{text} %" if lang == "vi" else f"{text}%"


def points(share_diff: float, lang: str = "vi") -> str:
    """A difference of shares in percentage points, signed: '+2,5 điểm %' / '+2.5 points'."""
    sign = "+" if share_diff > 0 else ("−" if share_diff < 0 else "")
    text = number(abs(share_diff) * 100, lang, 1)
    return f"{sign}{text} điểm %" if lang == "vi" else f"{sign}{text} points"


def quantity(value: float | int, unit: str, lang: str = "vi") -> str:
    """'20.000 m²'."""
    return f"{number(value, lang)} {unit}"


def date(day: dt.date, lang: str = "vi") -> str:
    """30/06/2025 in both languages (the form written on Vietnamese documents; unambiguous day first)."""
    return day.strftime("%d/%m/%Y")


def long_date(day: dt.date, lang: str = "vi") -> str:
    """'ngày 30 tháng 6 năm 2025' as a document's place-and-date line writes it; '30 June 2025' in English."""
    if lang == "vi":
        return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"


# Excel number formats matching the above (the cell keeps its number; Excel shows it this way).
EXCEL_PERCENT = "0.0%"
EXCEL_DATE = "dd/mm/yyyy"
EXCEL_INTEGER = "#,##0"
EXCEL_NUMBER = "#,##0.##"
