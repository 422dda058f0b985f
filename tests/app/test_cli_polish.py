"""The chuan command as a Unix tool (issue 15): packs, suggestions, no silent today, stdin, progress, width."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from chuan_engine import load_pack
from chuan_engine.cli import common, main
from chuan_engine.errors import PackNotFoundError, RuleError

ROOT = Path(__file__).resolve().parents[2]
DEMO_FACTS = str(ROOT / "fixtures" / "demo")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_packs_lists_the_demo_pack_with_version_period_and_rule_count(capsys):
    code, out, _ = run(capsys, "packs", "--format", "json", "--lang", "en")
    assert code == 0
    demo = next(p for p in json.loads(out) if p["id"] == "demo")
    # rules/demo/pack.yaml: version "1.0.0"; school.yaml holds 5 rules and emulation.yaml 3: 8 in all.
    assert demo["version"] == "1.0.0" and demo["rules"] == 8
    assert demo["title"] == "Demonstration pack (standard school and emulation)"
    code, out, _ = run(capsys, "packs")
    assert code == 0 and "phiên bản" in out and "Bộ quy tắc minh họa" in out


def test_a_wrong_pack_name_suggests_the_nearest(capsys):
    code, _, err = run(capsys, "evaluate", DEMO_FACTS, "--pack", "thi_du", "--date", "2025-12-31")
    assert code == 2 and "có phải ý bạn là 'thi_dua'?" in err and "Traceback" not in err
    with pytest.raises(PackNotFoundError, match="did you mean 'qd11_2021'"):
        load_pack("qd11_2012")


def test_a_wrong_rule_id_suggests_the_nearest(capsys):
    code, _, err = run(capsys, "rules", "show", "demo.lao_dong_tien_tie", "--pack", "demo")
    assert code == 2 and "có phải ý bạn là 'demo.lao_dong_tien_tien'?" in err
    with pytest.raises(RuleError, match="did you mean 'demo.lao_dong_tien_tien'"):
        load_pack("demo").rule("demo.lao_dong_tien_tienn")


def test_no_date_is_a_usage_error_unless_the_facts_carry_one(tmp_path, capsys):
    school = tmp_path / "s.yaml"
    school.write_text("kind: school\nid: s1\n", encoding="utf-8")  # no dossier_date
    code, out, err = run(capsys, "evaluate", str(school), "--pack", "demo")
    assert code == 2 and out == "" and "thiếu ngày đánh giá" in err and "--date" in err
    code, _, err = run(capsys, "evaluate", str(school), "--pack", "demo", "--lang", "en")
    assert code == 2 and "no evaluation date" in err
    # Both demo schools carry dossier_date: 2025-12-31, so that is the date evaluated on.
    code, out, _ = run(capsys, "evaluate", DEMO_FACTS, "--pack", "demo", "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == "2025-12-31"


def test_different_dossier_dates_need_a_date(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("kind: school\nid: a\ndossier_date: 2025-06-30\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("kind: school\nid: b\ndossier_date: 2025-12-31\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(tmp_path), "--pack", "demo")
    assert code == 2 and "30/06/2025, 31/12/2025" in err


def test_stdin_dash_reads_yaml_and_json(monkeypatch, capsys):
    text = (ROOT / "fixtures" / "demo" / "truong_demo.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, out, _ = run(capsys, "evaluate", "-", "--pack", "demo", "--format", "json")
    assert code == 0 and "demo_a" in [e["id"] for e in json.loads(out)["entities"]]
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"kind": "school", "id": "x", "nope": 1}'))
    code, out, err = run(capsys, "evaluate", "-", "--pack", "demo", "--date", "2025-12-31")
    assert code == 2 and out == "" and "<stdin>: đối tượng 'x', trường 'nope'" in err


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    pack = load_pack("demo")
    facts = common.read_facts([DEMO_FACTS], keep_going=False)[0]
    with common.progress_bar(pack, facts, "vi") as tick:
        assert tick is None  # under pytest stderr is no terminal
    fake = io.StringIO()
    fake.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", fake)
    with common.progress_bar(pack, facts, "vi") as tick:
        assert tick is not None
        tick()
    assert "đối tượng" in fake.getvalue()


def test_table_width_follows_the_terminal(monkeypatch):
    from chuan_engine.cli import evaluate

    assert evaluate.table_width(None) == 120  # stdout is captured, not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(evaluate.shutil, "get_terminal_size", lambda fallback: os.terminal_size((200, 50)))
    assert evaluate.table_width(None) == 200
    assert evaluate.table_width("out.txt") == 120


def test_gaps_header_date_is_vietnamese(capsys):
    code, out, _ = run(capsys, "gaps", DEMO_FACTS, "--pack", "demo", "--date", "2025-12-31")
    assert code == 0 and "Ngày đánh giá: 31/12/2025" in out


def test_facts_lists_what_the_demo_pack_reads(capsys):
    code, out, _ = run(capsys, "facts", "--pack", "demo", "--format", "json")
    assert code == 0
    rows = {(r["kind"], r["name"]): r for r in json.loads(out)}
    # rules/demo/school.yaml: has_code_of_conduct is an input variable (no formula), written inputs.<name>;
    # lecturer_share is computed by the formula share(staff, is_lecturer).
    assert rows[("school", "has_code_of_conduct")]["write_as"] == "inputs.has_code_of_conduct"
    assert rows[("school", "lecturer_share")]["computed_from"] == "share(staff, is_lecturer)"
    # emulation.yaml reads the staff member's yearly rating, a closed vocabulary of four grades.
    rating = rows[("staff", "rating")]
    assert rating["write_as"] == "years[].rating"
    assert rating["vocabulary"] == ["khong_hoan_thanh", "hoan_thanh", "hoan_thanh_tot", "hoan_thanh_xuat_sac"]
    code, out, _ = run(capsys, "facts", "--pack", "demo")
    assert code == 0 and "Loại: staff" in out and "ghi trực tiếp inputs.has_code_of_conduct" in out
