"""The durable_rules backend: isolation, three-valued verdicts, and equality with the core evaluator.

Runs where the ``durable`` extra installs (Python < 3.13); skipped elsewhere with the reason.
Expected verdicts in the hand-written tests are worked out from the rule text in comments.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from chuan_engine.errors import FactsError

pytest.importorskip(
    "durable.engine",
    reason="durable_rules is an optional extra (pip install -e '.[durable]'); it builds only on Python < 3.13",
    exc_type=ImportError,  # also when it is installed but cannot be imported (Python 3.13)
)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from chuan_engine import Outcome, School, Staff, StaffYear, Unit, load_pack  # noqa: E402
from chuan_engine.api import RulePack  # noqa: E402
from chuan_engine.backends.durable import DurableBackend, backend_outcomes, core_outcomes  # noqa: E402
from chuan_engine.facts import models  # noqa: E402
from chuan_engine.lang.types import ENTITY_FIELDS, YEAR_FIELDS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
P, F, U, NA = Outcome.passed, Outcome.failed, Outcome.unknown, Outcome.not_applicable

# A pack written for this test: every construct the backend claims to support, two regimes of one
# concept, a parameter that changes by date, levels, applies_if, rule references, and two rules it
# must refuse.
SYNTHETIC = textwrap.dedent("""
    pack:
      id: syn
      version: "0.1"
      title_vi: Bộ quy tắc kiểm thử backend durable
      title_en: durable backend test pack
      levels:
        - {id: muc_1, label_vi: Mức 1, label_en: Level 1}
        - {id: muc_2, label_vi: Mức 2, label_en: Level 2}
    parameters:
      syn.months_min:
        label_vi: Số tháng tối thiểu
        label_en: Minimum months
        values:
          - {from: 2017-01-01, to: 2023-12-31, value: 10, source: test, provenance: provisional}
          - {from: 2024-01-01, value: 6, source: test, provenance: provisional}
      syn.absent_max:
        label_vi: Số ngày nghỉ tối đa
        label_en: Maximum absent days
        values: [{from: 2017-01-01, value: 30, source: test, provenance: provisional}]
      syn.years_min:
        label_vi: Số năm tối thiểu
        label_en: Minimum years
        values: [{from: 2017-01-01, value: 2, source: test, provenance: provisional}]
      syn.score_1:
        label_vi: Điểm mức 1
        label_en: Score level 1
        values: [{from: 2017-01-01, value: 0.5, source: test, provenance: provisional}]
      syn.score_2:
        label_vi: Điểm mức 2
        label_en: Score level 2
        values: [{from: 2017-01-01, value: 0.8, source: test, provenance: provisional}]
    variables:
      score: {subject: staff, type: ratio, label_vi: Điểm, label_en: Score}
      note: {subject: staff, type: text, label_vi: Ghi chú, label_en: Note}
      start_date: {subject: staff, type: date, label_vi: Ngày bắt đầu, label_en: Start date}
      eligible_flag:
        subject: staff
        type: bool
        formula: "is_lecturer and not (degree < 'thac_si')"
        label_vi: Đủ điều kiện
        label_en: Eligible
      has_code: {subject: school, type: bool, label_vi: Có quy tắc, label_en: Has code}
""")


def _rule(rid: str, condition: str | None, **kw: Any) -> dict[str, Any]:
    out = {"id": rid, "title_vi": f"Quy tắc {rid}", "title_en": rid, "subject": "staff",
           "citation": {"document": "test"}, "effective": {"from": "2017-01-01"}, "provenance": "provisional",
           "kind": "condition", "condition": condition}
    out.update(kw)
    return {k: v for k, v in out.items() if v is not None}


SYNTHETIC_RULES = [
    _rule("syn.co_ban", "rating >= 'hoan_thanh' and months_since(recruited_on) >= $syn.months_min",
          concept="co_ban", effective={"from": "2017-01-01", "to": "2023-12-31"}),
    _rule("syn.co_ban_2024", "rating >= 'hoan_thanh_tot' and not (discipline >= 'khien_trach')"
          " and months_since(recruited_on) >= $syn.months_min", concept="co_ban", effective={"from": "2024-01-01"}),
    _rule("syn.hoac", "rating == 'hoan_thanh_xuat_sac' or is_manager or degree in ['thac_si', 'tien_si']"),
    _rule("syn.khong", "not (gender == 'nu') and employment not in ['hop_dong']", applies_if="is_lecturer"),
    _rule("syn.ref", "@co_ban and (eligible_flag or known(absent_days))"),
    _rule("syn.vang", None, kind="indicator", measure="absent_days", op="<=", unit="count",
          thresholds={"muc_1": "syn.absent_max"}),
    _rule("syn.diem", None, kind="indicator", measure="score", op=">=", unit="ratio",
          thresholds={"muc_1": "syn.score_1", "muc_2": "syn.score_2"}, applies_if="@co_ban or not is_lecturer"),
    _rule("syn.tham_nien", "years_since(recruited_on) > $syn.years_min and months_since(start_date) != 12"),
    _rule("syn.chuc_danh", "position == 'truong_khoa' or note != 'x'"),
    _rule("syn.nam", "year == eval_year and teaching_years_at_school >= 2.5"),
    _rule("syn.muc_2_only", "political_theory >= 'trung_cap'", levels=["muc_2"]),
    _rule("syn.chuoi", "@syn.ref and @syn.diem or training_months == 3 or maternity_leave_days != 0"),
    _rule("syn.tong_hop", "count(initiatives) >= 1"),
    _rule("syn.phu_thuoc", "@syn.tong_hop and rating >= 'hoan_thanh'"),
    _rule("syn.truong", "has_code and rating >= 'hoan_thanh_tot'", subject="school"),
]


@pytest.fixture(scope="module")
def syn_pack(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("syn")
    (folder / "pack.yaml").write_text(SYNTHETIC, encoding="utf-8")
    (folder / "rules.yaml").write_text(yaml.safe_dump({"rules": SYNTHETIC_RULES}, allow_unicode=True),
                                       encoding="utf-8")
    return load_pack(folder)


def _staff(sid: str, recruited: dt.date | None = None, year: dict[str, Any] | None = None, **kw: Any) -> Staff:
    years = [StaffYear(**year)] if year is not None else []
    return Staff(id=sid, recruited_on=recruited, years=years, **kw)


# -- isolation -----------------------------------------------------------------------------------


def test_importing_chuan_engine_imports_no_durable_and_starts_no_thread() -> None:
    code = (
        "import sys, threading, chuan_engine, chuan_engine.backends, chuan_engine.backends.durable\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('durable', 'durable_rules_engine')),"
        " threading.active_count())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] 1"


def test_private_hosts_coexist_leave_the_global_host_alone_and_start_no_threads(demo_pack, demo_facts) -> None:
    import durable.lang

    on = dt.date(2025, 12, 31)
    before = threading.active_count()
    a, b = DurableBackend(demo_pack), DurableBackend(demo_pack)  # same pack id and version, twice
    va, vb = a.evaluate(demo_facts, on), b.evaluate(demo_facts, on)
    assert backend_outcomes(va) == backend_outcomes(vb)
    assert a.compiled(on).name != b.compiled(on).name
    assert a.compiled(on).name.startswith("chuan_demo_1_0_0_2025_12_31_")
    assert durable.lang._main_host is None  # the module-global host/registry was never created
    assert threading.active_count() == before  # no background timer threads
    a.close()
    b.close()
    with pytest.raises(Exception, match="closed"):
        a.evaluate(demo_facts, on)


# -- what is supported, said up front -----------------------------------------------------------------


def test_demo_subset_is_declared_up_front(demo_pack) -> None:
    backend = DurableBackend(demo_pack)
    # lao_dong_tien_tien reads rating, discipline, months_since(recruited_on); quy_tac_ung_xu an input flag.
    assert backend.supported == ["demo.lao_dong_tien_tien", "demo.quy_tac_ung_xu"]
    reasons = dict(backend.unsupported)
    assert set(reasons) | set(backend.supported) == {r.id for r in demo_pack.rules}
    assert "any()" in reasons["demo.chien_si_thi_dua_co_so"]
    assert "share()" in reasons["demo.tap_the_lao_dong_tien_tien"]
    assert "computed by a formula" in reasons["demo.ty_le_giang_vien"]
    assert "all()" in reasons["demo.khong_ky_luat"]


def test_synthetic_subset_and_dependency_on_unsupported(syn_pack) -> None:
    backend = DurableBackend(syn_pack)
    reasons = dict(backend.unsupported)
    assert set(reasons) == {"syn.tong_hop", "syn.phu_thuoc"}
    assert "count()" in reasons["syn.tong_hop"]
    assert reasons["syn.phu_thuoc"] == "reads the verdict of unsupported rule 'syn.tong_hop'"


# -- hand-computed verdicts ----------------------------------------------------------------------------


def test_demo_fixture_by_hand(demo_pack, demo_facts) -> None:
    on = dt.date(2025, 12, 31)
    with DurableBackend(demo_pack) as backend:
        got = {(v.kind, v.id): v.outcomes for v in backend.evaluate(demo_facts, on)}
    ldtt = "demo.lao_dong_tien_tien"
    # LĐTT from 2024: rating >= HTT, no discipline >= khiển trách, months_since(recruited_on) >= 6.
    assert got[("staff", "gv01")][ldtt] is P  # HTXS, no discipline, 2010-09-01 -> 183 months
    assert got[("staff", "gv04")][ldtt] is F  # rating HT < HTT
    assert got[("staff", "gv05")][ldtt] is F  # 2025-09-01 -> (12-9) - 0 = 3 months < 6
    assert got[("staff", "gv06")][ldtt] is F  # khiển trách
    assert got[("staff", "gv09")][ldtt] is U  # no rating: unknown, not fail
    assert got[("staff", "cv02")][ldtt] is F  # không hoàn thành
    assert got[("school", "demo_a")]["demo.quy_tac_ung_xu"] is P  # inputs.has_code_of_conduct: true
    # Before 2024-01-01 the LĐTT rule is not in force.
    with DurableBackend(demo_pack) as backend:
        old = {(v.kind, v.id): v.outcomes for v in backend.evaluate(demo_facts, dt.date(2023, 6, 30))}
    assert old[("staff", "gv01")][ldtt] is NA


def test_missing_facts_are_unknown_never_raise(syn_pack) -> None:
    on = dt.date(2025, 12, 31)
    school = School(id="s", staff=[_staff("bare")])  # no year record, no dates, no inputs
    with DurableBackend(syn_pack) as backend:
        (v,) = [x for x in backend.evaluate([school], on) if x.id == "bare"]
    assert v.error is None
    # co_ban_2024: rating unknown -> unknown. hoac: all three sides unknown -> unknown.
    assert v.outcomes["syn.co_ban_2024"] is U
    assert v.outcomes["syn.hoac"] is U
    # khong: applies_if is_lecturer unknown -> unknown (not not_applicable).
    assert v.outcomes["syn.khong"] is U
    # vang: absent_days unknown -> unknown at muc_1; muc_2 inherits the threshold -> unknown too.
    assert v.levels["syn.vang"] == {"muc_1": U, "muc_2": U}
    # muc_2_only: political_theory unknown -> unknown at muc_2, not required at muc_1.
    assert v.levels["syn.muc_2_only"] == {"muc_1": NA, "muc_2": U}


def test_disjunction_fires_once_per_alternative_and_never_changes_the_verdict(syn_pack) -> None:
    on = dt.date(2025, 12, 31)
    # hoac = rating == HTXS or is_manager or degree in [thac_si, tien_si]: three Rete rules for "pass".
    both = _staff("both", year={"year": 2025, "rating": "hoan_thanh_xuat_sac"}, is_manager=True, degree="tien_si")
    neither = _staff("neither", year={"year": 2025, "rating": "hoan_thanh"}, is_manager=False, degree="dai_hoc")
    one_rule = syn_pack.rule("syn.hoac")
    pack = RulePack(syn_pack.header, (one_rule,), syn_pack.variables, syn_pack.parameters, "hoac-only")
    with DurableBackend(pack) as backend:
        (v_both,) = backend.evaluate([School(id="s1", staff=[both])], on)
        fired_both = backend.fired
        (v_neither,) = backend.evaluate([School(id="s2", staff=[neither])], on)
        fired_neither = backend.fired - fired_both
    # All three alternatives hold for "both": three firings, one verdict, pass.
    assert fired_both == 3 and v_both.outcomes == {"syn.hoac": P}
    # All three sides fail for "neither" (durable's `|` bug case): the single "fail" rule fires once.
    assert fired_neither == 1 and v_neither.outcomes == {"syn.hoac": F}


def test_wrong_input_type_is_rejected_before_the_engine(syn_pack) -> None:
    on = dt.date(2025, 12, 31)
    # Not a lecturer, so diem applies and the core reads score too (the core checks inputs only when read).
    bad = _staff("bad", year={"year": 2025, "inputs": {"score": "abc"}}, is_lecturer=False)
    with DurableBackend(syn_pack) as backend:
        (v,) = [x for x in backend.evaluate([School(id="s", staff=[bad])], on) if x.id == "bad"]
    assert v.error is not None and "score" in v.error and "num" in v.error
    with pytest.raises(FactsError, match="score"):  # the core refuses it as well, before any rule runs
        syn_pack.evaluate([School(id="s", staff=[bad])], on)


def test_score_tolerance_and_levels(syn_pack) -> None:
    on = dt.date(2025, 12, 31)
    # diem: applies_if @co_ban or not is_lecturer; not a lecturer -> applies. score >= 0.5 (muc_1), 0.8 (muc_2).
    staff = [
        _staff("a", is_lecturer=False, inputs={"score": 0.8 - 1e-12}),  # within 1e-9 of 0.8: meets muc_2
        _staff("b", is_lecturer=False, inputs={"score": 0.79}),  # muc_1 pass, muc_2 fail
        _staff("c", is_lecturer=False, inputs={"score": 0.4999999}),  # below 0.5 by 1e-7: fails both
    ]
    with DurableBackend(syn_pack) as backend:
        got = {v.id: v for v in backend.evaluate([School(id="s", staff=staff)], on)}
    assert got["a"].levels["syn.diem"] == {"muc_1": P, "muc_2": P}
    assert got["b"].levels["syn.diem"] == {"muc_1": P, "muc_2": F} and got["b"].outcomes["syn.diem"] is P
    assert got["c"].levels["syn.diem"] == {"muc_1": F, "muc_2": F}


def test_a_population_far_over_1024_sessions_passes_through(demo_pack) -> None:
    on = dt.date(2025, 12, 31)
    # 1,500 staff; even indexes HTXS recruited 2010, no discipline -> pass, odd ones rated HT -> fail.
    people = [
        _staff(f"p{i}", dt.date(2010, 1, 1),
               {"year": 2025, "rating": "hoan_thanh_xuat_sac" if i % 2 == 0 else "hoan_thanh", "discipline": "khong"})
        for i in range(1500)
    ]
    with DurableBackend(demo_pack) as backend:
        verdicts = backend.evaluate([School(id="big", staff=people)], on)
    outcomes = [v.outcomes["demo.lao_dong_tien_tien"] for v in verdicts if v.kind == "staff"]
    assert outcomes.count(P) == 750 and outcomes.count(F) == 750


# -- differential: the backend equals the core on generated facts ---------------------------------------

STRS = ["truong_khoa", "x", "giang_vien", "a"]


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m + 1, day)
        except ValueError:
            continue
    raise AssertionError(d)  # pragma: no cover


def _dates_near(on: dt.date) -> st.SearchStrategy[dt.date]:
    near = st.builds(
        lambda m, shift: _add_months(on, -m) + dt.timedelta(days=shift),
        st.sampled_from([0, 1, 3, 5, 6, 7, 9, 10, 11, 12, 13, 24, 25, 36, 37]),
        st.sampled_from([-1, 0, 1]),
    )
    return st.one_of(near, st.dates(dt.date(2000, 1, 1), dt.date(2027, 12, 31)))


def _numbers(pack: Any, integer: bool) -> st.SearchStrategy[Any]:
    """Small counts, and every numeric parameter value of the pack with values just around it."""
    ints: set[int] = {0, 1, 2, 3, 6, 10, 12, 29, 30, 31}
    floats: set[float] = {0.5, 0.8, 0.79, 0.8 - 1e-12, 0.4999, 2.5, 2.4, 1.0}
    for name in pack.parameters.names():
        for pv in pack.parameters.base[name].values:
            v = pv.value
            if isinstance(v, int | float) and not isinstance(v, bool) and v >= 0:
                floats |= {float(v), float(v) + 1e-12, max(float(v) - 1e-12, 0.0), float(v) + 0.01}
                ints |= {max(int(v) + d, 0) for d in (-1, 0, 1)}
    ints_st = st.sampled_from(sorted(ints)) | st.integers(0, 40)
    return ints_st if integer else ints_st | st.sampled_from(sorted(floats))


def _is_int(model: type, name: str) -> bool:
    return "int" in str(model.model_fields[name].annotation) and "float" not in str(
        model.model_fields[name].annotation)


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value, or None (unknown) one time in five."""
    return st.integers(0, 4).flatmap(lambda i: st.none() if i == 0 else values)


def _value(t: Any, model: type, name: str, on: dt.date, pack: Any) -> st.SearchStrategy[Any]:
    if t.kind == "enum":
        return _maybe(st.sampled_from(list(t.vocab)))
    if t.kind == "bool":
        return _maybe(st.booleans())
    if t.kind == "num":
        return _maybe(_numbers(pack, _is_int(model, name)))
    if t.kind == "str":
        return _maybe(st.sampled_from(STRS))
    if t.kind == "date":
        return _maybe(_dates_near(on))
    return st.none()


SKIP = {"id", "name", "kind", "year", "unit_id", "school_ids", "dossier_date"}


def _record(draw: Any, kind: str, model: type, table: dict[str, Any], on: dt.date, pack: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, t in table.get(kind, {}).items():
        if name in SKIP or name not in model.model_fields or t.kind in ("list", "record"):
            continue
        if draw(st.integers(0, 3)) > 0:  # usually drawn (None = unknown); else left out (model default)
            out[name] = draw(_value(t, model, name, on, pack))
    return out


def _inputs(draw: Any, pack: Any, kind: str, on: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (vkind, name), var in pack.variables.items():
        if vkind != kind or var.type.kind not in ("num", "bool", "str", "date") or not draw(st.booleans()):
            continue
        if var.type.kind == "date":
            value: Any = draw(st.none() | _dates_near(on).map(dt.date.isoformat))
        elif var.declared == "share":  # a share lies in [0, 1]; anything else is refused on input
            value = draw(_maybe(_numbers(pack, False).filter(lambda v: 0 <= v <= 1)))
        elif var.declared == "integer":  # a count: a whole number of at least 0, as the input check demands
            value = draw(_maybe(_numbers(pack, True)))
        else:
            value = draw(_value(var.type, models.Staff, "inputs", on, pack))
        out[name] = value
    return out


@st.composite
def _school(draw: Any, pack: Any, on: dt.date) -> School:
    units = []
    for u in range(draw(st.integers(0, 2))):
        year = _record(draw, "unit", models.UnitYear, YEAR_FIELDS, on, pack)
        units.append(Unit(id=f"u{u}", **_record(draw, "unit", models.Unit, ENTITY_FIELDS, on, pack),
                          years=[models.UnitYear(year=on.year, **year, inputs=_inputs(draw, pack, "unit", on))]
                          if draw(st.booleans()) else [], inputs=_inputs(draw, pack, "unit", on)))
    staff = []
    for i in range(draw(st.integers(1, 6))):
        years = []
        if draw(st.integers(0, 3)) > 0:  # usually a record for the evaluation year
            rec = _record(draw, "staff", models.StaffYear, YEAR_FIELDS, on, pack)
            years.append(StaffYear(year=on.year, **rec, inputs=_inputs(draw, pack, "staff", on)))
        if draw(st.booleans()):
            years.append(StaffYear(year=on.year - 1, rating=draw(st.sampled_from(list(models.Rating)))))
        unit = draw(st.sampled_from([None] + [u.id for u in units]))
        staff.append(Staff(id=f"p{i}", unit_id=unit, years=years, inputs=_inputs(draw, pack, "staff", on),
                           **_record(draw, "staff", models.Staff, ENTITY_FIELDS, on, pack)))
    school_year = _record(draw, "school", models.SchoolYear, YEAR_FIELDS, on, pack)
    return School(id="s", units=units or None, staff=staff, inputs=_inputs(draw, pack, "school", on),
                  years=[models.SchoolYear(year=on.year, **school_year)] if draw(st.booleans()) else [])


def _dates(pack: Any) -> list[dt.date]:
    """Evaluation dates around every regime and parameter boundary of the pack, and a few ordinary ones."""
    out = {dt.date(2023, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 2, 28)}
    for r in pack.rules:
        for d in (r.effective.start, r.effective.end):
            if d is not None and d.year >= 2000:
                out |= {d, d - dt.timedelta(days=1), d + dt.timedelta(days=1)}
    return sorted(out)


PACK_DIRS = sorted(p for p in (ROOT / "rules").iterdir() if p.is_dir() and any(p.glob("*.yaml")))


@pytest.fixture(scope="module", params=["synthetic"] + [p.name for p in PACK_DIRS])
def pack_and_backend(request: pytest.FixtureRequest, syn_pack):
    pack = syn_pack if request.param == "synthetic" else load_pack(ROOT / "rules" / request.param)
    backend = DurableBackend(pack)
    yield pack, backend
    backend.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_backend_equals_core_on_generated_facts(pack_and_backend, data: st.DataObject) -> None:
    pack, backend = pack_and_backend
    # Every rule is either run by the backend or reported with a reason: none silently skipped.
    assert {r for r, _ in backend.unsupported} | set(backend.supported) == {r.id for r in pack.rules}
    assert all(reason for _, reason in backend.unsupported)
    if not backend.supported:
        return  # nothing to compare for this pack (its rules all need the core); checked above
    on = data.draw(st.sampled_from(_dates(pack)), label="on")
    school = data.draw(_school(pack, on), label="school")
    core = core_outcomes(pack.evaluate([school], on), backend)
    ours = backend_outcomes(backend.evaluate([school], on))
    assert set(core) == set(ours)
    for key, verdicts in ours.items():
        assert not (isinstance(verdicts, tuple) and verdicts[0] == "error"), (key, verdicts)
        if isinstance(core[key], tuple):  # the core failed on a rule the backend does not run
            continue
        assert verdicts == core[key], key


def test_demo_fixture_equals_core(demo_pack, demo_facts) -> None:
    for on in (dt.date(2023, 6, 30), dt.date(2024, 1, 1), dt.date(2025, 12, 31)):
        with DurableBackend(demo_pack) as backend:
            ours = backend_outcomes(backend.evaluate(demo_facts, on))
            core = core_outcomes(demo_pack.evaluate(demo_facts, on), backend)
        assert ours == core
        # demo_a + 12 staff (truong_demo.yaml) and demo_b (truong_tong_hop.yaml, aggregates only)
        assert len(ours) == 14

