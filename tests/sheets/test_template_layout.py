"""The template's columns are wide enough to read the longest drop-down choice whole (issue 14, item 1)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from chuan_engine.cli import main


def _template(tmp_path: Path) -> openpyxl.Workbook:
    out = tmp_path / "mau.xlsx"
    assert main(["template", "--pack", "thi_dua", "--out", str(out)]) == 0
    return openpyxl.load_workbook(out)


def test_a_vocabulary_column_fits_its_longest_choice(tmp_path: Path) -> None:
    ws = _template(tmp_path)["Năm của cán bộ"]
    header = [c.value for c in ws[1]]
    rating = openpyxl.utils.get_column_letter(header.index("Xếp loại") + 1)
    # "Hoàn thành xuất sắc nhiệm vụ" is 28 characters; the header "Xếp loại" only 8
    assert ws.column_dimensions[rating].width >= len("Hoàn thành xuất sắc nhiệm vụ")
