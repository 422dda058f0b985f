"""Packs and rules described for clients: ids, titles, citations, effective periods, provenance."""

from __future__ import annotations

from typing import Any

from ..pack.plan import Plan, Rule


def _effective(rule: Rule) -> dict[str, str | None]:
    return {"from": rule.effective.start.isoformat(),
            "to": rule.effective.end.isoformat() if rule.effective.end else None}


def pack_info(pack: Plan) -> dict[str, Any]:
    """One pack: version, titles, levels, number of rules, and the span of its rules' periods."""
    h = pack.header
    starts = [r.effective.start for r in pack.rules]
    ends = [r.effective.end for r in pack.rules]
    return {
        "id": h.id, "version": h.version, "title_vi": h.title_vi, "title_en": h.title_en,
        "description_vi": h.description_vi, "description_en": h.description_en,
        "rules": len(pack.rules),
        "levels": [{"id": lvl.id, "label_vi": lvl.label_vi, "label_en": lvl.label_en} for lvl in h.levels],
        "effective": {"from": min(starts).isoformat() if starts else None,
                      "to": None if not ends or None in ends else max(e for e in ends if e).isoformat()},
    }


def rule_brief(pack: Plan, rule: Rule) -> dict[str, Any]:
    """What a list of rules shows: id, titles, subject, citation, period and provenance of the wording."""
    return {
        "id": rule.id, "pack": pack.id, "concept": rule.concept, "title_vi": rule.title_vi,
        "title_en": rule.title_en, "subject": rule.subject, "group": rule.group, "kind": rule.kind,
        "citation": rule.citation.model_dump(exclude_none=True), "effective": _effective(rule),
        "provenance": rule.wording_provenance.value,
    }


def rule_info(pack: Plan, rule: Rule) -> dict[str, Any]:
    """One rule in full (as ``chuan rules show``), with every version of its concept in the pack."""
    return rule_brief(pack, rule) | {
        "expressions": {k: e.text for k, e in rule.expressions()},
        "op": rule.op, "thresholds": dict(rule.thresholds),
        "versions": [{"id": r.id, "effective": _effective(r), "citation": r.citation.model_dump(exclude_none=True),
                      "provenance": r.wording_provenance.value} for r in pack.versions(rule.concept)],
    }
