"""The batch reader keeps a Có/Không column with blanks as flags (it was read as 1.0/NaN/0.0)."""

from __future__ import annotations

import openpyxl

from chuan_engine.batch.io import read_table


def test_bool_column_with_blanks(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "staff"
    for row in (["school_id", "staff_id", "is_lecturer", "teaching_years_at_school"],
                ["s", 101, True, 3], ["s", "b", None, None], ["s", "c", False, 2.5]):
        ws.append(row)
    path = tmp_path / "b.xlsx"
    wb.save(path)
    df = read_table(path, "staff")
    flags = df["is_lecturer"].tolist()
    assert flags[0] is True and flags[2] is False and flags[1] != flags[1]  # True, blank (NaN), False
    assert df["staff_id"].tolist() == ["101", "b", "c"]  # a numeric id reads as text
    assert df["teaching_years_at_school"].dtype.kind == "f"  # a number column stays numeric
