"""The public API is typed for real: a client written as README.md shows passes ``mypy --strict``.

The client pins the type of every value it gets back with ``typing.assert_type``, so an API that
returned ``Any`` (or a ``Plan`` where a ``RulePack`` is promised) would fail here, not only a call
with wrong arguments. A second client with a deliberate type error must fail: the check has teeth.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The README's "Python API" section, as a typed client program.
CLIENT = '''
import datetime as dt
import sys
from pathlib import Path
from typing import assert_type

import pandas as pd

from chuan_engine import (
    EntityReport,
    Facts,
    Outcome,
    Report,
    RulePack,
    RuleResult,
    evaluate_batch,
    load_facts,
    load_pack,
    read_parameter_file,
)
from chuan_engine.batch import BatchResult
from chuan_engine.pack.parameters import ParameterValue
from chuan_engine.pack.provenance import Provenance


def main(root: Path, work: Path) -> None:
    pack = assert_type(load_pack(root / "rules" / "demo"), RulePack)
    facts = assert_type(load_facts(root / "fixtures" / "demo"), Facts)
    report = assert_type(pack.evaluate(facts, dt.date(2025, 12, 31)), Report)

    school = assert_type(report.entity("demo_a"), EntityReport)
    print(school.summary["verdict_vi"], "—", school.summary["headline_vi"])
    r = assert_type(school.result("demo.ty_le_giang_vien"), RuleResult)
    outcome = assert_type(r.outcome, Outcome)
    short = assert_type(r.citation.short(), str)
    provenance = assert_type(r.provenance, Provenance)
    margin = assert_type(r.margin, float | None)
    print(outcome, r.value, r.threshold, margin, short, provenance)

    assert_type(report.to_frame(), pd.DataFrame)
    assert_type(report.summary_frame(), pd.DataFrame)
    assert_type(report.to_json(), str)
    assert_type(report.to_html(), str)

    params = work / "my_params.yaml"
    params.write_text("demo.lecturer_share_min: {value: 0.7, source: văn bản gốc}\\n", encoding="utf-8")
    overrides = assert_type(read_parameter_file(params), dict[str, tuple[ParameterValue, ...]])
    patched = assert_type(pack.with_parameters(overrides), RulePack)
    assert_type(patched.evaluate(facts, dt.date(2025, 12, 31)), Report)

    schools_df = pd.DataFrame({"school_id": ["t1"], "name": ["Trường Chính trị A"]})
    staff_df = pd.DataFrame({"school_id": ["t1", "t1"], "staff_id": ["p1", "p2"], "is_lecturer": [True, False]})
    years_df = pd.DataFrame({"school_id": ["t1"], "staff_id": ["p1"], "year": [2024], "rating": ["hoan_thanh_tot"]})
    run = assert_type(evaluate_batch(pack, {"schools": schools_df, "staff": staff_df, "staff_years": years_df},
                                     on=dt.date(2024, 12, 31)), BatchResult)
    assert_type(run.results, pd.DataFrame)
    assert_type(run.summary, pd.DataFrame)
    run.to_excel(work / "bao_cao.xlsx")
    print("client-ok", len(run.results) > 0, (work / "bao_cao.xlsx").exists())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
'''

# Passes a string where the API wants a date: mypy must refuse it.
BAD_CLIENT = '''
from chuan_engine import Report, load_facts, load_pack

pack = load_pack("rules/demo")
report: Report = pack.evaluate(load_facts("fixtures/demo"), "2025-12-31")
'''


def _env() -> dict[str, str]:
    # This checkout's sources, whatever copy of the package the interpreter has installed.
    env = dict(os.environ)
    env["MYPYPATH"] = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy_cache")


def _mypy(script: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(cache),
         "--no-error-summary", "--hide-error-context", str(script)],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)


def test_readme_client_passes_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    script = tmp_path / "client.py"
    script.write_text(textwrap.dedent(CLIENT), encoding="utf-8")
    checked = _mypy(script, mypy_cache)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == ""
    # The typed client is a real program: it runs against the shipped demo pack and fixture.
    ran = subprocess.run([sys.executable, str(script), str(ROOT), str(tmp_path)], cwd=tmp_path, env=_env(),
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "client-ok True True"


def test_a_type_error_against_the_api_fails_mypy(tmp_path: Path, mypy_cache: Path) -> None:
    script = tmp_path / "bad_client.py"
    script.write_text(textwrap.dedent(BAD_CLIENT), encoding="utf-8")
    checked = _mypy(script, mypy_cache)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1, checked.stdout
    assert "bad_client.py:5:" in errors[0]
    assert 'Argument 2 to "evaluate" of "RulePack" has incompatible type "str"; expected "date"' in errors[0]
    assert errors[0].endswith("[arg-type]")
