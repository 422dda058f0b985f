"""The benchmark's hand-written pandas LĐTT + CSTĐ cơ sở + TTLĐTT (benchmarks/hand.py) means what the thi_dua pack means.

bench_batch.py compares the vectorised evaluator with it (and with the polars version, checked there at run time,
polars being only in the bench extra); a yardstick that computed something else would make that comparison
meaningless. Expected verdicts of the hand-made school are worked out from the rules' 2024 versions below.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import hand  # noqa: E402
from population import ON, population  # noqa: E402

PACK = load_pack(ROOT / "rules" / "thi_dua")


def _school() -> dict[str, pd.DataFrame]:
    """One school, 11 staff in 4 units, evaluated on 31/12/2025 (new_hire_months 6, pending review blocks,
    TTLĐTT needs >= 70 % LĐTT, dissolved units are not rewarded)."""
    staff = pd.DataFrame([
        # id, unit, recruited_on
        ("a1", "uA", "2010-01-01"), ("a2", "uA", "2025-07-01"), ("a3", "uA", "2015-03-10"),
        ("a4", "uA", "2012-05-05"), ("a5", "uA", "2020-01-01"), ("a6", "uA", "2011-01-01"),
        ("b1", "uB", "2000-01-01"), ("b2", "uB", "2018-06-30"), ("b3", "uB", "2019-02-01"),
        ("b4", "uB", "2026-03-01"), ("c1", "uC", "2009-09-09"),
    ], columns=["staff_id", "unit_id", "recruited_on"]).assign(school_id="s1")
    xs, tot = "hoan_thanh_xuat_sac", "hoan_thanh_tot"
    years = pd.DataFrame([
        # id, year, rating, discipline, discipline_pending
        ("a1", 2025, xs, "khong", False), ("a2", 2025, tot, "khong", False), ("a3", 2025, tot, "khong", None),
        ("a4", 2024, tot, "khong", False),  # a4 has no record for 2025
        ("a5", 2025, tot, "khong", False), ("a6", 2025, tot, "khien_trach", False),
        ("b1", 2025, xs, "khong", False), ("b2", 2025, tot, "khong", False), ("b3", 2025, tot, None, False),
        ("b4", 2025, tot, "khong", False), ("c1", 2025, xs, "khong", False),
    ], columns=["staff_id", "year", "rating", "discipline", "discipline_pending"]).assign(school_id="s1")
    units = pd.DataFrame({"school_id": "s1", "unit_id": ["uA", "uB", "uC", "uD"], "unit_kind": "khoa",
                          "dissolved": [False, None, False, False]})
    unit_years = pd.DataFrame({"school_id": "s1", "unit_id": ["uA", "uB", "uC", "uD"], "year": 2025,
                               "rating": [tot, xs, tot, tot], "discipline_pending": False})
    initiatives = pd.DataFrame({
        "school_id": "s1", "staff_id": ["a3", "a5", "a5"], "initiative_id": ["k1", "k2", "k3"],
        "level": ["co_so", None, "co_so"], "year": 2025,
        "used_in_year": pd.array([None, None, 2024], dtype="Int64")})
    research = pd.DataFrame({"school_id": "s1", "staff_id": ["a5", "b2", None], "research_id": ["r1", "r2", "r3"],
                             "level": "co_so", "year": 2025, "accepted": [False, True, True]})
    return {"units": units, "unit_years": unit_years, "staff": staff, "staff_years": years,
            "initiatives": initiatives, "research": research}


# LĐTT = rating >= HTT and not discipline >= khiển trách and months_since(recruited_on) >= 6 and not pending:
#   a1 all true: pass. a2 recruited 01/07/2025: 5 whole months < 6: fail. a3 pending unknown: not (true and
#   unknown) = unknown. a4 no 2025 record: rating unknown: unknown (no conjunct false). a5 pass. a6 khiển trách:
#   fail. b1, b2 pass. b3 discipline unknown: unknown. b4 recruited 2026: not yet staff: not_applicable. c1 pass.
LDTT = {"a1": "pass", "a2": "fail", "a3": "unknown", "a4": "unknown", "a5": "pass", "a6": "fail", "b1": "pass",
        "b2": "pass", "b3": "unknown", "b4": "not_applicable", "c1": "pass"}
# CSTĐ cơ sở = LĐTT and (rating == HTXS or initiatives >= 1 or own accepted research >= 1):
#   a1, b1, c1 HTXS: pass. a2, a6 LĐTT fail: fail. a3 unknown and (k1 counts: true) = unknown. a4 unknown and
#   (rating unknown or 0 or 0) = unknown. a5 pass and (false or k2 level unknown: count in [0, 1], k3 used in 2024
#   does not count; r1 not accepted: 0) = unknown. b2 pass and r2 accepted in 2025 = pass. b3 unknown and
#   (false or 0 or 0) = unknown and false = fail. b4 not_applicable. (r3 is the school's, nobody's own.)
CSTD = {"a1": "pass", "a2": "fail", "a3": "unknown", "a4": "unknown", "a5": "unknown", "a6": "fail", "b1": "pass",
        "b2": "pass", "b3": "fail", "b4": "not_applicable", "c1": "pass"}
# TTLĐTT = rating >= HTT and share(members, LĐTT) >= 0.7 and not any(members, discipline >= cảnh cáo)
#          and not pending and not dissolved:
#   uA members a1..a6: 2 pass, 2 unknown of 6: share in [2/6, 4/6] = [0.33, 0.67], every completion < 0.7: fail.
#   uB members b1..b3 (b4 not yet staff): 2 pass, 1 unknown: share in [0.67, 1]: unknown; dissolved unknown: unknown.
#   uC c1 alone: share 1, nobody warned, rating HTT, not dissolved: pass. uD no members: share unknown: unknown.
TTLDTT = {"uA": "fail", "uB": "unknown", "uC": "pass", "uD": "unknown"}


def _by_id(verdicts: dict[str, pd.Series]) -> dict[str, dict[str, str]]:
    return {rule: {e: str(v) for (_, e), v in s.items()} for rule, s in verdicts.items()}


def _vectorised(frames: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hand.vectorised(evaluate_batch(hand.sub_plan(PACK), frames, ON, extras=False))


def test_hand_made_school_by_hand() -> None:
    frames = _school()
    expected = {hand.LDTT: LDTT, hand.CSTD: CSTD, hand.TTLDTT: TTLDTT}
    assert _by_id(hand.hand_pandas(frames, ON, hand.params(PACK, ON))) == expected
    assert _by_id(_vectorised(frames)) == expected


def test_hand_pandas_equals_vectorised_on_generated_population() -> None:
    frames = {k: v for k, v in population(5_000, seed=11).items() if k != "schools"}
    mine = hand.hand_pandas(frames, ON, hand.params(PACK, ON))
    theirs = _vectorised(frames)
    assert hand.differences(mine, theirs) == {rule: 0 for rule in hand.RULES}
    c = hand.counts(mine)
    # the population exercises every outcome of the staff rules and unknown units (missing facts, late recruits)
    for rule in (hand.LDTT, hand.CSTD):
        assert all(c[rule][o] > 0 for o in hand.OUTCOMES), c[rule]
    assert c[hand.TTLDTT]["unknown"] > 0 and c[hand.TTLDTT]["pass"] > 0
