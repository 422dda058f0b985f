"""Verdicts of the six school fixtures under qd11_2021, computed BY HAND from the fixture numbers.

Fixture numbers are the COUNTS/INPUTS in fixtures/schools/_make.py; thresholds are the pack's
(level 1 / level 2):
  staff:    lecturers/staff 75/80%; of LECTURERS: master's 90/95%, pedagogy 100/100%, classics 80/90%,
            senior grade 60/70%, active+demo teaching 100/100%, LLCT 100/100%, permanent 70/80%,
            doctorate 10/20%, language+IT 90/100%, teaching load 90/100%; leaders 100/100%;
            field study (input) 90/100%.
  training: targets 100/100%, full-time classes 1/2, surveyed classes 80/100%, good graduates 70/80%,
            IT lectures 80/90%, refresher classes 10/15.
  research: provincial topics in 5 years 3/5, grassroots topics 10/20, lecturers in research 80/100%,
            seminars 5/10, bulletin issues 2/4, articles per lecturer 1/2, practice reviews 2/4, books 1/3.
  culture:  code followed 100/100%, model practices 1/3.
  facilities: land 20000/30000 m², classrooms 10/15, boarding 150/250, titles 5000/10000, equipped 80/100%.
"Vượt chuẩn" = passes level 1 with a strictly positive margin (conditions never exceed).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chuan_engine import Outcome, load_facts

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS = ROOT / "fixtures" / "schools"
DOSSIER = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def pack(qd11_pack):
    return qd11_pack


@pytest.fixture(scope="module")
def report(qd11_report):
    return qd11_report


def _failing(e, level="muc_1"):
    return set(e.summary["levels"][level]["failing"])


def _unknown(e, level="muc_1"):
    return set(e.summary["levels"][level]["undetermined"])


def test_six_schools_named_after_the_seed_provinces(report):
    provinces = {e.id for e in report.entities}
    assert provinces == {"thanh_hoa", "ha_tinh", "nam_dinh", "lai_chau", "binh_phuoc", "cao_bang"}
    for f in SCHOOLS.glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if "staff" in data:
            assert 40 <= len(data["staff"]) <= 120, f.name


def test_fixtures_are_reproducible_from_make_script(tmp_path):
    """The committed YAML is exactly what _make.py writes (so the counts in the comments hold)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("qd11_make", SCHOOLS / "_make.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    for seed, school in enumerate(mod.SCHOOLS):
        assert mod.render(school, seed) == (SCHOOLS / f"{school['id']}.yaml").read_text(encoding="utf-8")


def test_thanh_hoa_reaches_level_2(report):
    e = report.entity("thanh_hoa")
    s = e.summary
    # Roster 110 staff, 90 lecturers: 90/110 = 81.8% >= 80%; master's 88/90 = 97.8% >= 95%;
    # doctorate 20/90 = 22.2% >= 20%; classics 85/90 = 94.4% >= 90%; senior 66/90 = 73.3% >= 70%;
    # permanent 78/90 = 86.7% >= 80%; all other staff shares 90/90; inputs all at or above level 2
    # (6 provincial topics 2021-2025 >= 5; 22 grassroots >= 20; articles 200/90 = 2.22 >= 2; ...).
    assert s["verdict"] == "dat_muc_2"
    assert s["verdict_vi"] == "đạt chuẩn mức 2"
    assert s["levels"]["muc_1"]["passed"] == 55 and s["levels"]["muc_2"]["passed"] == 55
    # Vượt chuẩn at level 1 (strictly above): staff 9 (lecturer share, master's, classics, senior,
    # permanent, doctorate, field study 100>90, language 100>90, load 100>90; the four 100%-threshold
    # shares cannot exceed); training 6 (targets 105% > 100%, 3 > 1 classes, 100 > 80, 85 > 70,
    # 95 > 80, 20 > 10); research 8 (all above); culture 1 (models 4 > 1; code 100% = 100%);
    # facilities 5. 9 + 6 + 8 + 1 + 5 = 29; institutions 0 (review 100% = 100%).
    assert s["exceeded"] == 29
    assert s["headline_vi"] == "đạt 55/55 chỉ tiêu chuẩn mức 1, 29 vượt chuẩn"
    assert s["groups"]["doi_ngu"]["exceeded"] == 9 and s["groups"]["the_che"]["exceeded"] == 0


def test_ha_tinh_level_1_with_20_above_standard(report):
    e = report.entity("ha_tinh")
    s = e.summary
    assert s["verdict"] == "dat_muc_1"
    assert s["headline_vi"] == "đạt 55/55 chỉ tiêu chuẩn mức 1, 20 vượt chuẩn"
    # Staff above level 1: 62/80 = 77.5% > 75; 57/62 = 91.9% > 90; classics 52/62 = 83.9% > 80;
    # senior 40/62 = 64.5% > 60; permanent 50/62 = 80.6% > 70; doctorate 8/62 = 12.9% > 10;
    # field study 95% > 90; language 58/62 = 93.5% > 90; load 62/62 > 90 -> 9.
    # Training: surveyed 90 > 80, good 75 > 70, refresher 12 > 10 -> 3.
    # Research: grassroots 12 > 10, lecturers 85 > 80, seminars 6 > 5, articles 70/62 = 1.13 > 1 -> 4.
    # Culture: models 2 > 1 -> 1. Facilities: land 25000, classrooms 12, titles 8000 -> 3. Total 20.
    assert s["groups"]["doi_ngu"]["exceeded"] == 9
    assert s["groups"]["dao_tao"]["exceeded"] == 3
    assert s["groups"]["nckh"]["exceeded"] == 4
    assert s["groups"]["van_hoa"]["exceeded"] == 1
    assert s["groups"]["co_so_vat_chat"]["exceeded"] == 3
    # Level 2 not reached: 26 indicators below their level-2 values
    # (staff 7: lecturer share, master's, classics, senior, doctorate, field study, language;
    #  training 5; research 8; culture 1 (models 2 < 3); facilities 5) -> 55 - 26 = 29 met.
    assert s["levels"]["muc_2"]["failed"] == 26 and s["levels"]["muc_2"]["passed"] == 29
    assert "qd11_2021.giang_vien_co_huu" not in _failing(e, "muc_2")  # 80.6% >= 80%


def test_evaluation_window_excludes_old_research(report, pack):
    e = report.entity("ha_tinh")
    r = e.result("qd11_2021.de_tai_cap_tinh")
    # Ha Tinh's provincial topics: 2021, 2023, 2024 (in the window 2021-2025 for a dossier dated
    # 30/6/2025: 2025 - 5 < year <= 2025) and 2018, 2019, 2020 (outside). Counted: 3, not 6.
    assert r.value == 3
    assert r.levels["muc_1"].outcome is Outcome.passed
    # Were the old ones counted, 6 >= 5 would wrongly meet level 2.
    assert r.levels["muc_2"].outcome is Outcome.failed
    # Grassroots: 12 in the window, 2017/2018/2020 excluded.
    assert e.result("qd11_2021.de_tai_co_so").value == 12
    # Evaluated with a dossier dated 30/6/2024 the window is 2020-2024: 2020, 2021, 2023, 2024 -> 4.
    earlier = pack.evaluate(load_facts(SCHOOLS / "ha_tinh.yaml"), dt.date(2024, 6, 30)).entity("ha_tinh")
    assert earlier.result("qd11_2021.de_tai_cap_tinh").value == 4


def test_nam_dinh_fails_two_indicators_by_one_lecturer_each(report):
    e = report.entity("nam_dinh")
    s = e.summary
    # 35 lecturers of 45 staff. Master's 31/35 = 88.57% < 90%; senior grade 20/35 = 57.14% < 60%.
    assert s["verdict"] == "chua_dat"
    assert _failing(e) == {"qd11_2021.giang_vien_thac_si", "qd11_2021.giang_vien_chinh"}
    # Above the standard: lecturer share 77.8%, permanent 25/35 = 71.4%, doctorate 4/35 = 11.4%,
    # language 32/35 = 91.4%, load 32/35 = 91.4% -> 5; everything else exactly at level 1.
    assert s["headline_vi"] == "đạt 53/55 chỉ tiêu chuẩn mức 1, 5 vượt chuẩn"
    master = e.result("qd11_2021.giang_vien_thac_si")
    assert master.value == pytest.approx(31 / 35)
    assert master.margin == pytest.approx(31 / 35 - 0.9)
    # convert: ceil(0.9*35 - 31) = ceil(0.5) = 1 -> 32/35 = 91.4%
    assert master.gap["amount"] == 1 and master.gap["mode"] == "convert"
    assert master.gap["text_vi"].startswith("cần thêm 1 giảng viên có trình độ thạc sĩ trở lên")
    senior = e.result("qd11_2021.giang_vien_chinh")
    # convert: 0.6*35 = 21 -> 21 - 20 = 1 -> 21/35 = 60.0% (exactly meets)
    assert senior.gap["amount"] == 1
    assert senior.gap["after"] == pytest.approx(0.6)


def test_denominators_are_lecturers_not_all_staff(report):
    e = report.entity("nam_dinh")
    step = next(c for c in e.result("qd11_2021.giang_vien_thac_si").explanation.children
                if c.text == "ty_le_gv_thac_si")
    # numerator/denominator of the share: 31 of the 35 LECTURERS (not of the 45 staff).
    assert (step.detail["numerator"], step.detail["denominator"]) == (31, 35)
    staff_step = next(c for c in e.result("qd11_2021.ty_le_giang_vien").explanation.children
                      if c.text == "ty_le_giang_vien")
    assert (staff_step.detail["numerator"], staff_step.detail["denominator"]) == (35, 45)
    # Leaders: 5 lecturer heads + 3 department heads = 8 managers.
    lead = next(c for c in e.result("qd11_2021.lanh_dao_khoa_phong").explanation.children
                if c.text == "ty_le_lanh_dao_dat_chuan")
    assert (lead.detail["numerator"], lead.detail["denominator"]) == (8, 8)


def test_lai_chau_fails_many(report):
    e = report.entity("lai_chau")
    s = e.summary
    expected = {
        # staff (10): 28/40 = 70% < 75; master's 22/28 = 78.6%; pedagogy 25/28; classics 20/28 = 71.4%;
        # senior 12/28 = 42.9%; LLCT 26/28 (two lecturers with 9 years still at intermediate level);
        # leaders 6/8 (two department heads with a bachelor's degree); doctorate 1/28 = 3.6%;
        # field study 80% < 90; language 24/28 = 85.7%.
        "qd11_2021.ty_le_giang_vien", "qd11_2021.giang_vien_thac_si", "qd11_2021.giang_vien_nghiep_vu_su_pham",
        "qd11_2021.giang_vien_kinh_dien", "qd11_2021.giang_vien_chinh", "qd11_2021.giang_vien_trinh_do_llct",
        "qd11_2021.lanh_dao_khoa_phong", "qd11_2021.giang_vien_tien_si", "qd11_2021.giang_vien_thuc_te",
        "qd11_2021.giang_vien_ngoai_ngu_tin_hoc",
        # institutions (1): no approved job-position scheme
        "qd11_2021.de_an_vi_tri_viec_lam",
        # training (4): 0 full-time classes, 65% good graduates, 8 refresher classes, no textbooks
        "qd11_2021.lop_trung_cap_tap_trung", "qd11_2021.hoc_vien_kha_gioi", "qd11_2021.lop_boi_duong",
        "qd11_2021.giao_trinh_tai_lieu",
        # research (4): 1 provincial topic in the window (the 2019 one is out), 6 grassroots,
        # 3 seminars, 20 articles / 28 lecturers = 0.71
        "qd11_2021.de_tai_cap_tinh", "qd11_2021.de_tai_co_so", "qd11_2021.hoi_thao_toa_dam",
        "qd11_2021.bai_bao_binh_quan",
        # culture (1): no model practice
        "qd11_2021.mo_hinh_dien_hinh",
        # facilities (6): 15000 m², 8 classrooms, 100 places, 4000 titles, 60% equipped, no IT system
        "qd11_2021.dien_tich_dat", "qd11_2021.phong_hoc", "qd11_2021.cho_o_noi_tru", "qd11_2021.dau_sach_thu_vien",
        "qd11_2021.phong_hoc_thiet_bi", "qd11_2021.ha_tang_cntt",
    }
    assert len(expected) == 26
    assert _failing(e) == expected
    assert s["verdict"] == "chua_dat"
    # 55 - 26 = 29 met; above: permanent 20/28 = 71.4% > 70, load 26/28 = 92.9% > 90 -> 2.
    assert s["headline_vi"] == "đạt 29/55 chỉ tiêu chuẩn mức 1, 2 vượt chuẩn"
    assert s["groups"]["co_so_vat_chat"]["fail"] == 6 and s["groups"]["doi_ngu"]["fail"] == 10


def test_binh_phuoc_missing_evidence_is_undetermined_not_failed(report):
    e = report.entity("binh_phuoc")
    s = e.summary
    # Missing: classics certificate of 3 lecturers; acceptance of the 2025 provincial topic; land area;
    # the complaints figure (null). Nothing fails, so the verdict is "chưa đủ dữ liệu", never "chưa đạt".
    assert _failing(e) == set()
    assert _unknown(e) == {"qd11_2021.giang_vien_kinh_dien", "qd11_2021.de_tai_cap_tinh",
                           "qd11_2021.dien_tich_dat", "qd11_2021.khong_don_thu"}
    assert s["verdict"] == "chua_du_du_lieu" and s["verdict_vi"] == "chưa đủ dữ liệu"
    # Above: 46/60 = 76.7%, 42/46 = 91.3%, senior 28/46 = 60.9%, permanent 33/46 = 71.7%,
    # doctorate 5/46 = 10.9%, language 42/46 = 91.3%, load 46/46 -> 7.
    assert s["headline_vi"] == "đạt 51/55 chỉ tiêu chuẩn mức 1, 7 vượt chuẩn, 4 chưa đủ dữ liệu"
    classics = e.result("qd11_2021.giang_vien_kinh_dien")
    assert classics.outcome is Outcome.unknown and classics.value is None
    # the missing facts are named down to the roster field: 3 lecturers without a classics record
    assert classics.missing == ["school.ty_le_gv_kinh_dien: classics_cert (3)"]
    assert "accepted (1)" in e.result("qd11_2021.de_tai_cap_tinh").missing[0]
    assert any("dien_tich_dat_m2" in m for m in e.result("qd11_2021.dien_tich_dat").missing)


def test_cao_bang_aggregate_mirrors_the_appraisal(report):
    e = report.entity("cao_bang")
    s = e.summary
    # Aggregate figures only (no roster). LEGAL_SOURCES §1c: lecturers 89.9% of staff, "vượt 14.9%".
    lect = e.result("qd11_2021.ty_le_giang_vien")
    assert lect.value == pytest.approx(0.899)
    assert lect.margin == pytest.approx(0.149)  # 0.899 - 0.75
    assert e.result("qd11_2021.giang_vien_thac_si").value == pytest.approx(0.91)
    # 55/55; above: lecturer share, master's 91 > 90, classics 85 > 80, senior 62 > 60, permanent 75 > 70,
    # doctorate 12 > 10, provincial topics 4 > 3, classrooms 12 > 10 -> 8 (as at the survey).
    assert s["verdict"] == "dat_muc_1"
    assert s["headline_vi"] == "đạt 55/55 chỉ tiêu chuẩn mức 1, 8 vượt chuẩn"


def test_provenance_counts_in_summary(report):
    # 7 reported staff indicators (LEGAL_SOURCES §1b), 48 provisional, none verified.
    for e in report.entities:
        assert e.summary["provenance"] == {"verified": 0, "reported": 7, "provisional": 48, "override": 0}


def test_renderers_flag_provisional(report):
    table = report.to_table()
    assert "[TẠM THỜI]" in table
    assert "Tỷ lệ giảng viên có trình độ tiến sĩ [TẠM THỜI]" in table
    assert "[PROVISIONAL]" in report.to_table(lang="en")
    html = report.to_html()
    assert "TẠM THỜI" in html and "class='prov'" in html
    data = json.loads(report.to_json())
    provs = {r["rule"]: r["provenance"] for r in data["entities"][0]["results"]}
    assert provs["qd11_2021.giang_vien_tien_si"] == "provisional"
    assert provs["qd11_2021.giang_vien_thac_si"] == "reported"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chuan_engine.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_cli_evaluate_prints_each_school_level_and_counts():
    out = _run("evaluate", "fixtures/schools", "--pack", "qd11_2021", "--date", "2025-06-30")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for line in ("Kết luận: đạt chuẩn mức 2", "đạt 55/55 chỉ tiêu chuẩn mức 1, 29 vượt chuẩn",
                 "đạt 53/55 chỉ tiêu chuẩn mức 1, 5 vượt chuẩn", "đạt 29/55 chỉ tiêu chuẩn mức 1, 2 vượt chuẩn",
                 "Kết luận: chưa đủ dữ liệu", "đạt 51/55 chỉ tiêu chuẩn mức 1, 7 vượt chuẩn, 4 chưa đủ dữ liệu",
                 "đạt 55/55 chỉ tiêu chuẩn mức 1, 8 vượt chuẩn"):
        assert line in text, line
    assert "→ cần thêm 1 giảng viên có trình độ thạc sĩ trở lên" in text


def test_cli_evaluate_json_follows_the_contract():
    out = _run("evaluate", "fixtures/schools", "--pack", "qd11_2021", "--date", "2025-06-30", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema_version"] == "1.0" and data["as_of"] == "2025-06-30"
    assert data["pack"]["id"] == "qd11_2021"
    ents = {e["id"]: e for e in data["entities"]}
    assert {k: ents[k]["summary"]["verdict"] for k in ents} == {
        "thanh_hoa": "dat_muc_2", "ha_tinh": "dat_muc_1", "cao_bang": "dat_muc_1",
        "nam_dinh": "chua_dat", "lai_chau": "chua_dat", "binh_phuoc": "chua_du_du_lieu"}
    r = next(x for x in ents["nam_dinh"]["results"] if x["rule"] == "qd11_2021.giang_vien_chinh")
    for key in ("rule", "concept", "title", "kind", "group", "outcome", "value", "threshold", "margin", "op",
                "exceeded", "levels", "citation", "provenance", "effective", "reason", "missing", "gap",
                "explanation"):
        assert key in r
    assert r["gap"]["amount"] == 1 and r["levels"]["muc_2"]["outcome"] == "fail"
    assert r["citation"]["document"].startswith("Quy định 11-QĐ/TW")
