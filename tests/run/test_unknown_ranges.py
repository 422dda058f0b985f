"""Issue 12, "unknown means unknown": a count or share over a list with unknown elements is a range
[known true, known true + unknown], and a comparison is decided when the whole range falls on one side.
Both evaluators (explaining and column), by hand.

rules/thi_dua, 31/12/2023 (Luật 2003/2013 regime): TTLĐTT (unit) = rating >= HTT and share(members, LĐTT) > 0.5
and no member at cảnh cáo or above and not under review. LĐTT (staff) = rating >= HTT, discipline below
khiển trách, >= 10 months since recruitment, not under review. Everyone recruited 2010-01-01, no discipline.
A member whose year record has no rating is LĐTT unknown (rating unknown, every other part true).

  k_75  members a1 a2 a3 HTT (LĐTT pass), a4 rating unknown: share 3/4 = 75 % .. 4/4 = 100 %, all > 50 %: pass.
  k_50  b1 b2 HTT (pass), b3 hoàn thành (< HTT: fail), b4 unknown: 2/4 = 50 % .. 3/4 = 75 %; 50 % is not
        > 50 %, 75 % is: the range straddles the threshold: unknown.
  k_25  c1 HTT (pass), c2 c3 hoàn thành (fail), c4 unknown: 1/4 = 25 % .. 2/4 = 50 %, none > 50 %: fail.
  k_all d1 d2 HTT, known: 2/2 = 100 % > 50 %: pass (no range).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import School, load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.lang.logic import UNKNOWN, Range
from chuan_engine.lang.ops import OPS, Tally, compare
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2023, 12, 31)
TTLDTT = "thi_dua.tap_the_lao_dong_tien_tien"

MEMBERS = {
    "k_75": ["hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh_tot", None],
    "k_50": ["hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh", None],
    "k_25": ["hoan_thanh_tot", "hoan_thanh", "hoan_thanh", None],
    "k_all": ["hoan_thanh_tot", "hoan_thanh_tot"],
}
EXPECTED = {"k_75": "pass", "k_50": "unknown", "k_25": "fail", "k_all": "pass"}


def _staff() -> list[dict[str, Any]]:
    return [{"id": f"{uid}_{i}", "unit_id": uid, "recruited_on": dt.date(2010, 1, 1),
             "years": [{"year": 2023, "rating": rating, "discipline": "khong", "discipline_pending": False}]}
            for uid, ratings in MEMBERS.items() for i, rating in enumerate(ratings, start=1)]


def _school() -> dict[str, Any]:
    units = [{"id": uid, "years": [{"year": 2023, "rating": "hoan_thanh_tot", "discipline_pending": False}]}
             for uid in MEMBERS]
    return {"id": "s1", "name": "Trường thử", "units": units, "staff": _staff()}


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_pack(ROOT / "rules" / "thi_dua")


def test_member_lao_dong_tien_tien_as_the_cases_say(pack: Any) -> None:
    # the premise of the cases: HTT passes, hoàn thành fails, a missing rating is unknown
    report = pack.evaluate([School.model_validate(_school())], ON)
    assert report.entity("k_50_1").outcome("lao_dong_tien_tien") is Outcome.passed
    assert report.entity("k_50_3").outcome("lao_dong_tien_tien") is Outcome.failed
    assert report.entity("k_50_4").outcome("lao_dong_tien_tien") is Outcome.unknown


def test_share_range_decides_in_the_explaining_evaluator(pack: Any) -> None:
    report = pack.evaluate([School.model_validate(_school())], ON)
    got = {uid: report.entity(uid).outcome(TTLDTT).value for uid in MEMBERS}
    assert got == EXPECTED


def test_share_range_decides_in_the_column_compiler(pack: Any) -> None:
    s = _school()
    frames = {
        "schools": pd.DataFrame([{"school_id": "s1", "name": s["name"], "on": ON}]),
        "units": pd.DataFrame([{"school_id": "s1", "unit_id": u["id"]} for u in s["units"]]),
        "unit_years": pd.DataFrame([{"school_id": "s1", "unit_id": u["id"], **u["years"][0]} for u in s["units"]]),
        "staff": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], "unit_id": p["unit_id"],
                                "recruited_on": p["recruited_on"]} for p in s["staff"]]),
        "staff_years": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], **p["years"][0]} for p in s["staff"]]),
    }
    out = evaluate_batch(pack, frames, ON)
    got = {r.entity: str(r.outcome) for r in out.results.itertuples() if r.rule == TTLDTT}
    assert got == EXPECTED
    # the batch summary agrees with the report on the unit verdicts
    assert out.results[out.results.rule == TTLDTT].groupby("entity").size().to_dict() == dict.fromkeys(MEMBERS, 1)


def test_the_explanation_shows_the_range_in_words(pack: Any) -> None:
    report = pack.evaluate([School.model_validate(_school())], ON)
    text = report.entity("k_75").result(TTLDTT).explanation
    assert text is not None
    flat = str(text.to_dict())
    # 3 known LĐTT + 1 unknown of 4 members: 3–4/4, i.e. 75 %–100 %
    assert "3–4/4 (75 %–100 %)" in flat
    flat50 = str(report.entity("k_50").result(TTLDTT).explanation.to_dict())
    assert "2–3/4 (50 %–75 %)" in flat50
    # the unknown unit names what is missing; the passing one does not need to
    assert report.entity("k_50").result(TTLDTT).missing
    # the HTML trace and the table's reasons show the range where the value would be
    from chuan_engine.report.html import _explain
    from chuan_engine.report.reasons import describe

    def with_range(step: Any) -> Any:
        if step.detail.get("range"):
            return step
        return next((f for f in (with_range(c) for c in step.children) if f is not None), None)

    share_step = with_range(text)
    assert share_step is not None and "trong khoảng 3–4/4 (75 %–100 %)" in _explain(share_step)
    cmp_step = next(c for c in _walk(text) if share_step in c.children)
    assert "= 3–4/4 (75 %–100 %)" in describe(cmp_step)


def _walk(step: Any) -> Any:
    yield step
    for c in step.children:
        yield from _walk(c)


def test_count_range_kernels_by_hand() -> None:
    # 5 elements: 2 true, 1 false, 2 unknown -> count 2..4; share 2/5 = 0.4 .. 4/5 = 0.8
    t = Tally(2, 1, 2, 5)
    c, s = OPS["count"].scalar(t), OPS["share"].scalar(t)
    assert (c.lo, c.hi) == (2, 4) and (s.lo, s.hi) == pytest.approx((0.4, 0.8))
    assert c.text == "2–4" and s.text == "2–4/5 (40 %–80 %)"
    # count 2..4 >= 2: both ends true -> True; >= 3: 2 no, 4 yes -> unknown; >= 5: both no -> False
    assert compare(">=", c, 2) is True and compare(">=", c, 3) is UNKNOWN and compare(">=", c, 5) is False
    # == 5 is False (5 outside 2..4); == 3 unknown; != 1 True
    assert compare("==", c, 5) is False and compare("==", c, 3) is UNKNOWN and compare("!=", c, 1) is True
    # range against range: 2..4 < 5..6 always (max 4 < min 5) -> True; 2..4 < 3..6 unknown
    assert compare("<", c, Range(5, 6)) is True and compare("<", c, Range(3, 6)) is UNKNOWN
    # the column kernels give the same bounds
    import numpy as np

    v, k, (lo, hi) = OPS["share"].column(Tally(np.array([2.0, 3.0]), np.array([1.0, 1.0]),
                                               np.array([2.0, 0.0]), np.array([5, 4])))
    assert list(k) == [False, True] and v[1] == 0.75
    assert lo[0] == pytest.approx(0.4) and hi[0] == pytest.approx(0.8) and np.isnan(lo[1]) and np.isnan(hi[1])
