"""Loaded facts with their links (staff -> unit -> school, cluster -> schools).

``Facts`` is built once per evaluation input and is read-only afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import FactsError
from .models import Cluster, School, Staff, Unit

TopLevel = School | Cluster


@dataclass
class Facts:
    """Top-level entities (schools, clusters) with indexes for links. Order is kept as loaded."""

    schools: list[School] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)  # entity id -> file it came from
    notes: list[str] = field(default_factory=list)  # what the reader set aside on purpose (a total row…)

    def __post_init__(self) -> None:
        self._school_by_id: dict[str, School] = {}
        for s in self.schools:
            if s.id in self._school_by_id:
                raise FactsError(
                    f"duplicate school id (also in {self.origin.get(s.id, '?')})", entity=s.id
                )
            self._school_by_id[s.id] = s
        cluster_ids: set[str] = set()
        for c in self.clusters:
            if c.id in cluster_ids or c.id in self._school_by_id:
                raise FactsError("duplicate entity id", entity=c.id, file=self.origin.get(c.id))
            cluster_ids.add(c.id)
            for sid in c.school_ids:
                if sid not in self._school_by_id:
                    raise FactsError(f"cluster names unknown school '{sid}'", entity=c.id,
                                     field="school_ids", file=self.origin.get(c.id))

    @classmethod
    def of(cls, entities: Iterable[TopLevel | Staff | Unit]) -> Facts:
        schools: list[School] = []
        clusters: list[Cluster] = []
        loose_staff: list[Staff] = []
        loose_units: list[Unit] = []
        for e in entities:
            if isinstance(e, School):
                schools.append(e)
            elif isinstance(e, Cluster):
                clusters.append(e)
            elif isinstance(e, Staff):
                loose_staff.append(e)
            elif isinstance(e, Unit):
                loose_units.append(e)
            else:
                raise FactsError(f"not a fact entity: {type(e).__name__}")
        if loose_staff or loose_units:
            schools.append(School(id="_loose", name=None, staff=loose_staff, units=loose_units or None))
        return cls(schools, clusters)

    def school(self, school_id: str) -> School:
        return self._school_by_id[school_id]

    def entities(self) -> Iterator[tuple[str, School | Cluster | Unit | Staff, School | None]]:
        """Every entity with its kind and its school, schools first then their units and staff."""
        for s in self.schools:
            if s.id != "_loose":
                yield "school", s, None
            for u in s.units or []:
                yield "unit", u, s
            for p in s.staff or []:
                yield "staff", p, s
        for c in self.clusters:
            yield "cluster", c, None
