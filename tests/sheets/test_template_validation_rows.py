"""The template's drop-down lists cover the data rows down to row 20 001 (20 000 rows under the header)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from chuan_engine.cli import main


def test_drop_downs_reach_20000_rows(tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    assert main(["template", "--pack", "thi_dua", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Năm của cán bộ"]
    heads = {c.value: c.column_letter for c in ws[1]}
    rating = next(letter for h, letter in heads.items() if h and h.startswith("Xếp loại"))
    ranges = [str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges]
    assert f"{rating}2:{rating}20001" in ranges
    assert ranges and all(r.endswith("20001") for r in ranges)  # every drop-down, not only the rating
