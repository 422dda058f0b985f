"""The template filled as a school's personnel office would, then evaluated with the thi_dua pack.

Law in force on 31/12/2024 (LEGAL_SOURCES §8, §2, §3a): Luật TĐKT 06/2022 Điều 24.1 (LĐTT: xếp loại Hoàn thành
tốt nhiệm vụ trở lên; not new-hired under 06 months, TT 01/2024 Điều 1.5.d; no discipline from khiển trách, kept
from NĐ 91/2017, §8a.9; not under disciplinary review, NĐ 98/2023 Điều 4) and Điều 23 (CSTĐ cơ sở: LĐTT and
Hoàn thành xuất sắc nhiệm vụ, or an initiative recognised at grassroots level, or research accepted, that year).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from chuan_engine.cli import main
from chuan_engine.facts.loader import load_facts

SCHOOL = [{"Mã trường": "tct_thu", "Tên trường": "Trường Chính trị tỉnh Thử", "Tỉnh, thành phố": "Thử"}]
UNITS = [{"Mã đơn vị": "khoa_a", "Tên đơn vị": "Khoa A", "Loại đơn vị": "Khoa"}]
STAFF = [
    # Dates as Excel dates (the template formats them dd/mm/yyyy) and as dd/mm/yyyy text.
    {"Mã cán bộ": "an", "Họ và tên": "Nguyễn Văn An", "Mã đơn vị": "khoa_a", "Ngày tuyển dụng": dt.datetime(2012, 9, 1),
     "Giới tính": "Nam", "Giảng viên": "Có"},
    {"Mã cán bộ": "binh", "Họ và tên": "Trần Thị Bình", "Mã đơn vị": "khoa_a", "Ngày tuyển dụng": "15/03/2015",
     "Giới tính": "Nữ", "Giảng viên": "x"},
    {"Mã cán bộ": "cuong", "Họ và tên": "Lê Văn Cường", "Mã đơn vị": "khoa_a", "Ngày tuyển dụng": "01/10/2024",
     "Giảng viên": "Không"},
    {"Mã cán bộ": "dung", "Họ và tên": "Phạm Thị Dung", "Mã đơn vị": "khoa_a", "Ngày tuyển dụng": "01/02/2010"},
]
YEARS = [
    {"Mã cán bộ": "an", "Năm": 2024, "Xếp loại": "Hoàn thành xuất sắc nhiệm vụ", "Hình thức kỷ luật": "Không",
     "Đang bị xem xét kỷ luật": "Không"},
    # 2023 says "Không" too: a discipline of 2023 not written could run into 2024 (NĐ 98/2023 Điều 4) and leave
    # An's 2024 titles unknown
    {"Mã cán bộ": "an", "Năm": 2023, "Xếp loại": "Hoàn thành xuất sắc nhiệm vụ", "Hình thức kỷ luật": "Không",
     "Danh hiệu được tặng": "Lao động tiên tiến; Chiến sĩ thi đua cơ sở"},
    {"Mã cán bộ": "binh", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ", "Hình thức kỷ luật": "Không",
     "Đang bị xem xét kỷ luật": "Không"},
    {"Mã cán bộ": "cuong", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ", "Hình thức kỷ luật": "Không",
     "Đang bị xem xét kỷ luật": "Không"},
    {"Mã cán bộ": "dung", "Năm": 2024, "Xếp loại": "Hoan thanh xuat sac nhiem vu", "Hình thức kỷ luật": "Khiển trách",
     "Đang bị xem xét kỷ luật": "Không"},
]
INITIATIVES = [{"Mã cán bộ": "binh", "Mã sáng kiến": "sk_1", "Tên sáng kiến": "Đổi mới bài giảng",
                "Cấp công nhận": "Cấp cơ sở", "Năm": 2022}]
RESEARCH = [{"Mã cán bộ": "binh", "Mã đề tài": "dt_1", "Tên đề tài": "Đề tài cũ", "Cấp công nhận": "Cấp cơ sở",
             "Năm": 2020, "Đã nghiệm thu": "Có", "Đã áp dụng": "Có"}]


def fill(template, tmp_path, filler):
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Trường", SCHOOL)
    filler.rows(wb, "Đơn vị", UNITS)
    filler.rows(wb, "Cán bộ", STAFF[:2])
    filler.rows(wb, "Cán bộ", STAFF[2:], start=5)  # row 4 left blank, as happens
    wb["Cán bộ"].cell(8, 1, "Tổng cộng")  # a total row under the list
    wb["Cán bộ"].cell(8, 4, 4)
    filler.rows(wb, "Năm của cán bộ", YEARS)
    filler.rows(wb, "Sáng kiến", INITIATIVES)
    filler.rows(wb, "Đề tài", RESEARCH)
    filler.title_row(wb, "Cán bộ", "DANH SÁCH CÁN BỘ, VIÊN CHỨC NĂM 2024")
    out = tmp_path / "da_dien.xlsx"
    wb.save(out)
    return out


# (staff, concept, expected outcome, reason from the law)
EXPECTED = [
    ("an", "lao_dong_tien_tien", "pass", "HTXSNV >= HTTNV, no discipline, 147 months > 6, not under review"),
    ("an", "chien_si_thi_dua_co_so", "pass", "LĐTT and HTXSNV in 2024 (Luật 06/2022 Điều 23: HTXSNV suffices)"),
    ("binh", "lao_dong_tien_tien", "pass", "HTTNV, no discipline, recruited 2015"),
    ("binh", "chien_si_thi_dua_co_so", "fail", "HTTNV is not HTXSNV; her initiative is of 2022, research of 2020"),
    ("cuong", "lao_dong_tien_tien", "fail", "recruited 01/10/2024: under 3 months on 31/12/2024 < 6 months"),
    ("dung", "lao_dong_tien_tien", "fail", "khiển trách in 2024 excludes LĐTT (discipline >= khiển trách)"),
    ("dung", "chien_si_thi_dua_co_so", "fail", "not LĐTT, so not CSTĐ cơ sở"),
]


def test_filled_template_reads_as_facts(template, tmp_path, filler):
    facts = load_facts(fill(template, tmp_path, filler))
    school = facts.schools[0]
    assert school.name == "Trường Chính trị tỉnh Thử"
    by_id = {p.id: p for p in school.staff or []}
    assert sorted(by_id) == ["an", "binh", "cuong", "dung"]  # blank and total rows are not people
    assert str(by_id["binh"].recruited_on) == "2015-03-15" and by_id["binh"].is_lecturer is True
    an_2023 = next(y for y in by_id["an"].years if y.year == 2023)
    assert an_2023.titles == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]  # Vietnamese words -> codes
    assert any("dòng 9" in n and "Cán bộ" in n for n in facts.notes)  # total row at row 9 (title row above)


@pytest.mark.parametrize(("pid", "concept", "expected", "why"), EXPECTED, ids=[f"{p}-{c}" for p, c, _, _ in EXPECTED])
def test_titles_from_the_filled_template(template, tmp_path, filler, capsys, pid, concept, expected, why):
    filled = fill(template, tmp_path, filler)
    code = main(["evaluate", str(filled), "--pack", "thi_dua", "--year", "2024", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Tổng cộng" not in captured.out
    assert "dòng 9" in captured.err  # the skipped total row is told, never silent
    data = json.loads(captured.out)
    ent = next(e for e in data["entities"] if e["id"] == pid)
    res = next(r for r in ent["results"] if r["concept"] == concept)
    assert res["outcome"] == expected, why
