"""Batch ledger, quota and ranking sections equal those of the explaining report on the fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.batch import FallbackWarning, evaluate_batch, facts_to_frames

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def thi_dua():
    return load_pack(ROOT / "rules" / "thi_dua"), load_facts(ROOT / "fixtures" / "thi_dua")


@pytest.mark.parametrize("on", [dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 6, 30)])
def test_thi_dua_ledger_and_quotas_equal_the_report(thi_dua, on):
    pack, facts = thi_dua
    expected = pack.evaluate(facts, on).extras
    out = evaluate_batch(pack, facts_to_frames(facts), on)
    assert set(expected) == {"ledger", "quotas"}
    assert expected["ledger"]["claims"] and expected["quotas"]  # something to compare on every date
    assert out.extras == expected


def test_cluster_ranking_equals_the_report():
    pack = load_pack(ROOT / "rules" / "ke_hoach_cum_btb_2023")
    facts = load_facts(ROOT / "fixtures" / "clusters")
    on = dt.date(2023, 12, 31)
    expected = pack.evaluate(facts, on).extras
    with pytest.warns(FallbackWarning, match="cluster rules"):  # the cluster's own rules are not batch rules
        out = evaluate_batch(pack, facts_to_frames(facts), on, clusters=facts.clusters)
    assert [r["cluster"] for r in expected["ranking"]] == ["cum_bac_trung_bo"]
    assert out.extras == expected
    # as tests/packs/ke_hoach/test_cluster_btb.py works out by hand: Hà Tĩnh leads, Nghệ An and Thanh Hóa tie second
    rows = out.extras["ranking"][0]["rows"]
    assert [(r["rank"], r["school"]) for r in rows[:3]] == [(1, "tct_tran_phu_ha_tinh"), (2, "tct_nghe_an"),
                                                             (2, "tct_thanh_hoa")]


def test_no_extras_when_asked_or_when_the_pack_has_no_side_files(thi_dua, demo_pack, demo_facts):
    pack, facts = thi_dua
    on = dt.date(2024, 12, 31)
    assert evaluate_batch(pack, facts_to_frames(facts), on, extras=False).extras == {}
    assert evaluate_batch(demo_pack, facts_to_frames(demo_facts), on).extras == {}
