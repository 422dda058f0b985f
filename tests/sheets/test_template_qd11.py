"""The qd11_2021 template: a school's figures typed the Vietnamese way in the Trường sheet.

Indicator 6.1 (land area, pack numbering): thresholds muc_1 = 20 000 m², muc_2 = 30 000 m² (provisional,
rules/qd11_2021/6_co_so_vat_chat/01_dien_tich_dat.yaml, op >=). "25.000" is 25 000 m² in the Vietnamese
convention (issue 12): 25 000 >= 20 000 passes mức 1, 25 000 < 30 000 fails mức 2. Read as 25 (the old bug)
it would fail mức 1.
"""

from __future__ import annotations

import json

import openpyxl

from chuan_engine.cli import main


def test_land_area_typed_with_a_thousands_dot(tmp_path, filler, capsys):
    mau = tmp_path / "mau_qd11.xlsx"
    assert main(["template", "--pack", "qd11_2021", "--out", str(mau)]) == 0
    wb = openpyxl.load_workbook(mau)
    header = next(c.value for c in wb["Trường"][1] if str(c.value).endswith("[dien_tich_dat_m2]"))
    filler.rows(wb, "Trường", [{"Mã trường": "tct_thu", "Tên trường": "Trường Chính trị tỉnh Thử",
                                "Ngày lập hồ sơ": "30/06/2025", header: "25.000"}])
    filler.title_row(wb, "Trường", "THÔNG TIN TRƯỜNG")
    path = tmp_path / "truong.xlsx"
    wb.save(path)
    capsys.readouterr()
    assert main(["evaluate", str(path), "--pack", "qd11_2021", "--date", "30/06/2025", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (school,) = [e for e in data["entities"] if e["id"] == "tct_thu"]
    land = next(r for r in school["results"] if r["rule"] == "qd11_2021.dien_tich_dat")
    assert land["value"] == 25000
    assert land["levels"]["muc_1"]["outcome"] == "pass"
    assert land["levels"]["muc_2"]["outcome"] == "fail"
