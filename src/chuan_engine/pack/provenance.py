"""How sure we are of a rule's wording or a threshold's value.

LEGAL_SOURCES tags criteria VERIFIED / REPORTED / RECALLED; a RECALLED or
guessed value is encoded as ``provisional`` and never shown as verified.
A value supplied by the user's parameter file is ``override``.
"""

from __future__ import annotations

from enum import StrEnum


class Provenance(StrEnum):
    verified = "verified"
    reported = "reported"
    provisional = "provisional"
    override = "override"

    @property
    def strength(self) -> int:
        return {"verified": 3, "reported": 2, "override": 1, "provisional": 0}[self.value]


def weakest(items: list[Provenance]) -> Provenance:
    """The least certain of several provenances (a rule is as sure as its weakest input)."""
    return min(items, key=lambda p: p.strength) if items else Provenance.verified
