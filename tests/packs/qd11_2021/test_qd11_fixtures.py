"""The six school fixtures under qd11_2021: summary tallies, provenance, renderers and the CLI.

The verdict of every indicator, computed BY HAND from the fixture numbers, is a YAML case in
rules/qd11_2021/tests/truong_mau.yaml; the tallies below use the same numbers.

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

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SCHOOLS = ROOT / "fixtures" / "schools"


@pytest.fixture(scope="module")
def report(qd11_report):
    return qd11_report


def test_six_schools_named_after_the_seed_provinces(report):
    provinces = {e.id for e in report.entities}
    assert provinces == {"thanh_hoa", "ha_tinh", "nam_dinh", "lai_chau", "binh_phuoc", "cao_bang"}
    files = sorted(SCHOOLS.glob("*.yaml"))
    assert [f.stem for f in files] == sorted(provinces)
    for f in files:
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
    assert len(mod.SCHOOLS) == 6
    for seed, school in enumerate(mod.SCHOOLS):
        assert mod.render(school, seed) == (SCHOOLS / f"{school['id']}.yaml").read_text(encoding="utf-8")


# The per-school verdicts, values, gaps and headlines (computed by hand from _make.py) are YAML cases beside
# the pack: rules/qd11_2021/tests/truong_mau.yaml. What stays here is what a case cannot state: the
# per-group and per-level tallies of the summary, the provenance count of every school, the renderers
# and the CLI.


def test_group_and_level_tallies_of_thanh_hoa_and_ha_tinh(report):
    th = report.entity("thanh_hoa").summary
    # Thanh Hóa, above level 1 in the staff group: lecturer share 90/110, master's 88/90, classics 85/90,
    # senior 66/90, permanent 78/90, doctorate 20/90, field study 1.0 > 0.9, language 90/90 > 0.9,
    # load 90/90 > 0.9 -> 9 (pedagogy, active teaching, LLCT, leaders meet 100% exactly). Institutions:
    # the review share is 1.0 = 1.0 and the five others are conditions -> 0.
    assert th["groups"]["doi_ngu"]["exceeded"] == 9 and th["groups"]["the_che"]["exceeded"] == 0
    assert th["levels"]["muc_1"]["passed"] == 55 and th["levels"]["muc_2"]["passed"] == 55
    ht = report.entity("ha_tinh").summary
    # Hà Tĩnh above level 1: staff 9 (62/80, 57/62, 52/62, 40/62, 50/62, 8/62, field study 0.95,
    # language 58/62, load 62/62); training 3 (surveyed 0.9, good 0.75, refresher 12); research 4
    # (grassroots 12, lecturers 0.85, seminars 6, articles 70/62); culture 1 (models 2); facilities 3
    # (land 25000, classrooms 12, titles 8000): 9 + 3 + 4 + 1 + 3 = 20.
    assert {g: ht["groups"][g]["exceeded"] for g in ht["groups"]} == {
        "the_che": 0, "doi_ngu": 9, "dao_tao": 3, "nckh": 4, "van_hoa": 1, "co_so_vat_chat": 3}
    # Level 2 not reached: 26 indicators below their level-2 values (staff 7: lecturer share, master's,
    # classics, senior, doctorate, field study, language; training 5; research 8; culture 1 (models 2 < 3);
    # facilities 5) -> 55 - 26 = 29 met, among them permanent lecturers 50/62 = 80.6% >= 80%.
    assert ht["levels"]["muc_2"]["failed"] == 26 and ht["levels"]["muc_2"]["passed"] == 29
    assert "qd11_2021.giang_vien_co_huu" not in ht["levels"]["muc_2"]["failing"]
    assert len(ht["levels"]["muc_2"]["failing"]) == 26


def test_provenance_counts_in_summary(report):
    # Derived from the sources, not read off the pack: LEGAL_SOURCES §1b gives 7 staff indicators with
    # their level-1 values (REPORTED); §8b makes the political-theory one provisional (its source is
    # ambiguous) -> 6 reported. A rule is as sure as its wording and its level-1 threshold, so the other
    # 55 - 6 = 49 rules (wording or value assumed) are provisional; nothing of Chương II–III was read,
    # so none is verified. The count holds for every school, whatever its facts.
    reported = 7 - 1
    assert len(report.entities) == 6
    for e in report.entities:
        assert e.summary["provenance"] == {"verified": 0, "reported": reported, "provisional": 55 - reported,
                                           "override": 0}, e.id


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
                 "Kết luận: chưa đủ dữ liệu", "đạt 53/55 chỉ tiêu chuẩn mức 1, 7 vượt chuẩn, 2 chưa đủ dữ liệu",
                 "đạt 55/55 chỉ tiêu chuẩn mức 1, 8 vượt chuẩn"):
        assert line in text, line
    assert "→ cần thêm 1 giảng viên có trình độ thạc sĩ trở lên" in text


def test_cli_evaluate_json_follows_the_contract():
    out = _run("evaluate", "fixtures/schools", "--pack", "qd11_2021", "--date", "2025-06-30", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema_version"] == "1.1" and data["as_of"] == "2025-06-30"
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
