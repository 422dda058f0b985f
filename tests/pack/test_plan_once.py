"""Rule-level meaning resolved once in the compiled plan, read by every evaluator.

Two small packs are written below.

Pack ``t`` (no levels, staff rules, conditions). Parameters:

    t.a_months  1 month;  provisional to 31/12/2023, verified from 01/01/2024
    t.b_months  1 month;  verified
    t.r_months  1 month;  reported

Rules, all with verified wording:

    t.a   months_since(recruited_on) >= $t.a_months
    t.b   @a and months_since(recruited_on) >= $t.b_months      reads rule a
    t.c   @b                                                     reads a through b
    t.ar  months_since(recruited_on) >= $t.r_months
    t.r   @ar                                                    reads a rule resting on a reported value
    t.v   lau_nam              (variable: months_since(recruited_on) >= $t.a_months)
    t.w   la_a                 (variable: @a)

A rule is as sure as its wording, the parameters it reads and the rules it reads, in the versions and
values in force on the date (LEGAL_SOURCES §8a.11). By hand:

    31/12/2023: a = weakest(verified, provisional) = provisional; b = weakest(verified, verified, a) = provisional
                (before the correction: verified, its own wording and parameter only); c = b = provisional;
                ar = weakest(verified, reported) = reported; r = reported; v = provisional (the variable's
                parameter); w = a = provisional.
    31/12/2024: t.a_months is verified, so a, b, c, v, w are verified; ar and r stay reported.

Staff member s1 was recruited 01/01/2010 (far more than 1 month before either date): every rule passes.

Pack ``g`` (levels muc_1 < muc_2 < muc_3, one school indicator ``diem >= threshold``):

    t.x  thresholds {muc_1: g.p1, muc_3: g.p3}: muc_2 carries g.p1 forward
    t.y  thresholds {muc_2: g.p2}: no threshold at muc_1 (not applicable there), muc_3 carries g.p2

with g.p1 = 5 (provisional), g.p2 = 7 (verified), g.p3 = 9 (verified). School k has diem = 8.
By hand: x: muc_1 8 >= 5 pass, muc_2 8 >= 5 pass, muc_3 8 >= 9 fail; y: muc_1 n/a, muc_2 8 >= 7 pass,
muc_3 8 >= 7 pass. Levels: muc_1 pass (x only), muc_2 pass, muc_3 fail (x) → verdict dat_muc_2.
Provenance reads the base threshold: x → g.p1 provisional; y → g.p2 verified (rule wording verified).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from chuan_engine import School, load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.lang.ops import EPS, GapShape
from chuan_engine.pack.plan import DEFAULT_LEVEL
from chuan_engine.pack.spec import Level
from chuan_engine.report.verdict import level_status, level_verdict

ROOT = Path(__file__).resolve().parents[2]

T_PACK = """\
pack: {id: t, version: "0.1", title_vi: Thử nguồn gốc, title_en: Provenance test}
parameters:
  t.a_months:
    label_vi: Số tháng (a)
    label_en: Months (a)
    unit: months
    values:
      - {from: 2017-01-01, to: 2023-12-31, value: 1, source: thử, provenance: provisional}
      - {from: 2024-01-01, value: 1, source: thử, provenance: verified}
  t.b_months:
    label_vi: Số tháng (b)
    label_en: Months (b)
    unit: months
    values: [{from: 2017-01-01, value: 1, source: thử, provenance: verified}]
  t.r_months:
    label_vi: Số tháng (r)
    label_en: Months (r)
    unit: months
    values: [{from: 2017-01-01, value: 1, source: thử, provenance: reported}]
variables:
  lau_nam: {subject: staff, label_vi: Lâu năm, label_en: Long serving,
            formula: "months_since(recruited_on) >= $t.a_months"}
  la_a: {subject: staff, label_vi: Đạt a, label_en: Meets a, formula: "@a"}
rules:
"""

T_RULES = {
    "a": "months_since(recruited_on) >= $t.a_months",
    "b": "@a and months_since(recruited_on) >= $t.b_months",
    "c": "@b",
    "ar": "months_since(recruited_on) >= $t.r_months",
    "r": "@ar",
    "v": "lau_nam",
    "w": "la_a",
}


def _rule(rid: str, condition: str) -> str:
    return (f"  - id: t.{rid}\n    concept: {rid}\n    title_vi: Quy tắc {rid}\n    title_en: Rule {rid}\n"
            f"    subject: staff\n    citation: {{document: Thử, article: Điều 1}}\n"
            f"    effective: {{from: 2017-01-01}}\n    provenance: verified\n    kind: condition\n"
            f"    condition: \"{condition}\"\n")


G_PACK = """\
pack:
  id: g
  version: "0.1"
  title_vi: Thử mức
  title_en: Levels test
  levels:
    - {id: muc_1, label_vi: Mức 1, label_en: Level 1}
    - {id: muc_2, label_vi: Mức 2, label_en: Level 2}
    - {id: muc_3, label_vi: Mức 3, label_en: Level 3}
parameters:
  g.p1: {label_vi: Ngưỡng 1, label_en: Threshold 1, unit: count,
         values: [{from: 2017-01-01, value: 5, source: thử, provenance: provisional}]}
  g.p2: {label_vi: Ngưỡng 2, label_en: Threshold 2, unit: count,
         values: [{from: 2017-01-01, value: 7, source: thử, provenance: verified}]}
  g.p3: {label_vi: Ngưỡng 3, label_en: Threshold 3, unit: count,
         values: [{from: 2017-01-01, value: 9, source: thử, provenance: verified}]}
variables:
  diem: {subject: school, type: number, label_vi: Điểm, label_en: Score}
rules:
  - id: g.x
    title_vi: Điểm x
    title_en: Score x
    subject: school
    citation: {document: Thử, article: Điều 1}
    effective: {from: 2017-01-01}
    provenance: verified
    kind: indicator
    measure: diem
    op: ">="
    thresholds: {muc_1: g.p1, muc_3: g.p3}
  - id: g.y
    title_vi: Điểm y
    title_en: Score y
    subject: school
    citation: {document: Thử, article: Điều 2}
    effective: {from: 2017-01-01}
    provenance: verified
    kind: indicator
    measure: diem
    op: ">="
    thresholds: {muc_2: g.p2}
"""

ON_2023, ON_2024 = dt.date(2023, 12, 31), dt.date(2024, 12, 31)
EXPECTED = {  # by hand, see the module docstring
    ON_2023: {"a": "provisional", "b": "provisional", "c": "provisional", "ar": "reported", "r": "reported",
              "v": "provisional", "w": "provisional"},
    ON_2024: {"a": "verified", "b": "verified", "c": "verified", "ar": "reported", "r": "reported",
              "v": "verified", "w": "verified"},
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "pack.yaml").write_text(text, encoding="utf-8")
    return d


@pytest.fixture
def t_pack(tmp_path: Path):
    return load_pack(_write(tmp_path, "t", T_PACK + "".join(_rule(k, v) for k, v in T_RULES.items())))


@pytest.fixture
def g_pack(tmp_path: Path):
    return load_pack(_write(tmp_path, "g", G_PACK))


def _school(sid: str) -> dict:
    return {"id": sid, "name": sid, "staff": [{"id": "s1", "recruited_on": dt.date(2010, 1, 1),
                                                "years": [{"year": 2023, "rating": "hoan_thanh_tot"},
                                                          {"year": 2024, "rating": "hoan_thanh_tot"}]}]}


# -- provenance: a rule is as sure as the rules it reads --------------------------------------------
def test_the_plan_compiles_what_each_rule_rests_on(t_pack) -> None:
    basis = {r.id.split(".")[1]: r.basis for r in t_pack.rules}
    assert basis["b"].rules == {"a"} and basis["b"].params == {"t.b_months"}
    assert basis["c"].rules == {"b"} and basis["c"].params == set()
    assert basis["v"].params == {"t.a_months"}  # read through the variable lau_nam
    assert basis["w"].rules == {"a"}  # read through the variable la_a


@pytest.mark.parametrize("on", [ON_2023, ON_2024])
def test_rule_provenance_includes_the_rules_read(t_pack, on: dt.date) -> None:
    got = {r.id.split(".")[1]: t_pack.rule_provenance(r, on).value for r in t_pack.rules_on(on)}
    assert got == EXPECTED[on]


@pytest.mark.parametrize("on", [ON_2023, ON_2024])
def test_report_and_batch_show_the_same_provenance(t_pack, on: dt.date) -> None:
    report = t_pack.evaluate([School(**_school("k"))], on)
    staff = report.entity("s1")
    assert {r.rule.split(".")[1]: r.outcome.value for r in staff.results} == {k: "pass" for k in T_RULES}
    assert {r.rule.split(".")[1]: r.provenance.value for r in staff.results} == EXPECTED[on]
    frames = {"schools": pd.DataFrame([{"school_id": "k", "name": "k", "on": on}]),
              "staff": pd.DataFrame([{"school_id": "k", "staff_id": "s1", "recruited_on": dt.date(2010, 1, 1)}]),
              "staff_years": pd.DataFrame([{"school_id": "k", "staff_id": "s1", "year": y, "rating": "hoan_thanh_tot"}
                                           for y in (2023, 2024)])}
    out = evaluate_batch(t_pack, frames, on=on)
    rows = out.results[out.results.kind == "staff"]
    assert {r.split(".")[1]: p for r, p in zip(rows.rule, rows.provenance, strict=True)} == EXPECTED[on]
    assert set(rows.outcome) == {"pass"}


def test_thi_dua_cstd_co_so_rests_on_the_provisional_ldtt() -> None:
    # LEGAL_SOURCES §8a.11: CSTĐ cơ sở (wording verified, Luật 2003 regime) reads LĐTT, whose parameter
    # thi_dua.chan_khi_dang_xem_xet_ky_luat is provisional until 2023: CSTĐ cơ sở is provisional, not verified.
    pack = load_pack(ROOT / "rules" / "thi_dua")
    on = dt.date(2023, 12, 31)
    cstd = pack.version_on("thi_dua.chien_si_thi_dua_co_so", on)
    ldtt = pack.version_on("thi_dua.lao_dong_tien_tien", on)
    assert cstd is not None and ldtt is not None
    assert pack.parameters.at("thi_dua.chan_khi_dang_xem_xet_ky_luat", on).provenance.value == "provisional"
    assert "thi_dua.chan_khi_dang_xem_xet_ky_luat" in ldtt.basis.params
    assert cstd.wording_provenance.value == "verified"
    assert pack.rule_provenance(cstd, on).value == "provisional"


# -- levels: carry-forward and the fake level, resolved once ------------------------------------------
def test_thresholds_are_carried_forward_once_in_the_plan(g_pack) -> None:
    x, y = g_pack.rule("g.x"), g_pack.rule("g.y")
    assert x.level_thresholds == (("muc_1", "g.p1"), ("muc_2", "g.p1"), ("muc_3", "g.p3"))
    assert y.level_thresholds == (("muc_1", None), ("muc_2", "g.p2"), ("muc_3", "g.p2"))
    assert (x.base_level, y.base_level) == ("muc_1", "muc_2")
    assert y.threshold_levels == ("muc_2", "muc_3")
    assert g_pack.level_keys == ("muc_1", "muc_2", "muc_3")


def test_a_pack_without_levels_has_the_one_default_level(t_pack) -> None:
    assert t_pack.level_keys == (DEFAULT_LEVEL,) == ("default",)
    assert t_pack.rule("t.a").level_thresholds == (("default", None),)
    report = t_pack.evaluate([School(**_school("k"))], ON_2024)
    assert list(report.entity("s1").result("t.a").levels) == ["default"]


def test_levels_explained_and_batch_agree_by_hand(g_pack) -> None:
    report = g_pack.evaluate([School(id="k", name="k", inputs={"diem": 8})], ON_2024)
    e = report.entity("k")
    x, y = e.result("g.x"), e.result("g.y")
    assert {lv: (lr.outcome.value, lr.threshold) for lv, lr in x.levels.items()} == {
        "muc_1": ("pass", 5), "muc_2": ("pass", 5), "muc_3": ("fail", 9)}
    assert {lv: (lr.outcome.value, lr.threshold) for lv, lr in y.levels.items()} == {
        "muc_1": ("not_applicable", None), "muc_2": ("pass", 7), "muc_3": ("pass", 7)}
    assert (x.threshold, x.margin, y.threshold, y.margin) == (5, 3, 7, 1)  # base levels muc_1 and muc_2
    assert (x.provenance.value, y.provenance.value) == ("provisional", "verified")
    assert (e.summary["verdict"], e.summary["level_reached"]) == ("dat_muc_2", "muc_2")
    frames = {"schools": pd.DataFrame([{"school_id": "k", "name": "k", "on": ON_2024, "diem": 8}])}
    out = evaluate_batch(g_pack, frames, on=ON_2024)
    res = out.results.set_index("rule")
    assert (res.loc["g.x", "level_muc_2"], res.loc["g.x", "level_muc_3"]) == ("pass", "fail")
    assert (res.loc["g.y", "level_muc_1"], res.loc["g.y", "level_muc_2"]) == ("not_applicable", "pass")
    assert list(res.provenance[["g.x", "g.y"]]) == ["provisional", "verified"]
    s = out.summary.iloc[0]
    assert (s.verdict, s.level_reached, s.verdict_text) == ("dat_muc_2", "muc_2", "đạt mức 2")


# -- the verdict, one function for the report and the batch ------------------------------------------
LEVELS = [Level(id="muc_1", label_vi="Mức 1", label_en="Level 1"),
          Level(id="muc_2", label_vi="Mức 2", label_en="Level 2"),
          Level(id="muc_3", label_vi="Mức 3", label_en="Level 3")]


@pytest.mark.parametrize(("status", "code", "reached"), [
    ({"muc_1": "pass", "muc_2": "fail", "muc_3": "pass"}, "dat_muc_1", "muc_1"),  # muc_3 needs muc_2 first
    ({"muc_1": "pass", "muc_2": "pass", "muc_3": "pass"}, "dat_muc_3", "muc_3"),
    ({"muc_1": "fail", "muc_2": "pass", "muc_3": "pass"}, "chua_dat", None),
    ({"muc_1": "unknown", "muc_2": "fail", "muc_3": "pass"}, "chua_du_du_lieu", None),
])
def test_level_verdict_by_hand(status: dict[str, str], code: str, reached: str | None) -> None:
    v = level_verdict(LEVELS, status)
    assert (v.code, v.reached.id if v.reached else None) == (code, reached)


def test_level_status_fail_before_unknown() -> None:
    assert [level_status(1, 1), level_status(0, 2), level_status(0, 0)] == ["fail", "unknown", "pass"]


# -- the tolerance and the measure's shape ---------------------------------------------------------
def test_one_tolerance_and_the_shape_compiled_once(g_pack) -> None:
    import chuan_engine.batch.rules as batch_rules
    import chuan_engine.policy.quotas as quotas
    import chuan_engine.report.outcome as outcome

    assert batch_rules.EPS is quotas.EPS is outcome.EPS is EPS == 1e-9
    shape = g_pack.rule("g.x").shape
    assert shape is not None and shape.kind is GapShape.VALUE and shape.text == "diem"
    demo = load_pack(ROOT / "rules" / "demo")
    # demo's lecturer_share is share(staff, is_lecturer): the operator table gives share
    assert demo.rule("demo.ty_le_giang_vien").shape.kind is GapShape.SHARE
