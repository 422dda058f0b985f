"""Each renderer: JSON contract, DataFrame, terminal table, HTML; Vietnamese default, English on request."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chuan_engine import SCHEMA_VERSION


@pytest.fixture(scope="module")
def report(demo_pack, demo_facts):
    return demo_pack.evaluate(demo_facts, dt.date(2025, 12, 31))


def test_json_contract(report):
    data = json.loads(report.to_json())
    assert data["schema_version"] == SCHEMA_VERSION == "1.1"
    assert data["pack"] == {"id": "demo", "version": "1.0.0", "title": "Bộ quy tắc minh họa (trường chuẩn và thi đua)"}
    assert data["as_of"] == "2025-12-31"
    ids = [e["id"] for e in data["entities"]]
    assert ids[:3] == ["demo_a", "khoa_lyluan", "phong_tochuc"] and ids[-1] == "demo_b"
    a = data["entities"][0]
    assert a["kind"] == "school" and set(a) >= {"id", "kind", "results", "summary"}
    res = {r["rule"]: r for r in a["results"]}
    share = res["demo.ty_le_giang_vien"]
    assert set(share) >= {"rule", "outcome", "value", "threshold", "margin", "citation", "provenance", "explanation"}
    assert share["outcome"] == "pass" and share["threshold"] == 0.75
    assert share["citation"]["document"] == "Quy định 11-QĐ/TW"
    assert share["explanation"]["children"][0]["detail"]["denominator"] == 12
    assert res["demo.de_tai_cap_tinh"]["provenance"] == "provisional"
    assert a["summary"]["verdict"] == "chua_dat"


def test_json_is_utf8_with_diacritics(report):
    text = report.to_json()
    assert "Đội ngũ cán bộ, viên chức" in text and "\\u" not in text


def test_english_labels(report):
    data = report.to_dict(lang="en")
    res = {r["rule"]: r for r in data["entities"][0]["results"]}
    assert res["demo.ty_le_giang_vien"]["title"] == "Share of lecturers among all staff"
    assert "Fail" not in report.to_table(lang="vi") and "Kết luận" in report.to_table(lang="vi")
    assert "Verdict" in report.to_table(lang="en")


def test_tidy_frame(report):
    frame = report.to_frame()
    # one row per entity x rule of its kind: 2 schools x 5 + 2 units x 1 + 12 staff x 2
    assert len(frame) == 2 * 5 + 2 * 1 + 12 * 2
    row = frame[(frame.entity == "demo_a") & (frame.rule == "demo.de_tai_cap_tinh")].iloc[0]
    assert row.outcome == "fail" and row.margin == -1 and row.provenance == "provisional"
    summary = report.summary_frame()
    assert summary.set_index("entity").loc["demo_b", "verdict"] == "chua_du_du_lieu"


def test_table_flags_provisional_and_unknown(report):
    text = report.to_table()
    assert "[TẠM THỜI]" in text
    assert "Thiếu dữ kiện: school.has_code_of_conduct" in text
    assert "đạt 3/4 chỉ tiêu chuẩn mức 1, 1 vượt chuẩn" in text


def test_html(report):
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in html
    assert "class='verdicts'" in html and "<tr class='fail'>" in html and "<tr class='unknown'>" in html
    assert "TẠM THỜI" in html
    fragment = report._repr_html_()
    assert "<html" not in fragment and "class='verdicts'" in fragment
