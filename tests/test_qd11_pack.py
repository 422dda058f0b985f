"""The qd11_2021 pack: structure, provenance of every value, effective dates, parameter overrides.

Expected values come from LEGAL_SOURCES §1 (the pack must carry them with the source's confidence),
not from the engine's output.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from chuan_engine import Outcome, Provenance, load_facts, load_pack, read_parameter_file

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "rules" / "qd11_2021"
SUCCESSOR = ROOT / "tests" / "packs" / "qd396_successor"
DOSSIER = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


def test_header_levels_groups_and_count(pack):
    h = pack.header
    assert h.id == "qd11_2021"
    assert [(lv.id, lv.label_vi) for lv in h.levels] == [("muc_1", "Chuẩn mức 1"), ("muc_2", "Chuẩn mức 2")]
    assert h.level_subjects == ["school"]
    assert h.expected_indicator_count == 55
    assert [g.id for g in h.groups] == ["the_che", "doi_ngu", "dao_tao", "nckh", "van_hoa", "co_so_vat_chat"]


def test_exactly_55_level1_indicators_spread_over_six_groups(pack):
    # Every rule is a school rule required at muc_1 (indicators have a muc_1 threshold; conditions
    # have no `levels:` restriction, so they are required at both levels).
    assert len(pack.rules) == 55
    for r in pack.rules:
        assert r.subject == "school"
        if r.kind == "indicator":
            assert "muc_1" in r.thresholds and "muc_2" in r.thresholds, r.id
        else:
            assert r.levels is None, r.id
    per_group = Counter(r.group for r in pack.rules)
    # 6 + 14 + 10 + 9 + 8 + 8 = 55
    assert per_group == {"the_che": 6, "doi_ngu": 14, "dao_tao": 10, "nckh": 9, "van_hoa": 8, "co_so_vat_chat": 8}


def test_every_rule_is_cited_dated_and_bilingual(pack):
    for r in pack.rules:
        assert r.id.startswith("qd11_2021.") and r.id.isascii()
        assert "11-QĐ/TW" in r.citation.document
        assert r.citation.article and "Chương II" in r.citation.article
        assert r.citation.note, f"{r.id}: the inferred article must be said in citation.note"
        assert r.effective.start == dt.date(2021, 5, 19)
        assert r.effective.end is None
        assert r.title_vi and r.title_en and r.title_vi != r.title_en
        assert r.wording_provenance is not Provenance.verified  # nothing of Chương II–III was read


# The seven staff indicators of LEGAL_SOURCES §1b, REPORTED, with their level-1 values.
REPORTED = {
    "qd11_2021.ty_le_giang_vien": ("qd11.ty_le_giang_vien_muc_1", 0.75),
    "qd11_2021.giang_vien_thac_si": ("qd11.ty_le_gv_thac_si_muc_1", 0.90),
    "qd11_2021.giang_vien_nghiep_vu_su_pham": ("qd11.ty_le_gv_su_pham_muc_1", 1.0),
    "qd11_2021.giang_vien_kinh_dien": ("qd11.ty_le_gv_kinh_dien_muc_1", 0.80),
    "qd11_2021.giang_vien_chinh": ("qd11.ty_le_gv_chinh_muc_1", 0.60),
    "qd11_2021.giang_vien_day_tich_cuc": ("qd11.ty_le_gv_tich_cuc_muc_1", 1.0),
    "qd11_2021.giang_vien_trinh_do_llct": ("qd11.ty_le_gv_llct_muc_1", 1.0),
}


def test_reported_indicators_carry_source_values_and_confidence(pack):
    reported = {r.id for r in pack.rules if r.wording_provenance is Provenance.reported}
    assert reported == set(REPORTED)
    for rid, (param, value) in REPORTED.items():
        rule = pack.rule(rid)
        assert rule.thresholds["muc_1"] == param
        pv = pack.parameters.at(param, DOSSIER)
        assert pv.value == pytest.approx(value)
        assert pv.provenance is Provenance.reported
        assert pack.rule_provenance(rule, DOSSIER) is Provenance.reported
    llct = pack.parameters.at("qd11.llct_cao_cap_sau_nam", DOSSIER)
    assert (llct.value, llct.provenance) == (7, Provenance.reported)
    # Unit-leader standards, provincial research and facilities exist but their values were not found.
    for rid in ("qd11_2021.lanh_dao_khoa_phong", "qd11_2021.de_tai_cap_tinh", "qd11_2021.csvc_dap_ung"):
        assert pack.rule_provenance(pack.rule(rid), DOSSIER) is Provenance.provisional


def test_every_level2_value_is_provisional(pack):
    for r in pack.rules:
        if r.kind == "indicator":
            assert pack.parameters.at(r.thresholds["muc_2"], DOSSIER).provenance is Provenance.provisional, r.id


def test_lecturer_based_shares_divide_by_lecturers(pack):
    # LEGAL_SOURCES §1c: "74.6% holding master's" divided by all staff; the rule divides by lecturers.
    var = pack.variables[("school", "ty_le_gv_thac_si")]
    assert var.formula is not None and var.formula.text.startswith("share(giang_vien,")
    assert pack.variables[("school", "giang_vien")].formula.text == "filter(staff, is_lecturer)"
    assert pack.variables[("school", "ty_le_giang_vien")].formula.text == "share(staff, is_lecturer)"


def test_evaluation_period_is_a_dated_reported_parameter(pack):
    pv = pack.parameters.at("qd11.eval_period_years", DOSSIER)
    assert (pv.value, pv.provenance, pv.start) == (5, Provenance.reported, dt.date(2021, 5, 19))
    assert "Điều 3.2" in pv.source


def test_not_in_force_before_19_may_2021(pack):
    facts = load_facts(ROOT / "fixtures" / "schools" / "cao_bang.yaml")
    report = pack.evaluate(facts, dt.date(2021, 5, 18))
    e = report.entity("cao_bang")
    assert {r.outcome for r in e.results} == {Outcome.not_applicable}


def test_successor_pack_with_later_start_coexists(pack):
    """A successor (stand-in for 396-QĐ/TW) sets its own `from`; qd11 is not edited and both load."""
    successor = load_pack(SUCCESSOR)
    facts = load_facts(ROOT / "fixtures" / "schools" / "nam_dinh.yaml")
    before, after = dt.date(2025, 6, 30), dt.date(2026, 6, 30)
    # Before the successor's start: its rule is not in force; qd11 evaluates as usual.
    s_before = successor.evaluate(facts, before).entity("nam_dinh")
    assert s_before.outcome("qd396_test.ty_le_giang_vien") is Outcome.not_applicable
    assert s_before.result("qd396_test.ty_le_giang_vien").reason == "not_in_force"
    # After: Nam Định has 35 lecturers of 45 staff = 77.8% < 80% (the stand-in's threshold) -> fail,
    # while qd11's 75% threshold is still passed on the same date (open-ended `to`).
    s_after = successor.evaluate(facts, after).entity("nam_dinh")
    assert s_after.outcome("qd396_test.ty_le_giang_vien") is Outcome.failed
    q_after = pack.evaluate(facts, after).entity("nam_dinh")
    assert q_after.outcome("qd11_2021.ty_le_giang_vien") is Outcome.passed
    assert pack.rule("qd11_2021.ty_le_giang_vien").effective.end is None


def test_params_file_corrects_a_provisional_value(pack, tmp_path):
    # A user who finds the real level-1 value of land area (say 25 000 m²) corrects it without editing
    # the pack. Cao Bằng declares 20 000 m² -> now fails, short by 25 000 - 20 000 = 5 000 m².
    f = tmp_path / "params.yaml"
    f.write_text("qd11.dien_tich_dat_muc_1: {value: 25000, source: 'văn bản gốc, Điều X'}\n", encoding="utf-8")
    corrected = pack.with_parameters(read_parameter_file(f))
    facts = load_facts(ROOT / "fixtures" / "schools" / "cao_bang.yaml")
    r = corrected.evaluate(facts, DOSSIER).entity("cao_bang").result("qd11_2021.dien_tich_dat")
    assert r.outcome is Outcome.failed
    # the threshold now comes from the user's file; the rule stays provisional (its wording is a guess)
    assert r.levels["muc_1"].threshold_provenance is Provenance.override
    assert r.provenance is Provenance.provisional
    assert r.gap["amount"] == pytest.approx(5000)
    assert r.gap["text_vi"].startswith("còn thiếu 5000 m² đất")
    # the pack itself is unchanged
    assert pack.parameters.at("qd11.dien_tich_dat_muc_1", DOSSIER).value == 20000


def test_every_indicator_is_increasing_in_its_measure(pack):
    # All 35 measured indicators are "at least" thresholds, declared monotone in the variable they measure,
    # and name what is missing (gap block) so the gap analysis can word it.
    indicators = [r for r in pack.rules if r.kind == "indicator"]
    assert len(indicators) == 35
    for r in indicators:
        assert r.op == ">=", r.id
        assert r.monotone_in == (r.measure.text,), r.id
        assert r.gap is not None and r.gap.noun_vi and r.gap.noun_en, r.id
