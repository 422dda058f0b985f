"""``chuan params export`` → the appraisal department writes an official value and its source → ``--params``.

thi_dua.new_hire_months is 6 in 2024 (TT 01/2024/TT-BNV Điều 1.5.d: no LĐTT under 06 months of service). A person
recruited on 01/03/2024 has 9 full months on 31/12/2024: LĐTT passes at 6 and fails at 12 (9 < 12).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from chuan_engine.cli import main

SOURCE = "Công văn 123/HV-TĐKT ngày 05/01/2024 (thử)"


def _row_of(ws, name, start):
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        cells = {h: c for h, c in zip(headers, row, strict=True)}
        if cells["Mã tham số"].value == name and cells["Hiệu lực từ"].value == start:
            return cells
    raise AssertionError(f"no row for {name} from {start}")


def _details(node):
    """Every ``detail`` mapping anywhere in an explanation tree (whatever its renderer calls the other keys)."""
    if isinstance(node, dict):
        if isinstance(node.get("detail"), dict):
            yield node["detail"]
        for value in node.values():
            yield from _details(value)
    elif isinstance(node, list):
        for item in node:
            yield from _details(item)


def _facts(tmp_path, template, filler):
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", [{"Mã cán bộ": "moi", "Họ và tên": "Ngô Văn Mới", "Ngày tuyển dụng": "01/03/2024"}])
    filler.rows(wb, "Năm của cán bộ", [{"Mã cán bộ": "moi", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ",
                                        "Hình thức kỷ luật": "Không", "Đang bị xem xét kỷ luật": "Không"}])
    path = tmp_path / "can_bo.xlsx"
    wb.save(path)
    return path


def _ldtt(capsys, args):
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    person = next(e for e in data["entities"] if e["id"] == "moi")
    return next(r for r in person["results"] if r["concept"] == "lao_dong_tien_tien")


def test_round_trip_changes_the_verdict(template, tmp_path, filler, capsys):
    facts = _facts(tmp_path, template, filler)
    sheet = tmp_path / "chi_tieu.xlsx"
    assert main(["params", "export", "--pack", "thi_dua", "--out", str(sheet)]) == 0
    base = ["evaluate", str(facts), "--pack", "thi_dua", "--year", "2024", "--format", "json"]
    assert _ldtt(capsys, base)["outcome"] == "pass"  # 9 months >= 6

    wb = openpyxl.load_workbook(sheet)
    row = _row_of(wb["Chỉ tiêu"], "thi_dua.new_hire_months", dt.datetime(2024, 1, 1))
    assert row["Giá trị hiện hành"].value == 6 and "TT 01/2024" in row["Nguồn hiện hành"].value
    assert "Lao động tiên tiến" in row["Chỉ tiêu"].value  # the indicator reading it is named
    row["Giá trị chính thức"].value = 12
    row["Nguồn chính thức"].value = SOURCE
    wb.save(sheet)

    res = _ldtt(capsys, [*base, "--params", str(sheet)])
    assert res["outcome"] == "fail"  # 9 months < 12
    # The explanation shows the parameter read with the value's provenance and the source the department wrote.
    assert any(d.get("provenance") == "override" and d.get("source") == SOURCE for d in _details(res["explanation"]))


def test_qd11_export_lists_every_parameter(tmp_path):
    from chuan_engine.api import open_pack

    sheet = tmp_path / "chi_tieu.xlsx"
    assert main(["params", "export", "--pack", "qd11_2021", "--out", str(sheet)]) == 0
    ws = openpyxl.load_workbook(sheet)["Chỉ tiêu"]
    names = {r[0] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert names == set(open_pack("qd11_2021").parameters.names())
    assert ws.freeze_panes == "B2"
    assert not any(isinstance(c.value, str) and c.data_type == "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(("value", "words"), [(90, "trông như phần trăm"), ("nhiều", "phải là một số")])
def test_a_bad_official_value_names_its_cell(tmp_path, capsys, value, words):
    sheet = tmp_path / "chi_tieu.xlsx"
    assert main(["params", "export", "--pack", "qd11_2021", "--out", str(sheet)]) == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Chỉ tiêu"]
    headers = [c.value for c in ws[1]]
    row = next(i for i, r in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
               if r[headers.index("Đơn vị")] == "ratio")
    ws.cell(row, headers.index("Giá trị chính thức") + 1, value)
    wb.save(sheet)
    code = main(["evaluate", "fixtures/schools", "--pack", "qd11_2021", "--params", str(sheet)])
    err = capsys.readouterr().err
    letter = openpyxl.utils.get_column_letter(headers.index("Giá trị chính thức") + 1)
    assert code == 2 and "Traceback" not in err
    assert f"Sheet Chỉ tiêu, dòng {row}, cột Giá trị chính thức ({letter})" in err and words in err
