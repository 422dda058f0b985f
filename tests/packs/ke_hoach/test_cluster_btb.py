"""Cụm Thi đua Bắc Trung Bộ 2023 (seed 001): cluster targets and the cluster ranking, by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.errors import RuleError
from chuan_engine.policy.ranking import cluster_ranking
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[3]
P, F = Outcome.passed, Outcome.failed


@pytest.fixture(scope="module")
def facts():
    return load_facts(ROOT / "fixtures" / "clusters")


@pytest.fixture(scope="module")
def report(facts):
    return load_pack(ROOT / "rules" / "ke_hoach_cum_btb_2023").evaluate(facts, dt.date(2023, 12, 31))


def test_cluster_targets(report):
    cum = report.entity("cum_bac_trung_bo")
    # 6/6 schools rated HTTNV or HTXSNV = 100% >= 100%.
    assert cum.outcome("kh_cum_btb_2023.truong_hoan_thanh_tot") is P
    # Awarded: Thanh Hóa, Nghệ An, Hà Tĩnh = 3/6 = 50%: >= 30% and <= 50% (the upper bound exactly).
    assert cum.result("kh_cum_btb_2023.khen_thuong_toi_thieu").value == pytest.approx(0.5)
    assert cum.outcome("kh_cum_btb_2023.khen_thuong_toi_thieu") is P
    assert cum.outcome("kh_cum_btb_2023.khen_thuong_toi_da") is P
    # Exactly one flag (Hà Tĩnh) and one certificate (Nghệ An) proposed.
    assert cum.outcome("kh_cum_btb_2023.mot_co_thi_dua") is P
    assert cum.outcome("kh_cum_btb_2023.mot_bang_khen") is P
    # 2 joint activities >= 1; Quảng Trị has 0 signature activities, so "every school" fails.
    assert cum.outcome("kh_cum_btb_2023.hoat_dong_chung") is P
    assert cum.outcome("kh_cum_btb_2023.moi_truong_co_dau_an") is F
    assert cum.summary["verdict"] == "chua_dat"


def test_school_targets_and_gap(report):
    qt = report.entity("tct_le_duan_quang_tri").result("kh_cum_btb_2023.truong_co_dau_an")
    assert qt.outcome is F and qt.margin == -1  # one signature activity short
    assert report.entity("tct_tran_phu_ha_tinh").outcome("kh_cum_btb_2023.truong_co_dau_an") is P


def test_lexicographic_ranking_flags_ties(report, facts):
    (r,) = cluster_ranking(report, facts)
    order = [(row["rank"], row["school"]) for row in r["rows"]]
    # rating desc, then cross-scoring points desc, then targets exceeded desc:
    # Hà Tĩnh (HTXSNV, 97, 7) > Nghệ An = Thanh Hóa (HTXSNV, 95, 6) > Huế (HTTNV, 92) > Quảng Bình (90) > Quảng Trị (88).
    assert order == [(1, "tct_tran_phu_ha_tinh"), (2, "tct_nghe_an"), (2, "tct_thanh_hoa"),
                     (4, "tct_thua_thien_hue"), (5, "tct_quang_binh"), (6, "tct_le_duan_quang_tri")]
    assert r["leader"] == "tct_tran_phu_ha_tinh" and r["ties"]
    assert r["rows"][1]["tied_with"] == ["tct_thanh_hoa"]
    assert r["criteria"][1]["provenance"] == "provisional"


def test_weighted_ranking_and_tie_for_first(report, facts):
    config = {"method": "weighted", "criteria": [
        {"expr": "diem_cham_cheo", "weight": 1, "label_vi": "Điểm chấm chéo"},
        {"expr": "so_chi_tieu_vuot", "weight": 2, "label_vi": "Chỉ tiêu vượt"}]}
    (r,) = cluster_ranking(report, facts, config)
    scores = {row["school"]: row["score"] for row in r["rows"]}
    # 97 + 2×7 = 111; 95 + 12 = 107 (×2); 92 + 10 = 102; 90 + 8 = 98; 88 + 6 = 94.
    assert scores == {"tct_tran_phu_ha_tinh": 111, "tct_nghe_an": 107, "tct_thanh_hoa": 107,
                      "tct_thua_thien_hue": 102, "tct_quang_binh": 98, "tct_le_duan_quang_tri": 94}
    config["criteria"][1]["weight"] = 0  # only points: Hà Tĩnh still first alone (97)
    (r2,) = cluster_ranking(report, facts, config)
    assert r2["leader"] == "tct_tran_phu_ha_tinh"
    config["criteria"] = [{"expr": "rating", "weight": 1, "label_vi": "Xếp loại"}]
    (r3,) = cluster_ranking(report, facts, config)
    assert r3["leader"] is None  # three schools share HTXSNV: no single leader, the conference votes
    assert [row["rank"] for row in r3["rows"]] == [1, 1, 1, 4, 4, 4]


def test_bad_ranking_config_is_a_clear_error(report, facts):
    with pytest.raises(RuleError, match="weight"):
        cluster_ranking(report, facts, {"method": "weighted", "criteria": [{"expr": "rating", "label_vi": "x"}]})
    with pytest.raises(RuleError, match="unknown name"):
        cluster_ranking(report, facts, {"criteria": [{"expr": "khong_co", "label_vi": "x"}]})
