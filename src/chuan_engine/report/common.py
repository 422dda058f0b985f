"""Formatting shared by the renderers: values, thresholds and margins of a rule result, in the reader's
language (numbers and dates through ``formatting``, Babel's locale data)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from ..facts.vocab import OrderedVocab, vocab_label
from . import formatting
from .outcome import RuleResult

# Sites that publish the legal text itself (the official gazette and the government's and ministries'
# portals). A citation links out only to these: a commercial law site or a news article does not hold the
# cited article, so a link there would pass off a summary as the source (issue 14).
OFFICIAL_HOSTS = ("vbpl.vn", "chinhphu.vn", "congbao.chinhphu.vn", "datafiles.chinhphu.vn", "quochoi.vn",
                  "dangcongsan.vn", "tulieuvankien.dangcongsan.vn", "hcma.vn")


def fmt_date(day: dt.date, lang: str) -> str:
    """30/06/2025 in Vietnamese documents; ISO 2025-06-30 in English."""
    return formatting.date(day, lang) if lang == "vi" else day.isoformat()


def fmt_value(value: Any, unit: str | None, lang: str = "vi") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("đúng" if value else "sai") if lang == "vi" else ("true" if value else "false")
    if isinstance(value, float) and unit in ("ratio", "share"):
        return formatting.percent(value, lang)
    if isinstance(value, int | float):
        return formatting.number(value, lang)
    if isinstance(value, OrderedVocab):  # a rating, title, degree…: its wording in the language, not its code
        return vocab_label(type(value).__name__, value, lang)
    return str(value)


def fmt_margin(r: RuleResult, lang: str = "vi") -> str:
    if r.margin is None:
        return ""
    if r.unit in ("ratio", "share"):
        return formatting.points(r.margin, lang)
    text = formatting.number(abs(r.margin), lang)
    return ("+" if r.margin > 0 else "−" if r.margin < 0 else "") + text


def fmt_threshold(r: RuleResult, lang: str = "vi") -> str:
    if r.threshold is None:
        return ""
    return f"{r.op} {fmt_value(r.threshold, r.unit, lang)}"


def citation_link(url: str | None) -> str | None:
    """The citation's address when it is an http(s) page on an official host (the cited text), else None."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS) or host.endswith(".gov.vn"):
        return url
    return None


_NUMBER = re.compile(r"(?:chỉ tiêu|tiêu chí)\s+(\d+(?:\.\d+)*)", re.IGNORECASE)


def indicator_number(r: RuleResult) -> str:
    """The indicator's number as its citation writes it ('2.1' from 'Tiêu chí 2, chỉ tiêu 2.1'), else ''."""
    for text in (r.citation.article, r.citation.clause):
        found = _NUMBER.findall(text or "")
        if found:
            return str(max(found, key=len))
    return ""
