"""Three-valued (Kleene) logic: a missing fact is UNKNOWN, never False and never 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class _Unknown(Enum):
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # pragma: no cover - guard against accidental truthiness
        raise TypeError("UNKNOWN has no truth value; use the Kleene operators in chuan_engine.lang.logic")


UNKNOWN = _Unknown.UNKNOWN
"""The single value standing for 'a needed fact is missing'."""


def k_not(a: Any) -> Any:
    return UNKNOWN if a is UNKNOWN else (not a)


def k_and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return True


def k_or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return False


def k_all(values: list[Any]) -> Any:
    result: Any = True
    for v in values:
        result = k_and(result, v)
        if result is False:
            return False
    return result


def k_any(values: list[Any]) -> Any:
    result: Any = False
    for v in values:
        result = k_or(result, v)
        if result is True:
            return True
    return result


@dataclass(frozen=True, slots=True)
class Range:
    """A number not known exactly but known to lie in [lo, hi]: a count or a share over a list some of whose
    elements are unknown (the known true ones, up to those plus the unknown ones). It is neither a value nor
    UNKNOWN: a comparison decides on it when the whole range falls on one side; every other operation reads it
    as UNKNOWN. ``text`` shows it in the explanation ("3–4/4")."""

    lo: float
    hi: float
    text: str = field(default="", compare=False)


def undecided(value: Any) -> bool:
    """UNKNOWN, or a range (not known exactly)."""
    return value is UNKNOWN or isinstance(value, Range)
