"""The template lets the personnel office say "none" where a blank cell means unknown (issue 12): "Không" for a
discipline and a pending review, "Không" for an initiative never used as a basis; blank cells stay unknown."""

from __future__ import annotations

from typing import Any

import openpyxl

from chuan_engine.facts.loader import load_facts


def _validations(ws: Any) -> dict[str, str]:
    headers = {c.column_letter: c.value for c in ws[1]}
    return {headers[str(dv.sqref).split(":")[0].rstrip("0123456789")]: dv.formula1
            for dv in ws.data_validations.dataValidation}


def test_the_template_offers_khong(template: Any) -> None:
    wb = openpyxl.load_workbook(template)
    years = _validations(wb["Năm của cán bộ"])
    assert years["Đang bị xem xét kỷ luật"] == '"Có,Không"'
    sheet, cells = years["Hình thức kỷ luật"].split("!")  # a column of the lists sheet: the vocabulary's labels
    column = cells.split(":")[0].replace("$", "").rstrip("0123456789")
    assert "Không" in [c.value for c in wb[sheet.strip("'")][column]]
    assert _validations(wb["Sáng kiến"])["Đã dùng làm căn cứ"] == '"Có,Không"'


def test_khong_reads_as_none_and_a_blank_as_unknown(template: Any, tmp_path: Any, filler: Any) -> None:
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Trường", [{"Mã trường": "t", "Tên trường": "Trường Thử"}])
    filler.rows(wb, "Cán bộ", [{"Mã cán bộ": p, "Họ và tên": p.upper()} for p in ("a", "b")])
    filler.rows(wb, "Năm của cán bộ", [
        {"Mã cán bộ": "a", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ", "Hình thức kỷ luật": "Không",
         "Đang bị xem xét kỷ luật": "Không"},
        {"Mã cán bộ": "b", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ"}])
    filler.rows(wb, "Sáng kiến", [
        {"Mã cán bộ": "a", "Mã sáng kiến": "sk_a", "Cấp công nhận": "Cấp cơ sở", "Năm": 2024,
         "Đã dùng làm căn cứ": "Không"},
        {"Mã cán bộ": "b", "Mã sáng kiến": "sk_b", "Cấp công nhận": "Cấp cơ sở", "Năm": 2024}])
    out = tmp_path / "f.xlsx"
    wb.save(out)
    staff = {p.id: p for p in load_facts(out).schools[0].staff or []}
    a, b = staff["a"], staff["b"]
    assert (a.years[0].discipline, a.years[0].discipline_pending) == ("khong", False)
    assert (b.years[0].discipline, b.years[0].discipline_pending) == (None, None)
    assert (a.initiatives or [])[0].use_known is False
    assert (b.initiatives or [])[0].use_known is None
