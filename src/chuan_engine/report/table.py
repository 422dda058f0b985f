"""Plain-text report for the terminal (UTF-8, Vietnamese by default)."""

from __future__ import annotations

import textwrap
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from ..i18n import pick, t
from .common import fmt_date, fmt_margin, fmt_threshold, fmt_value
from .outcome import Outcome, RuleResult
from .reasons import reasons
from .sentences import Speaker

if TYPE_CHECKING:
    from .results import Report

MARK = {Outcome.passed: "✔", Outcome.failed: "✘", Outcome.unknown: "?", Outcome.not_applicable: "·"}


CITE_W = 26
"""Width of the citation column; the title takes what the terminal leaves (issue 15: wrap, never cut)."""


def _wrap(text: str, n: int) -> list[str]:
    return textwrap.wrap(text, n, break_on_hyphens=False) or [""]


def render_table(report: Report, lang: str = "vi", width: int = 120, explain: str = "text") -> str:
    """``explain``: why a condition failed in sentences (``text``) or as its expressions (``expr``)."""
    h = report.pack.header
    speaker = Speaker(report.pack, report.as_of, lang)
    lines = [f"{t('pack', lang)}: {pick(h.title_vi, h.title_en, lang)} ({h.id} {h.version})",
             f"{t('as_of', lang)}: {fmt_date(report.as_of, lang)}", ""]
    for e in report.entities:
        lines.append("═" * min(width, 100))
        lines.append(f"{t(e.kind, lang)} {e.id}" + (f" — {e.name}" if e.name else ""))
        if e.error:
            lines.append(f"  ⚠ {t('error', lang)}: {e.error}")
            continue
        lines += _summary_lines(e.summary, lang)
        title_w = max(20, width - 40 - CITE_W)
        for r in e.results:
            if r.outcome is not Outcome.not_applicable:
                lines += _result_lines(r, e.kind, lang, title_w, speaker, explain)
        if e.summary.get("unknowns"):
            lines.append(f"  {t('unknown', lang)}: " + ", ".join(u["rule"] for u in e.summary["unknowns"]))
        lines.append("")
    return "\n".join(lines)


def _summary_lines(s: dict[str, Any], lang: str) -> list[str]:
    """Verdict, headline, provenance counts and each group's counts of one entity."""
    prov = s["provenance"]
    lines = [f"  {t('verdict', lang)}: {s.get('verdict_' + lang, s.get('verdict_vi'))}",
             f"  {s.get('headline_' + lang, s.get('headline_vi'))}",
             f"  {t('provenance', lang)}: {prov['verified']} {t('verified', lang)}, "
             f"{prov['reported']} {t('reported', lang)}, {prov['provisional']} {t('provisional', lang)}"
             + (f", {prov['override']} {t('override', lang)}" if prov["override"] else "")]
    for gid, g in s.get("groups", {}).items():
        lines.append(f"    [{gid}] {pick(g['label_vi'], g['label_en'], lang)}: "
                     f"{g['pass']} ✔  {g['fail']} ✘  {g['unknown']} ?  ({g['exceeded']} {t('exceeded', lang)})")
    return lines


def _result_lines(r: RuleResult, kind: str, lang: str, title_w: int, speaker: Speaker, explain: str) -> list[str]:
    """One rule's line (title and citation wrapped below it), then what is missing, why it fails, its gap."""
    flag = " [TẠM THỜI]" if r.provenance.value == "provisional" and lang == "vi" else (
        " [PROVISIONAL]" if r.provenance.value == "provisional" else "")
    titles = _wrap(pick(r.title_vi, r.title_en, lang) + flag, title_w)
    cites = _wrap(r.citation.short(), CITE_W)
    val = fmt_value(r.value, r.unit, lang) if r.kind == "indicator" else ""
    lines = [f"  {MARK[r.outcome]} {titles[0]:<{title_w}} {val:>8} {fmt_threshold(r, lang):>10} "
             f"{fmt_margin(r, lang):>13}  {cites[0]}"]
    for title, cite in zip_longest(titles[1:], cites[1:], fillvalue=""):  # long titles wrap below
        lines.append(f"    {title:<{title_w}} {'':>8} {'':>10} {'':>13}  {cite}".rstrip())
    if r.outcome is Outcome.unknown and r.missing:
        lines.append(f"      {t('missing', lang)}: {', '.join(r.missing[:6])}")
    if r.outcome is Outcome.failed and r.kind == "condition":
        for why in (reasons(r.explanation) if explain == "expr" else speaker.why(r, kind)):
            lines.append(f"      ✘ {why}")
    if r.gap and r.outcome is Outcome.failed:
        lines.append(f"      → {r.gap.get('text_' + lang, r.gap.get('text_vi', ''))}")
    return lines
