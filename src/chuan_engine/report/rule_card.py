"""One rule as ``chuan rules show`` prints it: the rule's own fields, then every version with its period,
citation and provenance (Vietnamese text, dates dd/mm/yyyy; or the same as JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import t as label
from ..pack.plan import Plan, Rule

SUBJECT_VI = {"staff": "cá nhân", "unit": "tập thể (đơn vị)", "school": "trường", "cluster": "cụm thi đua"}


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def period_vi(rule: Rule) -> str:
    start = vn_date(rule.effective.start)
    return f"từ {start} đến {vn_date(rule.effective.end)}" if rule.effective.end else f"từ {start} (chưa hết hiệu lực)"


def citation_vi(rule: Rule) -> str:
    c = rule.citation
    parts = [p for p in (c.clause and f"khoản {c.clause}", c.article, c.document) if p]
    return ", ".join(parts)


def rule_card_text(pack: Plan, rule_id: str) -> str:
    """The rule in Vietnamese, one block per version, oldest first."""
    versions = pack.versions_of(rule_id)
    if not versions:
        pack.rule(rule_id)  # raises the usual "no rule" error
    last = versions[-1]
    kind = "điều kiện" if last.kind == "condition" else "chỉ tiêu đo được"
    subject = SUBJECT_VI.get(last.subject, last.subject)
    group = next((g.label_vi for g in pack.header.groups if g.id == last.group), last.group or "—")
    lines = [f"{last.id} — {last.title_vi}",
             f"  Khái niệm: {last.concept}; đối tượng: {subject}; nhóm: {group}; loại: {kind}",
             f"  Số phiên bản: {len(versions)}"]
    for i, r in enumerate(versions, start=1):
        lines.append("")
        lines.append(f"  Phiên bản {i}: {period_vi(r)}")
        if r.title_vi != last.title_vi:
            lines.append(f"    Tên trong phiên bản này: {r.title_vi}")
        lines.append(f"    Căn cứ: {citation_vi(r)}")
        if r.citation.note:
            lines.append(f"    Ghi chú căn cứ: {r.citation.note}")
        if r.citation.url:
            lines.append(f"    Nguồn: {r.citation.url}")
        lines.append(f"    Mức độ tin cậy của lời văn: {label(r.wording_provenance.value, 'vi')}")
        for name, expr in r.expressions():
            what = {"applies_if": "Áp dụng khi", "measure": "Đại lượng đo", "condition": "Điều kiện"}[name]
            lines.append(f"    {what}: {' '.join(expr.text.split())}")
        if r.kind == "indicator":
            th = ", ".join(f"{lv}: ${p}" for lv, p in r.thresholds.items())
            lines.append(f"    Ngưỡng ({r.op}): {th}")
        if r.note_vi:
            lines.append(f"    Ghi chú: {' '.join(r.note_vi.split())}")
        lines.append(f"    Tệp: {r.file}")
    return "\n".join(lines)


def rule_card_json(pack: Plan, rule_id: str) -> dict[str, Any]:
    """The rule as JSON: the latest version's fields at top level (as before versions existed), and
    ``versions`` with every version."""
    rule = pack.rule(rule_id)

    def one(r: Rule) -> dict[str, Any]:
        return {
            "effective": {"from": r.effective.start.isoformat(),
                          "to": r.effective.end.isoformat() if r.effective.end else None},
            "title_vi": r.title_vi, "title_en": r.title_en,
            "citation": r.citation.model_dump(exclude_none=True),
            "provenance": r.wording_provenance.value,
            "expressions": {k: e.text for k, e in r.expressions()},
            "op": r.op, "thresholds": dict(r.thresholds), "note_vi": r.note_vi, "note_en": r.note_en,
            "file": r.file,
        }

    info: dict[str, Any] = {"id": rule.id, "concept": rule.concept, "subject": rule.subject, "group": rule.group,
                            "kind": rule.kind}
    latest = one(rule)
    info.update({k: latest[k] for k in ("title_vi", "title_en", "citation", "effective", "provenance",
                                        "expressions", "op", "thresholds", "file")})
    info["versions"] = [one(r) for r in pack.versions_of(rule_id)]
    return info
