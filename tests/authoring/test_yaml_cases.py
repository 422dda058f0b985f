"""YAML rule cases: every pack's rules/<pack>/tests/*.yaml run here, and the runner itself is tested."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from chuan_engine.testing.yaml_cases import (
    CaseError,
    CaseFailure,
    case_files,
    check_case,
    load_cases,
    run_case,
)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
CASES = [c for f in case_files(ROOT / "rules") for c in load_cases(f)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.file.parent.parent.name}/{c.file.stem}[{c.index}]")
def test_pack_yaml_case(case):
    check_case(case)


def test_demo_pack_has_cases():
    assert len([c for c in CASES if c.pack_path.name == "demo"]) >= 8


def _case_file(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "cases.yaml"
    f.write_text(f"pack: {ROOT / 'rules' / 'demo'}\ncases:\n" + textwrap.indent(textwrap.dedent(body), "  "),
                 encoding="utf-8")
    return f


def test_a_wrong_expectation_fails_with_a_clear_diff(tmp_path):
    f = _case_file(tmp_path, """
        - name: sai
          date: 2025-12-31
          facts: [{kind: staff, id: x, recruited_on: 2020-01-01, years: [{year: 2025, rating: HTTNV, discipline: khong, discipline_pending: false}]}]
          expect:
            x:
              lao_dong_tien_tien: {outcome: fail, explanation_contains: ["không có trong giải thích"]}
              khong_co_quy_tac: pass
            y: {lao_dong_tien_tien: pass}
        """)
    (case,) = load_cases(f)
    errors = run_case(case)
    assert "x / lao_dong_tien_tien: expected fail, got pass (value True)" in errors
    assert "x / lao_dong_tien_tien: explanation does not mention 'không có trong giải thích'" in errors
    assert "x / khong_co_quy_tac: no such rule or concept in the report" in errors
    assert any(e.startswith("y: no such entity") for e in errors)
    with pytest.raises(CaseFailure, match="sai"):
        check_case(case)


@pytest.mark.parametrize("body, message", [
    ("- {name: a, facts: [{kind: staff, id: x}], expect: {x: {r: pass}}}", "exactly one of 'date' or 'year'"),
    ("- {name: a, date: 2025-12-31, year: 2025, facts: [{kind: staff, id: x}], expect: {x: {r: pass}}}",
     "exactly one of 'date' or 'year'"),
    ("- {name: a, date: 2025-12-31, facts: [{kind: staff, id: x}]}", "'expect' must map"),
    ("- {name: a, date: 2025-12-31, expect: {x: {r: pass}}}", "no 'facts'"),
    ("- {name: a, date: 2025-12-31, facts: [{kind: staff, id: x}], expect: {x: {r: pass}}, extra: 1}",
     "unknown keys"),
    ("- {name: a, date: 2025-02-30x, facts: [{kind: staff, id: x}], expect: {x: {r: pass}}}", "not a date"),
    ("- just text", "is not a mapping"),
])
def test_malformed_case_files_are_named(tmp_path, body, message):
    with pytest.raises(CaseError, match=message) as err:
        load_cases(_case_file(tmp_path, body))
    assert "cases.yaml" in str(err.value)


def test_a_misspelt_outcome_is_reported(tmp_path):
    f = _case_file(tmp_path, """
        - name: a
          year: 2025
          facts: [{kind: staff, id: x, recruited_on: 2020-01-01, years: [{year: 2025, rating: HTTNV, discipline: khong, discipline_pending: false}]}]
          expect: {x: {lao_dong_tien_tien: passed}}
        """)
    assert "outcome must be one of" in run_case(load_cases(f)[0])[0]


def test_plugin_collects_pack_cases_and_reports_failures(pytester, tmp_path):
    # A pack folder with a tests/ subfolder holding one right and one wrong case.
    pack = pytester.path / "rules" / "mini"
    (pack / "tests").mkdir(parents=True)
    for f in (ROOT / "rules" / "demo").glob("*.yaml"):
        (pack / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (pack / "tests" / "cases.yaml").write_text(textwrap.dedent("""
        - name: đúng
          date: 2025-12-31
          facts: [{kind: staff, id: x, recruited_on: 2020-01-01, years: [{year: 2025, rating: HTTNV, discipline: khong, discipline_pending: false}]}]
          expect: {x: {lao_dong_tien_tien: pass}}
        - name: sai
          date: 2025-12-31
          facts: [{kind: staff, id: x, recruited_on: 2020-01-01, years: [{year: 2025, rating: HTNV, discipline: khong, discipline_pending: false}]}]
          expect: {x: {lao_dong_tien_tien: pass}}
        """), encoding="utf-8")
    # Load the plugin by module name (works whether or not the pytest11 entry point is installed yet).
    result = pytester.runpytest(str(pack / "tests"), "-p", "no:cacheprovider", "-p", "no:chuan_engine_yaml_cases",
                                "-p", "chuan_engine.testing.yaml_cases")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*x / lao_dong_tien_tien: expected pass, got fail*"])
