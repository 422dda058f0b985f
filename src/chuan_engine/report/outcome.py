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


@dataclass(frozen=True)
class MeasureParts:
    """The numbers an indicator's measure was computed from, as the evaluation saw them.

    ``shape`` is the measure's gap shape (``share``, ``count``, ``ratio_of`` or ``value``);
    for a share or count, ``numerator`` is the number of elements meeting the condition and
    ``denominator`` the number of elements; for a ratio, the two operands. Both are None when the
    evaluation did not compute them (a value supplied as an input, a count of a whole list).
    """

    shape: str
    numerator: int | float | None = None
    denominator: int | float | None = None


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
    parts: MeasureParts | None = None  # an indicator's measure, for gaps (not part of the JSON)

    @property
    def exceeded(self) -> bool:
        """'Vượt chuẩn': passes with a strictly positive margin."""
        return self.outcome is Outcome.passed and self.margin is not None and self.margin > EPS

    def required_at(self, level: str) -> bool:
        lr = self.levels.get(level)
        return lr is not None and lr.outcome is not Outcome.not_applicable
