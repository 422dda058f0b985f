"""Who is proposed for which title: the lists a council files, built once for the workbook, Word and HTML.

A title's list holds every person or unit whose rule for it passes on the date (rules not in force are not
titles that year). Beside each name: the unit, the basis (the year's rating, the initiatives or research the
initiative ledger says the title rests on) and, for a title under a quota, the advisory order, the cap and
whether the council must vote (bình xét) because more are eligible than the cap allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..facts.vocab import vocab_label
from ..i18n import pick
from .outcome import Outcome, RuleResult
from .trace import Step

if TYPE_CHECKING:
    from .results import EntityReport, Report

_STATUS = {
    "within_cap": {"vi": "trong tỷ lệ", "en": "within the cap"},
    "over_cap": {"vi": "ngoài tỷ lệ", "en": "over the cap"},
    "tied_at_cap": {"vi": "đồng hạng tại ngưỡng", "en": "tied at the cap"},
    "no_cap": {"vi": "không có tỷ lệ tối đa", "en": "no cap"},
}


@dataclass(frozen=True)
class Proposed:
    """One name on a title's list."""

    entity: EntityReport
    unit: str
    basis: str
    citation: str
    rank: int | None = None
    status: str | None = None  # within_cap, over_cap, tied_at_cap, no_cap (a title under a quota)
    needs_vote: bool = False

    def status_text(self, lang: str) -> str:
        return _STATUS.get(self.status or "", {}).get(lang, "")


@dataclass(frozen=True)
class TitleList:
    """The list for one title: its rule, wording, who is proposed, and the quota when there is one."""

    rule: str
    concept: str
    title: str
    kind: str
    rows: list[Proposed] = field(default_factory=list)
    capped: bool = False
    cap: int | None = None
    cap_text: str = ""
    requires_vote: bool = False


def in_force(r: RuleResult) -> bool:
    """A rule of a regime in force on the date (a rule not in force is left out of every document)."""
    return not (r.outcome is Outcome.not_applicable and r.reason == "not_in_force")


def _find_fact(step: Step | None, fact: str) -> Any:
    if step is None:
        return None
    if step.detail.get("fact") == fact and not step.unknown:
        return step.value
    for c in step.children:
        found = _find_fact(c, fact)
        if found is not None:
            return found
    return None


def rating_of(r: RuleResult, kind: str) -> str | None:
    """The year's rating the rule read (from its explanation), as a code."""
    value = _find_fact(r.explanation, f"{kind}.rating")
    return None if value is None else str(getattr(value, "value", value))


def _claim_text(claim: dict[str, Any], year: int, rating: str | None, lang: str) -> str:
    vi = lang == "vi"
    match claim.get("basis"):
        case "rating":
            return (f"xếp loại {vocab_label('rating', rating or 'hoan_thanh_xuat_sac', lang)} năm {year}" if vi else
                    f"rated {vocab_label('rating', rating or 'hoan_thanh_xuat_sac', lang)} in {year}")
        case "research":
            return ("đề tài: " if vi else "research: ") + ", ".join(claim.get("research") or [])
        case "initiatives":
            return ("sáng kiến: " if vi else "initiatives: ") + ", ".join(claim.get("initiatives") or [])
    return ""


def _basis(report: Report, e: EntityReport, r: RuleResult, lang: str) -> str:
    year = report.as_of.year
    rating = rating_of(r, e.kind)
    parts = []
    if rating:
        parts.append(f"Xếp loại năm {year}: {vocab_label('rating', rating, lang)}" if lang == "vi"
                     else f"Rating {year}: {vocab_label('rating', rating, lang)}")
    ledger = report.extras.get("ledger") or {}
    for claim in ledger.get("claims", []):
        if claim["entity"] == e.id and claim["rule"] == r.rule and claim.get("basis") != "rating":
            parts.append(_claim_text(claim, year, rating, lang))
    return "; ".join(p for p in parts if p)


def _names(report: Report) -> dict[tuple[str, str], str]:
    return {(e.kind, e.id): e.name or e.id for e in report.entities}


def _unit_of(e: EntityReport, names: dict[tuple[str, str], str]) -> str:
    if e.unit:
        return names.get(("unit", e.unit), e.unit)
    if e.school:
        return names.get(("school", e.school), e.school)
    return ""


def _quota_for(report: Report, concept: str) -> dict[str, Any] | None:
    for q in report.extras.get("quotas") or []:
        if q.get("concept") == concept:
            found: dict[str, Any] = q
            return found
    return None


def proposal_lists(report: Report, lang: str = "vi") -> list[TitleList]:
    """One list per title someone reaches on the date, in the pack's rule order; empty for a graded pack."""
    names = _names(report)
    order: dict[str, TitleList] = {}
    for e in report.entities:
        if e.error is not None or report.pack.graded(e.kind):
            continue
        for r in e.results:
            if r.outcome is not Outcome.passed:
                continue
            tl = order.get(r.rule)
            if tl is None:
                tl = order[r.rule] = TitleList(r.rule, r.concept, pick(r.title_vi, r.title_en, lang), e.kind)
            tl.rows.append(Proposed(e, _unit_of(e, names), _basis(report, e, r, lang), r.citation.short()))
    out = []
    for tl in order.values():
        quota = _quota_for(report, tl.concept)
        out.append(tl if quota is None else _capped(tl, quota, lang))
    return out


def _capped(tl: TitleList, quota: dict[str, Any], lang: str) -> TitleList:
    """A title's list under its quota: in rank order, each with its rank and status, and the cap's arithmetic."""
    by_id = {c["entity"]: c for c in quota.get("candidates", [])}
    cap = quota.get("cap")
    vote = bool(quota.get("requires_vote"))
    rows = [Proposed(p.entity, p.unit, p.basis, p.citation, by_id.get(p.entity.id, {}).get("rank"),
                     by_id.get(p.entity.id, {}).get("status"), vote) for p in tl.rows]
    rows.sort(key=lambda p: (p.rank is None, p.rank or 0))
    cap_text = (f"{cap['arithmetic']} ({cap['source']}). {cap['rounding']['note_vi' if lang == 'vi' else 'note_en']}"
                if cap else
                ("không có tỷ lệ tối đa đang có hiệu lực" if lang == "vi" else "no cap in force"))
    return TitleList(tl.rule, tl.concept, tl.title, tl.kind, rows, True,
                     int(cap["count"]) if cap else None, cap_text, vote)
