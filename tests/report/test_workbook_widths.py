"""Column widths measured over every row of a sheet, capped (a long name far down still widens its column)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from chuan_engine.report.workbook import MAX_WIDTH, _Sheet


def _widths(long_at: int, long_text: str) -> dict[str, float]:
    wb = openpyxl.Workbook(write_only=True)
    sh = _Sheet(wb, "T", "Tiêu đề", "", ["Tên", "Ghi chú"], dt.date(2025, 6, 30), "vi")
    for i in range(1, 1001):
        sh.add([long_text if i == long_at else "An", "x"])
    sh.close()
    buf = io.BytesIO()
    wb.save(buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["T"]
    assert ws.cell(3 + long_at, 1).value == long_text  # every row written, in order
    return {k: d.width for k, d in ws.column_dimensions.items()}


def test_a_long_name_in_row_900_widens_its_column() -> None:
    name = "Nguyễn Thị Hồng Nhung Phương"  # 28 characters + 2 of padding = 30
    widths = _widths(900, name)
    assert widths["A"] == 30
    assert widths["B"] == len("Ghi chú") + 2  # header 7 + 2 = 9: the header is the widest cell


def test_width_is_capped() -> None:
    widths = _widths(700, "x" * 200)
    assert widths["A"] == MAX_WIDTH == 60
