"""Cells typed the Vietnamese way, CSV files, titles and rewards in words, and a missing openpyxl."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from chuan_engine.cli import main
from chuan_engine.facts import cells
from chuan_engine.facts.loader import load_facts
from chuan_engine.facts.models import StaffYear
from chuan_engine.facts.sheets import MissingDependencyError
from chuan_engine.facts.vocab import Rating


@pytest.mark.parametrize(("text", "number"), [
    ("1.234,5", 1234.5), ("25.000", 25000.0), ("12,5", 12.5), ("87,5 %", 0.875), ("87,5%", 0.875), ("7", 7.0),
    (3, 3.0), (0.5, 0.5), ("-2", -2.0),
])
def test_vietnamese_numbers(text, number):
    assert cells.to_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["12.5", "1,234.5", "1.23", "abc", "1..2", "Infinity"])
def test_ambiguous_or_foreign_numbers_are_refused(text):
    with pytest.raises(ValueError, match="Vietnamese convention"):
        cells.to_number(text)


@pytest.mark.parametrize(("value", "flag"), [("Có", True), ("co", True), ("x", True), ("X", True), (1, True),
                                             ("Không", False), ("khong", False), (0, False), (True, True)])
def test_booleans(value, flag):
    assert cells.to_bool(value) is flag


def test_dates():
    assert cells.to_date("11/03/2012") == dt.date(2012, 3, 11)  # day first, as written in Vietnam
    assert cells.to_date("2012-03-11") == dt.date(2012, 3, 11)
    assert cells.to_date(dt.datetime(2012, 3, 11)) == dt.date(2012, 3, 11)
    for bad in ("30/02/2024", "03/11", "2012-3-11x", "hôm qua"):
        with pytest.raises(ValueError, match="dd/mm/yyyy"):
            cells.to_date(bad)


def test_titles_and_rewards_in_words_are_codes():
    """Issue 12: "Chiến sĩ thi đua cơ sở" must count as the code the rules compare with (with or without
    diacritics, NFC or NFD); a word that is no title is refused; a school's own code is kept."""
    import unicodedata

    year = StaffYear(year=2024, titles=["Chiến sĩ thi đua cơ sở", unicodedata.normalize("NFD", "Lao động tiên tiến"),
                                        "chien si thi dua cap tinh", "giang_vien_gioi_cap_truong"],
                     rewards=["Bằng khen cấp Bộ", "Bằng khen của Thủ tướng Chính phủ"])
    assert year.titles == ["chien_si_thi_dua_co_so", "lao_dong_tien_tien", "chien_si_thi_dua_cap_bo",
                           "giang_vien_gioi_cap_truong"]
    assert year.rewards == ["bang_khen_cap_bo", "bang_khen_thu_tuong"]
    with pytest.raises(ValueError, match="không rõ 'Lao động giỏi'"):
        StaffYear(year=2024, titles=["Lao động giỏi"])


def test_every_drop_down_label_reads_back():
    from chuan_engine.facts.vocab import LABELS_VI

    for vocab, labels in LABELS_VI.items():
        assert set(labels) == set(vocab), vocab
        for member, text in labels.items():
            assert vocab(text) is member
    assert Rating("Hoàn thành tốt nhiệm vụ") is Rating.hoan_thanh_tot


def test_a_csv_file_evaluates_directly(tmp_path, capsys):
    """``chuan evaluate can_bo.csv``: the file's name says the sheet; semicolons as a Vietnamese Excel saves."""
    path = tmp_path / "can_bo.csv"
    path.write_text("Mã cán bộ;Họ và tên;Ngày tuyển dụng\nan;Nguyễn Văn An;01/09/2012\n", encoding="utf-8")
    facts = load_facts(path)
    (person,) = facts.schools[0].staff or []
    assert (person.id, person.recruited_on) == ("an", dt.date(2012, 9, 1))
    assert main(["evaluate", str(path), "--pack", "thi_dua", "--year", "2024"]) == 0
    assert "Nguyễn Văn An" in capsys.readouterr().out


def test_missing_openpyxl_is_a_named_error(tmp_path, monkeypatch, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ModuleNotFoundError
    with pytest.raises(MissingDependencyError, match="pip install openpyxl"):
        load_facts(path)
    assert main(["evaluate", str(path), "--pack", "thi_dua"]) == 2
    err = capsys.readouterr().err
    assert "pip install openpyxl" in err and "Traceback" not in err


def test_a_csv_renamed_xlsx_is_refused_cleanly(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_text("Mã cán bộ\nan\n", encoding="utf-8")
    assert main(["evaluate", str(path), "--pack", "thi_dua"]) == 2
    err = capsys.readouterr().err
    assert "không đọc được tệp Excel" in err and "Traceback" not in err


def test_a_bad_cell_is_named_in_the_language_asked_for(tmp_path, capsys):
    # Row 2 of can_bo.csv: "31/02/2012" is no date (February has no 31st). Vietnamese by default, English on request.
    path = tmp_path / "can_bo.csv"
    path.write_text("Mã cán bộ;Họ và tên;Ngày tuyển dụng\nan;Nguyễn Văn An;31/02/2012\n", encoding="utf-8")
    assert main(["evaluate", str(path), "--pack", "thi_dua", "--year", "2024"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert "dòng 2" in err and "Ngày tuyển dụng" in err and "không phải ngày, hãy viết dd/mm/yyyy" in err
    assert "not a date" not in err
    assert main(["evaluate", str(path), "--pack", "thi_dua", "--year", "2024", "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert "row 2" in err and "not a date (write dd/mm/yyyy" in err and "không phải ngày" not in err


def test_a_sheet_given_is_the_whole_list_and_a_sheet_left_out_is_unknown(tmp_path):
    """Issue 12: as in the batch frames, a workbook's sheet holds every record of its kind, so a person with no
    row there has none ([]); without the sheet the list is not known (None), never "none"."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cán bộ"
    ws.append(["Mã cán bộ", "Họ và tên"])
    ws.append(["an", "Nguyễn Văn An"])
    ws.append(["binh", "Trần Thị Bình"])
    years = wb.create_sheet("Năm của cán bộ")
    years.append(["Mã cán bộ", "Năm", "Xếp loại"])
    years.append(["an", 2025, "Hoàn thành tốt nhiệm vụ"])
    wb.save(tmp_path / "truong.xlsx")
    staff = {p.id: p for p in load_facts(tmp_path / "truong.xlsx").schools[0].staff or []}
    assert [y.year for y in staff["an"].years or []] == [2025]
    assert staff["binh"].years == []  # the sheet is given: no row is known none
    assert staff["an"].initiatives is None and staff["binh"].research is None  # no sheet: not known
    (tmp_path / "can_bo.csv").write_text("Mã cán bộ;Họ và tên\nan;Nguyễn Văn An\n", encoding="utf-8")
    (alone,) = load_facts(tmp_path / "can_bo.csv").schools[0].staff or []
    assert alone.years is None
