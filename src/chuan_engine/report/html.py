"""Self-contained, printable HTML report (also the notebook ``_repr_html_``).

One file, no scripts, no external resources: inline CSS, CSS-drawn bars for
the group summaries, citations as links. Outcomes are colour-coded by class
(``pass``/``fail``/``unknown``/``not_applicable``) on the rows of
``table.verdicts``; provisional thresholds are flagged on every row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from ..i18n import pick, t
from .common import citation_link, fmt_date, fmt_margin, fmt_threshold, fmt_value, indicator_number
from .outcome import Outcome, RuleResult
from .proposals import in_force
from .sentences import Sentence, Speaker
from .trace import Step, plain

if TYPE_CHECKING:
    from .results import EntityReport, Report

OUTCOMES = ("pass", "fail", "unknown", "not_applicable")

CSS = """
.chuan{font-family:system-ui,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;font-size:14px;color:#222;max-width:1200px}
.chuan h1{font-size:22px;margin:4px 0}.chuan h2{font-size:18px;margin:18px 0 4px;border-bottom:2px solid #999}
.chuan h3{font-size:15px;margin:10px 0 2px}
.chuan table{border-collapse:collapse;margin:6px 0 14px;width:100%}
.chuan th,.chuan td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
.chuan th{background:#f0f0f0}
.chuan td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chuan td.cite{font-size:12px;min-width:180px}.chuan td code{font-size:12px}
.chuan .pass{background:#e3f5e1}.chuan .fail{background:#fbe0e0}.chuan .unknown{background:#fff4d6}
.chuan .not_applicable{color:#888}
.chuan .badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:bold;border:1px solid #bbb}
.chuan .badge.prov{background:#ffe0b2;color:#8a4b00;border-color:#e0a050}
.chuan .prov{font-weight:bold;color:#a15c00}
.chuan .verdict{font-size:16px;font-weight:bold;padding:3px 6px;display:inline-block}
.chuan .meta,.chuan small{color:#555}
.chuan .bar{display:flex;width:220px;height:12px;border:1px solid #aaa;background:#fafafa}
.chuan .bar span{display:block;height:100%}
.chuan .bar .pass{background:#5cb85c}.chuan .bar .fail{background:#d9534f}.chuan .bar .unknown{background:#f0ad4e}
.chuan details.why{margin-top:2px}.chuan details.why ul{margin:2px 0 2px 14px;padding:0}
.chuan img.chart{max-width:100%;height:auto}
.chuan .warn{background:#fff4d6;border-left:4px solid #f0ad4e;padding:4px 8px}
.chuan td.cite .short{display:none}
.chuan table.verdicts td,.chuan table.verdicts th{overflow-wrap:anywhere;word-break:break-word}
.chuan small.id{color:#777;font-size:11px}
.chuan ul.titles{margin:2px 0 8px 18px;padding:0}
@page{size:A4;margin:10mm 8mm}
@media print{.chuan{max-width:none;font-size:8px;line-height:1.2}.chuan h1{font-size:12px;margin:0}
.chuan h2{font-size:10px;margin:0 0 1px;border-bottom-width:1px}.chuan h3{font-size:8px;margin:2px 0 0}
.chuan th,.chuan td{padding:0 2px;line-height:1.15}.chuan table{margin:1px 0 2px}
.chuan table.verdicts{font-size:7px}.chuan table.verdicts td{line-height:1.08}.chuan h3:has(+table.verdicts){display:none}
.chuan section.entity>p.verdict,.chuan section.entity>p.verdict+p,.chuan section.entity>p.verdict+p+p{display:inline;margin-right:8px}.chuan table.verdicts td.pass,.chuan table.verdicts td.fail,.chuan table.verdicts td.unknown{white-space:nowrap}.chuan td.cite{font-size:6.5px;min-width:0;white-space:nowrap}
.chuan td code{font-size:6.5px}.chuan td small{font-size:6.5px;line-height:1.1}
.chuan section.entity[data-kind='school']~section.entity[data-kind='school']{break-before:page}.chuan tr{break-inside:avoid}
.chuan .screen{display:none}.chuan td.cite>:not(.short){display:none}.chuan td.cite>.short{display:inline}
.chuan p{margin:0}.chuan .verdict{font-size:9px;padding:0 3px}
.chuan .warn{padding:0 4px;border-left-width:2px}.chuan .bar{height:6px;width:40px}
.chuan .badge{font-size:5.5px;padding:0 1px;line-height:1}
.chuan table.levels,.chuan table.groups{width:auto;display:inline-table;vertical-align:top;margin-right:4px}
.chuan h3:has(+table.groups){display:none}.chuan table.levels,.chuan table.groups{font-size:6.5px}
.chuan table.verdicts td br{display:none}.chuan table.verdicts small.gap:before{content:' '}
.chuan details.why summary{display:none}.chuan details.why ul ul,.chuan details.why small{display:none}
.chuan details.why,.chuan details.why ul,.chuan details.why li{display:inline;margin:0;padding:0;font-size:6.5px}
.chuan details.why li+li:before{content:'; '}.chuan details.why ul ul:before{content:' ('}
.chuan details.why ul ul:after{content:')'}.chuan details.why:before{content:' · '}
.chuan *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

# Labels used only by this renderer (the shared ones live in i18n.LABELS).
_L: dict[str, dict[str, str]] = {
    "overview": {"vi": "Tổng quan", "en": "Overview"},
    "groups": {"vi": "Theo nhóm tiêu chí", "en": "By criteria group"},
    "levels": {"vi": "Theo mức chuẩn", "en": "By level"},
    "indicators": {"vi": "Kết quả từng quy tắc", "en": "Result of each rule"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "why": {"vi": "Vì sao?", "en": "Why?"},
    "expression": {"vi": "Biểu thức của quy tắc", "en": "Rule expressions"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "passed_of": {"vi": "Đạt / yêu cầu", "en": "Passed / required"},
    "chart": {"vi": "Biểu đồ", "en": "Chart"},
    "titles": {"vi": "Danh hiệu, hình thức khen thưởng đạt", "en": "Titles and rewards reached"},
    "ledger": {"vi": "Sổ theo dõi sáng kiến (CV 5007/BNV-TĐKT)", "en": "Initiative ledger (CV 5007/BNV-TĐKT)"},
    "basis": {"vi": "Căn cứ", "en": "Basis"},
    "by_rating": {"vi": "xếp loại Hoàn thành xuất sắc nhiệm vụ", "en": "rated excellent"},
    "rank": {"vi": "Thứ tự", "en": "Order"},
    "tied": {"vi": "Đồng hạng với", "en": "Tied with"},
    "q_within_cap": {"vi": "trong tỷ lệ", "en": "within the cap"},
    "q_over_cap": {"vi": "ngoài tỷ lệ", "en": "over the cap"},
    "q_tied_at_cap": {"vi": "đồng hạng tại ngưỡng — Hội đồng bình xét", "en": "tied at the cap — council votes"},
    "q_no_cap": {"vi": "không có tỷ lệ tối đa", "en": "no cap"},
    "prov_rows": {"vi": "quy tắc dùng ngưỡng TẠM THỜI, cần đối chiếu văn bản gốc trước khi dùng kết quả",
                  "en": "rules use PROVISIONAL thresholds; check them against the official text before relying on them"},
    "prov_legend": {"vi": "ngưỡng/tiêu chí chưa đối chiếu văn bản gốc",
                    "en": "threshold or wording not checked against the official text"},
}


def _l(key: str, lang: str) -> str:
    entry = _L[key]
    return entry.get(lang, entry["vi"])


def anchor(e: EntityReport) -> str:
    """The HTML id of an entity's section (stable, ASCII)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in e.id)
    return f"e-{e.kind}-{safe}"


def _status_class(value: str | None) -> str:
    if value in ("pass", "fail", "unknown"):
        return value
    if value and value.startswith("dat_") or value == "eligible":
        return "pass"
    if value in ("chua_dat", "not_eligible", "error"):
        return "fail"
    return "unknown"


def _verdict_class(summary: dict[str, Any]) -> str:
    """Colour of an entity's verdict: not eligible *yet undetermined somewhere* is amber, not red (and
    ``chua_du_du_lieu``, only data missing, is amber through ``_status_class``)."""
    verdict = summary.get("verdict")
    if verdict == "not_eligible" and summary["counts"]["unknown"]:
        return "unknown"
    return _status_class(verdict)


_PAREN = re.compile(r"\s*\([^)]*\)")


def _cite(r: RuleResult) -> str:
    text = escape(r.citation.short())
    title = f" title='{escape(r.citation.note)}'" if r.citation.note else ""
    url = citation_link(r.citation.url)  # only a page that holds the cited text
    # printed, the article alone (the document is printed once above the table)
    short = ", ".join(p for p in (r.citation.clause and f"khoản {r.citation.clause}", r.citation.article) if p)
    short = _PAREN.sub("", short)  # the caveat in brackets is printed once, with the documents
    tail = f"<span class='short'>{escape(short)}</span>" if short else ""
    if url:
        return f"<a href='{escape(url)}'{title} rel='noopener'>{text}</a>{tail}"
    return f"<span{title}>{text}</span>{tail}"


def _documents(results: list[RuleResult], lang: str) -> str:
    """The documents the rules cite, once per section (the printed citation column names the article),
    with the bracketed caveats the printed articles leave out."""
    shown = [r for r in results if in_force(r)]
    docs = list(dict.fromkeys(r.citation.document for r in shown))
    notes = list(dict.fromkeys(m for r in shown for m in _PAREN.findall(r.citation.article or "")))
    docs += [n.strip(" ()") for n in notes]
    return f"<p class='docs'>{escape(t('citation', lang))}: {escape('; '.join(docs))}</p>" if docs else ""


def _bar(counts: dict[str, Any]) -> str:
    total = sum(int(counts.get(k, 0)) for k in ("pass", "fail", "unknown"))
    if not total:
        return "<div class='bar'></div>"
    parts = []
    for k in ("pass", "fail", "unknown"):
        n = int(counts.get(k, 0))
        if n:
            parts.append(f"<span class='{k}' style='width:{100 * n / total:.1f}%' title='{k}: {n}'></span>")
    return "<div class='bar'>" + "".join(parts) + "</div>"


def _explain(step: Step | None, depth: int = 0) -> str:
    if step is None or depth > 3:
        return ""
    value = plain(step.value)
    shown = "?" if step.unknown else escape(str(value))[:80]
    if step.detail.get("range"):  # a count or share with unknown elements: "3–4/4 (75 %–100 %)"
        shown = escape(f"{t('range', 'vi')} {step.detail['range']}")
    detail = ""
    if step.detail:
        keys = [k for k in ("source", "provenance", "numerator", "denominator", "missing", "rule", "outcome")
                if k in step.detail]
        detail = " <small>" + escape(", ".join(f"{k}={plain(step.detail[k])}" for k in keys)) + "</small>"
    kids = "".join(_explain(c, depth + 1) for c in step.children[:8])
    text = step.text if len(step.text) <= 160 else step.text[:159] + "…"
    return f"<li><code>{escape(text)}</code> → {shown}{detail}" + (f"<ul>{kids}</ul>" if kids else "") + "</li>"


def _level_table(s: dict[str, Any], lang: str) -> str:
    rows = []
    for lv in s["levels"].values():
        cls = _status_class(lv["status"])
        rows.append(f"<tr class='{cls}'><td>{escape(pick(lv['label_vi'], lv['label_en'], lang))}</td>"
                    f"<td>{escape(t(lv['status'], lang))}</td>"
                    f"<td class='num'>{lv['passed']}/{lv['required']}</td><td class='num'>{lv['failed']}</td>"
                    f"<td class='num'>{lv['unknown']}</td><td class='num'>{lv['exceeded']}</td></tr>")
    heads = [_l("levels", lang), _l("status", lang), _l("passed_of", lang), t("fail", lang), t("unknown", lang),
             t("exceeded", lang)]
    return ("<table class='levels'><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _group_table(s: dict[str, Any], lang: str) -> str:
    rows = []
    for gid, g in s.get("groups", {}).items():
        cls = "fail" if g["fail"] else ("unknown" if g["unknown"] else "pass")
        rows.append(f"<tr class='{cls}' data-group='{escape(gid)}'>"
                    f"<td>{escape(pick(g['label_vi'], g['label_en'], lang))}</td>"
                    f"<td class='num'>{g['pass']}</td><td class='num'>{g['fail']}</td>"
                    f"<td class='num'>{g['unknown']}</td><td class='num'>{g['exceeded']}</td>"
                    f"<td>{_bar(g)}</td></tr>")
    if not rows:
        return ""
    heads = [t("group", lang), t("pass", lang), t("fail", lang), t("unknown", lang), t("exceeded", lang),
             _l("chart", lang)]
    return (f"<h3>{_l('groups', lang)}</h3><table class='groups'><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _sentences(s: Sentence) -> str:
    kids = "".join(_sentences(c) for c in s.children)
    cls = f" class='{s.outcome.value}'" if s.outcome is not None else ""
    return f"<li{cls}>{escape(s.text)}" + (f"<ul>{kids}</ul>" if kids else "") + "</li>"


def _why(r: RuleResult, lang: str, said: Sentence | None, explain: str) -> str:
    """'Vì sao?': the sentences, with the expression form behind a toggle (open with ``explain='expr'``)."""
    expr = f"<ul>{_explain(r.explanation)}</ul>"
    if said is None:
        return f"<details class='why' open><summary>{_l('why', lang)}</summary>{expr}</details>"
    words = f"<ul class='sentences'>{''.join(_sentences(c) for c in said.children) or _sentences(said)}</ul>"
    opened = " open" if explain == "expr" else ""
    return (f"<details class='why' open><summary>{_l('why', lang)}</summary>{words}"
            f"<details class='expr'{opened}><summary>{_l('expression', lang)}</summary>{expr}</details></details>")


def _row(r: RuleResult, lang: str, levels: list[str], group_labels: dict[str, str],
         level_labels: dict[str, str] | None = None, said: Sentence | None = None, explain: str = "text") -> str:
    provisional = r.provenance.value == "provisional"
    flag = f" <span class='badge prov'>{escape(t('provisional', lang))}</span>" if provisional else ""
    extra = _note(r, lang, level_labels or {})
    if r.explanation is not None and r.outcome in (Outcome.failed, Outcome.unknown):
        extra += _why(r, lang, said, explain)
    cells = "".join(
        f"<td class='{r.levels[lv].outcome.value}'>{escape(t(r.levels[lv].outcome.value, lang))}</td>"
        if lv in r.levels else "<td></td>" for lv in levels
    )
    prov_cls = " class='screen prov'" if provisional else " class='screen'"
    number = indicator_number(r)
    return (
        f"<tr class='{r.outcome.value}'>"
        f"<td>{f'<b>{escape(number)}</b> ' if number else ''}{escape(pick(r.title_vi, r.title_en, lang))}{flag}{extra}</td>"
        f"<td class='rid screen' data-rule='{escape(r.rule)}' data-provenance='{r.provenance.value}'>"
        f"<small class='id'>{escape(r.rule)}</small></td>"
        f"<td class='screen'>{escape(group_labels.get(r.group or '', r.group or ''))}</td>"
        f"<td class='outcome{' screen' if levels else ''}'>{escape(t(r.outcome.value, lang))}</td>{cells}"
        f"<td class='num'>{escape(fmt_value(r.value, r.unit, lang) if r.kind == 'indicator' else '')}</td>"
        f"<td class='num'>{escape(fmt_threshold(r, lang))}</td><td class='num'>{escape(fmt_margin(r, lang))}</td>"
        f"<td{prov_cls}>{escape(t(r.provenance.value, lang))}</td>"
        f"<td class='cite'>{_cite(r)}</td></tr>"
    )


def _note(r: RuleResult, lang: str, level_labels: dict[str, str]) -> str:
    """The line under a rule's title: its gap, else its missing facts, else why it is not decided."""
    extra = ""
    if r.outcome is Outcome.unknown and r.missing:
        extra = f"<br><small>{t('missing', lang)}: {escape(', '.join(r.missing[:6]))}</small>"
    if r.gap:
        text = escape(str(r.gap.get("text_" + lang, r.gap.get("text_vi", ""))))
        if r.outcome is Outcome.failed:
            extra = f"<br><small class='gap'>→ {text}</small>"
        elif r.outcome is Outcome.passed and text:  # passes the first level, fails a higher one
            label = escape(level_labels.get(str(r.gap.get("level")), str(r.gap.get("level", ""))))
            extra = f"<br><small class='gap'>→ {label}: {text}</small>"
    if r.reason and r.outcome in (Outcome.not_applicable, Outcome.unknown) and not extra:
        extra = f"<br><small>{escape(t(r.reason, lang))}</small>"
    return extra


def _titles_reached(e: EntityReport, lang: str) -> str:
    """The titles and rewards an entity reaches on the date, named (the council's question)."""
    reached = [pick(r.title_vi, r.title_en, lang) for r in e.results if r.outcome is Outcome.passed]
    if not reached:
        return f"<p class='titles'>{_l('titles', lang)}: {escape(t('none', lang))}</p>"
    items = "".join(f"<li>{escape(x)}</li>" for x in reached)
    return f"<p class='titles'>{_l('titles', lang)}:</p><ul class='titles'>{items}</ul>"


def _ledger(report: Report, lang: str) -> str:
    ledger = report.extras.get("ledger")
    if not ledger:
        return ""
    names = {e.id: e.name or e.id for e in report.entities}
    titles = {r.rule: pick(r.title_vi, r.title_en, lang) for e in report.entities for r in e.results}
    rows = []
    for c in ledger.get("claims", []):
        basis = {"rating": _l("by_rating", lang), "research": ", ".join(c.get("research") or [])}.get(
            c.get("basis"), ", ".join(c.get("initiatives") or []))
        rows.append(f"<tr><td>{escape(names.get(c['entity'], c['entity']))}</td>"
                    f"<td>{escape(titles.get(c['rule'], c['rule']))}</td><td>{escape(basis)}</td></tr>")
    flags = "".join(f"<p class='warn'>⚠ {escape(names.get(f['entity'], f['entity']))}: "
                    f"{escape(f['message_' + lang] if 'message_' + lang in f else f['message_vi'])}</p>"
                    for f in ledger.get("flags", []))
    heads = [t("staff", lang), t("title", lang), _l("basis", lang)]
    return (f"<section class='ledger'><h2>{_l('ledger', lang)}</h2>"
            f"<p>{escape(pick(ledger.get('rule_vi'), ledger.get('rule_en'), lang))}</p>"
            "<table class='ledger'><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>" + flags + "</section>")


def _quotas(report: Report, lang: str) -> str:
    out = []
    for q in report.extras.get("quotas") or []:
        rows = []
        for c in q.get("candidates", []):
            status = _l("q_" + str(c.get("status")), lang) if "q_" + str(c.get("status")) in _L else ""
            tie = ", ".join(c.get("tied_with") or [])
            rows.append(f"<tr><td class='num'>{c['rank']}</td><td>{escape(c.get('name') or c['entity'])}"
                        f" <small class='id'>{escape(c['entity'])}</small></td><td>{escape(status)}</td>"
                        f"<td>{escape(tie)}</td></tr>")
        heads = [_l("rank", lang), t("staff", lang), _l("status", lang), _l("tied", lang)]
        out.append(f"<section class='quota'><h2>{escape(str(q.get('message_' + lang, q.get('message_vi', ''))))}</h2>"
                   "<table class='quota'><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads)
                   + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")
    return "".join(out)


def _entity_section(e: EntityReport, lang: str, report: Report | None = None,
                    image: str | None = None, explain: str = "text") -> str:
    title = (escape(t(e.kind, lang)) + " " + escape(e.name or e.id)
             + (f" <small class='id'>{escape(e.id)}</small>" if e.name else ""))
    out = [f"<section id='{anchor(e)}' class='entity' data-kind='{escape(e.kind)}'><h2>{title}</h2>"]
    if e.error:
        out.append(f"<p class='fail'>{escape(t('error', lang))}: {escape(e.error)}</p></section>")
        return "".join(out)
    out.append(_entity_summary(e, lang, image))
    if report is not None and not report.pack.graded(e.kind):
        out.append(_titles_reached(e, lang))
    out.append(_documents(e.results, lang))
    out.append(_rules_table(e, lang, report, explain))
    return "".join(out)


def _rules_table(e: EntityReport, lang: str, report: Report | None, explain: str) -> str:
    """One row per rule in force: outcome (per level when there are several), value, threshold, why."""
    pack_levels = report.pack.header.levels if report is not None else []
    levels = [lv.id for lv in pack_levels] if e.summary.get("levels") and len(pack_levels) > 1 else []
    group_labels = {g.id: pick(g.label_vi, g.label_en, lang) for g in report.pack.header.groups} if report else {}
    level_labels = {lv.id: pick(lv.label_vi, lv.label_en, lang) for lv in pack_levels}
    speaker = Speaker(report.pack, report.as_of, lang) if report is not None else None
    out = [_rules_head([level_labels[lv] for lv in levels], lang)]
    out.extend(_row(r, lang, levels, group_labels, level_labels,
                    speaker.explain(r, e.kind) if speaker is not None else None, explain)
               for r in e.results if in_force(r))
    out.append("</tbody></table></section>")
    return "".join(out)


def _rules_head(level_heads: list[str], lang: str) -> str:
    heads = ([t("title", lang), t("rule_id", lang), t("group", lang), t("outcome", lang)] + level_heads
             + [t("value", lang), t("threshold", lang), t("margin", lang), t("provenance", lang), t("citation", lang)])
    # the id, group and provenance are shown on screen only: printed, names and numbers lead, the group and
    # provenance are in the tables above and the badge
    screen_only = {1, 2, len(heads) - 2}
    if level_heads:  # the outcome is the first level's, shown in its column
        screen_only.add(3)
    return (f"<h3>{_l('indicators', lang)}</h3><table class='verdicts'><thead><tr>"
            + "".join(f"<th{' class=screen' if i in screen_only else ''}>{escape(h)}</th>"
                      for i, h in enumerate(heads)) + "</tr></thead><tbody>")


def _entity_summary(e: EntityReport, lang: str, image: str | None) -> str:
    """The verdict, headline, provenance counts, level and group tables and chart above an entity's rules."""
    s = e.summary
    verdict = str(s.get("verdict_" + lang, s.get("verdict_vi", "")))
    out = [f"<p class='verdict {_verdict_class(s)}'>{escape(verdict)}</p>",
           f"<p>{escape(str(s.get('headline_' + lang, s.get('headline_vi', ''))))}</p>"]
    prov = s["provenance"]
    prov_cls = " class='prov'" if prov["provisional"] else ""
    line = (f"<p>{t('provenance', lang)}: {prov['verified']} {t('verified', lang)}, {prov['reported']} "
            f"{t('reported', lang)}, <span{prov_cls}>{prov['provisional']} {t('provisional', lang)}</span>")
    if prov.get("override"):
        line += f", {prov['override']} {t('override', lang)}"
    out.append(line + "</p>")
    if prov["provisional"]:
        out.append(f"<p class='warn'>⚠ {prov['provisional']} {_l('prov_rows', lang)}.</p>")
    if s.get("levels"):
        out.append(_level_table(s, lang))
    out.append(_group_table(s, lang))
    if image and image.startswith("data:image/png;base64,"):
        out.append(f"<p><img class='chart' alt='{escape(_l('chart', lang))} {escape(e.id)}' src='{image}'></p>")
    return "".join(out)


def _overview(report: Report, lang: str) -> str:
    heads = [t("entity", lang), t("kind", lang), t("verdict", lang), t("pass", lang), t("fail", lang),
             t("unknown", lang), t("exceeded", lang), t("provisional", lang)]
    rows = []
    for e in report.entities:
        s = e.summary
        c = s["counts"]
        name = escape(e.name or e.id) + (f" <small class='id'>{escape(e.id)}</small>" if e.name else "")
        rows.append(
            f"<tr class='{_verdict_class(s)}' data-entity='{escape(e.id)}'>"
            f"<td><a href='#{anchor(e)}'>{name}</a></td><td>{escape(t(e.kind, lang))}</td>"
            f"<td>{escape(str(s.get('verdict_' + lang, s.get('verdict_vi', ''))))}</td>"
            f"<td class='num'>{c['pass']}</td><td class='num'>{c['fail']}</td><td class='num'>{c['unknown']}</td>"
            f"<td class='num'>{s['exceeded']}</td><td class='num'>{s['provenance']['provisional']}</td></tr>"
        )
    return (f"<h2>{_l('overview', lang)}</h2><table class='overview'><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _legend(lang: str) -> str:
    items = "".join(f"<span class='badge {o}'>{escape(t(o, lang))}</span> " for o in OUTCOMES)
    return (f"<p class='legend'>{_l('legend', lang)}: {items}"
            f"<span class='badge prov'>{escape(t('provisional', lang))}</span> = {_l('prov_legend', lang)}</p>")


def render_html(report: Report, lang: str = "vi", standalone: bool = True, *,
                images: Mapping[str, str] | None = None, explain: str = "text") -> str:
    """The report as HTML; ``images`` maps entity ids to ``data:image/png;base64,...`` charts to embed."""
    h = report.pack.header
    body = [f"<div class='chuan'><h1>{escape(pick(h.title_vi, h.title_en, lang))}</h1>",
            f"<p class='meta'>{t('pack', lang)}: <code>{escape(h.id)} {escape(h.version)}</code> — "
            f"{t('as_of', lang)}: {fmt_date(report.as_of, lang)}</p>", _legend(lang)]
    if len(report.entities) > 1:
        body.append(_overview(report, lang))
    body.extend(_entity_section(e, lang, report, (images or {}).get(e.id), explain) for e in report.entities)
    body.append(_ledger(report, lang) + _quotas(report, lang))
    body.append("</div>")
    inner = f"<style>{CSS}</style>" + "".join(body)
    if not standalone:
        return inner
    title = escape(pick(h.title_vi, h.title_en, lang))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{title}</title>"
            f"</head><body>{inner}</body></html>")
