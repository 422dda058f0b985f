"""The workbook an office files (``--format xlsx``), opened with openpyxl.

Hand computation on fixtures/thi_dua (fixtures/thi_dua/_make.py), year 2023 (old regime: Luật 2003/2013,
NĐ 91/2017), 60 staff:
- Lao động tiên tiến (HTTNV or better, no discipline, recruited >= 10 months before 31/12): everyone but
  cb_khien_trach_2023 (khiển trách in 2023) and cb_moi_2023 (recruited 20/05/2023: 7 months < 10);
  cb_moi_2024 is not yet staff in 2023 (not applicable). 60 - 3 = 57 names.
- Chiến sĩ thi đua cơ sở (NĐ 91 Điều 9: LĐTT and an initiative recognised at cơ sở or above in 2023):
  cb_chuoi_cstd (SK-K1), cb_khong_duoc_tang_2022 (SK-L2, bộ/tỉnh), cb_qlkh_sk_1..6 (SK-Q1..6),
  cb_sang_kien_da_dung (SK-F1, recorded used in 2023 itself, so it still counts in 2023), cb_sang_kien_hai_noi
  (SK-G2) = 10 names.
  Cap (NĐ 91 Điều 9.3, 15 % of LĐTT, rounded down): floor(0.15 × 57) = floor(8.55) = 8 < 10 → the council votes.
  Order (_quotas.yaml): rating first — HTXSNV in 2023: cb_chuoi_cstd, cb_qlkh_sk_3, cb_qlkh_sk_4,
  cb_sang_kien_da_dung, cb_sang_kien_hai_noi (ranks 1–5, within the cap); then the five rated HTTNV, one
  initiative each (the women-first key starts 2024), all tied across the cap at places 6–10.
- Chiến sĩ thi đua cấp bộ: only cb_chuoi_cstd (CSTĐCS 2021, 2022 conferred + 2023 = 3 in a row, SK-K2
  bộ/tỉnh 2022 in the window); cb_qlkh_sk_1 has the streak but only cơ sở initiatives.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.cli import main
from chuan_engine.facts.vocab import SHORT_TITLES
from chuan_engine.report.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[2]
HTXS_2023 = {"Lê Văn Kiên", "Vũ Quang Cường", "Đặng Minh Thư", "Nguyễn Văn An", "Trần Thị Thanh Hương"}
HTT_2023 = {"Phạm Thị Lan", "Hoàng Văn An", "Phan Thị Lan", "Bùi Văn Hải", "Đỗ Hữu Khánh"}
HOSTILE = ['=HYPERLINK("http://evil.example","bấm")', "+1+2", "-3", "@SUM(A1)"]


@pytest.fixture(scope="module")
def thi_dua_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "thi_dua_2023.xlsx"
    code = main(["evaluate", str(ROOT / "fixtures/thi_dua"), "--pack", "thi_dua", "--year", "2023",
                 "--format", "xlsx", "--out", str(out)])
    assert code == 0
    return out


def _table(ws) -> tuple[list[str], list[dict[str, object]]]:
    heads = [c.value for c in ws[3]]
    rows = [dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)]
    return heads, rows


def test_a_sheet_per_title_with_who_and_why(thi_dua_book: Path) -> None:
    wb = openpyxl.load_workbook(thi_dua_book)
    assert wb.sheetnames[0] == "Tổng hợp"
    assert "Đề nghị Lao động tiên tiến" in wb.sheetnames and "Đề nghị Chiến sĩ thi đua cơ sở" in wb.sheetnames
    _, ldtt = _table(wb["Đề nghị Lao động tiên tiến"])
    ids = {r["Mã"] for r in ldtt}
    assert len(ldtt) == 57
    assert not ids & {"cb_khien_trach_2023", "cb_moi_2023", "cb_moi_2024"}
    cb01 = next(r for r in ldtt if r["Mã"] == "cb_01")
    assert cb01["Họ và tên / Tên"] == "Trần Đức Bình" and cb01["Đơn vị"] == "Khoa Lý luận cơ sở"
    assert cb01["Căn cứ đề nghị"] == "Xếp loại năm 2023: Hoàn thành tốt nhiệm vụ"

    heads, cstd = _table(wb["Đề nghị Chiến sĩ thi đua cơ sở"])
    assert heads[-5:] == ["Thứ tự xét", "Tỷ lệ tối đa (người)", "So với tỷ lệ", "Cần Hội đồng bình xét", "Mã"]
    assert {r["Họ và tên / Tên"] for r in cstd} == HTXS_2023 | HTT_2023
    assert all(r["Tỷ lệ tối đa (người)"] == 8 and r["Cần Hội đồng bình xét"] == "Có" for r in cstd)
    for r in cstd:
        if r["Họ và tên / Tên"] in HTXS_2023:
            assert r["So với tỷ lệ"] == "trong tỷ lệ" and r["Thứ tự xét"] <= 5
        else:
            assert r["So với tỷ lệ"] == "đồng hạng tại ngưỡng" and r["Thứ tự xét"] >= 6
    kien = next(r for r in cstd if r["Mã"] == "cb_chuoi_cstd")
    assert "sáng kiến: SK-K1" in kien["Căn cứ đề nghị"]  # the initiative the ledger says the title rests on
    cap_line = wb["Đề nghị Chiến sĩ thi đua cơ sở"]["C2"].value
    assert "floor(0.15 × 57) = 8" in cap_line

    assert [r["Mã"] for r in _table(wb["Đề nghị CSTĐ cấp bộ, tỉnh"])[1]] == ["cb_chuoi_cstd"]


def test_title_sheets_have_short_whole_names_unique_within_31_characters(thi_dua_book: Path) -> None:
    # Excel refuses a sheet name over 31 characters; a cut name ("…") or a "(2)" suffix is unreadable,
    # so every proposal sheet carries the short name of its title (SHORT_TITLES), whole.
    for short in SHORT_TITLES.values():
        assert len(f"Đề nghị {short['vi']}") <= 31 and len(f"Proposed {short['en']}") <= 31
    wb = openpyxl.load_workbook(thi_dua_book)
    names = wb.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and "…" not in n and "(2)" not in n for n in names)
    # 2023 in thi_dua: the individual and collective Bằng khen are two sheets, told apart by the short name
    assert {"Đề nghị BK bộ, tỉnh (cá nhân)", "Đề nghị BK bộ, tỉnh (tập thể)"} <= set(names)
    # the title row keeps the full official title
    assert wb["Đề nghị CSTĐ cấp bộ, tỉnh"]["A1"].value.startswith("Danh sách đề nghị: Chiến sĩ thi đua cấp bộ")


def test_kind_sheets_hold_only_rules_in_force_with_reasons(thi_dua_book: Path) -> None:
    wb = openpyxl.load_workbook(thi_dua_book)
    _, staff = _table(wb["Cán bộ"])
    # 2023: one version of each of the 7 personal rules is in force; the 2024 versions are left out.
    assert len([r for r in staff if r["Mã"] == "cb_01"]) == 7
    assert "Không áp dụng" not in {r["Kết quả"] for r in staff if r["Mã"] != "cb_moi_2024"}
    failed = next(r for r in staff if r["Mã"] == "cb_khien_trach_2023" and r["Nội dung"] == "Lao động tiên tiến")
    assert failed["Kết quả"] == "Không đạt" and "hình thức kỷ luật" in failed["Lý do"]  # the reason in words (issue 14)


def test_formats_frozen_header_filter_and_print(thi_dua_book: Path) -> None:
    wb = openpyxl.load_workbook(thi_dua_book)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A4", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:"), ws.title
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # 9 = A4 in SpreadsheetML
        assert ws.print_title_rows == "$3:$3"
        assert ws["B2"].value == dt.datetime(2023, 12, 31) and ws["B2"].number_format == "dd/mm/yyyy"
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABC")


def test_indicator_rows_with_number_and_percent_format(tmp_path: Path) -> None:
    """binh_phuoc, qd11_2021.ty_le_giang_vien (Tiêu chí 2, chỉ tiêu 2.1): a share shown as a percentage."""
    out = tmp_path / "schools.xlsx"
    code = main(["evaluate", str(ROOT / "fixtures/schools"), "--pack", "qd11_2021", "--date", "2025-06-30",
                 "--format", "xlsx", "--out", str(out)])
    assert code in (0, 1)
    wb = openpyxl.load_workbook(out)
    ws = wb["Trường"]
    heads = [c.value for c in ws[3]]
    assert heads[:3] == ["Họ và tên / Tên", "Số chỉ tiêu", "Nội dung"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[heads.index("Mã quy tắc")].value == "qd11_2021.ty_le_giang_vien"
               and r[heads.index("Mã")].value == "binh_phuoc")
    cell = dict(zip(heads, row, strict=True))
    assert cell["Số chỉ tiêu"].value == "2.1"
    assert isinstance(cell["Giá trị"].value, float) and 0 <= cell["Giá trị"].value <= 1
    assert cell["Giá trị"].number_format == "0.0%" and cell["Chênh lệch"].number_format == "0.0%"
    assert cell["Ngưỡng"].value == pytest.approx(0.75)  # level-1 threshold 75 % (qd11 tiêu chí 2)


def test_no_cell_is_ever_a_formula(tmp_path: Path) -> None:
    pack = load_pack(ROOT / "rules/thi_dua")
    report = pack.evaluate(load_facts(ROOT / "fixtures/thi_dua"), dt.date(2024, 12, 31))
    staff = [e for e in report.entities if e.kind == "staff"]
    for e, name in zip(staff, HOSTILE, strict=False):
        e.name = name
    out = tmp_path / "hostile.xlsx"
    write_workbook(report, out)
    wb = openpyxl.load_workbook(out)
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if c.value in HOSTILE:
                    found.add(c.value)
                    assert c.quotePrefix
    assert found == set(HOSTILE)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_file_mode_follows_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        out = tmp_path / "r.xlsx"
        pack = load_pack(ROOT / "rules/demo")
        write_workbook(pack.evaluate(load_facts(ROOT / "fixtures/demo"), dt.date(2025, 12, 31)), out)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644  # 0666 less umask 022, not mkstemp's 0600
