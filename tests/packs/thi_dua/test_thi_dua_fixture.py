"""Hand-computed titles for fixtures/thi_dua (one school, 8 units, 60 staff, 2021–2025).

Every expectation below was worked out from the law and the fixture script
(fixtures/thi_dua/_make.py), not copied from engine output. Legend: P eligible,
F not eligible, U undetermined (missing data). Versions of each rule thi_dua.<concept>: 2023 → Luật
2003/2013 + NĐ 91/2017; 2024 → Luật 06/2022 + NĐ 98/2023 + TT 01/2024; 2025 → the same version (NĐ 152/2025).

Generic staff ("cb_NN"): HTTNV every year, recruited 2012-09-01, no discipline, no initiative,
titles recorded [LĐTT] for 2021–2022 → LĐTT P, CSTĐCS F (old law: no initiative; new law:
HTTNV is not HTXSNV and no initiative), every higher title F.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[3]
P, F, U, NA = Outcome.passed, Outcome.failed, Outcome.unknown, Outcome.not_applicable

LDTT, CSCS, CSBO = "lao_dong_tien_tien", "chien_si_thi_dua_co_so", "chien_si_thi_dua_cap_bo"
BKBO, BKTTG = "bang_khen_cap_bo", "bang_khen_thu_tuong"
TTLDTT, TTLDXS = "tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac"


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT / "rules" / "thi_dua")


@pytest.fixture(scope="module")
def facts():
    return load_facts(ROOT / "fixtures" / "thi_dua")


@pytest.fixture(scope="module")
def reports(pack, facts):
    return {y: pack.evaluate(facts, dt.date(y, 12, 31)) for y in (2023, 2024, 2025)}


# (person, year, concept, expected, reasoning)
STAFF_EXPECTATIONS = [
    # --- regime switch, case 1: HTXSNV without initiative --------------------------------------
    ("cb_htxs_khong_sang_kien", 2023, LDTT, P, "HTXSNV >= HTTNV, recruited 2012 (>10 months), no discipline"),
    ("cb_htxs_khong_sang_kien", 2023, CSCS, F, "NĐ 91 Điều 9: needs an initiative/research; rating alone is not enough"),
    ("cb_htxs_khong_sang_kien", 2024, CSCS, P, "Luật 2022 Điều 23: LĐTT and HTXSNV suffices"),
    ("cb_htxs_khong_sang_kien", 2024, BKBO, F, "2 years HTXSNV (2023, 2024) but 0 initiatives, 0 research < 2"),
    # --- regime switch, case 2: hired 7 months before 31/12 ------------------------------------
    ("cb_moi_2023", 2023, LDTT, F, "recruited 2023-05-20: 7 months at 2023-12-31 < 10 (NĐ 91/2017)"),
    ("cb_moi_2024", 2024, LDTT, P, "recruited 2024-05-20: 7 months at 2024-12-31 >= 6 (TT 01/2024)"),
    ("cb_moi_2023", 2024, LDTT, P, "19 months at 2024-12-31 >= 6"),
    ("cb_moi_2024", 2023, LDTT, NA, "recruited 2024-05-20, after 2023: not yet staff, not applicable (issue 12; "
     "it used to read months_since = -5 < 10: fail)"),
    ("cb_moi_2024", 2025, LDTT, P, "19 months >= 6 (TT 15/2025 value, parameter provisional)"),
    # --- discipline ----------------------------------------------------------------------------
    ("cb_khien_trach_2023", 2023, LDTT, F, "khiển trách in 2023 >= khiển trách"),
    ("cb_khien_trach_2023", 2024, LDTT, P, "no discipline recorded in 2024"),
    ("cb_canh_cao_2024", 2023, LDTT, P, "HTTNV, no discipline in 2023"),
    ("cb_canh_cao_2024", 2024, LDTT, F, "rated HTNV and cảnh cáo in 2024"),
    ("cb_dang_xem_xet_2024", 2024, LDTT, F, "discipline review pending in 2024 (NĐ 98 Điều 4) although HTXSNV"),
    ("cb_dang_xem_xet_2024", 2024, CSCS, F, "needs @lao_dong_tien_tien"),
    ("cb_dang_xem_xet_2024", 2023, LDTT, P, "nothing pending in 2023"),
    # --- maternity leave counts as working time -----------------------------------------------
    ("cb_thai_san_2024", 2024, LDTT, P, "180 days maternity leave do not reduce working time; HTTNV"),
    # --- rated only HTNV ----------------------------------------------------------------------
    ("cb_tchc_htnv_1", 2024, LDTT, F, "HTNV < HTTNV"),
    ("cb_tchc_htnv_1", 2023, LDTT, P, "HTTNV in 2023"),
    # --- missing data -------------------------------------------------------------------------
    ("cb_thieu_du_lieu_2024", 2024, LDTT, U, "no 2024 record: rating, discipline, pending review unknown"),
    ("cb_thieu_du_lieu_2024", 2023, LDTT, P, "2023 record: HTTNV"),
    # --- streaks: CSTĐ cấp bộ -----------------------------------------------------------------
    ("cb_chuoi_cstd", 2023, CSCS, P, "LĐTT (HTXSNV) + SK-K1 (cơ sở, 2023)"),
    ("cb_chuoi_cstd", 2023, CSBO, P, "CSTĐCS 2021, 2022 (conferred, in titles) + 2023 (computed) = 3 >= 3; "
                                     "SK-K2 (bộ/tỉnh, 2022) within 2021–2023"),
    ("cb_chuoi_cstd", 2023, BKBO, P, "old NĐ 91 Điều 39 (provisional): HTXSNV 2021–2023 >= 2 years; "
                                     "initiatives 2022–2023: SK-K1, SK-K2 = 2 >= 2"),
    ("cb_chuoi_cstd", 2024, CSBO, P, "streak 2021–2024 = 4 >= 3 (2023 computed under the old law); SK-K2 in 2022–2024"),
    ("cb_chuoi_cstd", 2024, BKBO, F, "initiatives in 2023–2024: SK-K1 only = 1 < 2"),
    ("cb_khong_duoc_tang_2022", 2023, CSCS, P, "LĐTT + SK-L2 (bộ/tỉnh >= cơ sở, 2023)"),
    ("cb_khong_duoc_tang_2022", 2023, CSBO, F, "2022 titles recorded WITHOUT CSTĐCS: streak = 1 (2023) although "
                                               "2022 would compute as eligible (HTXSNV + SK-L1): titles win"),
    ("cb_khong_duoc_tang_2022", 2024, CSCS, F, "HTTNV and no 2024 initiative"),
    # --- initiatives and rewards --------------------------------------------------------------
    ("cb_sang_kien_da_dung", 2023, CSCS, P, "SK-F1 (2023) used_in_year 2023 is this very use: counted"),
    ("cb_sang_kien_da_dung", 2024, CSCS, P, "HTXSNV (new law)"),
    ("cb_sang_kien_da_dung", 2024, BKBO, F, "CSTĐCS 2023+2024 = 2, but SK-F1 was used in 2023 (CV 5007): "
                                            "only SK-F2 counts, 1 < 2"),
    ("cb_sang_kien_hai_noi", 2023, CSCS, P, "LĐTT + SK-G2 (2023)"),
    ("cb_sang_kien_hai_noi", 2023, BKBO, P, "HTXSNV 2022+2023 = 2; SK-G1 (2022) + SK-G2 (2023) = 2 — the ledger "
                                            "then flags SK-G2 as claimed twice"),
    ("cb_sang_kien_hai_noi", 2023, CSBO, F, "2022 titles [LĐTT] only: streak 1"),
    ("cb_bang_khen_2024", 2023, CSCS, F, "HTXSNV but no initiative in 2023 (old law)"),
    ("cb_bang_khen_2024", 2024, CSCS, P, "HTXSNV (new law)"),
    ("cb_bang_khen_2024", 2024, BKBO, P, "HTXSNV 2023+2024 = 2 years; SK-H1, SK-H2 (2024) = 2"),
    # --- Bằng khen Thủ tướng ------------------------------------------------------------------
    ("cb_qlkh_sk_1", 2023, CSCS, P, "LĐTT + SK-Q1 (2023)"),
    ("cb_qlkh_sk_1", 2023, CSBO, F, "streak 3 but no bộ/tỉnh-level initiative or research"),
    ("cb_qlkh_sk_1", 2023, BKTTG, F, "old law: needs 5 consecutive HTXSNV; 2023 is HTTNV"),
    ("cb_qlkh_sk_1", 2024, BKTTG, F, "rated >= HTTNV 2021–2024 = 4 years < 5"),
    ("cb_qlkh_sk_1", 2025, BKTTG, P, "BK cấp bộ 2021; >= HTTNV 2021–2025 = 5; CSTĐCS 2021, 2022 (titles), "
                                     "2023 (old law, SK-Q1), 2024 and 2025 (HTXSNV) = 5 >= 3"),
    ("cb_qlkh_sk_2", 2023, CSCS, P, "LĐTT + SK-Q2 (2023)"),
    ("cb_qlkh_sk_2", 2024, CSCS, F, "HTTNV, no 2024 initiative"),
    # --- generic ------------------------------------------------------------------------------
    ("cb_01", 2023, LDTT, P, "generic"),
    ("cb_01", 2023, CSCS, F, "generic: no initiative"),
    ("cb_01", 2024, CSCS, F, "generic: HTTNV is not HTXSNV"),
    ("cb_01", 2024, BKTTG, F, "no Bằng khen cấp bộ recorded"),
]


@pytest.mark.parametrize(("pid", "year", "concept", "expected", "why"), STAFF_EXPECTATIONS,
                         ids=[f"{p}-{y}-{c}" for p, y, c, _, _ in STAFF_EXPECTATIONS])
def test_staff_title(reports, pid, year, concept, expected, why):
    result = reports[year].entity(pid).result(concept)
    assert result.outcome is expected, f"{pid} {year} {concept}: {why}; explanation={result.explanation}"


# The version in force on 31/12 of the year: Luật 2003/2013 + NĐ 91/2017 from 01/10/2017 to 31/12/2023;
# Luật 06/2022 from 01/01/2024 (NĐ 152/2025 from 01/07/2025 does not change the text: same version in 2025).
VERSION_FROM = {2023: "2017-10-01", 2024: "2024-01-01", 2025: "2024-01-01"}


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_regime_in_force_answers(reports, year):
    for concept in (LDTT, CSCS, CSBO, TTLDTT):
        ent = "cb_01" if concept != TTLDTT else "khoa_llcs"
        res = reports[year].entity(ent).result(concept)
        assert (res.rule, res.effective_from) == (f"thi_dua.{concept}", VERSION_FROM[year])


# Units: (unit, year, concept, expected, arithmetic)
UNIT_EXPECTATIONS = [
    ("khoa_llcs", 2023, TTLDTT, P, "8/8 LĐTT > 50%; unit HTXSNV; no cảnh cáo"),
    ("khoa_llcs", 2023, TTLDXS, P, "unit HTXSNV; 8/8 >= HTNV; 8/8 = 100% >= 70%; CSTĐCS: Kiên, Lan; no cảnh cáo"),
    ("khoa_llcs", 2024, TTLDXS, P, "8/8 LĐTT; CSTĐCS: Kiên (HTXSNV)"),
    ("khoa_xdd", 2023, TTLDTT, P, "8/8 LĐTT"),
    ("khoa_xdd", 2023, TTLDXS, F, "no member is CSTĐCS in 2023: Hoa has HTXSNV but no initiative (old law)"),
    ("khoa_xdd", 2024, TTLDXS, P, "Hoa is CSTĐCS in 2024 on HTXSNV alone (new law) — regime switch at unit level"),
    ("khoa_nnpl", 2023, TTLDTT, P, "7/8 = 87.5% > 50% (Hải: khiển trách); khiển trách < cảnh cáo"),
    ("khoa_nnpl", 2024, TTLDTT, F, "7/8 LĐTT but Cường disciplined at cảnh cáo in 2024"),
    ("khoa_nnpl", 2023, TTLDXS, F, "unit rated HTTNV, not HTXSNV"),
    ("khoa_dan_van", 2023, TTLDTT, P, "members in 2023 exclude Thư (recruited 2024): 5/6 = 83% > 50% (Hà: new hire)"),
    ("khoa_dan_van", 2024, TTLDTT, P, "7/7 LĐTT (Hà 19 months, Thư 7 months >= 6)"),
    ("phong_dao_tao", 2024, TTLDTT, P, "6/7 = 85.7% > 50% (Bình: pending review is personal)"),
    ("phong_tchc", 2023, TTLDTT, P, "8/8 HTTNV"),
    ("phong_tchc", 2024, TTLDTT, F, "4/8 = 50%, not > 50% (4 rated HTNV)"),
    ("phong_qlkh", 2024, TTLDTT, U, "Khánh has no 2024 record: share and discipline unknown"),
    ("phong_qlkh", 2023, TTLDTT, P, "7/7 LĐTT"),
    ("phong_ke_toan", 2024, TTLDTT, P, "7/7 LĐTT"),
    ("khoa_llcs", 2024, "bang_khen_cap_bo_tap_the", P, "unit HTXSNV 2021–2024, no cảnh cáo (provisional rule)"),
    ("khoa_nnpl", 2024, "bang_khen_cap_bo_tap_the", F, "unit HTTNV"),
]


@pytest.mark.parametrize(("uid", "year", "concept", "expected", "why"), UNIT_EXPECTATIONS,
                         ids=[f"{u}-{y}-{c}" for u, y, c, _, _ in UNIT_EXPECTATIONS])
def test_unit_title(reports, uid, year, concept, expected, why):
    result = reports[year].entity(uid).result(concept)
    assert result.outcome is expected, f"{uid} {year} {concept}: {why}"


def test_school_flags(reports):
    # 2023: dan_dau_cum false → neither flag. 2024: leads cluster, exceeded targets, unity, HTXSNV.
    assert reports[2023].entity("tct_mau").outcome("co_thi_dua_cap_bo") is F
    assert reports[2024].entity("tct_mau").outcome("co_thi_dua_cap_bo") is P
    assert reports[2024].entity("tct_mau").outcome("co_thi_dua_chinh_phu") is P


def _find(step, prefix):
    """The first step of the explanation tree that is a call of ``prefix`` itself (not a comparison on it)."""
    if step.text.startswith(prefix) and step.text.endswith(")"):
        return step
    for c in step.children:
        hit = _find(c, prefix)
        if hit is not None:
            return hit
    return None


def test_streak_explanation_names_the_years(reports):
    res = reports[2023].entity("cb_chuoi_cstd").result(CSBO)
    step = _find(res.explanation, "streak(")
    assert step is not None and step.value == 3
    assert step.detail["years"] == [2021, 2022, 2023]
    broken = _find(reports[2023].entity("cb_khong_duoc_tang_2022").result(CSBO).explanation, "streak(")
    assert broken.value == 1 and broken.detail["years"] == [2023] and broken.detail["broken_by"] == 2022


def test_conferred_titles_take_precedence(pack, facts):
    """Without the 2022 titles record, Lan's 2022 CSTĐCS is computed (HTXSNV + SK-L1) and the streak reaches 3."""
    school = facts.schools[0]
    lan = next(p for p in school.staff if p.id == "cb_khong_duoc_tang_2022")
    years = [y.model_copy(update={"titles": None}) if y.year == 2022 else y for y in lan.years]
    lan2 = lan.model_copy(update={"years": years})
    staff = [lan2 if p.id == lan.id else p for p in school.staff]
    school2 = school.model_copy(update={"staff": staff})
    rep = pack.evaluate([school2], dt.date(2023, 12, 31))
    # 2021 title + 2022 computed (LĐTT, SK-L1 2022) + 2023 computed (SK-L2) = 3; SK-L2 is bộ/tỉnh level.
    assert rep.entity(lan.id).outcome(CSBO) is P


def test_missing_fact_is_unknown_not_fail(reports):
    res = reports[2024].entity("cb_thieu_du_lieu_2024").result(LDTT)
    assert res.outcome is U and res.missing


def test_provenance_follows_the_sources(reports):
    # 2023 LĐTT reads the pending-review block, RECALLED for NĐ 91/2017 → provisional.
    assert reports[2023].entity("cb_01").result(LDTT).provenance.value == "provisional"
    # NĐ 91/2017 Điều 9 (VERIFIED) is the wording of CSTĐCS 2023, but CSTĐCS reads @lao_dong_tien_tien, which is
    # provisional in 2023 (above): a rule is as sure as the rules it reads (LEGAL_SOURCES §8a.11), so CSTĐCS 2023 is
    # provisional. This test asserted "verified" before the correction: the wording alone, not what it rests on.
    assert reports[2023].entity("cb_01").result(CSCS).provenance.value == "provisional"
    # 2024: Điều 24.1 VERIFIED, TT 01/2024 new-hire limit REPORTED, but the reprimand exclusion is sourced only
    # for NĐ 91/2017 (≤ 2023): the 2024 version keeps it as provisional (changed by LEGAL_SOURCES §8a.9;
    # before: reported).
    assert reports[2024].entity("cb_01").result(LDTT).provenance.value == "provisional"
    # 2025: the 6-month limit under TT 15/2025 is unverified → provisional.
    assert reports[2025].entity("cb_01").result(LDTT).provenance.value == "provisional"


def test_failed_condition_says_why(reports):
    from chuan_engine.report.reasons import reasons

    why = reasons(reports[2024].entity("cb_canh_cao_2024").result(LDTT).explanation)
    assert why == ["rating >= 'hoan_thanh_tot' — rating = hoan_thanh"]
    why_unit = reasons(reports[2024].entity("khoa_nnpl").result(TTLDTT).explanation)
    assert why_unit == ["not any(members, discipline >= 'canh_cao') — any(members, discipline >= 'canh_cao') = True"]
    new_hire = reasons(reports[2023].entity("cb_moi_2023").result(LDTT).explanation)
    assert new_hire == ["months_since(recruited_on) >= $thi_dua.new_hire_months — "
                        "months_since(recruited_on) = 7, $thi_dua.new_hire_months = 10"]


def test_fixture_matches_its_generator():
    """The committed YAML is exactly what fixtures/thi_dua/_make.py produces (no hand edits)."""
    import importlib.util

    import yaml

    spec = importlib.util.spec_from_file_location("_make_thi_dua", ROOT / "fixtures" / "thi_dua" / "_make.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    committed = yaml.safe_load((ROOT / "fixtures" / "thi_dua" / "truong_chinh_tri_mau.yaml").read_text("utf-8"))
    assert committed == mod.build()
    school = committed["entities"][0]
    assert len(school["units"]) == 8 and len(school["staff"]) == 60


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_chaining_holds_for_everyone(reports, year):
    """CSTĐCS ⇒ LĐTT for every person; TTLĐXS ⇒ TTLĐTT under the old law (the pack's implications)."""
    for e in reports[year].entities:
        if e.kind == "staff" and e.outcome(CSCS) is P:
            assert e.outcome(LDTT) is P, e.id
        if e.kind == "unit" and year == 2023 and e.outcome(TTLDXS) is P:
            assert e.outcome(TTLDTT) is P, e.id
