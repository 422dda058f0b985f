"""The qd11_2021 pack: structure, provenance of every value, effective dates, parameter overrides.

Expected values come from LEGAL_SOURCES §1 (the pack must carry them with the source's confidence),
not from the engine's output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from chuan_engine import Outcome, Provenance, load_facts, load_pack, read_parameter_file

ROOT = Path(__file__).resolve().parents[3]
PACK = ROOT / "rules" / "qd11_2021"
SUCCESSOR = Path(__file__).resolve().parent / "qd396_successor"
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
    assert h.version == "0.2.0"
    # LEGAL_SOURCES §8b: only the total of 55 is sourced; the split over the criteria is the pack's own.
    assert "việc chia 55 chỉ tiêu cho 6 tiêu chí" in h.description_vi and "pack's own" in h.description_en


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
    # The pack's own split (unsourced, LEGAL_SOURCES §8b): 6 + 14 + 10 + 9 + 8 + 8 = 55
    assert per_group == {"the_che": 6, "doi_ngu": 14, "dao_tao": 10, "nckh": 9, "van_hoa": 8, "co_so_vat_chat": 8}


ARTICLE = re.compile(r"^Tiêu chí (\d), chỉ tiêu (\d)\.(\d+) \(số thứ tự của gói, không phải số hiệu chính thức\)$")


def test_every_rule_is_cited_dated_and_bilingual(pack):
    assert len(pack.rules) == 55
    for r in pack.rules:
        assert r.id.startswith("qd11_2021.") and r.id.isascii()
        assert "11-QĐ/TW" in r.citation.document
        assert r.citation.article and ARTICLE.match(r.citation.article), r.citation.article
        # the article numbers are inferred: the note says where the criteria are and that NN is the pack's
        assert r.citation.note and "Chương II–III" in r.citation.note and "thứ tự của gói" in r.citation.note
        # LEGAL_SOURCES §8b: no page holding the indicators is known (the official-text page stops at Điều 3.1)
        assert r.citation.url is None, r.id
        assert r.effective.start == dt.date(2021, 5, 19)
        assert r.effective.end is None
        assert r.title_vi and r.title_en and r.title_vi != r.title_en
        assert r.wording_provenance is not Provenance.verified  # nothing of Chương II–III was read


def test_each_indicator_lives_in_one_file_numbered_within_its_criterion(pack):
    """rules/qd11_2021/<c>_<group>/NN_<rule>.yaml: the rule, its thresholds and the variables only it reads."""
    groups = [g.id for g in pack.header.groups]
    seen: dict[str, list[int]] = {}
    assert len(pack.rules) == 55
    for r in pack.rules:
        m = ARTICLE.match(r.citation.article or "")
        assert m, r.id
        crit, crit_again, number = int(m[1]), int(m[2]), int(m[3])
        assert crit == crit_again == groups.index(r.group) + 1, r.id
        path = Path(r.file)
        assert path.parent.name == f"{crit}_{r.group}", r.id
        assert path.name == f"{number:02d}_{r.id.removeprefix('qd11_2021.')}.yaml", r.id
        seen.setdefault(r.group, []).append(number)
        for level, name in r.thresholds.items():
            assert name == f"qd11.{r.id.removeprefix('qd11_2021.')}_{level}", (r.id, name)
            assert pack.parameters.base[name].file == r.file, name
        if r.measure is not None:
            assert pack.variables[("school", r.measure.text)].file == r.file, r.id
    # numbers run 1..n within each criterion, in the order of the report
    assert {g: nums for g, nums in seen.items()} == {g: list(range(1, len(nums) + 1)) for g, nums in seen.items()}
    assert len(seen) == 6
    # the only variable several indicators read is the lecturer list, kept at pack level
    shared = {name for (_, name), v in pack.variables.items() if Path(v.file).name == "00_chung.yaml"}
    assert shared == {"giang_vien"}


# The staff indicators of LEGAL_SOURCES §1b, REPORTED, with their level-1 values: seven in §1b, less the
# political-theory one, whose source is ambiguous and which §8b makes provisional.
REPORTED = {
    "qd11_2021.ty_le_giang_vien": ("qd11.ty_le_giang_vien_muc_1", 0.75),
    "qd11_2021.giang_vien_thac_si": ("qd11.giang_vien_thac_si_muc_1", 0.90),
    "qd11_2021.giang_vien_nghiep_vu_su_pham": ("qd11.giang_vien_nghiep_vu_su_pham_muc_1", 1.0),
    "qd11_2021.giang_vien_kinh_dien": ("qd11.giang_vien_kinh_dien_muc_1", 0.80),
    "qd11_2021.giang_vien_chinh": ("qd11.giang_vien_chinh_muc_1", 0.60),
    "qd11_2021.giang_vien_day_tich_cuc": ("qd11.giang_vien_day_tich_cuc_muc_1", 1.0),
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
    # §8b: the political-theory indicator (trung cấp, cao cấp after 7 years, "100%") is provisional,
    # wording and values, though its values are still those the source gives.
    llct_rule = pack.rule("qd11_2021.giang_vien_trinh_do_llct")
    assert llct_rule.wording_provenance is Provenance.provisional
    assert pack.rule_provenance(llct_rule, DOSSIER) is Provenance.provisional
    for name, value in (("qd11.giang_vien_trinh_do_llct_so_nam_cao_cap", 7), ("qd11.giang_vien_trinh_do_llct_muc_1", 1.0)):
        pv = pack.parameters.at(name, DOSSIER)
        assert (pv.value, pv.provenance) == (value, Provenance.provisional), name
        assert "§8b" in pv.source
    # Unit-leader standards, provincial research and facilities exist but their values were not found.
    for rid in ("qd11_2021.lanh_dao_khoa_phong", "qd11_2021.de_tai_cap_tinh", "qd11_2021.csvc_dap_ung"):
        assert pack.rule_provenance(pack.rule(rid), DOSSIER) is Provenance.provisional


def test_every_level2_value_is_provisional(pack):
    indicators = [r for r in pack.rules if r.kind == "indicator"]
    assert len(indicators) == 35
    for r in indicators:
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


# Not in force before 19/5/2021: YAML case in rules/qd11_2021/tests/truong_mau.yaml.


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
    assert r.gap["text_vi"].startswith("còn thiếu 5.000 m² đất")  # 5 000 m², written the Vietnamese way
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
