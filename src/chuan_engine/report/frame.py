"""Tidy pandas DataFrames: one row per entity × rule, and one per entity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import pick

if TYPE_CHECKING:
    from .results import Report

RESULT_COLUMNS = ["entity", "kind", "name", "school", "rule", "concept", "title", "group", "outcome", "value",
                  "threshold", "margin", "exceeded", "provenance", "citation", "effective_from", "effective_to"]


def report_frame(report: Report, lang: str = "vi") -> pd.DataFrame:
    rows = []
    for e in report.entities:
        for r in e.results:
            rows.append({
                "entity": e.id, "kind": e.kind, "name": e.name, "school": e.school, "rule": r.rule,
                "concept": r.concept, "title": pick(r.title_vi, r.title_en, lang), "group": r.group,
                "outcome": r.outcome.value, "value": r.value, "threshold": r.threshold, "margin": r.margin,
                "exceeded": r.exceeded, "provenance": r.provenance.value, "citation": r.citation.short(),
                "effective_from": r.effective_from, "effective_to": r.effective_to,
            })
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    frame["outcome"] = pd.Categorical(frame["outcome"], ["pass", "fail", "unknown", "not_applicable"])
    return frame


def summary_frame(report: Report, lang: str = "vi") -> pd.DataFrame:
    rows = []
    for e in report.entities:
        s = e.summary
        rows.append({
            "entity": e.id, "kind": e.kind, "name": e.name, "school": e.school,
            "verdict": s.get("verdict"), "verdict_text": s.get(f"verdict_{lang}", s.get("verdict_vi")),
            "level_reached": s.get("level_reached"), "pass": s["counts"]["pass"], "fail": s["counts"]["fail"],
            "unknown": s["counts"]["unknown"], "exceeded": s["exceeded"],
            "provisional": s["provenance"]["provisional"], "error": e.error,
        })
    return pd.DataFrame(rows)
