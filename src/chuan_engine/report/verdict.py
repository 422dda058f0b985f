"""An entity's final verdict, decided once for the report and the batch summary.

Against levels (``Plan.graded``): each level's status is ``fail`` when a required rule fails there, else
``unknown`` when one is undetermined, else ``pass``; the verdict is the highest level reached with every
lower level passed, else ``chua_dat`` when the first level fails, else ``chua_du_du_lieu``. Without levels:
``eligible`` when some rule passes, else ``not_eligible``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..i18n import t
from ..pack.spec import Level


@dataclass(frozen=True, slots=True)
class Verdict:
    code: str
    reached: Level | None = None  # the highest level reached, for a verdict against levels

    def text(self, lang: str) -> str:
        if self.reached is None:
            return t(self.code, lang)
        return f"đạt {self.reached.label_vi.lower()}" if lang == "vi" else f"meets {self.reached.label_en}"


def level_status(failed: int, unknown: int) -> str:
    """The status of one level from how many of its required rules fail and how many are undetermined."""
    return "fail" if failed else ("unknown" if unknown else "pass")


def level_verdict(levels: Sequence[Level], status: Mapping[str, str]) -> Verdict:
    """The verdict from each level's status, levels lowest first (a pack has at least one when graded)."""
    reached = None
    for lvl in levels:
        if status[lvl.id] != "pass":
            break
        reached = lvl
    if reached is not None:
        return Verdict(f"dat_{reached.id}", reached)
    return Verdict("chua_dat" if status[levels[0].id] == "fail" else "chua_du_du_lieu")


def eligibility_verdict(eligible: bool) -> Verdict:
    """The verdict of an entity not judged against levels: eligible when some rule passes."""
    return Verdict("eligible" if eligible else "not_eligible")
