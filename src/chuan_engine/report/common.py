"""Formatting shared by the renderers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .outcome import RuleResult


def fmt_date(day: dt.date, lang: str) -> str:
    """30/06/2025 in Vietnamese documents; ISO 2025-06-30 in English."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def fmt_value(value: Any, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "đúng" if value else "sai"
    if isinstance(value, float) and unit == "ratio":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fmt_margin(r: RuleResult) -> str:
    if r.margin is None:
        return ""
    if r.unit == "ratio":
        return f"{r.margin * 100:+.1f} điểm %"
    return f"{r.margin:+g}"


def fmt_threshold(r: RuleResult) -> str:
    if r.threshold is None:
        return ""
    return f"{r.op} {fmt_value(r.threshold, r.unit)}"
