"""The chuan command: exit codes 0 / 1 (--strict) / 2, messages on stderr, atomic output, schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = [str(ROOT / "fixtures" / "demo"), "--pack", str(ROOT / "rules" / "demo")]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_table_exit_0(capsys):
    code, out, err = run(capsys, "evaluate", *DEMO, "--date", "2025-12-31")
    assert code == 0 and err == ""
    assert "Trường demo_a" in out and "chưa đạt chuẩn" in out


def test_strict_exits_1_on_failing_verdicts(capsys):
    code, _, _ = run(capsys, "evaluate", *DEMO, "--date", "2025-12-31", "--strict")
    assert code == 1


def test_year_means_end_of_year(capsys):
    code, out, _ = run(capsys, "evaluate", *DEMO, "--year", "2025", "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == "2025-12-31"


def test_json_to_file(tmp_path, capsys):
    target = tmp_path / "out" / "report.json"
    code, out, _ = run(capsys, "evaluate", *DEMO, "--date", "2025-12-31", "--format", "json", "--out", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["pack"]["id"] == "demo"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_bad_facts_exit_2_and_no_output_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: school\nid: x\ndossier_date: 2023-02-30\n", encoding="utf-8")
    target = tmp_path / "report.json"
    code, out, err = run(capsys, "evaluate", str(bad), "--pack", str(ROOT / "rules" / "demo"), "--out", str(target))
    assert code == 2 and out == ""
    assert "bad.yaml" in err and "đối tượng 'x'" in err and "dossier_date" in err
    assert not target.exists()


def test_nested_entity_and_field_path_are_named(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: school\nid: s1\nstaff:\n  - {id: a1, years: [{year: 2024, rating: giỏi}]}\n",
                   encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(bad), "--pack", str(ROOT / "rules" / "demo"))
    assert code == 2 and "đối tượng 's1/a1'" in err and "staff[0].years[0].rating" in err


def test_bad_pack_exit_2(tmp_path, capsys):
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.yaml").write_text("pack: {id: p}\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", DEMO[0], "--pack", str(pack))
    assert code == 2 and "pack.yaml" in err and "version" in err


def test_wrong_input_type_is_refused_and_keep_going_evaluates_the_others(tmp_path, capsys):
    bad = tmp_path / "b.yaml"
    bad.write_text("kind: school\nid: s1\ninputs: {lecturer_share: 'nhiều'}\n", encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(bad), DEMO[0], "--pack", DEMO[2], "--date", "2025-12-31")
    assert code == 2 and out == ""
    assert "đối tượng 's1', trường 'inputs.lecturer_share'" in err and "a share must be a number" in err
    code, out, err = run(capsys, "evaluate", str(bad), DEMO[0], "--pack", DEMO[2], "--date", "2025-12-31",
                         "--keep-going")
    assert code == 2 and "inputs.lecturer_share" in err
    # The other entities were still evaluated.
    assert "Trường demo_a" in out and "Trường demo_b" in out


def test_bad_date_argument_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", *DEMO, "--date", "2025-13-01"])
    assert exc.value.code == 2


def test_missing_pack_exit_2(capsys):
    code, _, err = run(capsys, "evaluate", DEMO[0], "--pack", "khong_co")
    assert code == 2 and "không có bộ quy tắc 'khong_co'" in err and "no pack" not in err
    code, _, err = run(capsys, "evaluate", DEMO[0], "--pack", "khong_co", "--lang", "en")
    assert code == 2 and "no pack 'khong_co'" in err and "Traceback" not in err


def test_rules_list_show_lint(capsys):
    code, out, _ = run(capsys, "rules", "list", "--pack", DEMO[2])
    assert code == 0 and "demo.lao_dong_tien_tien" in out and "Lao động tiên tiến" in out
    code, out, _ = run(capsys, "rules", "show", "demo.lao_dong_tien_tien", "--pack", DEMO[2], "--format", "json")
    assert code == 0 and json.loads(out)["citation"]["article"] == "Điều 24"
    code, out, _ = run(capsys, "rules", "lint", str(ROOT / "rules"))
    assert code == 0 and "ok" in out


def test_schema_export(capsys):
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "chuan_engine facts file"
    assert {"School", "Staff", "StaffYear", "Unit", "Cluster"} <= set(schema["$defs"])
    assert "hoan_thanh_tot" in json.dumps(schema["$defs"]["Rating"])


def test_schema_validates_fixtures(capsys):
    """Other apps can validate a facts file with the exported schema before calling us."""
    import jsonschema
    import yaml

    main(["schema"])
    schema = json.loads(capsys.readouterr().out)
    data = yaml.safe_load((ROOT / "fixtures" / "demo" / "truong_demo.yaml").read_text(encoding="utf-8"))
    jsonschema.validate({"entities": [json.loads(json.dumps(data, default=str))]}, schema)


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "chuan_engine.cli", "evaluate", str(bad), "--pack", DEMO[2]],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid JSON at line 1" in proc.stderr and "Traceback" not in proc.stderr


def test_keep_going_evaluates_the_valid_entities(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: school\nid: hong\nstaff: [{id: a, degree: 'bằng cấp lạ'}]\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    target = tmp_path / "r.json"
    code, _, err = run(capsys, "evaluate", str(bad), str(broken), DEMO[0], "--pack", DEMO[2], "--date", "2025-12-31",
                       "--format", "json", "--keep-going", "--out", str(target))
    assert code == 2
    data = json.loads(target.read_text(encoding="utf-8"))
    ids = [e["id"] for e in data["entities"]]
    assert "demo_a" in ids and "demo_b" in ids
    invalid = [e for e in data["entities"] if e["kind"] == "invalid"]
    assert {e["id"] for e in invalid} == {"hong/a", f"file:{broken}"}
    assert "bằng cấp lạ" in err or "degree" in err


def test_rules_lint_and_check_accept_a_pack_name_as_evaluate_does(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside the checkout: the names are found on the pack path
    code, out, _ = run(capsys, "rules", "lint", "qd11_2021")
    # Quy định 11-QĐ/TW: 55 level-1 indicators, one rule each
    assert code == 0 and "qd11_2021 0.2.0, 55 quy tắc" in out
    code, out, _ = run(capsys, "rules", "lint", "qd11_2021", "--lang", "en")
    assert code == 0 and "qd11_2021 0.2.0, 55 rules" in out
    code, out, _ = run(capsys, "rules", "check", "demo", "--examples", "0")
    assert code == 0 and "1/1" in out


def test_rules_lint_of_nothing_is_a_named_error_not_a_traceback(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "rules", "lint", "khong_co_goi_nay")
    assert code == 2 and out == ""
    assert "không có bộ quy tắc 'khong_co_goi_nay'" in err and "Traceback" not in err  # Vietnamese by default


@pytest.mark.parametrize("content", [{}, {"a.yaml": "x: 1\n"}])
def test_rules_lint_of_a_folder_without_pack_yaml_is_a_named_error(capsys, tmp_path, content):
    # Issue 12 part 3: "chuan rules lint DIR on a folder without pack.yaml prints nothing and exits 0"; an empty
    # folder or one holding a stray YAML file has no pack to lint: exit 2 naming the folder, as `rules check` does.
    for name, text in content.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "rules", "lint", str(tmp_path))
    assert code == 2 and out == ""
    assert f"{tmp_path}: không có pack.yaml trong thư mục này" in err and "Traceback" not in err
    code, out, err = run(capsys, "rules", "lint", str(tmp_path), "--lang", "en")
    assert code == 2 and f"{tmp_path}: no pack.yaml under this folder" in err and "không" not in err
