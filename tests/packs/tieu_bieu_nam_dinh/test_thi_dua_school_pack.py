"""School-defined titles (seed 002, Trường Chinh, Nam Định): the worked example of docs/authoring_school_pack.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[3]
P, F, U, NA = Outcome.passed, Outcome.failed, Outcome.unknown, Outcome.not_applicable


@pytest.fixture(scope="module")
def report():
    pack = load_pack(ROOT / "rules" / "tieu_bieu_nam_dinh")
    facts = load_facts(ROOT / "fixtures" / "tieu_bieu_nam_dinh")
    return pack.evaluate(facts, dt.date(2024, 12, 31))


CASES = [
    # Khoa XDD: HTXSNV and all four collective inputs true → exemplary; 1 model >= 1.
    ("khoa_xdd", "tc_nam_dinh.dien_hinh_tap_the", P),
    ("khoa_xdd", "tc_nam_dinh.xay_dung_mo_hinh", P),
    # Phòng TCHC: rated only HTTNV (the plan requires HTXSNV) and 0 models.
    ("phong_tchc", "tc_nam_dinh.dien_hinh_tap_the", F),
    ("phong_tchc", "tc_nam_dinh.xay_dung_mo_hinh", F),
    # Head of Khoa XDD: general standards, exemplary; HTXSNV as viên chức, HTTNV as party member; unit exemplary.
    ("truong_khoa_xdd", "tc_nam_dinh.dien_hinh_ca_nhan", P),
    ("truong_khoa_xdd", "tc_nam_dinh.nguoi_dung_dau", P),
    # gv_a: "new model" not recorded, so read from initiatives: SK-A-2024 (2024) → standard 3 met.
    ("gv_a", "tc_nam_dinh.tieu_chuan_chung", P),
    ("gv_a", "tc_nam_dinh.dien_hinh_ca_nhan", P),
    ("gv_a", "tc_nam_dinh.nguoi_dung_dau", NA),  # not a unit head
    # gv_b: "guong_mau_ren_luyen" not recorded by the council → undetermined, not a fail.
    ("gv_b", "tc_nam_dinh.dien_hinh_ca_nhan", U),
    # Head of Phòng TCHC: personally exemplary, but the unit is HTTNV, so not as a unit head.
    ("truong_phong_tchc", "tc_nam_dinh.dien_hinh_ca_nhan", P),
    ("truong_phong_tchc", "tc_nam_dinh.nguoi_dung_dau", F),
]


@pytest.mark.parametrize(("entity", "rule", "expected"), CASES, ids=[f"{e}-{r}" for e, r, _ in CASES])
def test_school_title(report, entity, rule, expected):
    assert report.entity(entity).outcome(rule) is expected


def test_school_rules_are_provisional_and_cite_the_plan(report):
    for e in report.entities:
        for r in e.results:
            assert r.provenance.value == "provisional"
            assert "Trường Chinh" in r.citation.document
