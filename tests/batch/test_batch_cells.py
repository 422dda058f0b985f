"""Batch inputs typed the way officials type them (issue 12, "Spreadsheet numbers"; part 3).

Numbers follow the column's convention: "25.000" is 25 000 where the column writes numbers the Vietnamese way,
"12,5" is 12.5; "0.85" (as pandas writes floats) is 0.85; a two-way cell in a column that mixes both is refused
with its file, row and column. Titles and rewards written in Vietnamese words count as their codes. Blank rows
are skipped; a "Tổng cộng" row is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.batch.io import read_table
from chuan_engine.batch.layout import prepare
from chuan_engine.facts import numerals
from chuan_engine.facts.numerals import Convention

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 6, 30)


@pytest.mark.parametrize(("cells", "expected"), [
    (["25.000", "7"], Convention.VI),          # "25.000" reads two ways, "7" one number: nothing says intl
    (["12,5", "25.000"], Convention.VI),       # "12,5" can only be Vietnamese
    (["0.85", "25.000"], Convention.INTL),     # "0.85" can only be international (no 3-digit group)
    (["1,234.5"], Convention.INTL),
    (["1.234.567"], Convention.VI),
    (["1e-05"], Convention.INTL),              # pandas writes small floats so
    (["0.85", "12,5"], Convention.MIXED),
])
def test_a_column_takes_the_convention_its_cells_show(cells: list[str], expected: Convention) -> None:
    assert numerals.convention(cells) is expected


@pytest.mark.parametrize(("text", "conv", "value"), [
    ("25.000", Convention.VI, 25000.0), ("25.000", Convention.INTL, 25.0),
    ("12,500", Convention.VI, 12.5), ("12,500", Convention.INTL, 12500.0),
    ("1.234,5", Convention.VI, 1234.5), ("0.85", Convention.VI, 0.85),  # one reading only: the column's
    ("87,5 %", Convention.VI, 0.875), ("-3", Convention.MIXED, -3.0),  # convention does not matter
])
def test_a_cell_reads_by_its_columns_convention(text: str, conv: Convention, value: float) -> None:
    assert numerals.read(text, conv) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "12.5.3", "1,2,3", "inf", "nan", "1.23,4.5"])
def test_text_that_is_no_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="không đọc được số|phải là số hữu hạn"):
        numerals.read(text, Convention.VI)


def _qd11_csv(tmp_path: Path, areas: list[str]) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    rows = "\n".join(f"s{i};2025-06-30;{a}" for i, a in enumerate(areas))
    # Semicolons and a BOM: what Excel writes for "CSV UTF-8" in a Vietnamese locale.
    (folder / "schools.csv").write_text("\ufeffschool_id;on;dien_tich_dat_m2\n" + rows + "\n", encoding="utf-8")
    return folder


def test_land_area_with_a_thousands_dot_in_a_csv_is_25000(tmp_path: Path) -> None:
    # Indicator 6.1 (rules/qd11_2021/6_co_so_vat_chat/01_dien_tich_dat.yaml): value >= muc_1 20 000 m², muc_2
    # 30 000 m². "25.000" Vietnamese is 25 000: >= 20 000 passes mức 1, < 30 000 fails mức 2 (short 5 000).
    # "32.500" is 32 500: passes both. Read as pandas guesses (25.0, 32.5) both would fail mức 1.
    pack = load_pack("qd11_2021")
    out = evaluate_batch(pack, _qd11_csv(tmp_path, ["25.000", "32.500"]), ON)
    land = out.results[out.results.rule == "qd11_2021.dien_tich_dat"].set_index("entity")
    assert land.loc["s0", "value"] == 25000 and land.loc["s1", "value"] == 32500
    assert land.loc["s0", "level_muc_1"] == "pass" and land.loc["s0", "level_muc_2"] == "fail"
    assert land.loc["s1", "level_muc_1"] == "pass" and land.loc["s1", "level_muc_2"] == "pass"


def test_a_two_way_number_in_a_mixed_column_names_file_row_and_column(tmp_path: Path) -> None:
    # Row 2 "0.5" is international, row 3 "12,5" Vietnamese: the column mixes both, so row 4 "25.000"
    # (25 or 25 000) is refused; its school is an error, the two others are evaluated.
    pack = load_pack("qd11_2021")
    out = evaluate_batch(pack, _qd11_csv(tmp_path, ["0.5", "12,5", "25.000"]), ON)
    summary = out.summary.set_index("entity")
    assert summary.loc["s2", "verdict"] == "error"
    message = summary.loc["s2", "error"]
    assert "schools.csv, dòng 4" in message and "dien_tich_dat_m2" in message and "25.000" in message
    assert summary.loc["s0", "verdict"] != "error" and summary.loc["s1", "verdict"] != "error"


def test_csv_cells_are_read_as_written_not_as_pandas_guesses(tmp_path: Path) -> None:
    (tmp_path / "staff_years.csv").write_text(
        "school_id,staff_id,year,absent_days\ns1,a,2024,1.500\ns1,b,2024,3\n", encoding="utf-8")
    frame = read_table(tmp_path / "staff_years.csv")
    assert list(frame["absent_days"]) == ["1.500", "3"]  # text: the layout decides how to read it
    assert frame.attrs["chuan_file"] == "staff_years.csv"


def test_titles_and_rewards_in_vietnamese_words_count_as_their_codes() -> None:
    years = pd.DataFrame([
        {"school_id": "s1", "staff_id": "a", "year": 2023,
         "titles": "Lao động tiên tiến; Chiến sĩ thi đua cơ sở", "rewards": "Bằng khen cấp Bộ"},
        {"school_id": "s1", "staff_id": "b", "year": 2023, "titles": "chien si thi dua co so", "rewards": "giay_khen"},
        {"school_id": "s1", "staff_id": "c", "year": 2023, "titles": "Anh hùng bàn phím"},
    ])
    frame = prepare("staff_years", years, {})
    titles, rewards = frame.cols["titles"], frame.cols["rewards"]
    assert titles.v[0] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert rewards.v[0] == ["bang_khen_cap_bo"]
    assert titles.v[1] == ["chien_si_thi_dua_co_so"] and rewards.v[1] == ["giay_khen"]
    assert not titles.k[2]  # an unknown title is a bad cell, not a silent non-match
    assert frame.row_bad is not None and "Anh hùng bàn phím" in frame.row_bad[2] and "titles" in frame.row_bad[2]


def test_blank_rows_are_skipped_and_a_total_row_is_noted(tmp_path: Path) -> None:
    # Three schools, a blank line between them and a "Tổng cộng" row under the list: three entities, one note.
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "schools.csv").write_text(
        "school_id,on,dien_tich_dat_m2\ns0,2025-06-30,25.000\n,,\ns1,2025-06-30,32.500\n"
        "Tổng cộng,,57.500\n", encoding="utf-8")
    out = evaluate_batch(load_pack("qd11_2021"), folder, ON)
    assert sorted(out.summary.entity) == ["s0", "s1"]
    assert out.notes == ["schools.csv, dòng 5: bỏ qua dòng tổng cộng / total row skipped"]


def test_dd_mm_yyyy_dates_read_in_batch_and_impossible_ones_are_errors() -> None:
    staff = pd.DataFrame([{"school_id": "s1", "staff_id": "a", "recruited_on": "01/09/2012"},
                          {"school_id": "s1", "staff_id": "b", "recruited_on": "2012-09-01xyz"},
                          {"school_id": "s1", "staff_id": "c", "recruited_on": "31/02/2012"}])
    frame = prepare("staff", staff, {})
    col = frame.cols["recruited_on"]
    assert str(col.v[0]) == "2012-09-01" and col.k[0]
    assert not col.k[1] and not col.k[2]
    assert frame.row_bad is not None
    assert "chỉ mục 1" in frame.row_bad[1] and "recruited_on" in frame.row_bad[1]


def test_a_bad_staff_cell_in_a_pack_without_staff_rules_is_listed_not_lost() -> None:
    # qd11_2021 reports on schools only; staff b's degree "tien_si_xyz" is not in the vocabulary (khac, cao_dang,
    # dai_hoc, thac_si, tien_si). The school reads it as unknown and is still evaluated; b is listed as an error.
    schools = pd.DataFrame([{"school_id": "s1", "on": "2025-06-30"}])
    staff = pd.DataFrame([{"school_id": "s1", "staff_id": "a", "degree": "thac_si"},
                          {"school_id": "s1", "staff_id": "b", "degree": "tien_si_xyz"}])
    out = evaluate_batch(load_pack("qd11_2021"), {"schools": schools, "staff": staff}, ON)
    rows = out.summary.set_index("entity")
    assert rows.loc["s1", "verdict"] != "error"
    assert rows.loc["b", "kind"] == "staff" and rows.loc["b", "verdict"] == "error"
    assert rows.loc["b", "school"] == "s1"
    assert "chỉ mục 1" in rows.loc["b", "error"] and "degree" in rows.loc["b", "error"]
    assert "a" not in rows.index  # a valid staff member of a school-only pack has no row of its own


def test_batch_inputs_follow_the_type_the_pack_declares() -> None:
    # qd11_2021 declares ty_le_gv_tham_gia_nckh a share (rules/qd11_2021/4_nckh/03_giang_vien_tham_gia_nckh.yaml)
    # and so_hoi_thao_toa_dam an integer count (04_hoi_thao_toa_dam.yaml), as facts/inputs.py checks them.
    # s0: 0.85 and 12 are fine. s1: 85 is a percentage written for a share (85 %: write 0.85). s2: -1 seminars.
    # s3: 2.5 seminars is no whole count.
    schools = pd.DataFrame([
        {"school_id": "s0", "on": "2025-06-30", "ty_le_gv_tham_gia_nckh": 0.85, "so_hoi_thao_toa_dam": 12},
        {"school_id": "s1", "on": "2025-06-30", "ty_le_gv_tham_gia_nckh": 85, "so_hoi_thao_toa_dam": 12},
        {"school_id": "s2", "on": "2025-06-30", "ty_le_gv_tham_gia_nckh": 0.5, "so_hoi_thao_toa_dam": -1},
        {"school_id": "s3", "on": "2025-06-30", "ty_le_gv_tham_gia_nckh": 0.5, "so_hoi_thao_toa_dam": 2.5},
    ])
    out = evaluate_batch(load_pack("qd11_2021"), {"schools": schools}, ON)
    rows = out.summary.set_index("entity")
    assert rows.loc["s0", "verdict"] != "error"
    assert rows.loc["s1", "verdict"] == "error" and "0.85 cho 85 %" in rows.loc["s1", "error"]
    assert "ty_le_gv_tham_gia_nckh" in rows.loc["s1", "error"]
    assert rows.loc["s2", "verdict"] == "error" and "so_hoi_thao_toa_dam" in rows.loc["s2", "error"]
    assert rows.loc["s3", "verdict"] == "error" and "số nguyên" in rows.loc["s3", "error"]


@pytest.mark.parametrize(("row", "total"), [
    (("Tổng cộng", None, 57500), True), ((None, "TỔNG CỘNG:", 3), True), (("Cộng", 3), True),
    (("Tổng số: 12",), True), (("Total",), True),
    # a person whose id cell was left blank is a bad row to report, not a total to skip
    ((None, "Tống Văn An", "01/09/2012"), False), ((None, "Công Minh"), False), (("cb_01", "Tổng"), False),
])
def test_a_total_row_is_told_from_a_name(row: tuple[object, ...], total: bool) -> None:
    from chuan_engine.facts.cells import is_total_row

    assert is_total_row(row) is total
