"""Verdicts and per-rule results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..lang.ops import EPS
from ..pack.provenance import Provenance
from ..pack.spec import Citation
from .trace import Step


class Outcome(StrEnum):
    passed = "pass"
    failed = "fail"
    unknown = "unknown"
    not_applicable = "not_applicable"

    @classmethod
    def of(cls, value: Any) -> Outcome:
        if value is True:
            return cls.passed
        if value is False:
            return cls.failed
        return cls.unknown


@dataclass(frozen=True)
class LevelResult:
    level: str
    outcome: Outcome
    threshold: Any = None
    margin: float | None = None
    threshold_source: str | None = None
    threshold_provenance: Provenance | None = None


@dataclass
class RuleResult:
    """The verdict of one rule on one entity, with everything needed to explain it."""

    rule: str
    concept: str
    title_vi: str
    title_en: str
    kind: str
    group: str | None
    outcome: Outcome
    citation: Citation
    provenance: Provenance
    effective_from: str
    effective_to: str | None
    value: Any = None
    threshold: Any = None
    margin: float | None = None
    op: str | None = None
    unit: str | None = None
    levels: dict[str, LevelResult] = field(default_factory=dict)
    explanation: Step | None = None
    reason: str | None = None
    missing: list[str] = field(default_factory=list)
    gap: dict[str, Any] | None = None

    @property
    def exceeded(self) -> bool:
        """'Vượt chuẩn': passes with a strictly positive margin."""
        return self.outcome is Outcome.passed and self.margin is not None and self.margin > EPS

    def required_at(self, level: str) -> bool:
        lr = self.levels.get(level)
        return lr is not None and lr.outcome is not Outcome.not_applicable
