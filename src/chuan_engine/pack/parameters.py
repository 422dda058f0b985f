"""Dated parameters: a threshold's value changes by effective date and names its source.

In the manner of OpenFisca's parameters: each value has a start date, a
source and a provenance. A user corrects a value with a parameter file,
without editing the pack; overrides are layered, never mutate the pack.
An override must fit the parameter it replaces: a share or ratio lies in [0, 1] (90 for 90 % is refused
with the way to write it), a count is a whole number >= 0, a number is a finite number (not true/false,
not text) and a flag is true/false.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..errors import ParameterError, Text
from .provenance import Provenance


@dataclass(frozen=True, slots=True)
class ParameterValue:
    start: dt.date
    value: float | int | bool | str
    source: str
    provenance: Provenance
    end: dt.date | None = None
    file: str | None = None  # the parameter file an override was read from


# What a parameter's values are, from its declared unit (or, without one, from the pack's own values).
Kind = Literal["share", "count", "number", "bool", "text"]


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

    def kind(self) -> Kind | None:
        """What a value of this parameter must be; None when the pack's values do not say."""
        match self.unit:
            case "ratio" | "share" | "%":
                return "share"
            case "count" | "years" | "months":
                return "count"
            case "number":
                return "number"
            case "bool":
                return "bool"
        return _kind_of_values([v.value for v in self.values])


def _kind_of_values(values: list[object]) -> Kind | None:
    """Without a unit that says: the kind every value of the pack has (true/false, a number, text)."""
    if values and all(isinstance(v, bool) for v in values):
        return "bool"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    if values and all(isinstance(v, str) for v in values):
        return "text"
    return None


def value_problem(kind: Kind | None, value: object) -> Text | None:
    """Why a value cannot stand for a parameter of this kind (in both languages), or None when it can."""
    match kind:
        case "share" | "count" | "number":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                return Text(f"phải là một số: {value!r}", f"must be a number: {value!r}")
            return _number_problem(kind, value)
        case "bool" if not isinstance(value, bool):
            return Text(f"phải là true hoặc false: {value!r}", f"must be true or false: {value!r}")
        case "text" if not isinstance(value, str):
            return Text(f"phải là văn bản: {value!r}", f"must be text: {value!r}")
    return None


def _number_problem(kind: Kind, value: int | float) -> Text | None:
    if kind == "share" and 1 < value <= 100:
        return Text(f"{value!r} trông như phần trăm: tỷ lệ viết từ 0 đến 1, ví dụ 0.9 cho 90 %",
                    f"{value!r} looks like a percentage: write a share from 0 to 1, e.g. 0.9 for 90 %")
    if kind == "share" and not 0 <= value <= 1:
        return Text(f"tỷ lệ phải từ 0 đến 1: {value!r}", f"a share must be from 0 to 1: {value!r}")
    if kind == "count" and (value < 0 or value != int(value)):
        return Text(f"phải là một số nguyên không âm: {value!r}", f"must be a whole number, 0 or more: {value!r}")
    return None


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
            raise ParameterError(Text(f"bộ quy tắc không có tham số '{name}'", f"unknown parameter '{name}'"))
        for v in reversed(self.overrides.get(name, ())):
            if v.start <= on and (v.end is None or on <= v.end):
                return v
        value = param.at(on)
        if value is None:
            raise ParameterError(Text(f"tham số '{name}' không có giá trị hiệu lực vào ngày {on.strftime('%d/%m/%Y')}",
                                      f"parameter '{name}' has no value in force on {on.isoformat()}"),
                                 file=param.file)
        return value

    def with_overrides(self, overrides: Mapping[str, tuple[ParameterValue, ...]]) -> ParameterSet:
        """The set with ``overrides`` on top; each must name a parameter of the pack and fit its kind."""
        for name, values in overrides.items():
            file = next((v.file for v in values if v.file), None)
            param = self.base.get(name)
            if param is None:
                raise ParameterError(Text(f"bộ quy tắc không có tham số '{name}' (tên trong tệp ghi đè)",
                                          f"override names unknown parameter '{name}'"), file=file, parameter=name)
            for v in values:
                problem = value_problem(param.kind(), v.value)
                if problem is not None:
                    raise ParameterError(Text(f"giá trị ghi đè không hợp lệ: {problem.vi}",
                                              f"bad override value: {problem.en}"), file=v.file, parameter=name)
        merged = dict(self.overrides)
        merged.update(overrides)
        return ParameterSet(self.base, merged)
