"""The web API's workbook upload reads the Vietnamese template with the same reader as ``chuan evaluate``."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from chuan_engine.api import open_pack
from chuan_engine.facts.sheets import SheetError
from chuan_engine.server.workbook import facts_from_tables


def test_template_upload(template, tmp_path, filler):
    wb = openpyxl.load_workbook(template)
    filler.rows(wb, "Cán bộ", [{"Mã cán bộ": "an", "Họ và tên": "Nguyễn Văn An", "Ngày tuyển dụng": "01/09/2012"}])
    path = tmp_path / "tai_len.xlsx"
    wb.save(path)
    facts = facts_from_tables(path, dt.date(2024, 12, 31), open_pack("thi_dua"))
    (person,) = facts.schools[0].staff or []
    assert (person.name, person.recruited_on) == ("Nguyễn Văn An", dt.date(2012, 9, 1))
    filler.rows(wb, "Cán bộ", [{"Ngày tuyển dụng": "32/01/2012"}])
    wb.save(path)
    with pytest.raises(SheetError, match="Sheet Cán bộ, dòng 2, cột Ngày tuyển dụng"):
        facts_from_tables(path, dt.date(2024, 12, 31), open_pack("thi_dua"))
