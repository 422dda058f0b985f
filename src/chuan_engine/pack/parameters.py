"""Dated parameters: a threshold's value changes by effective date and names its source.

In the manner of OpenFisca's parameters: each value has a start date, a
source and a provenance. A user corrects a value with a parameter file,
without editing the pack; overrides are layered, never mutate the pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import ParameterError
from .provenance import Provenance


@dataclass(frozen=True, slots=True)
class ParameterValue:
    start: dt.date
    value: float | int | bool | str
    source: str
    provenance: Provenance
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    label_vi: str
    label_en: str
    unit: str | None
    values: tuple[ParameterValue, ...]  # sorted by start
    file: str | None = None

    def at(self, on: dt.date) -> ParameterValue | None:
        """The value in force on a date, or None when no value covers it."""
        found: ParameterValue | None = None
        for v in self.values:
            if v.start <= on and (v.end is None or on <= v.end):
                found = v
        return found


@dataclass(frozen=True)
class ParameterSet:
    """The pack's parameters with optional user overrides layered on top."""

    base: Mapping[str, Parameter]
    overrides: Mapping[str, tuple[ParameterValue, ...]] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.base

    def names(self) -> list[str]:
        return sorted(self.base)

    def at(self, name: str, on: dt.date) -> ParameterValue:
        param = self.base.get(name)
        if param is None:
            raise ParameterError(f"unknown parameter '{name}'")
        for v in reversed(self.overrides.get(name, ())):
            if v.start <= on and (v.end is None or on <= v.end):
                return v
        value = param.at(on)
        if value is None:
            raise ParameterError(f"parameter '{name}' has no value in force on {on.isoformat()}", file=param.file)
        return value

    def with_overrides(self, overrides: Mapping[str, tuple[ParameterValue, ...]]) -> ParameterSet:
        for name in overrides:
            if name not in self.base:
                raise ParameterError(f"override names unknown parameter '{name}'")
        merged = dict(self.overrides)
        merged.update(overrides)
        return ParameterSet(self.base, merged)
