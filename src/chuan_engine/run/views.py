"""Runtime views of facts: an entity seen at a date, with its year record and links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..facts.models import Cluster, School, Staff, Unit
from ..facts.store import Facts
from ..lang.logic import UNKNOWN


@dataclass(frozen=True, slots=True)
class View:
    kind: str
    model: Any
    on: dt.date
    school: School | None
    facts: Facts

    @property
    def key(self) -> tuple[str, str, str, dt.date]:
        school_id = self.school.id if self.school is not None else ""
        return (self.kind, school_id, self.model.id, self.on)

    @property
    def year(self) -> int:
        return self.on.year

    def year_record(self) -> Any:
        for rec in getattr(self.model, "years", ()) or ():
            if rec.year == self.on.year:
                return rec
        return None

    def at_year(self, year: int) -> View:
        on = self.on if year == self.on.year else dt.date(year, 12, 31)
        return View(self.kind, self.model, on, self.school, self.facts)

    def child(self, kind: str, model: Any) -> View:
        school = self.model if isinstance(self.model, School) else self.school
        return View(kind, model, self.on, school, self.facts)

    # -- links ----------------------------------------------------------------
    def link(self, name: str) -> Any:
        """The entities a link names, as views at the same date; UNKNOWN where the facts do not say."""
        if name == "history":
            return self._history()
        match self.model:
            case School() as school:
                return self._school_link(school, name)
            case Unit() as unit:
                return self._unit_link(unit, name)
            case Staff() as person:
                return self._staff_link(person, name)
            case Cluster() as cluster if name == "schools":
                return [View("school", self.facts.school(sid), self.on, None, self.facts) for sid in cluster.school_ids]
            case _:
                return UNKNOWN

    def _history(self) -> Any:
        """The entity at every year from its first record to the evaluation year (years without a record too);
        UNKNOWN when the year records are not given at all (``years`` omitted; ``[]`` is known none)."""
        records = getattr(self.model, "years", ())
        if records is None:
            return UNKNOWN
        years = sorted(r.year for r in records if r.year <= self.on.year)
        first = years[0] if years else self.on.year
        return [self.at_year(y) for y in range(first, self.on.year + 1)]

    def _school_link(self, school: School, name: str) -> Any:
        match name:
            case "staff":
                kind = "staff"
            case "units":
                kind = "unit"
            case "research":
                kind = "research"
            case _:
                return UNKNOWN
        items = getattr(school, name)
        return UNKNOWN if items is None else [self.child(kind, x) for x in items]

    def _unit_link(self, unit: Unit, name: str) -> Any:
        match name:
            case "school":
                return self._school_view()
            case "members":
                if self.school is None or self.school.staff is None:
                    return UNKNOWN
                return [View("staff", p, self.on, self.school, self.facts) for p in self.school.staff
                        if unit_of(p, self.on.year) == unit.id and not recruited_after(p, self.on.year)]
            case _:
                return UNKNOWN

    def _staff_link(self, person: Staff, name: str) -> Any:
        match name:
            case "school":
                return self._school_view()
            case "unit":
                uid = unit_of(person, self.on.year)
                units = (self.school.units or []) if self.school else []
                return next((View("unit", u, self.on, self.school, self.facts) for u in units if u.id == uid), UNKNOWN)
            case "initiatives":
                if person.initiatives is None:  # not given: unknown, not "none"
                    return UNKNOWN
                return [View("initiative", x, self.on, self.school, self.facts) for x in person.initiatives]
            case "research":
                if person.research is None:
                    return UNKNOWN
                return [View("research", x, self.on, self.school, self.facts) for x in person.research]
            case _:
                return UNKNOWN

    def _school_view(self) -> Any:
        if self.school is None or self.school.id == "_loose":
            return UNKNOWN
        return View("school", self.school, self.on, None, self.facts)


def unit_of(person: Staff, year: int) -> str | None:
    """The unit a person belonged to in a year: the year record's unit (transfers) or the current one."""
    for rec in person.years or []:
        if rec.year == year and rec.unit_id is not None:
            return rec.unit_id
    return person.unit_id


def recruited_after(person: Staff, year: int) -> bool:
    """Recruited in a later year than the one evaluated: not yet staff then, so not a unit's member and not
    evaluated by any staff rule (not applicable, reason ``not_yet_recruited``: issue 12)."""
    return person.recruited_on is not None and person.recruited_on.year > year
