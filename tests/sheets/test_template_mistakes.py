"""Mistakes an official makes in the template: each message names the sheet, the row and the column as Excel
shows them (row numbers from 1, the header's text, the column letter); exit code 2 and no traceback."""

from __future__ import annotations

import openpyxl
import pytest

from chuan_engine.cli import main
from chuan_engine.facts.loader import load_facts, load_facts_keep_going
from chuan_engine.facts.sheets import SheetError

STAFF = [
    {"Mã cán bộ": "an", "Họ và tên": "Nguyễn Văn An", "Ngày tuyển dụng": "01/09/2012"},
    {"Mã cán bộ": "binh", "Họ và tên": "Trần Thị Bình", "Ngày tuyển dụng": "15/03/2015"},
]


def _col(wb, sheet, header):
    return next(c.column_letter for c in wb[sheet][1] if c.value == header)


# (sheet, row index among STAFF/YEARS rows, header, bad value, words the message must hold)
MISTAKES = [
    ("Cán bộ", 0, "Ngày tuyển dụng", "31/02/2012", "dd/mm/yyyy"),
    ("Cán bộ", 1, "Giảng viên", "hơi hơi", "Có hoặc Không"),
    ("Cán bộ", 1, "Số năm giảng dạy tại trường", "12.5", "1.234,5"),
    ("Cán bộ", 0, "Trình độ chuyên môn", "Thạc sỹ học", "danh mục"),
    ("Năm của cán bộ", 0, "Xếp loại", "Xuất sắc lắm", "danh mục"),
    ("Năm của cán bộ", 0, "Danh hiệu được tặng", "Lao động giỏi", "không rõ"),
]


def _filled(template, tmp_path, filler, sheet, index, header, value):
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", STAFF)
    filler.rows(wb, "Năm của cán bộ", [{"Mã cán bộ": "an", "Năm": 2024, "Xếp loại": "HTTNV"}])
    filler.rows(wb, sheet, [{header: value}], start=2 + index)
    letter = _col(wb, sheet, header)
    out = tmp_path / "sai.xlsx"
    wb.save(out)
    return out, letter


@pytest.mark.parametrize(("sheet", "index", "header", "value", "words"), MISTAKES,
                         ids=[m[2] for m in MISTAKES])
def test_each_mistake_names_sheet_row_column(template, tmp_path, filler, capsys, sheet, index, header, value, words):
    path, letter = _filled(template, tmp_path, filler, sheet, index, header, value)
    with pytest.raises(SheetError) as caught:
        load_facts(path)
    where = f"Sheet {sheet}, dòng {index + 2}, cột {header} ({letter})"  # header is row 1, data from row 2
    assert where in caught.value.describe()
    assert words in caught.value.describe()
    code = main(["evaluate", str(path), "--pack", "thi_dua", "--year", "2024"])
    err = capsys.readouterr().err
    assert code == 2
    assert where in err and "Traceback" not in err


def test_title_row_shifts_the_row_numbers(template, tmp_path, filler):
    """With a title row above the header, the bad cell's row is the one Excel shows (3, not 2)."""
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", [{"Mã cán bộ": "an", "Ngày tuyển dụng": "2012/09/01"}])
    filler.title_row(wb, "Cán bộ", "DANH SÁCH CÁN BỘ")
    path = tmp_path / "tieu_de.xlsx"
    wb.save(path)
    with pytest.raises(SheetError, match=r"Sheet Cán bộ, dòng 3, cột Ngày tuyển dụng"):
        load_facts(path)


def test_unknown_header_and_missing_id(template, tmp_path, filler):
    wb = openpyxl.load_workbook(template)
    ws = wb["Cán bộ"]
    ws.cell(1, ws.max_column + 1, "Quê quán")
    path = tmp_path / "cot_la.xlsx"
    wb.save(path)
    with pytest.raises(SheetError, match=r"Sheet Cán bộ, dòng 1, cột Quê quán .*tiêu đề cột không rõ"):
        load_facts(path)
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", [{"Họ và tên": "Không có mã"}])
    path = tmp_path / "thieu_ma.xlsx"
    wb.save(path)
    with pytest.raises(SheetError, match=r"Sheet Cán bộ, dòng 2, cột Mã cán bộ.*thiếu Mã cán bộ"):
        load_facts(path)


def test_keep_going_keeps_the_others(template, tmp_path, filler):
    """One bad cell sets aside that person only; every bad cell is reported, none dropped silently."""
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", STAFF + [{"Mã cán bộ": "cuong", "Ngày tuyển dụng": "hôm qua", "Giảng viên": "?"}])
    path = tmp_path / "mot_loi.xlsx"
    wb.save(path)
    facts, errors = load_facts_keep_going(path)
    assert [p.id for p in facts.schools[0].staff or []] == ["an", "binh"]
    texts = [e.describe() for e in errors]
    assert len(texts) == 2  # both bad cells of row 4 are named
    assert any("dòng 4, cột Ngày tuyển dụng" in t for t in texts)
    assert any("dòng 4, cột Giảng viên" in t for t in texts)


def test_keep_going_from_the_cli(template, tmp_path, filler, capsys):
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", STAFF + [{"Mã cán bộ": "cuong", "Ngày tuyển dụng": "hôm qua"}])
    filler.rows(wb, "Năm của cán bộ", [{"Mã cán bộ": "an", "Năm": 2024, "Xếp loại": "HTTNV"}])
    path = tmp_path / "mot_loi.xlsx"
    wb.save(path)
    code = main(["evaluate", str(path), "--pack", "thi_dua", "--year", "2024", "--keep-going"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert "Nguyễn Văn An" in out and "Trần Thị Bình" in out  # the others are evaluated
    assert "Sheet Cán bộ, dòng 4, cột Ngày tuyển dụng" in out + err
