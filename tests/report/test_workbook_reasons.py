"""Each entity's row carries a plain reason and what is missing, not only a verdict (issue 14 item 2).

Hand computation on fixtures/thi_dua, 31/12/2024 (Luật 06/2022): cb_tchc_htnv_1 is rated only Hoàn thành
nhiệm vụ in 2024, so Lao động tiên tiến fails on the rating (needs Hoàn thành tốt nhiệm vụ or above);
cb_htxs_khong_sang_kien (HTXSNV, no initiative, no research) has 0 of the 2 initiatives or 2 research topics
Bằng khen cấp bộ (Điều 74.1.d) asks: 2 more of either. The batch row keeps no explanation tree, so its reason
is what the rule asks, in words; its margin uses lang.ops.excess (one meaning).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.batch import evaluate_batch, facts_to_frames
from chuan_engine.report.batch_book import _level_margin
from chuan_engine.report.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2024, 12, 31)


def _rows(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    ws = openpyxl.load_workbook(path)["Cán bộ"]
    heads = [c.value for c in ws[3]]
    rows = [dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)]
    return {(str(r["Mã"]), str(r["Nội dung"])): r for r in rows}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[Any, Any], dict[Any, Any]]:
    pack = load_pack(ROOT / "rules/thi_dua")
    facts = load_facts(ROOT / "fixtures/thi_dua")
    out = tmp_path_factory.mktemp("reasons")
    write_workbook(pack.evaluate(facts, ON), out / "report.xlsx")
    plan = pack.plan if hasattr(pack, "plan") else pack
    evaluate_batch(plan, facts_to_frames(facts), ON).to_excel(out / "batch.xlsx")
    return _rows(out / "report.xlsx"), _rows(out / "batch.xlsx")


def test_report_rows_say_why_and_what_is_missing(books: tuple[dict[Any, Any], dict[Any, Any]]) -> None:
    rows, _ = books
    ldtt = rows[("cb_tchc_htnv_1", "Lao động tiên tiến")]
    assert ldtt["Kết quả"] == "Không đạt"
    assert ldtt["Lý do"] == ("Xếp loại năm 2024: Hoàn thành nhiệm vụ; cần từ Hoàn thành tốt nhiệm vụ trở lên"
                             " — chưa đạt")
    bk = rows[("cb_htxs_khong_sang_kien", "Bằng khen cấp bộ, ban, ngành, tỉnh (cá nhân, điểm d)")]
    assert bk["Còn thiếu"] == ("một trong: cần thêm 2 sáng kiến cấp cơ sở trở lên trong thời gian xét Bằng khen"
                               " cấp bộ; hoặc cần thêm 2 đề tài được nghiệm thu")  # 0 of 2, 0 of 2


def test_batch_rows_carry_a_reason(books: tuple[dict[Any, Any], dict[Any, Any]]) -> None:
    _, rows = books
    ldtt = rows[("cb_tchc_htnv_1", "Lao động tiên tiến")]
    assert ldtt["Kết quả"] == "Không đạt"
    assert str(ldtt["Lý do"]).startswith("Cần: xếp loại từ Hoàn thành tốt nhiệm vụ trở lên")


def test_level_margin_is_the_one_excess() -> None:
    assert _level_margin(">=", 0.875, 0.9) == pytest.approx(-0.025)  # 87,5 % against >= 90 %: 2,5 points short
    assert _level_margin("<=", 25, 30) == 5  # at most 30, 25: 5 to spare
    assert _level_margin("==", 3, 5) == -2  # equality: nearness
    assert _level_margin(">=", 0.9, 0.9 + 1e-12) == 0.0  # within EPS
    assert _level_margin(None, 1, 2) is None
