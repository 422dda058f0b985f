"""Plan packs (seeds 003 Lai Châu 2023, 004 Bình Phước 2021–2025): attainment worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.cli import main
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[3]
P, F = Outcome.passed, Outcome.failed


@pytest.fixture(scope="module")
def lai_chau():
    pack = load_pack(ROOT / "rules" / "ke_hoach_lai_chau_2023")
    facts = load_facts(ROOT / "fixtures" / "plans" / "lai_chau_2023.yaml")
    return pack.evaluate(facts, dt.date(2023, 12, 31)).entity("tct_lai_chau")


def test_lai_chau_2023(lai_chau):
    # Units: 5/5 TTLĐTT = 100% >= 100%; 1/5 TTLĐXS = 20% >= 20%.
    assert lai_chau.outcome("kh_lai_chau_2023.don_vi_ttldtt") is P
    assert lai_chau.result("kh_lai_chau_2023.don_vi_ttldxs").value == pytest.approx(0.2)
    assert lai_chau.outcome("kh_lai_chau_2023.don_vi_ttldxs") is P
    # Staff: 19/20 LĐTT = 95% < 100% (cb_20 rated HTNV): missed by one person.
    ldtt = lai_chau.result("kh_lai_chau_2023.ca_nhan_ldtt")
    assert ldtt.outcome is F and ldtt.value == pytest.approx(0.95)
    assert ldtt.margin == pytest.approx(-0.05)  # 5 percentage points short
    # 3/20 CSTĐCS = 15% >= 15%.
    assert lai_chau.outcome("kh_lai_chau_2023.ca_nhan_cstdcs") is P
    assert lai_chau.outcome("kh_lai_chau_2023.chi_bo_cong_doan") is P
    assert lai_chau.summary["levels"]["ke_hoach"]["failing"] == ["kh_lai_chau_2023.ca_nhan_ldtt"]


@pytest.fixture(scope="module")
def binh_phuoc():
    pack = load_pack(ROOT / "rules" / "ke_hoach_binh_phuoc_2021_2025")
    facts = load_facts(ROOT / "fixtures" / "plans" / "binh_phuoc.yaml")
    return {y: pack.evaluate(facts, dt.date(y, 12, 31)).entity("tct_binh_phuoc") for y in (2023, 2025)}


def test_binh_phuoc_progress_2023(binh_phuoc):
    e = binh_phuoc[2023]
    # Provincial topics accepted 2021–2023: DT-2022-01, DT-2023-01 = 2 (DT-2023-02 is cơ sở; DT-2025-01 later).
    topics = e.result("kh_binh_phuoc.de_tai_cap_tinh")
    assert topics.value == 2 and topics.outcome is F and topics.margin == -1
    # The only prize (gv_02) is in 2024: none yet.
    assert e.result("kh_binh_phuoc.giang_vien_xuat_sac").value == 0
    assert e.outcome("kh_binh_phuoc.chuan_muc_1") is F


def test_binh_phuoc_final_2025(binh_phuoc):
    e = binh_phuoc[2025]
    # 2 + DT-2025-01 = 3 >= 3; gv_02's 2024 prize = 1 >= 1; level 1 recognised in 2025.
    assert e.result("kh_binh_phuoc.de_tai_cap_tinh").value == 3
    assert e.outcome("kh_binh_phuoc.giang_vien_xuat_sac") is P
    assert e.summary["verdict"] == "dat_ke_hoach"


def test_plan_outside_its_period_is_not_applicable():
    pack = load_pack(ROOT / "rules" / "ke_hoach_lai_chau_2023")
    facts = load_facts(ROOT / "fixtures" / "plans" / "lai_chau_2023.yaml")
    e = pack.evaluate(facts, dt.date(2024, 12, 31)).entity("tct_lai_chau")
    # Every rule of the plan is reported, each not applicable (the plan covers 2023 only).
    assert len(e.results) == len(pack.rule_ids) > 0
    assert all(r.outcome is Outcome.not_applicable for r in e.results)


def test_cli_plan_json(capsys):
    code = main(["evaluate", str(ROOT / "fixtures" / "plans" / "lai_chau_2023.yaml"), "--pack",
                 str(ROOT / "rules" / "ke_hoach_lai_chau_2023"), "--year", "2023", "--format", "json"])
    assert code == 0
    assert '"kh_lai_chau_2023.ca_nhan_ldtt"' in capsys.readouterr().out
