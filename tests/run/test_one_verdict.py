"""Issue 11: one procedure decides a rule's verdict (run/verdict.py), for one entity (the explaining
evaluator) and for a row table (batch), and a rule not in force costs nothing: no expression is evaluated.

The test pack has two staff rules: ``t.xep_loai_tot`` (in force from 2018: rating at least hoàn thành tốt)
and ``t.tu_2030`` (in force from 01/01/2030 only, with a threshold that has no value before 2030, so
evaluating it earlier would be an error, and a measure the column compiler cannot take: a streak over a
filtered history, as in tests/batch_packs/fallback). Expectations by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import School, load_pack
from chuan_engine.batch import FallbackWarning, evaluate_batch
from chuan_engine.report.outcome import Outcome
from chuan_engine.run import interpreter, verdict

ON = dt.date(2025, 12, 31)
LATER = dt.date(2030, 12, 31)

HEADER = """\
pack:
  id: motthutuc
  version: "0.1.0"
  title_vi: Bộ quy tắc kiểm thử một thủ tục phán quyết
  title_en: One verdict procedure test pack
  levels:
    - {id: dat, label_vi: Đạt, label_en: Met}
  level_subjects: [school]

parameters:
  t.so_nam:
    label_vi: Số năm liên tục
    label_en: Consecutive years
    unit: years
    values:
      - {from: 2030-01-01, value: 2, source: "kiểm thử", provenance: reported}

rules:
"""
CURRENT = """\
  - id: t.xep_loai_tot
    title_vi: Xếp loại tốt trong năm đánh giá
    title_en: Good rating in the evaluation year
    subject: staff
    citation: {document: "kiểm thử"}
    effective: {from: 2018-01-01}
    provenance: reported
    kind: condition
    condition: "rating >= 'hoan_thanh_tot'"
"""
FUTURE = """\
  - id: t.tu_2030
    title_vi: Xếp loại tốt liên tục từ năm 2030
    title_en: Good ratings in a row from 2030
    subject: staff
    citation: {document: "kiểm thử"}
    effective: {from: 2030-01-01}
    provenance: reported
    kind: indicator
    applies_if: "rating >= 'hoan_thanh'"
    measure: "streak(filter(history, known(rating)), rating >= 'hoan_thanh_tot')"
    op: ">="
    unit: count
    thresholds: {dat: t.so_nam}
"""


def _pack(tmp_path: Path, *parts: str) -> Any:
    (tmp_path / "pack.yaml").write_text(HEADER + "".join(parts), encoding="utf-8")
    return load_pack(tmp_path)


RATED_2025 = ((2025, "hoan_thanh_tot"),)


def _school(years: tuple[tuple[int, str], ...] = RATED_2025) -> School:
    return School.model_validate({
        "id": "s1", "units": [{"id": "k1"}],
        "staff": [{"id": "p1", "unit_id": "k1", "years": [{"year": y, "rating": r} for y, r in years]}]})


def _frames(years: tuple[tuple[int, str], ...]) -> dict[str, pd.DataFrame]:
    return {"staff": pd.DataFrame([{"school_id": "s1", "staff_id": "p1", "unit_id": "k1"}]),
            "staff_years": pd.DataFrame([{"school_id": "s1", "staff_id": "p1", "year": y, "rating": r}
                                         for y, r in years])}


def _batch(pack: Any, on: dt.date, years: tuple[tuple[int, str], ...] = RATED_2025) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a rule evaluated one row at a time would say so: an error here
        return evaluate_batch(pack, _frames(years), on)


def _outcomes(out: Any) -> dict[str, str]:
    return {str(r.rule): str(r.outcome) for r in out.results.itertuples()}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Each call of the one procedure, by the algebra it ran over and the rule."""
    seen: Counter[tuple[str, str]] = Counter()
    real = verdict.rule_verdict

    def counting(alg: Any, rule: Any, ctx: Any) -> Any:
        seen[(type(alg).__name__, rule.id)] += 1
        return real(alg, rule, ctx)

    monkeypatch.setattr(verdict, "rule_verdict", counting)
    return seen


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Each node the interpreter evaluates, by the algebra it evaluates it in."""
    seen: Counter[str] = Counter()
    real = interpreter._walk

    def counting(alg: Any, node: Any, ctx: Any) -> Any:
        seen[type(alg).__name__] += 1
        return real(alg, node, ctx)

    monkeypatch.setattr(interpreter, "_walk", counting)
    return seen


def test_both_paths_call_the_one_procedure(tmp_path: Path, calls: Counter[tuple[str, str]]) -> None:
    pack = _pack(tmp_path, CURRENT, FUTURE)
    report = pack.evaluate([_school()], ON)
    # one staff member, two rules: the explaining evaluator decides each once (its results are cached)
    assert calls == {("ScalarVerdicts", "t.xep_loai_tot"): 1, ("ScalarVerdicts", "t.tu_2030"): 1}
    p1 = report.entity("p1")
    assert p1.outcome("t.xep_loai_tot") is Outcome.passed  # hoan_thanh_tot >= hoan_thanh_tot
    assert p1.result("t.tu_2030").reason == "not_in_force"  # 31/12/2025 is before 01/01/2030
    calls.clear()
    out = _batch(pack, ON)
    # one staff table, two rule versions: each decided once over the whole table
    assert calls == {("ColumnVerdicts", "t.xep_loai_tot"): 1, ("ColumnVerdicts", "t.tu_2030"): 1}
    assert _outcomes(out) == {"t.xep_loai_tot": "pass", "t.tu_2030": "not_applicable"}


def test_a_rule_not_in_force_evaluates_nothing(tmp_path: Path, walks: Counter[str]) -> None:
    # the pack holds only t.tu_2030; on 31/12/2025 it is not in force: not applicable in both paths, and the
    # interpreter walks no node (neither applies_if, nor the measure, nor the threshold without a value in 2025);
    # the batch does not even try its measure, so it is not listed as evaluated one row at a time
    pack = _pack(tmp_path, FUTURE)
    r = pack.evaluate([_school()], ON).entity("p1").result("t.tu_2030")
    assert (r.outcome, r.reason, r.explanation, r.missing) == (Outcome.not_applicable, "not_in_force", None, [])
    assert {lv: lr.outcome for lv, lr in r.levels.items()} == {"dat": Outcome.not_applicable}
    out = _batch(pack, ON)
    assert _outcomes(out) == {"t.tu_2030": "not_applicable"}
    assert out.results["error"].isna().all()
    assert out.fallback == {}
    assert walks == {}


def test_the_counter_sees_a_rule_in_force(tmp_path: Path, walks: Counter[str]) -> None:
    # the control, on 31/12/2030 when the rule is in force. p1 has no rating for 2030: applies_if
    # (rating >= 'hoan_thanh') is unknown, so the verdict is unknown in both paths and nodes were walked
    pack = _pack(tmp_path, FUTURE)
    r = pack.evaluate([_school()], LATER).entity("p1").result("t.tu_2030")
    assert (r.outcome, r.reason) == (Outcome.unknown, "applicability_unknown")
    assert walks["Evaluation"] > 0
    assert _outcomes(_batch(pack, LATER)) == {"t.tu_2030": "unknown"}
    assert walks["Vectoriser"] > 0


def test_a_rule_in_force_reaches_its_measure(tmp_path: Path) -> None:
    # rated hoàn thành in 2030: applies_if holds (hoan_thanh >= hoan_thanh); the rated years, newest first,
    # start with 2030, which is not >= hoan_thanh_tot, so the streak is 0; 0 >= 2 fails, margin 0 - 2 = -2.
    # The batch reaches the measure, cannot vectorise it, and says so (the explaining evaluator gives the rows).
    years = ((2025, "hoan_thanh_tot"), (2030, "hoan_thanh"))
    pack = _pack(tmp_path, FUTURE)
    r = pack.evaluate([_school(years)], LATER).entity("p1").result("t.tu_2030")
    assert (r.outcome, r.value, r.threshold, r.margin) == (Outcome.failed, 0, 2, -2)
    with pytest.warns(FallbackWarning):
        out = evaluate_batch(pack, _frames(years), LATER)
    assert list(out.fallback) == ["t.tu_2030"]
    row = out.results.iloc[0]
    assert (str(row.outcome), row.value, row.threshold, row.margin) == ("fail", 0, 2, -2)
