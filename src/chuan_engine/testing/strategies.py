"""Hypothesis strategies generating *valid* facts for every entity kind.

A pack author uses them in their own pytest::

    from hypothesis import given
    from chuan_engine.testing import strategies as cst, properties as cp

    @given(facts=cst.facts(pack), on=cst.dates())
    def test_my_pack(facts, on):
        cp.assert_holds(cp.implications(pack, facts, on))

Every generated value satisfies the pydantic models of ``facts/models.py``
(unique ids, known units, years in range); ``None`` is drawn often, because a
missing fact is a case rules must handle. Sizes are small so a property runs
many examples quickly. Requires ``hypothesis`` (a test dependency).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from ..facts.models import Cluster, Initiative, Research, School, SchoolYear, Staff, StaffYear, Unit, UnitYear
from ..facts.store import Facts
from ..facts.vocab import (
    Degree,
    DisciplineForm,
    Employment,
    Gender,
    Grade,
    LecturerType,
    Level,
    PoliticalTheory,
    Rating,
    UnitKind,
)

if TYPE_CHECKING:
    from ..pack import RulePack

YEARS = (2021, 2022, 2023, 2024, 2025)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The value or ``None`` (unknown)."""
    return st.none() | strategy


def dates(start: dt.date = dt.date(2022, 1, 1), end: dt.date = dt.date(2026, 12, 31)) -> st.SearchStrategy[dt.date]:
    """Evaluation dates, with the regime boundaries (year ends, 1 January 2024) drawn often."""
    special = [dt.date(y, 12, 31) for y in range(start.year, end.year + 1)] + [dt.date(2024, 1, 1)]
    special = [d for d in special if start <= d <= end]
    return st.sampled_from(special) | st.dates(start, end)


def staff_years(years: tuple[int, ...] = YEARS, unit_ids: tuple[str, ...] = ()) -> st.SearchStrategy[list[StaffYear]]:
    """0..n year records with distinct years."""

    @st.composite
    def build(draw: st.DrawFn) -> list[StaffYear]:
        chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=len(years)))
        out = []
        for y in sorted(chosen):
            out.append(StaffYear(
                year=y,
                unit_id=draw(maybe(st.sampled_from(unit_ids))) if unit_ids else None,
                rating=draw(maybe(st.sampled_from(list(Rating)))),
                party_rating=draw(maybe(st.sampled_from(list(Rating)))),
                discipline=draw(st.sampled_from([DisciplineForm.khong] * 3 + list(DisciplineForm) + [None])),
                discipline_pending=draw(st.sampled_from([False, False, True, None])),
                absent_days=draw(maybe(st.integers(0, 60))),
                maternity_leave_days=draw(maybe(st.integers(0, 180))),
                training_months=draw(maybe(st.integers(0, 24))),
                emulation_registered=draw(maybe(st.booleans())),
                titles=draw(maybe(st.lists(st.sampled_from(["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]),
                                           unique=True, max_size=2))),
            ))
        return out

    return build()


def initiatives(years: tuple[int, ...] = YEARS, prefix: str = "sk") -> st.SearchStrategy[list[Initiative]]:
    return st.lists(
        st.builds(Initiative, id=st.just(""), level=maybe(st.sampled_from(list(Level))),
                  year=maybe(st.sampled_from(years)), applied=maybe(st.booleans())),
        max_size=2,
    ).map(lambda xs: [x.model_copy(update={"id": f"{prefix}{i}"}) for i, x in enumerate(xs)])


def research(years: tuple[int, ...] = YEARS, prefix: str = "dt", max_size: int = 4) -> st.SearchStrategy[list[Research]]:
    return st.lists(
        st.builds(Research, id=st.just(""), level=maybe(st.sampled_from(list(Level))),
                  year=maybe(st.sampled_from(years)), accepted=maybe(st.booleans()), applied=maybe(st.booleans())),
        max_size=max_size,
    ).map(lambda xs: [x.model_copy(update={"id": f"{prefix}{i}"}) for i, x in enumerate(xs)])


def staff_member(staff_id: str = "s0", unit_ids: tuple[str, ...] = (), years: tuple[int, ...] = YEARS,
                 inputs: st.SearchStrategy[dict[str, Any]] | None = None) -> st.SearchStrategy[Staff]:
    """One staff member (cán bộ, viên chức) with year records, initiatives and research."""

    @st.composite
    def build(draw: st.DrawFn) -> Staff:
        return Staff(
            id=staff_id,
            name=draw(maybe(st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]))),
            gender=draw(maybe(st.sampled_from(list(Gender)))),
            unit_id=draw(maybe(st.sampled_from(unit_ids))) if unit_ids else None,
            is_manager=draw(maybe(st.booleans())),
            employment=draw(maybe(st.sampled_from(list(Employment)))),
            is_lecturer=draw(st.sampled_from([True, True, False, None])),
            lecturer_type=draw(maybe(st.sampled_from(list(LecturerType)))),
            degree=draw(st.sampled_from(list(Degree) + [Degree.thac_si, None])),
            degree_relevant=draw(maybe(st.booleans())),
            grade=draw(maybe(st.sampled_from(list(Grade)))),
            political_theory=draw(maybe(st.sampled_from(list(PoliticalTheory)))),
            pedagogy_cert=draw(maybe(st.booleans())),
            active_teaching=draw(maybe(st.booleans())),
            teaching_years_at_school=draw(maybe(st.integers(0, 30).map(float))),
            recruited_on=draw(maybe(st.dates(dt.date(1990, 1, 1), dt.date(2026, 6, 30)))),
            years=draw(staff_years(years, unit_ids)),
            initiatives=draw(initiatives(years, prefix=f"{staff_id}_sk")),
            research=draw(research(years, prefix=f"{staff_id}_dt", max_size=1)),
            inputs=draw(inputs) if inputs is not None else {},
        )

    return build()


def unit(unit_id: str = "u0", years: tuple[int, ...] = YEARS,
         inputs: st.SearchStrategy[dict[str, Any]] | None = None) -> st.SearchStrategy[Unit]:
    @st.composite
    def build(draw: st.DrawFn) -> Unit:
        chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=2))
        return Unit(
            id=unit_id,
            name=f"Khoa {unit_id}",
            unit_kind=draw(maybe(st.sampled_from(list(UnitKind)))),
            years=[UnitYear(year=y, rating=draw(maybe(st.sampled_from(list(Rating))))) for y in sorted(chosen)],
            inputs=draw(inputs) if inputs is not None else {},
        )

    return build()


def school(school_id: str = "t0", years: tuple[int, ...] = YEARS, max_staff: int = 6, max_units: int = 3,
           pack: RulePack | None = None) -> st.SearchStrategy[School]:
    """A school with 0..max_units units and 0..max_staff staff (or an unknown roster)."""

    @st.composite
    def build(draw: st.DrawFn) -> School:
        n_units = draw(st.integers(0, max_units))
        unit_ids = tuple(f"{school_id}_u{i}" for i in range(n_units))
        units = [draw(unit(u, years, inputs=pack_inputs(pack, "unit") if pack else None)) for u in unit_ids]
        roster_known = draw(st.sampled_from([True, True, True, False]))
        staff = None
        if roster_known:
            n = draw(st.integers(0, max_staff))
            staff = [draw(staff_member(f"{school_id}_s{i}", unit_ids, years,
                                       inputs=pack_inputs(pack, "staff") if pack else None)) for i in range(n)]
        chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=2))
        return School(
            id=school_id,
            name=f"Trường Chính trị {school_id}",
            province=draw(maybe(st.just("Minh Họa"))),
            units=units if units or draw(st.booleans()) else None,
            staff=staff,
            research=draw(maybe(research(years, prefix=f"{school_id}_dt"))),
            years=[SchoolYear(year=y, rating=draw(maybe(st.sampled_from(list(Rating))))) for y in sorted(chosen)],
            inputs=draw(pack_inputs(pack, "school")) if pack else {},
        )

    return build()


def cluster(school_ids: list[str], cluster_id: str = "c0") -> st.SearchStrategy[Cluster]:
    return st.lists(st.sampled_from(school_ids), unique=True, max_size=len(school_ids)).map(
        lambda ids: Cluster(id=cluster_id, name=f"Cụm {cluster_id}", school_ids=ids)
    ) if school_ids else st.just(Cluster(id=cluster_id, school_ids=[]))


def facts(pack: RulePack | None = None, max_schools: int = 2, max_staff: int = 6,
          years: tuple[int, ...] = YEARS) -> st.SearchStrategy[Facts]:
    """A whole ``Facts``: 1..max_schools schools (with units and staff) and, sometimes, a cluster.

    With ``pack``, entities also get ``inputs`` for the pack's variables (input-only
    ones and, sometimes, computed ones), so rules reading supplied figures are exercised.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Facts:
        n = draw(st.integers(1, max_schools))
        schools = [draw(school(f"t{i}", years, max_staff, pack=pack)) for i in range(n)]
        entities: list[Any] = list(schools)
        if draw(st.booleans()):
            entities.append(draw(cluster([s.id for s in schools])))
        return Facts.of(entities)

    return build()


def pack_inputs(pack: RulePack | None, subject: str) -> st.SearchStrategy[dict[str, Any]]:
    """Optional ``inputs`` for a pack's variables of one subject, typed by their declaration."""
    if pack is None:
        return st.just({})
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for (kind, name), var in sorted(pack.variables.items()):
        if kind != subject:
            continue
        strategy = value_for_type(var.type.kind, var.unit or "", name)
        if strategy is not None:
            optional[name] = maybe(strategy)
    return st.fixed_dictionaries({}, optional=optional)


def value_for_type(kind: str, unit: str, name: str = "") -> st.SearchStrategy[Any] | None:
    """Values a variable of a declared type may take (ratios within [0, 1], counts non-negative)."""
    if kind == "bool":
        return st.booleans()
    if kind == "num":
        looks_ratio = "share" in name or "ratio" in name or "ty_le" in name or unit in ("ratio", "%")
        if looks_ratio:
            return st.sampled_from([0.0, 0.5, 0.75, 0.85, 0.9, 1.0]) | st.floats(0, 1, allow_nan=False)
        return st.integers(0, 12)
    if kind == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31))
    return None
