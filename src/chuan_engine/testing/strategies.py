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
from functools import lru_cache
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
    from ..api import RulePack

YEARS = (2021, 2022, 2023, 2024, 2025, 2026)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The value or ``None`` (unknown)."""
    return st.none() | strategy


# Built once: creating strategies inside every draw is what makes generation slow.
_RATING = st.sampled_from([*Rating, Rating.hoan_thanh_tot, Rating.hoan_thanh_xuat_sac, None])
_DISCIPLINE = st.sampled_from([DisciplineForm.khong] * 3 + list(DisciplineForm) + [None])
_BOOL = st.none() | st.booleans()
_RATING_GOOD = st.sampled_from([Rating.hoan_thanh_tot, Rating.hoan_thanh_xuat_sac, Rating.hoan_thanh])
_UNIT_RATING_GOOD = st.sampled_from([Rating.hoan_thanh_xuat_sac, Rating.hoan_thanh_xuat_sac, Rating.hoan_thanh_tot])
_RECRUITED_GOOD = st.dates(dt.date(1990, 1, 1), dt.date(2020, 12, 31))
_LEVEL = st.sampled_from([*Level, Level.co_so, None])
_DEGREE = st.sampled_from(list(Degree) + [Degree.thac_si, None])
_RECRUITED = st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2022, 12, 31)),
                        st.dates(dt.date(2023, 1, 1), dt.date(2026, 6, 30)), st.none())
_NAME = st.none() | st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
_SMALL = st.none() | st.integers(0, 60)
_GENDER = st.none() | st.sampled_from(list(Gender))
_EMPLOYMENT = st.none() | st.sampled_from(list(Employment))
_LECTURER = st.sampled_from([True, True, False, None])
_LECTURER_TYPE = st.none() | st.sampled_from(list(LecturerType))
_GRADE = st.none() | st.sampled_from(list(Grade))
_THEORY = st.none() | st.sampled_from(list(PoliticalTheory))
_TEACHING_YEARS = st.none() | st.integers(0, 30).map(float)
_UNIT_KIND = st.none() | st.sampled_from(list(UnitKind))
_ROSTER_KNOWN = st.sampled_from([True, True, True, False])
_TITLES = st.none() | st.lists(st.sampled_from(["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]), unique=True, max_size=2)


def dates(start: dt.date = dt.date(2022, 1, 1), end: dt.date = dt.date(2026, 12, 31)) -> st.SearchStrategy[dt.date]:
    """Evaluation dates, with the regime boundaries (year ends, 1 January 2024) drawn often."""
    special = [dt.date(y, 12, 31) for y in range(start.year, end.year + 1)] + [dt.date(2024, 1, 1)]
    special = [d for d in special if start <= d <= end]
    return st.sampled_from(special) | st.dates(start, end)


def staff_years(years: tuple[int, ...] = YEARS, unit_ids: tuple[str, ...] = (),
                good: bool = False) -> st.SearchStrategy[list[StaffYear]]:
    """0..n year records with distinct years (``good``: every year, rated well, no discipline)."""

    @st.composite
    def build(draw: st.DrawFn) -> list[StaffYear]:
        # Half the time a full record history (so eligibility can be decided), else any subset.
        chosen = list(years) if good else draw(
            st.just(list(years)) | st.lists(st.sampled_from(years), unique=True, max_size=len(years)))
        out = []
        for y in sorted(chosen):
            out.append(StaffYear(
                year=y,
                unit_id=draw(st.sampled_from((*unit_ids, None))),
                rating=draw(_RATING_GOOD if good else _RATING),
                party_rating=draw(_RATING),
                discipline=DisciplineForm.khong if good else draw(_DISCIPLINE),
                discipline_pending=draw(_BOOL),
                absent_days=draw(_SMALL),
                maternity_leave_days=draw(_SMALL),
                training_months=draw(_SMALL),
                emulation_registered=draw(_BOOL),
                titles=draw(_TITLES),
            ))
        return out

    return build()


@lru_cache(maxsize=32)
def _initiative_items(years: tuple[int, ...]) -> st.SearchStrategy[list[Initiative]]:
    return st.lists(st.builds(Initiative, id=st.just(""), level=_LEVEL, year=st.none() | st.sampled_from(years),
                              applied=_BOOL), max_size=2)


@lru_cache(maxsize=32)
def _research_items(years: tuple[int, ...], max_size: int) -> st.SearchStrategy[list[Research]]:
    return st.lists(st.builds(Research, id=st.just(""), level=_LEVEL, year=st.none() | st.sampled_from(years),
                              accepted=_BOOL, applied=_BOOL), max_size=max_size)


def _numbered(items: list[Any], prefix: str) -> list[Any]:
    return [x.model_copy(update={"id": f"{prefix}{i}"}) for i, x in enumerate(items)]


def initiatives(years: tuple[int, ...] = YEARS, prefix: str = "sk") -> st.SearchStrategy[list[Initiative]]:
    return _initiative_items(years).map(lambda xs: _numbered(xs, prefix))


def research(years: tuple[int, ...] = YEARS, prefix: str = "dt", max_size: int = 4) -> st.SearchStrategy[list[Research]]:
    return _research_items(years, max_size).map(lambda xs: _numbered(xs, prefix))


def _draw_staff(draw: st.DrawFn, staff_id: str, unit_ids: tuple[str, ...], years: tuple[int, ...],
                inputs: st.SearchStrategy[dict[str, Any]] | None, good: bool = False) -> Staff:
    return Staff(
        id=staff_id,
        name=draw(_NAME),
        gender=draw(_GENDER),
        unit_id=draw(st.sampled_from((*unit_ids, None))),
        is_manager=draw(_BOOL),
        employment=draw(_EMPLOYMENT),
        is_lecturer=draw(_LECTURER),
        lecturer_type=draw(_LECTURER_TYPE),
        degree=draw(_DEGREE),
        degree_relevant=draw(_BOOL),
        grade=draw(_GRADE),
        political_theory=draw(_THEORY),
        pedagogy_cert=draw(_BOOL),
        active_teaching=draw(_BOOL),
        teaching_years_at_school=draw(_TEACHING_YEARS),
        recruited_on=draw(_RECRUITED_GOOD if good else _RECRUITED),
        years=draw(staff_years(years, unit_ids, good)),
        initiatives=_numbered(draw(_initiative_items(years)), f"{staff_id}_sk"),
        research=_numbered(draw(_research_items(years, 1)), f"{staff_id}_dt"),
        inputs=draw(inputs) if inputs is not None else {},
    )


def staff_member(staff_id: str = "s0", unit_ids: tuple[str, ...] = (), years: tuple[int, ...] = YEARS,
                 inputs: st.SearchStrategy[dict[str, Any]] | None = None) -> st.SearchStrategy[Staff]:
    """One staff member (cán bộ, viên chức) with year records, initiatives and research."""
    return st.composite(lambda draw: _draw_staff(draw, staff_id, unit_ids, years, inputs))()


def _draw_unit(draw: st.DrawFn, unit_id: str, years: tuple[int, ...],
               inputs: st.SearchStrategy[dict[str, Any]] | None, good: bool = False) -> Unit:
    """A unit with 0..2 year records (``good``: every year, rated well, no pending review)."""
    chosen = list(years) if good else draw(st.lists(st.sampled_from(years), unique=True, max_size=2))
    return Unit(
        id=unit_id,
        name=f"Khoa {unit_id}",
        unit_kind=draw(_UNIT_KIND),
        years=[UnitYear(year=y, rating=draw(_UNIT_RATING_GOOD if good else _RATING),
                        discipline_pending=False if good else draw(_BOOL)) for y in sorted(chosen)],
        inputs=draw(inputs) if inputs is not None else {},
    )


def unit(unit_id: str = "u0", years: tuple[int, ...] = YEARS,
         inputs: st.SearchStrategy[dict[str, Any]] | None = None, good: bool = False) -> st.SearchStrategy[Unit]:
    return st.composite(lambda draw: _draw_unit(draw, unit_id, years, inputs, good))()


def _draw_school(draw: st.DrawFn, school_id: str, years: tuple[int, ...], max_staff: int, max_units: int,
                 inputs: dict[str, st.SearchStrategy[dict[str, Any]] | None]) -> School:
    n_units = draw(st.integers(0, max_units))
    unit_ids = tuple(f"{school_id}_u{i}" for i in range(n_units))
    # One school in three is "well kept": its units and every member have full, good records, so collective
    # titles resting on all members (TTLĐTT, TTLĐXS, Bằng khen tập thể) and school titles can be reached.
    good = draw(st.integers(0, 2)) == 0
    units = [_draw_unit(draw, u, years, inputs.get("unit"), good) for u in unit_ids]
    staff = None
    if draw(_ROSTER_KNOWN):
        n = draw(st.integers(0, max_staff))
        staff = [_draw_staff(draw, f"{school_id}_s{i}", unit_ids, years, inputs.get("staff"), good) for i in range(n)]
    chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=2))
    school_inputs = inputs.get("school")
    return School(
        id=school_id,
        name=f"Trường Chính trị {school_id}",
        province=draw(st.none() | st.just("Minh Họa")),
        units=units if (bool(units) or draw(st.booleans())) else None,
        staff=staff,
        research=None if draw(st.integers(0, 4)) == 0 else _numbered(draw(_research_items(years, 4)), f"{school_id}_dt"),
        years=[SchoolYear(year=y, rating=draw(_RATING), discipline_pending=draw(_BOOL)) for y in sorted(chosen)],
        inputs=draw(school_inputs) if school_inputs is not None else {},
    )


def _inputs_by_kind(pack: RulePack | None) -> dict[str, st.SearchStrategy[dict[str, Any]] | None]:
    return {k: pack_inputs(pack, k) if pack is not None else None for k in ("school", "unit", "staff", "cluster")}


def school(school_id: str = "t0", years: tuple[int, ...] = YEARS, max_staff: int = 6, max_units: int = 3,
           pack: RulePack | None = None) -> st.SearchStrategy[School]:
    """A school with 0..max_units units and 0..max_staff staff (or an unknown roster)."""
    inputs = _inputs_by_kind(pack)
    return st.composite(lambda draw: _draw_school(draw, school_id, years, max_staff, max_units, inputs))()


def cluster(school_ids: list[str], cluster_id: str = "c0") -> st.SearchStrategy[Cluster]:
    return st.lists(st.sampled_from(school_ids), unique=True, max_size=len(school_ids)).map(
        lambda ids: Cluster(id=cluster_id, name=f"Cụm {cluster_id}", school_ids=ids)
    ) if school_ids else st.just(Cluster(id=cluster_id, school_ids=[]))


def facts(pack: RulePack | None = None, max_schools: int = 2, max_staff: int = 5,
          years: tuple[int, ...] = YEARS) -> st.SearchStrategy[Facts]:
    """A whole ``Facts``: 1..max_schools schools (with units and staff) and, sometimes, a cluster.

    With ``pack``, entities also get ``inputs`` for the pack's variables (input-only
    ones and, sometimes, computed ones), so rules reading supplied figures are exercised.
    """

    inputs = _inputs_by_kind(pack)

    @st.composite
    def build(draw: st.DrawFn) -> Facts:
        n = draw(st.integers(1, max_schools))
        schools = [_draw_school(draw, f"t{i}", years, max_staff, 3, inputs) for i in range(n)]
        entities: list[Any] = list(schools)
        if draw(st.booleans()):
            entities.append(draw(cluster([s.id for s in schools])))
        return Facts.of(entities)

    return build()


def pack_inputs(pack: RulePack | None, subject: str) -> st.SearchStrategy[dict[str, Any]]:
    """Optional ``inputs`` for a pack's variables of one subject, typed by their declaration."""
    if pack is None:
        return st.just({})
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for (kind, name), var in sorted(pack.variables.items()):
        if kind != subject:
            continue
        strategy = value_for_type(var.type.kind, var.unit or "", name, var.declared)
        if strategy is None:
            continue
        if var.formula is None:  # input-only: usually supplied (else the rule can only be unknown)
            required[name] = st.one_of(strategy, strategy, st.none())
        else:  # computed: sometimes supplied directly, overriding the formula
            optional[name] = maybe(strategy)
    return st.fixed_dictionaries(required, optional=optional)


def value_for_type(kind: str, unit: str, name: str = "", declared: str | None = None
                   ) -> st.SearchStrategy[Any] | None:
    """Values a variable of a declared type may take (ratios within [0, 1], counts non-negative)."""
    if kind == "bool":
        return st.booleans()
    if kind == "num":
        if declared == "integer":  # a count: whole numbers only, as the input check demands
            return st.integers(0, 12)
        looks_ratio = (declared == "share" or "share" in name or "ratio" in name or "ty_le" in name
                       or unit in ("ratio", "%"))
        if looks_ratio:
            return st.sampled_from([0.0, 0.5, 0.75, 0.85, 0.9, 1.0]) | st.floats(0, 1, allow_nan=False)
        return st.integers(0, 12)
    if kind == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31))
    return None
