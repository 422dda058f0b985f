"""`chuan rules check`: shipped packs pass; each deliberately broken pack fails with its own named reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chuan_engine import load_pack
from chuan_engine.authoring.check import check_pack, check_path, closure
from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "broken_packs"
BROKEN_PACKS = sorted(d for d in BROKEN.iterdir() if (d / "pack.yaml").exists())
SHIPPED = sorted(d for d in (ROOT / "rules").iterdir() if (d / "pack.yaml").exists())


def test_there_is_one_broken_pack_per_defect():
    assert {d.name for d in BROKEN_PACKS} == {
        "citation_missing", "undefined_parameter", "unused_parameter", "cycle", "overlapping_versions",
        "parameter_not_covering", "threshold_order", "unsatisfiable", "unfalsifiable", "graded_overlap",
        "graded_gap"}


@pytest.mark.parametrize("pack_dir", SHIPPED, ids=lambda d: d.name)
def test_shipped_pack_passes(pack_dir):
    res = check_pack(pack_dir)
    assert res.ok, [f.text() for f in res.errors]


def test_cli_check_rules_folder_passes(capsys):
    assert main(["rules", "check", str(ROOT / "rules")]) == 0
    out = capsys.readouterr().out
    assert "✔" in out and "✘" not in out
    assert f"{len(SHIPPED)}/{len(SHIPPED)} bộ quy tắc đạt kiểm tra / packs pass the check" in out


@pytest.mark.parametrize("pack_dir", BROKEN_PACKS, ids=lambda d: d.name)
def test_broken_pack_fails_with_its_named_reason(pack_dir, capsys):
    # Exactly the defect the pack was built with, and nothing else (the folder name is the code).
    assert check_pack(pack_dir).codes() == {pack_dir.name}
    assert main(["rules", "check", str(pack_dir)]) == 1
    out = capsys.readouterr().out
    assert f"[{pack_dir.name}]" in out and "✘" in out and "/" in out  # Vietnamese / English


def test_cli_check_folder_of_broken_packs(capsys):
    assert main(["rules", "check", str(BROKEN), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.count("✘") == len(BROKEN_PACKS)
    assert f"0/{len(BROKEN_PACKS)}" in out


def test_cli_check_json_and_missing_path(capsys, tmp_path):
    assert main(["rules", "check", str(BROKEN / "cycle"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[0]["ok"] is False and data[0]["findings"][0]["code"] == "cycle"
    assert main(["rules", "check", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_provisional_counts_of_demo():
    # By hand from rules/demo/pack.yaml: provisional parameter values are lecturer_share_min_2 (1) and
    # provincial_topics_min (2 values) = 3 values in 2 parameters; provisional rules: de_tai_cap_tinh,
    # quy_tac_ung_xu, khong_ky_luat = 3.
    res = check_pack(ROOT / "rules" / "demo", examples=0)
    assert (res.provisional_values, res.provisional_parameters, res.provisional_rules) == (3, 2, 3)
    assert res.rules == 8


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(BROKEN / name, dst)
    f = dst / "pack.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new), encoding="utf-8")
    return dst


def test_a_complete_disjoint_grading_passes(tmp_path):
    # kha [0.5, 0.8) and gioi [0.8, ∞): no gap, no overlap.
    d = _variant(tmp_path, "graded_gap", "value: 0.7,", "value: 0.8,")
    assert check_pack(d).ok


def test_touching_closed_bounds_overlap(tmp_path):
    # kha [0.6, 0.8] (<=) and gioi [0.8, ∞): 0.8 is in both grades.
    d = _variant(tmp_path, "graded_overlap", "value: 0.85,", "value: 0.8,")
    d2 = d / "pack.yaml"
    d2.write_text(d2.read_text(encoding="utf-8").replace("lecturer_share < $b.kha_max", "lecturer_share <= $b.kha_max"),
                  encoding="utf-8")
    assert check_pack(d).codes() == {"graded_overlap"}


def test_threshold_order_respects_the_direction(tmp_path):
    # Under "<=", a lower value is stricter. The pack's mức 2 is 0.9 from 2021 then 0.7 from 2024, mức 1 is 0.8:
    # with ">=" the defect is on 2024-01-01 (0.7 < 0.8); with "<=" it is on 2021-01-01 (0.9 > 0.8) instead.
    (ge,) = check_pack(BROKEN / "threshold_order", examples=0).errors
    assert "2024-01-01" in ge.message_en
    d = _variant(tmp_path, "threshold_order", 'op: ">="', 'op: "<="')
    (le,) = check_pack(d, examples=0).errors
    assert le.code == "threshold_order" and "2021-01-01" in le.message_en and "2024" not in le.message_en


def test_parameter_covering_from_the_rule_start(tmp_path):
    d = _variant(tmp_path, "parameter_not_covering", "effective: {from: 2020-01-01}", "effective: {from: 2021-01-01}")
    assert check_pack(d).ok


def test_an_unreadable_pack_is_a_finding_not_a_crash(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pack.yaml").write_text("pack: [unclosed\n", encoding="utf-8")
    res = check_pack(tmp_path / "p")
    assert res.codes() == {"load_error"} and "invalid YAML" in res.errors[0].message_en


def test_closure_follows_variables_and_rule_references(demo_pack):
    c = closure(demo_pack, "demo.tap_the_lao_dong_tien_tien")
    # TTLĐTT reads @lao_dong_tien_tien, which reads months_since and $demo.new_hire_months.
    assert "lao_dong_tien_tien" in c.rules and "months_since" in c.functions
    assert "demo.new_hire_months" in c.params
    c2 = closure(demo_pack, "demo.de_tai_cap_tinh")
    # through the variable provincial_topics: in_window and $demo.window_years; threshold provincial_topics_min
    assert {"demo.window_years", "demo.provincial_topics_min"} <= c2.params and "in_window" in c2.functions


def test_search_is_deterministic_and_bounded():
    a = check_path(BROKEN / "unsatisfiable", examples=5, seed=1)
    b = check_path(BROKEN / "unsatisfiable", examples=5, seed=1)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]
    assert "sau 0 ca kiểm thử YAML và 5 bộ dữ kiện" in a[0].errors[0].message_vi


def test_demo_loads_the_same_pack_the_check_compiles(demo_pack):
    res = check_pack(ROOT / "rules" / "demo", examples=0)
    assert res.pack_id == demo_pack.id and res.rules == len(load_pack(ROOT / "rules" / "demo").rules)


def test_monotone_in_an_unknown_name_is_a_warning(tmp_path):
    d = _variant(tmp_path, "unused_parameter", "    kind: indicator\n", "    kind: indicator\n    monotone_in: [khong_co]\n")
    res = check_pack(d)
    warnings = [f for f in res.findings if f.severity == "warning"]
    assert [w.code for w in warnings] == ["monotone_unknown_name"] and "khong_co" in warnings[0].message_en
    assert res.codes() == {"unused_parameter"}  # warnings do not fail the check


def test_an_unreachable_level_is_unsatisfiable(tmp_path):
    # mức 2 asks a share of lecturers >= 1.5: no school can reach it, though mức 1 (0.8) is reachable.
    d = _variant(tmp_path, "threshold_order", "value: 0.9,", "value: 1.5,")
    f = d / "pack.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("value: 0.7,", "value: 1.5,"), encoding="utf-8")
    res = check_pack(d)
    assert res.codes() == {"unsatisfiable"}
    assert [e.message_en for e in res.errors] == ["no case passes level muc_2 (after 0 YAML cases and 40 generated fact sets)"]


def test_sampling_uses_the_pack_text_literals(demo_pack):
    from chuan_engine.authoring.sampling import string_literals

    # By hand from rules/demo: the enum literals its conditions compare with.
    assert {"hoan_thanh_tot", "hoan_thanh_xuat_sac", "khien_trach", "canh_cao", "co_so", "thac_si", "bo_tinh"} <= set(
        string_literals(demo_pack))


# -- witnesses: the pack's own YAML cases come before the random search --------------------------

_RARE_PACK = """\
pack: {id: rare, version: "0.0.1", title_vi: Hiếm, title_en: Rare}
rules:
  - id: rare.bay_sang_kien_toan_quoc
    title_vi: Bảy sáng kiến toàn quốc trong năm
    title_en: Seven national initiatives in the year
    subject: staff
    citation: {document: "Kiểm thử", article: "Điều 1"}
    effective: {from: 2021-01-01}
    provenance: provisional
    kind: condition
    condition: "count(initiatives, level == 'toan_quoc' and year == eval_year) == 7"
"""

_SEVEN = ", ".join(f"{{id: sk{i}, level: toan_quoc, year: 2024}}" for i in range(7))


def _rare_pack(tmp_path: Path, cases: str | None) -> Path:
    d = tmp_path / "rare"
    d.mkdir()
    (d / "pack.yaml").write_text(_RARE_PACK, encoding="utf-8")
    if cases is not None:
        (d / "tests").mkdir()
        (d / "tests" / "cases.yaml").write_text(cases, encoding="utf-8")
    return d


def test_a_rule_the_random_search_cannot_reach_is_reported_without_a_witness(tmp_path):
    # The sampler gives at most one initiative a year: 7 national ones never happen.
    res = check_pack(_rare_pack(tmp_path, None), examples=10)
    assert res.codes() == {"unsatisfiable"}
    assert "0 YAML cases" in res.errors[0].message_en


def test_a_yaml_case_is_a_witness(tmp_path):
    # By hand: 7 national initiatives of 2024 -> count == 7 -> pass; the same person in 2025 has none of 2025
    # -> count 0 == 7 false -> fail. Both outcomes are witnessed, so nothing is reported.
    cases = f"""\
- name: bảy sáng kiến
  year: 2024
  facts: [{{kind: staff, id: p, initiatives: [{_SEVEN}]}}]
  expect: {{p: {{rare.bay_sang_kien_toan_quoc: pass}}}}
- name: năm sau không còn
  year: 2025
  facts: [{{kind: staff, id: p, initiatives: [{_SEVEN}]}}]
  expect: {{p: {{rare.bay_sang_kien_toan_quoc: fail}}}}
"""
    res = check_pack(_rare_pack(tmp_path, cases), examples=10)
    assert res.ok and res.findings == [], [f.text() for f in res.findings]


def test_a_case_with_parameter_overrides_is_no_witness_and_a_broken_case_is_reported(tmp_path):
    cases = f"""\
- name: ghi đè tham số
  year: 2024
  params: {{x: 1}}
  facts: [{{kind: staff, id: p, initiatives: [{_SEVEN}]}}]
  expect: {{p: {{rare.bay_sang_kien_toan_quoc: pass}}}}
"""
    d = _rare_pack(tmp_path, cases)
    assert check_pack(d, examples=10).codes() == {"unsatisfiable"}
    (d / "tests" / "broken.yaml").write_text("- name: không có expect\n  year: 2024\n  facts: []\n", encoding="utf-8")
    assert check_pack(d, examples=10).codes() == {"unsatisfiable", "case_error"}


def test_thi_dua_collective_rules_are_witnessed_by_its_yaml_cases():
    # rules/thi_dua/tests/tap_the.yaml shows each collective rule pass and fail in each regime: with the
    # YAML cases as the only witnesses (no generated facts), none of the 12 is reported.
    from chuan_engine.authoring.check import PackCheck, _search, case_witnesses

    root = ROOT / "rules" / "thi_dua"
    pack = load_pack(root)
    res = PackCheck(str(root))
    witnesses = case_witnesses(res, pack, root)
    assert len(witnesses) >= 3 and res.findings == []
    _search(res, pack, 0, 0, witnesses)
    collective = [rid for rid in pack.rule_ids if pack.rule(rid).subject == "unit"]
    # TTLĐTT, TTLĐXS, Giấy khen tập thể, Bằng khen cấp bộ tập thể: one rule each, two versions each
    assert len(collective) == 4 and all(len(pack.versions_of(rid)) == 2 for rid in collective)
    assert not [f for f in res.errors if f.rule in collective], [f.text() for f in res.errors]
    # Not vacuous: rules the cases do not touch (the school flags) are still reported by this search.
    assert any(f.rule == "thi_dua.co_thi_dua_chinh_phu" for f in res.errors)
