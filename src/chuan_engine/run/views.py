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
        m = self.model
        if name == "history":
            years = sorted(r.year for r in getattr(m, "years", ()) if r.year <= self.on.year)
            first = years[0] if years else self.on.year
            return [self.at_year(y) for y in range(first, self.on.year + 1)]
        if isinstance(m, School):
            if name in ("staff", "units", "research"):
                items = getattr(m, name)
                kind = {"staff": "staff", "units": "unit", "research": "research"}[name]
                return UNKNOWN if items is None else [self.child(kind, x) for x in items]
        if isinstance(m, Unit):
            if name == "school":
                return self._school_view()
            if name == "members":
                if self.school is None or self.school.staff is None:
                    return UNKNOWN
                return [
                    View("staff", p, self.on, self.school, self.facts)
                    for p in self.school.staff
                    if unit_of(p, self.on.year) == m.id
                    and not (p.recruited_on is not None and p.recruited_on.year > self.on.year)
                ]
        if isinstance(m, Staff):
            if name == "school":
                return self._school_view()
            if name == "unit":
                uid = unit_of(m, self.on.year)
                for u in (self.school.units or []) if self.school else []:
                    if u.id == uid:
                        return View("unit", u, self.on, self.school, self.facts)
                return UNKNOWN
            if name in ("initiatives", "research"):
                kind = "initiative" if name == "initiatives" else "research"
                return [View(kind, x, self.on, self.school, self.facts) for x in getattr(m, name)]
        if isinstance(m, Cluster) and name == "schools":
            return [View("school", self.facts.school(sid), self.on, None, self.facts) for sid in m.school_ids]
        return UNKNOWN

    def _school_view(self) -> Any:
        if self.school is None or self.school.id == "_loose":
            return UNKNOWN
        return View("school", self.school, self.on, None, self.facts)


def unit_of(person: Staff, year: int) -> str | None:
    """The unit a person belonged to in a year: the year record's unit (transfers) or the current one."""
    for rec in person.years:
        if rec.year == year and rec.unit_id is not None:
            return rec.unit_id
    return person.unit_id
