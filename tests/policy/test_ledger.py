"""Initiative ledger on fixtures/thi_dua, expectations worked out by hand (CV 5007/BNV-TĐKT)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.policy.ledger import initiative_ledger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ledgers():
    pack = load_pack(ROOT / "rules" / "thi_dua")
    facts = load_facts(ROOT / "fixtures" / "thi_dua")
    return {y: initiative_ledger(pack.evaluate(facts, dt.date(y, 12, 31)), facts) for y in (2023, 2024)}


def _claims(ledger, entity):
    return {c["rule"]: c for c in ledger["claims"] if c["entity"] == entity}


def test_ledger_names_the_basis_of_each_eligibility(ledgers):
    # 2023, old law: Kiên's CSTĐCS rests on SK-K1 (the only cơ sở initiative of 2023); CSTĐ cấp bộ on SK-K2
    # (the only bộ/tỉnh initiative in 2021–2023); Bằng khen cấp bộ needs 2 in 2022–2023: SK-K1 and SK-K2.
    k = _claims(ledgers[2023], "cb_chuoi_cstd")
    assert k["thi_dua.chien_si_thi_dua_co_so"]["initiatives"] == ["SK-K1"]
    assert k["thi_dua.chien_si_thi_dua_cap_bo"]["initiatives"] == ["SK-K2"]
    assert sorted(k["thi_dua.bang_khen_cap_bo"]["initiatives"]) == ["SK-K1", "SK-K2"]
    # 2024, new law: Dũng's CSTĐCS rests on the HTXSNV rating (no initiative used); his Bằng khen on SK-H1, SK-H2.
    h = _claims(ledgers[2024], "cb_bang_khen_2024")
    assert h["thi_dua.chien_si_thi_dua_co_so"]["basis"] == "rating"
    assert h["thi_dua.chien_si_thi_dua_co_so"]["initiatives"] == []
    assert h["thi_dua.bang_khen_cap_bo"]["initiatives"] == ["SK-H1", "SK-H2"]
    assert h["thi_dua.bang_khen_cap_bo"]["basis"] == "initiatives"


def test_same_year_double_claim_is_flagged(ledgers):
    # Hương (2023): CSTĐCS takes SK-G2 (her only 2023 initiative); Bằng khen needs two in 2022–2023 and only
    # SK-G1, SK-G2 exist, so SK-G2 is claimed twice.
    flags = [f for f in ledgers[2023]["flags"] if f["kind"] == "double_claim"]
    by = {(f["entity"], f["initiative"]): f["claimed_by"] for f in flags}
    assert by[("cb_sang_kien_hai_noi", "SK-G2")] == ["thi_dua.chien_si_thi_dua_co_so", "thi_dua.bang_khen_cap_bo"]
    # Kiên: SK-K1 (CSTĐCS + Bằng khen) and SK-K2 (CSTĐ cấp bộ + Bằng khen) — 3 uses for 2 initiatives.
    assert set(by) == {("cb_sang_kien_hai_noi", "SK-G2"), ("cb_chuoi_cstd", "SK-K1"), ("cb_chuoi_cstd", "SK-K2")}
    assert "chỉ được dùng một lần" in flags[0]["message_vi"]


def test_initiative_used_in_an_earlier_year_is_flagged(ledgers):
    # An (2024): SK-F1 was the basis of his CSTĐCS 2023 (used_in_year 2023); the 2024 Bằng khen cấp bộ
    # (2 initiatives in 2023–2024) may not count it: flagged, and the rule failed (1 fresh initiative < 2).
    flags = [f for f in ledgers[2024]["flags"] if f["kind"] == "used_in_earlier_year"]
    assert [(f["entity"], f["initiative"], f["used_in_year"], f["rule"]) for f in flags] == [
        ("cb_sang_kien_da_dung", "SK-F1", 2023, "thi_dua.bang_khen_cap_bo")]
    assert "CV 5007" in flags[0]["message_vi"]
    # In 2023 the same use is the recorded one (used_in_year == 2023): no flag.
    assert not [f for f in ledgers[2023]["flags"] if f["kind"] == "used_in_earlier_year"]


def test_ledger_cites_its_source(ledgers):
    led = ledgers[2024]
    assert "5007/BNV-TĐKT" in led["citation"]["document"]
    assert led["provenance"] == "reported"


def test_pack_without_ledger_gives_none():
    pack = load_pack(ROOT / "rules" / "demo")
    facts = load_facts(ROOT / "fixtures" / "demo")
    assert initiative_ledger(pack.evaluate(facts, dt.date(2024, 12, 31)), facts) is None
