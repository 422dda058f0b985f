"""Parameter overrides read from the sheet ``chuan params export`` writes ("Chỉ tiêu").

The appraisal department fills "Giá trị chính thức" (and "Nguồn chính thức", optionally "Áp dụng từ" /
"Áp dụng đến") on the rows it corrects; other rows are left blank and ignored. Each value keeps, as its
file, the sheet, row and column it came from, so every later check (a share in [0, 1]…) names the cell.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import ParameterError, Text
from ..facts import cells
from ..facts.sheets import column_letter, workbook_sheets
from ..facts.vocab import ascii_key
from .parameters import ParameterValue
from .provenance import Provenance

SHEET = "Chỉ tiêu"
COLUMNS = {  # field -> header
    "name": "Mã tham số", "indicator": "Chỉ tiêu", "citation": "Căn cứ", "label": "Tên tham số",
    "start": "Hiệu lực từ", "value": "Giá trị hiện hành", "unit": "Đơn vị", "provenance": "Độ tin cậy",
    "source": "Nguồn hiện hành", "new_value": "Giá trị chính thức", "new_source": "Nguồn chính thức",
    "new_from": "Áp dụng từ", "new_to": "Áp dụng đến",
}
_BY_KEY = {ascii_key(h): f for f, h in COLUMNS.items()}


def _sheet_rows(path: Path) -> tuple[str, list[tuple[Any, ...]]]:
    for name, rows in workbook_sheets(path):
        if ascii_key(name) == ascii_key(SHEET):
            return name, rows
    raise ParameterError(Text(f"không có trang '{SHEET}' (sổ tính do chuan params export tạo ra)",
                              f"no sheet '{SHEET}' (the workbook chuan params export writes)"), file=str(path))


def read_parameter_sheet(path: Path) -> list[tuple[str, ParameterValue]]:
    """(parameter name, override) for every row with an official value, located as Excel shows it."""
    sheet, rows = _sheet_rows(path)
    h, index = _header(path, sheet, rows)
    out = []
    for i in range(h + 1, len(rows)):
        row = _Row(path, sheet, i, rows[i], index)
        if row.cell("new_value") is not None:
            out.append(row.override())
    return out


def _header(path: Path, sheet: str, rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    """The header row (within the first 10) and the position of each known column; name and value required."""
    h = next((i for i, r in enumerate(rows[:10]) if any(isinstance(c, str) and ascii_key(c) == "ma_tham_so"
                                                         for c in r)), None)
    if h is None:
        raise ParameterError(Text(f"Sheet {sheet}: không có dòng tiêu đề với cột 'Mã tham số' (trong 10 dòng đầu)",
                                  f"Sheet {sheet}: no header row with a 'Mã tham số' column (in the first 10 rows)"),
                             file=str(path))
    index = {_BY_KEY[ascii_key(str(c))]: j for j, c in enumerate(rows[h]) if isinstance(c, str)
             and ascii_key(c) in _BY_KEY}
    for needed in ("name", "new_value"):
        if needed not in index:
            raise ParameterError(Text(f"Sheet {sheet}: thiếu cột '{COLUMNS[needed]}'",
                                      f"Sheet {sheet}: missing column '{COLUMNS[needed]}'"), file=str(path))
    return h, index


class _Row:
    """One data row of the sheet: its cells by column name, each located as Excel shows it."""

    def __init__(self, path: Path, sheet: str, i: int, row: tuple[Any, ...], index: dict[str, int]) -> None:
        self.path, self.i, self.row, self.index = path, i, row, index
        self.where = f"{path}: Sheet {sheet}, dòng {i + 1}"

    def cell(self, name: str) -> Any:
        j = self.index.get(name)
        return self.row[j] if j is not None and j < len(self.row) and not cells.is_blank(self.row[j]) else None

    def at(self, name: str) -> str:
        return f"{self.where}, cột {COLUMNS[name]} ({column_letter(self.index[name])})"

    def override(self) -> tuple[str, ParameterValue]:
        at, cell = self.at, self.cell
        name = cell("name")
        if name is None:
            raise ParameterError(Text(f"thiếu mã tham số (cột '{COLUMNS['name']}')",
                                      f"missing parameter name (column '{COLUMNS['name']}')"), file=at("new_value"))
        try:
            value = cells.to_auto(cell("new_value"))
        except ValueError as exc:
            raise ParameterError(Text(f"giá trị chính thức không đọc được: {exc}",
                                      f"the official value cannot be read: {exc}"),
                                 file=at("new_value"), parameter=str(name)) from None
        start = _date(cell("new_from"), at) or _date(cell("start"), at) or dt.date.min
        end = _date(cell("new_to"), at)
        if end is not None and end < start:
            raise ParameterError(Text(f"giai đoạn kết thúc ({end}) trước khi bắt đầu ({start})",
                                      f"period ends ({end}) before it starts ({start})"),
                                 file=at("new_to"), parameter=str(name))
        source = str(cell("new_source") or f"bảng chỉ tiêu {self.path.name}, dòng {self.i + 1}")
        return str(name), ParameterValue(start, value, source, Provenance.override, end, at("new_value"))


def _date(value: Any, at: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return cells.to_date(value)
    except ValueError as exc:
        raise ParameterError(Text(f"ngày không đọc được: {exc}", f"the date cannot be read: {exc}"),
                             file=at("new_from")) from None
