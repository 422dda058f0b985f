"""Explanation trees: which sub-conditions were evaluated, on which facts and parameters.

In the manner of OpenFisca's tracer: each step records the expression text,
its value, the facts it read and every dated parameter value with its source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..lang.logic import UNKNOWN, Range, undecided


def plain(value: Any) -> Any:
    """A JSON-friendly rendering of an evaluated value."""
    if value is UNKNOWN or isinstance(value, Range):  # a range is not a value: the trace shows it as "range"
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "model") and hasattr(value, "kind"):
        return f"{value.kind}:{value.model.id}"
    return value


@dataclass
class Step:
    text: str
    value: Any
    children: list[Step] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def unknown(self) -> bool:
        return undecided(self.value)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"expr": self.text, "value": plain(self.value)}
        if undecided(self.value):
            out["unknown"] = True
        if self.detail:
            out["detail"] = {k: plain(v) for k, v in self.detail.items()}
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    def missing_facts(self) -> list[str]:
        """Names of the facts whose absence made this step unknown."""
        found: list[str] = []
        if undecided(self.value) and self.detail.get("missing"):
            found.append(self.detail["missing"])
        for c in self.children:
            if undecided(c.value):
                found.extend(m for m in c.missing_facts() if m not in found)
        return found
