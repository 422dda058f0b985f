"""The initiative ledger treats an initiative of unknown use as possibly used (issue 12; CV 5007/BNV-TĐKT).

Expectations by hand on the facts written below, evaluated on 31/12/2024 with rules/thi_dua.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chuan_engine import load_facts, load_pack
from chuan_engine.policy.ledger import initiative_ledger

ROOT = Path(__file__).resolve().parents[2]
RATED = ("  - {year: 2023, rating: hoan_thanh_xuat_sac, discipline: khong, discipline_pending: false}\n"
         "  - {year: 2024, rating: hoan_thanh_xuat_sac, discipline: khong, discipline_pending: false}\n")


def _ledger(tmp_path: Path, initiatives: str) -> dict:
    f = tmp_path / "f.yaml"
    f.write_text("kind: staff\nid: p\nrecruited_on: 2010-01-01\nresearch: []\nyears:\n" + RATED
                 + "initiatives:\n" + initiatives, encoding="utf-8")
    facts = load_facts(f)
    report = load_pack(ROOT / "rules" / "thi_dua").evaluate(facts, dt.date(2024, 12, 31))
    out = initiative_ledger(report, facts)
    assert out is not None
    return out


def test_an_initiative_of_unknown_use_is_flagged_and_not_offered(tmp_path):
    # sk_1 (2023): nothing recorded about its use; sk_2 (2024): never used. CSTĐCS 2024 rests on the HTXSNV
    # rating (no initiative); Bằng khen cấp bộ (2 in 2023–2024) is unknown (range 1..2): the ledger lists sk_1
    # as possibly used (use_unknown) and never as fresh.
    led = _ledger(tmp_path, "  - {id: sk_1, level: co_so, year: 2023}\n"
                            "  - {id: sk_2, level: co_so, year: 2024, used: false}\n")
    unknown = [(f["initiative"], f["rule"]) for f in led["flags"] if f["kind"] == "use_unknown"]
    assert ("sk_1", "thi_dua.bang_khen_cap_bo") in unknown
    assert all(i == "sk_1" for i, _ in unknown)  # sk_2 is known never used
    assert "có thể đã dùng" in next(f for f in led["flags"] if f["kind"] == "use_unknown")["message_vi"]
    assert not [c for c in led["claims"] if "sk_1" in c["initiatives"]]


def test_a_use_without_its_year_is_possibly_an_earlier_use(tmp_path):
    # sk_1 used for CSTĐCS, year not recorded: possibly used before 2024, flagged use_unknown with what it served.
    led = _ledger(tmp_path, "  - {id: sk_1, level: co_so, year: 2023, used_for: [chien_si_thi_dua_co_so]}\n"
                            "  - {id: sk_2, level: co_so, year: 2024, used: false}\n")
    flag = next(f for f in led["flags"] if f["kind"] == "use_unknown" and f["initiative"] == "sk_1")
    assert flag["used_for"] == ["chien_si_thi_dua_co_so"]


def test_known_unused_initiatives_are_claimed(tmp_path):
    # Both never used: Bằng khen cấp bộ 2024 passes (2 >= 2) and rests on sk_1, sk_2; no use_unknown flag.
    led = _ledger(tmp_path, "  - {id: sk_1, level: co_so, year: 2023, used: false}\n"
                            "  - {id: sk_2, level: co_so, year: 2024, used_for: []}\n")
    assert not [f for f in led["flags"] if f["kind"] == "use_unknown"]
    bk = next(c for c in led["claims"] if c["rule"] == "thi_dua.bang_khen_cap_bo")
    assert sorted(bk["initiatives"]) == ["sk_1", "sk_2"]
