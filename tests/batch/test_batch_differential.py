"""Differential test: the vectorised batch evaluator gives the explaining evaluator's verdict on every rule and entity.

Populations (schools with units, staff with year records and initiatives,
research) are generated as plain dicts, then turned independently into fact
models (for ``pack.evaluate``) and into tidy frames (for ``evaluate_batch``).
Schools carry different evaluation dates, so dated parameters and rule regimes
are chosen row by row.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chuan_engine import School, load_pack
from chuan_engine.batch import FallbackWarning, evaluate_batch

ROOT = Path(__file__).resolve().parents[2]
# every shipped pack (cluster rules are not batch rules: the plan packs' school rules are compared) and every test pack
PACKS = [ROOT / "rules" / "demo", ROOT / "tests" / "batch_packs" / "stress"]
PACKS += sorted(p for p in (ROOT / "rules").iterdir() if (p / "pack.yaml").is_file() and p.name != "demo")
PACKS += sorted(p for p in (ROOT / "tests" / "batch_packs").iterdir() if p.is_dir() and p.name != "stress")

ON_DATES = [dt.date(2023, 12, 31), dt.date(2024, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 12, 31)]
RATINGS = [None, "khong_hoan_thanh", "hoan_thanh", "hoan_thanh_tot", "hoan_thanh_xuat_sac"]
DISCIPLINE = [None, "khong", "khong", "khien_trach", "canh_cao"]
DEGREES = [None, "dai_hoc", "thac_si", "tien_si"]
RECRUITED = [None, dt.date(2010, 1, 15), dt.date(2019, 12, 31), dt.date(2023, 3, 31), dt.date(2024, 8, 31)]
# the facts the shipped packs read (titles, rewards and prizes named in rules/*; the rest by field)
TITLES = [None, [], ["cstd"], ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"], ["chien_si_thi_dua_cap_bo"]]
UNIT_TITLES = [None, [], ["tap_the_lao_dong_tien_tien"], ["tap_the_lao_dong_xuat_sac"]]
REWARDS = [None, [], ["bang_khen_cap_bo"]]
PRIZES = [None, [], ["giang_vien_xuat_sac_hoc_vien"]]
LEVELS = [None, "co_so", "bo_tinh", "toan_quoc"]


def maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


@functools.cache
def _pack(path: Path) -> Any:
    return load_pack(path)


# Values an input of each declared type may take (a share lies in [0, 1], a count is a whole number >= 0).
_VALUES: dict[str, list[Any]] = {"bool": [True, False], "share": [0, 0.5, 0.95, 1], "ratio": [0, 0.5, 0.95, 3, 1000],
                                  "integer": [0, 3, 1000],
                                  "number": [0, 0.5, 0.95, 3, 1000]}


def _input_only() -> dict[str, dict[str, list[Any]]]:
    """Variables of the shipped packs with no formula (supplied as inputs or unknown), by subject, with the
    values every pack declaring one of that name accepts."""
    out: dict[str, dict[str, list[Any]]] = {"school": {}, "unit": {}, "staff": {}}
    for path in PACKS:
        for (kind, name), var in _pack(path).variables.items():
            if kind in out and var.formula is None and var.type.kind in ("bool", "num"):
                values = _VALUES[var.declared or "number"]
                out[kind][name] = [v for v in out[kind].get(name, values) if v in values]
    return out


INPUT_ONLY = _input_only()


@st.composite
def supplied_inputs(draw: Any, kind: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Supplied inputs of the packs' input-only variables; an absent one is unknown."""
    out: dict[str, Any] = {}
    for name, values in [*((n, _VALUES["bool"]) for n in extra), *INPUT_ONLY[kind].items()]:
        v = draw(maybe(["absent", "absent", *values]))
        if v != "absent":
            out[name] = v
    return out


@st.composite
def staff_member(draw: Any, i: int, unit_ids: list[str], E: int) -> dict[str, Any]:
    years = sorted(draw(st.sets(st.integers(E - 4, E), max_size=5)))
    recs = []
    for y in years:
        rec: dict[str, Any] = {
            "year": y, "rating": draw(maybe(RATINGS)), "discipline": draw(maybe(DISCIPLINE)),
            "absent_days": draw(maybe([None, 0, 30, 50, 70])), "titles": draw(maybe(TITLES)),
            "rewards": draw(maybe(REWARDS)), "prizes": draw(maybe(PRIZES)),
            "discipline_pending": draw(maybe([None, False, False, True])), "party_rating": draw(maybe(RATINGS)),
        }
        if unit_ids and draw(st.booleans()):
            rec["unit_id"] = draw(maybe(unit_ids))
        rec["inputs"] = draw(supplied_inputs("staff", ("bonus_ok",)))
        recs.append(rec)
    inits = [{"id": f"sk{j}", "level": draw(maybe(LEVELS)), "year": draw(maybe([None, E - 3, E - 1, E])),
              "applied": draw(maybe([None, True, False])), "used_in_year": draw(maybe([None, None, E - 1, E]))}
             for j in range(draw(st.integers(0, 2)))]
    research = [{"id": f"r{j}", "level": draw(maybe(LEVELS)), "year": draw(maybe([None, E - 2, E])),
                 "accepted": draw(maybe([None, True, False])), "applied": draw(maybe([None, True, False]))}
                for j in range(draw(st.integers(0, 1)))]
    return {
        "id": f"p{i}", "name": f"Cán bộ {i}", "unit_id": draw(maybe([None, *unit_ids])) if unit_ids else None,
        "is_lecturer": draw(maybe([True, True, False, None])), "is_manager": draw(maybe([True, False, None])),
        "degree": draw(maybe(DEGREES)), "recruited_on": draw(maybe(RECRUITED)), "years": recs, "initiatives": inits,
        "research": research, "lecturer_type": draw(maybe([None, "co_huu", "kiem_nhiem"])),
        "grade": draw(maybe([None, "chuyen_vien", "giang_vien", "giang_vien_chinh"])),
        "political_theory": draw(maybe([None, "trung_cap", "cao_cap"])),
        "classics_cert": draw(maybe([None, True, False])), "active_teaching": draw(maybe([None, True, False])),
    }


@st.composite
def school(draw: Any, s: int) -> tuple[dt.date, dict[str, Any]]:
    on = draw(maybe(ON_DATES))
    E = on.year
    units = None
    if draw(st.integers(0, 4)):
        units = [{"id": f"u{j}", "name": f"Đơn vị {j}", "unit_kind": draw(maybe(["khoa", "phong", None])),
                  "years": [{"year": y, "rating": draw(maybe(RATINGS)), "titles": draw(maybe(UNIT_TITLES)),
                             "inputs": draw(supplied_inputs("unit"))}
                            for y in sorted(draw(st.sets(st.integers(E - 3, E), max_size=2)))]}
                 for j in range(draw(st.integers(1, 3)))]
    unit_ids = [u["id"] for u in units or []]
    staff = None
    if draw(st.integers(0, 5)):
        staff = [draw(staff_member(i, unit_ids, E)) for i in range(draw(st.integers(1, 6)))]
    research = None
    if draw(st.booleans()):
        research = [{"id": f"dt{j}", "level": draw(maybe([None, "co_so", "bo_tinh"])),
                     "year": draw(maybe([None, E - 6, E - 2, E])), "accepted": draw(maybe([None, True, False]))}
                    for j in range(draw(st.integers(1, 3)))]
    data = {
        "id": f"s{s}", "name": f"Trường {s}", "province": draw(maybe(["P1", "P3", None])),
        "units": units, "staff": staff, "research": research,
        "years": [{"year": y, "rating": draw(maybe(RATINGS))} for y in sorted(draw(st.sets(st.integers(E - 3, E),
                                                                                          max_size=2)))],
        "inputs": draw(supplied_inputs("school")),
    }
    return on, data


@st.composite
def population(draw: Any) -> list[tuple[dt.date, dict[str, Any]]]:
    return [draw(school(s)) for s in range(draw(st.integers(1, 3)))]


def to_frames(pop: list[tuple[dt.date, dict[str, Any]]], pack: Any) -> dict[str, pd.DataFrame]:
    """Tidy frames, written straight from the dicts (not through the batch package)."""
    wanted = {kind: {name for (k, name) in pack.variables if k == kind} for kind in ("school", "unit", "staff")}
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("schools", "school_years", "units", "unit_years",
                                                              "staff", "staff_years", "initiatives", "research")}

    def inputs(d: dict[str, Any], kind: str) -> dict[str, Any]:
        return {k: v for k, v in d.get("inputs", {}).items() if k in wanted[kind]}

    for on, s in pop:
        sid = s["id"]
        rows["schools"].append({"school_id": sid, "name": s["name"], "province": s["province"], "on": on,
                                **inputs(s, "school")})
        for y in s["years"]:
            rows["school_years"].append({"school_id": sid, **y})
        for r in s["research"] or []:
            rows["research"].append({"school_id": sid, "staff_id": None, "research_id": r["id"],
                                     **{k: v for k, v in r.items() if k != "id"}})
        for u in s["units"] or []:
            rows["units"].append({"school_id": sid, "unit_id": u["id"], "name": u["name"],
                                  "unit_kind": u["unit_kind"]})
            for y in u["years"]:
                rec = {k: v for k, v in y.items() if k != "inputs"}
                rows["unit_years"].append({"school_id": sid, "unit_id": u["id"], **rec, **inputs(y, "unit")})
        for p in s["staff"] or []:
            fields = {k: v for k, v in p.items() if k not in ("id", "years", "initiatives", "research")}
            rows["staff"].append({"school_id": sid, "staff_id": p["id"], **fields})
            for y in p["years"]:
                rec = {k: v for k, v in y.items() if k != "inputs"}
                rows["staff_years"].append({"school_id": sid, "staff_id": p["id"], **rec, **inputs(y, "staff")})
            for it in p["initiatives"]:
                rows["initiatives"].append({"school_id": sid, "staff_id": p["id"], "initiative_id": it["id"],
                                            **{k: v for k, v in it.items() if k != "id"}})
            for r in p["research"]:
                rows["research"].append({"school_id": sid, "staff_id": p["id"], "research_id": r["id"],
                                         **{k: v for k, v in r.items() if k != "id"}})
    out = {k: pd.DataFrame(v) for k, v in rows.items() if v}
    # Every generated person's initiatives and research are lists (known, maybe none): the frames are given
    # even when empty, since an absent frame says "not known" (issue 12).
    out.setdefault("initiatives", pd.DataFrame(columns=["school_id", "staff_id", "initiative_id"]))
    out.setdefault("research", pd.DataFrame(columns=["school_id", "staff_id", "research_id"]))
    # Likewise every generated entity's year records are a list: the year frames are given even when empty.
    out.setdefault("school_years", pd.DataFrame(columns=["school_id", "year"]))
    out.setdefault("unit_years", pd.DataFrame(columns=["school_id", "unit_id", "year"]))
    out.setdefault("staff_years", pd.DataFrame(columns=["school_id", "staff_id", "year"]))
    return out


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return a == b


TEST_PACKS = {"demo", "stress"}  # written with the batch compiler in view: no rule may fall back


def assert_same(pack: Any, pop: list[tuple[dt.date, dict[str, Any]]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        out = evaluate_batch(pack, to_frames(pop, pack), on=dt.date(2025, 12, 31))
    if pack.id in TEST_PACKS:
        assert out.fallback == {}, out.fallback
    got = {(r.kind, r.school if r.kind != "school" else r.entity, r.entity, r.rule): r
           for r in out.results.itertuples(index=False)}
    summ = {(r.kind, r.school if r.kind != "school" else r.entity, r.entity): r
            for r in out.summary.itertuples(index=False)}
    n_expected = 0
    for on in sorted({on for on, _ in pop}):
        schools = [School(**s) for d, s in pop if d == on]
        report = pack.evaluate(schools, on)
        for e in report.entities:
            n_expected += 1
            key = (e.kind, e.school or e.id, e.id)
            s = summ[key]
            assert s.on == on.isoformat()
            if e.error is not None:
                assert s.verdict == "error", (key, e.error, s)
                continue
            assert s.error is None, (key, s.error)
            assert s.verdict == e.summary["verdict"], (key, s.verdict, e.summary["verdict"])
            assert s.level_reached == e.summary.get("level_reached"), key
            for r in e.results:
                b = got[(*key, r.rule)]
                assert b.outcome == r.outcome.value, (key, r.rule, b.outcome, r.outcome.value, b.value, r.value)
                assert same_value(b.value, r.value), (key, r.rule, b.value, r.value)
                assert same_value(b.threshold, r.threshold), (key, r.rule, b.threshold, r.threshold)
                assert same_value(None if pd.isna(b.margin) else b.margin, r.margin), (key, r.rule)
                assert b.provenance == r.provenance.value, (key, r.rule)
    assert len(out.summary) == n_expected


@pytest.mark.parametrize("pack_path", PACKS, ids=lambda p: p.name)
@given(pop=population())
def test_batch_equals_explaining_evaluator(pack_path: Path, pop: list[tuple[dt.date, dict[str, Any]]]) -> None:
    assert_same(_pack(pack_path), pop)


def test_demo_fixtures_equal(demo_pack: Any, demo_facts: Any) -> None:
    """The demo fixtures (a roster school and an aggregate-only school) through frames give the same report."""
    from chuan_engine.batch.convert import facts_to_frames

    on = dt.date(2025, 12, 31)
    out = evaluate_batch(demo_pack, facts_to_frames(demo_facts), on)
    report = demo_pack.evaluate(demo_facts, on)
    expected = {(e.id, r.rule): r.outcome.value for e in report.entities for r in e.results}
    got = {(r.entity, r.rule): r.outcome for r in out.results.itertuples()}
    assert got == expected
    assert out.fallback == {}


@given(pop=population())
def test_every_year_rows_equal_evaluation_on_31_december(pop: list[tuple[dt.date, dict[str, Any]]]) -> None:
    """``every_year``: the row of an earlier year equals ``pack.evaluate`` on 31/12 of that year."""
    pack = _pack(PACKS[1])
    out = evaluate_batch(pack, to_frames(pop, pack), on=dt.date(2025, 12, 31), every_year=True)
    got = {(r.kind, r.school if r.kind != "school" else r.entity, r.entity, r.on, r.rule): str(r.outcome)
           for r in out.results.itertuples(index=False)}
    years = {on.year - k for on, _ in pop for k in range(1, 5)}
    checked = 0
    for year in sorted(years):
        day = dt.date(year, 12, 31)
        schools = [School(**s) for d, s in pop if d.year > year]
        for e in pack.evaluate(schools, day).entities:
            rules = [r.id for r in pack.rules if r.subject == e.kind]
            expected = {r.rule: r.outcome.value for r in e.results} if e.error is None else dict.fromkeys(rules, "error")
            for rule in rules:
                key = (e.kind, e.school or e.id, e.id, day.isoformat(), rule)
                if key in got:  # years before a school's first record are not rows
                    assert got[key] == expected[rule], (key, got[key], expected[rule])
                    checked += 1
    school_on = {s["id"]: d.isoformat() for d, s in pop}
    rows_before = sum(1 for k in got if k[3] != school_on[k[1]])
    assert checked == rows_before
