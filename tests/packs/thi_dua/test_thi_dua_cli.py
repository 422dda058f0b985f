"""`chuan evaluate fixtures/thi_dua --pack thi_dua`: regimes by year, JSON contract, extras sections."""

from __future__ import annotations

import json
from pathlib import Path

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[3]


def _run(capsys, *args):
    code = main(["evaluate", str(ROOT / "fixtures" / "thi_dua"), "--pack", str(ROOT / "rules" / "thi_dua"), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_2024_follows_contract_and_carries_ledger_and_quotas(capsys):
    code, out, _ = _run(capsys, "--year", "2024", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == "1.1" and doc["as_of"] == "2024-12-31"
    ents = {e["id"]: e for e in doc["entities"]}
    assert len([e for e in doc["entities"] if e["kind"] == "staff"]) == 60
    assert len([e for e in doc["entities"] if e["kind"] == "unit"]) == 8
    hoa = {r["concept"]: r for r in ents["cb_htxs_khong_sang_kien"]["results"] if r["outcome"] != "not_applicable"}
    assert hoa["chien_si_thi_dua_co_so"]["rule"] == "thi_dua.chien_si_thi_dua_co_so"
    assert hoa["chien_si_thi_dua_co_so"]["outcome"] == "pass"
    assert hoa["chien_si_thi_dua_co_so"]["explanation"]["children"]  # the reasons
    assert "ledger" in doc and "quotas" in doc
    assert doc["quotas"][0]["cap"] is None


def test_year_2023_uses_old_regime(capsys):
    code, out, _ = _run(capsys, "--year", "2023", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    hoa = next(e for e in doc["entities"] if e["id"] == "cb_htxs_khong_sang_kien")
    res = next(r for r in hoa["results"] if r["concept"] == "chien_si_thi_dua_co_so" and r["outcome"] != "not_applicable")
    assert res["rule"] == "thi_dua.chien_si_thi_dua_co_so" and res["outcome"] == "fail"
    assert doc["quotas"][0]["cap"]["count"] == 8


def test_table_lists_ledger_and_quota(capsys):
    code, out, _ = _run(capsys, "--year", "2023")
    assert code == 0
    assert "Sổ theo dõi sáng kiến" in out and "ĐỒNG HẠNG TẠI NGƯỠNG" in out
    assert "Chiến sĩ thi đua cơ sở" in out
