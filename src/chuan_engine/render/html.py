"""Self-contained, printable HTML report (also the notebook ``_repr_html_``)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..i18n import pick, t
from ..outcome import Outcome
from .common import fmt_margin, fmt_threshold, fmt_value

if TYPE_CHECKING:
    from ..report import Report

CSS = """
.chuan{font-family:system-ui,'Segoe UI',Roboto,sans-serif;font-size:14px;color:#222}
.chuan table{border-collapse:collapse;margin:6px 0 18px;width:100%}
.chuan th,.chuan td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
.chuan th{background:#f0f0f0}
.chuan .pass{background:#e3f5e1}.chuan .fail{background:#fbe0e0}.chuan .unknown{background:#fff4d6}
.chuan .not_applicable{color:#888}
.chuan .prov{font-weight:bold;color:#a15c00}
.chuan .verdict{font-size:16px;font-weight:bold}
@media print{.chuan section{page-break-inside:avoid}}
"""


def _entity_section(e, lang: str) -> str:  # type: ignore[no-untyped-def]
    s = e.summary
    out = [f"<section><h2>{escape(t(e.kind, lang))} {escape(e.id)}"
           + (f" — {escape(e.name)}" if e.name else "") + "</h2>"]
    if e.error:
        out.append(f"<p class='fail'>{escape(t('error', lang))}: {escape(e.error)}</p></section>")
        return "".join(out)
    out.append(f"<p class='verdict'>{escape(str(s.get('verdict_' + lang, '')))}</p>")
    out.append(f"<p>{escape(str(s.get('headline_' + lang, '')))}</p>")
    prov = s["provenance"]
    out.append(f"<p>{t('provenance', lang)}: {prov['verified']} {t('verified', lang)}, {prov['reported']} "
               f"{t('reported', lang)}, <span class='prov'>{prov['provisional']} {t('provisional', lang)}</span></p>")
    heads = ["rule", "title", "outcome", "value", "threshold", "margin", "provenance", "citation"]
    out.append("<table class='verdicts'><thead><tr>"
               + "".join(f"<th>{t(h, lang)}</th>" for h in heads) + "</tr></thead><tbody>")
    for r in e.results:
        cite = escape(r.citation.short())
        if r.citation.url:
            cite = f"<a href='{escape(r.citation.url)}'>{cite}</a>"
        prov_cls = " class='prov'" if r.provenance.value == "provisional" else ""
        extra = ""
        if r.outcome is Outcome.unknown and r.missing:
            extra = f"<br><small>{t('missing', lang)}: {escape(', '.join(r.missing[:6]))}</small>"
        if r.gap and r.outcome is Outcome.failed:
            extra = f"<br><small>→ {escape(str(r.gap.get('text_' + lang, '')))}</small>"
        out.append(
            f"<tr class='{r.outcome.value}'><td><code>{escape(r.rule)}</code></td>"
            f"<td>{escape(pick(r.title_vi, r.title_en, lang))}{extra}</td>"
            f"<td>{escape(t(r.outcome.value, lang))}</td>"
            f"<td>{escape(fmt_value(r.value, r.unit) if r.kind == 'indicator' else '')}</td>"
            f"<td>{escape(fmt_threshold(r))}</td><td>{escape(fmt_margin(r))}</td>"
            f"<td{prov_cls}>{escape(t(r.provenance.value, lang))}</td><td>{cite}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return "".join(out)


def render_html(report: Report, lang: str = "vi", standalone: bool = True) -> str:
    h = report.pack.header
    body = [f"<div class='chuan'><h1>{escape(pick(h.title_vi, h.title_en, lang))}</h1>",
            f"<p>{t('pack', lang)}: <code>{escape(h.id)} {escape(h.version)}</code> — "
            f"{t('as_of', lang)}: {report.as_of.isoformat()}</p>"]
    body.extend(_entity_section(e, lang) for e in report.entities)
    body.append("</div>")
    inner = f"<style>{CSS}</style>" + "".join(body)
    if not standalone:
        return inner
    title = escape(pick(h.title_vi, h.title_en, lang))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{inner}</body></html>")
