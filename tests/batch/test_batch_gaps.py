"""Batch gap columns equal the explaining path's gap, cell by cell, on the bundled fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.batch import evaluate_batch, facts_to_frames

ROOT = Path(__file__).resolve().parents[2]
CASES = [("qd11_2021", "schools", dt.date(2025, 6, 30)), ("qd11_2021", "schools", dt.date(2023, 12, 31)),
         ("demo", "demo", dt.date(2025, 6, 30))]


def _explaining(report, lang):
    out = {}
    for e in report.entities:
        for r in e.results:
            g = r.gap
            out[(e.id, r.rule)] = None if g is None else (
                g["level"], g["amount"], g["amount_unit"], g["mode"], g["text_" + lang])
    return out


def _batch(frame):
    return {(row.entity, row.rule): None if row.gap_level is None else (
        row.gap_level, row.gap_amount, row.gap_unit, row.gap_mode, row.gap_text)
        for row in frame.itertuples(index=False)}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("pack_name", "fixture", "on"), CASES)
def test_batch_gap_equals_explaining_gap(pack_name, fixture, on, lang):
    pack = load_pack(ROOT / "rules" / pack_name)
    facts = load_facts(ROOT / "fixtures" / fixture)
    expected = _explaining(pack.evaluate(facts, on, lang=lang, extras=False), lang)
    out = evaluate_batch(pack, facts_to_frames(facts), on, lang=lang)
    got = _batch(out.results)
    assert out.fallback == {}
    assert set(got) == set(expected)
    assert sum(v is not None for v in expected.values()) > 0  # the fixtures do fail somewhere
    assert got == expected


def test_batch_gap_by_hand(qd11_pack):
    facts = load_facts(ROOT / "fixtures" / "schools")
    res = evaluate_batch(qd11_pack, facts_to_frames(facts), dt.date(2025, 6, 30)).results
    row = res[(res.entity == "lai_chau") & (res.rule == "qd11_2021.ty_le_giang_vien")].iloc[0]
    # 28 lecturers of 40 staff, threshold 75%, the rule's mode is add:
    # ceil((0.75*40 - 28) / (1 - 0.75)) = ceil(2 / 0.25) = 8 new lecturers -> 36/48 = 75%.
    assert (row.gap_amount, row.gap_unit, row.gap_mode) == (8, "members", "add")
    assert row.gap_text.startswith("cần bổ sung 8 giảng viên mới (hiện 28/40 = 70 %")
    levels = [c for c in res.columns if c.startswith("level_")]
    failing_somewhere = (res[levels] == "fail").any(axis=1)
    assert len(levels) == 2 and (~failing_somewhere).sum() > 0
    assert res[~failing_somewhere].gap_level.isna().all()  # a gap only where some level fails
