"""Side files are part of the pack: read and type-checked by load_pack, attached by RulePack.evaluate."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import chuan_engine
from chuan_engine import RuleError, load_facts, load_pack
from chuan_engine.authoring.check import check_pack
from chuan_engine.policy.ledger import initiative_ledger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def thi_dua_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "thi_dua"
    shutil.copytree(ROOT / "rules" / "thi_dua", dst, ignore=shutil.ignore_patterns("tests"))
    return dst


def test_load_pack_reads_the_side_files():
    pack = load_pack(ROOT / "rules" / "thi_dua")
    assert sorted(pack.sidecars) == ["ledger", "quotas"]
    assert pack.sidecars["quotas"].file.endswith("_quotas.yaml")
    # The quota cap and the ledger's windows are parameters read by side files only.
    assert "thi_dua.quota.cstdcs_share_of_ldtt" in pack.sidecars["quotas"].params_read
    assert "thi_dua.bk_bo_years" in pack.sidecars["ledger"].params_read
    assert sorted(load_pack(ROOT / "rules" / "ke_hoach_cum_btb_2023").sidecars) == ["ranking"]
    assert load_pack(ROOT / "rules" / "demo").sidecars == {}


def test_evaluate_attaches_the_extras_without_reading_files(thi_dua_copy):
    pack = load_pack(thi_dua_copy)
    facts = load_facts(ROOT / "fixtures" / "thi_dua")
    # Side files were read at load: deleting them now changes nothing (no I/O during evaluation).
    for f in thi_dua_copy.glob("_*.yaml"):
        f.unlink()
    report = pack.evaluate(facts, dt.date(2024, 12, 31))
    assert set(report.extras) == {"ledger", "quotas"}
    assert report.extras["ledger"] == initiative_ledger(report, facts)
    assert "ledger" in report.to_dict() and "quotas" in report.to_dict()
    assert pack.evaluate(facts, dt.date(2024, 12, 31), extras=False).extras == {}
    # Parameter overrides keep the side files.
    assert pack.with_parameters({}).sidecars is pack.sidecars


def test_api_and_cli_give_the_same_extras(tmp_path):
    from chuan_engine.cli import main

    out = tmp_path / "r.json"
    assert main(["evaluate", str(ROOT / "fixtures" / "thi_dua"), "--pack", str(ROOT / "rules" / "thi_dua"),
                 "--year", "2024", "--format", "json", "--out", str(out)]) in (0, 1)
    import json

    cli = json.loads(out.read_text(encoding="utf-8"))
    api = json.loads(load_pack(ROOT / "rules" / "thi_dua").evaluate(
        load_facts(ROOT / "fixtures" / "thi_dua"), dt.date(2024, 12, 31)).to_json())
    assert cli["ledger"] == api["ledger"] and cli["quotas"] == api["quotas"]


def test_a_mistyped_side_expression_fails_at_load_naming_the_file(thi_dua_copy):
    ledger = thi_dua_copy / "_ledger.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(
        "initiatives: \"level >= 'toan_quoc'\"", "initiatives: \"level + 1\""), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_pack(thi_dua_copy)
    assert exc.value.file is not None and exc.value.file.endswith("_ledger.yaml")
    assert "level + 1" in exc.value.describe()
    # The static check reports it as a side_file finding instead of raising.
    res = check_pack(thi_dua_copy, examples=0)
    assert "side_file" in res.codes()


def test_a_quota_naming_an_unknown_concept_fails_at_load(thi_dua_copy):
    quotas = thi_dua_copy / "_quotas.yaml"
    quotas.write_text(quotas.read_text(encoding="utf-8").replace(
        "concept: chien_si_thi_dua_co_so", "concept: khong_co_danh_hieu"), encoding="utf-8")
    with pytest.raises(RuleError, match="khong_co_danh_hieu") as exc:
        load_pack(thi_dua_copy)
    assert exc.value.file.endswith("_quotas.yaml")


def test_a_parameter_read_only_by_a_side_file_is_used(thi_dua_copy):
    res = check_pack(thi_dua_copy, examples=0)
    assert not [f for f in res.findings if f.code == "unused_parameter"]
    # Without the side file that reads it, the quota cap is unused again.
    (thi_dua_copy / "_quotas.yaml").unlink()
    res = check_pack(thi_dua_copy, examples=0)
    unused = [f.message_en for f in res.findings if f.code == "unused_parameter"]
    assert unused == ["parameter 'thi_dua.quota.cstdcs_share_of_ldtt' is defined but never used"]


def test_useful_functions_are_exported():
    for name in ("gaps_frame", "gaps_dict", "render_gaps", "check_pack", "initiative_ledger", "quota_report",
                 "cluster_ranking", "attach_extras"):
        assert callable(getattr(chuan_engine, name)) and name in chuan_engine.__all__
