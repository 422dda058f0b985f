"""Entity reports with summaries, and the run-level ``Report`` with its renderers.

The JSON form is a versioned contract (``SCHEMA_VERSION``), documented in
docs/json_contract.md.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..i18n import pick, t
from ..lang.ops import EPS
from ..pack.provenance import Provenance
from .html import render_html
from .outcome import LevelResult, Outcome, RuleResult
from .sentences import Speaker
from .table import render_table
from .trace import plain
from .verdict import eligibility_verdict, level_status, level_verdict

if TYPE_CHECKING:
    import pandas as pd

    from ..pack.plan import Plan

SCHEMA_VERSION = "1.1"  # 1.1: explanation_text (the explanation in sentences)


@dataclass
class EntityReport:
    id: str
    kind: str
    name: str | None
    school: str | None
    results: list[RuleResult]
    summary: dict[str, Any]
    error: str | None = None
    unit: str | None = None  # the unit (khoa, phòng) a person belongs to, for the proposal lists

    @classmethod
    def build(cls, pack: Plan, kind: str, model: Any, school: Any, results: list[RuleResult],
              error: str | None, on: dt.date) -> EntityReport:
        school_id = school.id if school is not None and school.id != "_loose" else None
        return cls(model.id, kind, getattr(model, "name", None), school_id, results,
                   summarize(pack, results, error, kind), error, getattr(model, "unit_id", None))

    def result(self, ref: str) -> RuleResult:
        """The result for a rule id or concept."""
        for r in self.results:
            if r.rule == ref:
                return r
        for r in self.results:
            if r.concept == ref and r.outcome is not Outcome.not_applicable:
                return r
        for r in self.results:
            if r.concept == ref:
                return r
        raise KeyError(f"{self.id}: no result for '{ref}'")

    def outcome(self, ref: str) -> Outcome:
        return self.result(ref).outcome


def summarize(pack: Plan, results: list[RuleResult], error: str | None, kind: str) -> dict[str, Any]:
    """An entity's summary: counts by outcome, provenance and group, what is undetermined, and its verdict
    (against the levels of a graded kind, else the titles it is eligible for)."""
    counts = {o.value: 0 for o in Outcome}
    provenance = {p.value: 0 for p in Provenance}
    unknowns: list[dict[str, Any]] = []
    for r in results:
        counts[r.outcome.value] += 1
        if r.outcome is not Outcome.not_applicable:
            provenance[r.provenance.value] += 1
        if r.outcome is Outcome.unknown:
            unknowns.append({"rule": r.rule, "title_vi": r.title_vi, "title_en": r.title_en, "missing": r.missing})
    summary: dict[str, Any] = {
        "counts": counts,
        "exceeded": sum(int(r.exceeded) for r in results),
        "provenance": provenance,
        "groups": _groups(pack, results),
        "unknowns": unknowns,
    }
    if error is not None:
        summary.update(verdict="error", verdict_vi=t("error", "vi"), verdict_en=t("error", "en"),
                       headline_vi=f"{t('error', 'vi')}: {error}", headline_en=f"{t('error', 'en')}: {error}")
    elif pack.graded(kind):
        summary.update(_level_summary(pack, results))
    else:
        summary.update(_eligibility_summary(results, counts))
    return summary


def _groups(pack: Plan, results: list[RuleResult]) -> dict[str, dict[str, Any]]:
    """Counts by outcome (and above the standard) of each group's rules, with the group's labels."""
    groups: dict[str, dict[str, Any]] = {}
    for r in results:
        if r.group:
            g = groups.setdefault(r.group, {o.value: 0 for o in Outcome} | {"exceeded": 0})
            g[r.outcome.value] += 1
            g["exceeded"] += int(r.exceeded)
    group_labels = {g.id: g for g in pack.header.groups}
    for gid, g in groups.items():
        lbl = group_labels.get(gid)
        g["label_vi"] = lbl.label_vi if lbl else gid
        g["label_en"] = lbl.label_en if lbl else gid
    return groups


def _eligibility_summary(results: list[RuleResult], counts: dict[str, int]) -> dict[str, Any]:
    """The titles an entity not judged against levels is eligible for, and its verdict."""
    eligible = [r for r in results if r.outcome is Outcome.passed]
    names_vi = ", ".join(r.title_vi for r in eligible) or t("none", "vi")
    names_en = ", ".join(r.title_en for r in eligible) or t("none", "en")
    verdict = eligibility_verdict(len(eligible), counts["fail"], counts["unknown"])
    out: dict[str, Any] = {"eligible": [r.concept for r in eligible], "verdict": verdict.code, "verdict_vi": verdict.text("vi"),
           "verdict_en": verdict.text("en"), "headline_vi": f"{t('eligible', 'vi')}: {names_vi}",
           "headline_en": f"{t('eligible', 'en')}: {names_en}"}
    if counts["unknown"]:
        out["headline_vi"] += f"; {counts['unknown']} mục chưa đủ dữ liệu"
        out["headline_en"] += f"; {counts['unknown']} undetermined"
    return out


def _level_summary(pack: Plan, results: list[RuleResult]) -> dict[str, Any]:
    levels = {lvl.id: {"label_vi": lvl.label_vi, "label_en": lvl.label_en} | _level_info(lvl.id, results)
              for lvl in pack.header.levels}
    verdict = level_verdict(pack.header.levels, {lv: info["status"] for lv, info in levels.items()})
    reached = verdict.reached
    first = pack.header.levels[0]
    base = levels[first.id]
    total = pack.header.expected_indicator_count or base["required"]
    head_vi = f"đạt {base['passed']}/{total} chỉ tiêu {first.label_vi.lower()}, {base['exceeded']} vượt chuẩn"
    head_en = f"meets {base['passed']}/{total} {first.label_en} indicators, {base['exceeded']} above the standard"
    if base["unknown"]:
        head_vi += f", {base['unknown']} chưa đủ dữ liệu"
        head_en += f", {base['unknown']} undetermined"
    return {"levels": levels, "level_reached": reached.id if reached else None, "verdict": verdict.code,
            "verdict_vi": verdict.text("vi"), "verdict_en": verdict.text("en"), "headline_vi": head_vi,
            "headline_en": head_en}


def _level_info(lv: str, results: list[RuleResult]) -> dict[str, Any]:
    """One level: its status and the counts of the rules it requires (failing and undetermined named)."""
    req = [(r.rule, r.levels[lv]) for r in results if r.required_at(lv)]
    failing = _at_level(req, Outcome.failed)
    undetermined = _at_level(req, Outcome.unknown)
    passed = [lr for _, lr in req if lr.outcome is Outcome.passed]
    return {"status": level_status(len(failing), len(undetermined)), "required": len(req), "passed": len(passed),
            "failed": len(failing), "unknown": len(undetermined),
            "exceeded": sum(1 for lr in passed if (lr.margin or 0) > EPS),
            "failing": failing, "undetermined": undetermined}


def _at_level(req: list[tuple[str, LevelResult]], outcome: Outcome) -> list[str]:
    return [rule for rule, lr in req if lr.outcome is outcome]


def result_dict(r: RuleResult, lang: str, speaker: Speaker | None = None, kind: str = "") -> dict[str, Any]:
    tree = speaker.explain(r, kind) if speaker is not None else None
    return {
        "rule": r.rule,
        "concept": r.concept,
        "title": pick(r.title_vi, r.title_en, lang),
        "kind": r.kind,
        "group": r.group,
        "outcome": r.outcome.value,
        "value": plain(r.value),
        "threshold": plain(r.threshold),
        "margin": r.margin,
        "op": r.op,
        "exceeded": r.exceeded,
        "levels": {k: {"outcome": v.outcome.value, "threshold": plain(v.threshold), "margin": v.margin}
                   for k, v in r.levels.items()},
        "citation": r.citation.model_dump(exclude_none=True),
        "provenance": r.provenance.value,
        "effective": {"from": r.effective_from, "to": r.effective_to},
        "reason": r.reason,
        "missing": r.missing,
        "gap": r.gap,
        "explanation": r.explanation.to_dict() if r.explanation is not None else None,
        "explanation_text": "\n".join(tree.lines()) if tree is not None else None,
    }


@dataclass
class Report:
    """Everything one evaluation produced. Renders as JSON, DataFrame, table or HTML."""

    pack: Plan
    as_of: dt.date
    entities: list[EntityReport]
    lang: str = "vi"
    extras: dict[str, Any] = field(default_factory=dict)

    def entity(self, entity_id: str) -> EntityReport:
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(entity_id)

    @property
    def errors(self) -> list[EntityReport]:
        return [e for e in self.entities if e.error is not None]

    def add_input_errors(self, errors: list[Any]) -> None:
        """List entities that could not be loaded, so one bad entity never hides the others."""
        for exc in errors:
            entity = getattr(exc, "entity", None) or f"file:{exc.file}"
            error = exc.describe()
            self.entities.append(EntityReport(entity, "invalid", None, None, [], summarize(
                self.pack, [], error, "invalid"), error))

    def has_failures(self) -> bool:
        return any(r.outcome is Outcome.failed for e in self.entities for r in e.results) or bool(self.errors)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.lang
        h = self.pack.header
        speaker = Speaker(self.pack, self.as_of, lang)
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "pack": {"id": h.id, "version": h.version, "title": pick(h.title_vi, h.title_en, lang)},
            "as_of": self.as_of.isoformat(),
            "lang": lang,
            "entities": [
                {"id": e.id, "kind": e.kind, "name": e.name, "school": e.school, "error": e.error,
                 "results": [result_dict(r, lang, speaker, e.kind) for r in e.results], "summary": e.summary}
                for e in self.entities
            ],
        }
        out.update(self.extras)
        return out

    def to_json(self, lang: str | None = None, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent, default=str)

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        from .frame import report_frame  # pandas loads only when a frame is asked for

        return report_frame(self, lang or self.lang)

    def summary_frame(self, lang: str | None = None) -> pd.DataFrame:
        from .frame import summary_frame  # pandas loads only when a frame is asked for

        return summary_frame(self, lang or self.lang)

    def to_table(self, lang: str | None = None, width: int = 120, explain: str = "text") -> str:
        """``explain``: ``text`` (sentences) or ``expr`` (the rule expressions, for pack authors)."""
        return render_table(self, lang or self.lang, width, explain)

    def to_html(self, lang: str | None = None, explain: str = "text") -> str:
        return render_html(self, lang or self.lang, explain=explain)

    def _repr_html_(self) -> str:
        return render_html(self, self.lang, standalone=False)
