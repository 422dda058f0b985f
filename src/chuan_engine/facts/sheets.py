"""Read the rows of a workbook (.xlsx) or CSV file as officials fill them, every cell located as Excel shows it.

A title row may stand above the header (the header is the first row naming a known column); blank rows are
skipped; a total row ("Tổng cộng", "Cộng") is skipped with a note. Every bad cell is a ``SheetError``
naming the sheet, the row number and the column header ("Sheet Cán bộ, dòng 14, cột Ngày tuyển dụng: …").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ChuanError, FactsError, Text
from . import cells
from .headers import Column, Frame, is_ignored_sheet, match_column, match_frame

HEADER_SEARCH_ROWS = 10
EXCEL_INSTALL = "pip install openpyxl  (hoặc / or: pip install chuan-engine)"


class SheetError(FactsError):
    """A bad cell, row or sheet, located as the spreadsheet numbers it (rows from 1, the header's name)."""

    def __init__(self, message: str | Text, *, file: str | None, sheet: str, row: int | None = None,
                 column: str | None = None, letter: str | None = None, entity: str | None = None) -> None:
        self.entity = entity
        self.field = column
        self.sheet, self.row, self.column, self.letter = sheet, row, column, letter
        ChuanError.__init__(self, message, file=file, where=self.located("vi"))

    def located(self, lang: str | None) -> str | None:
        """As Excel shows it: "Sheet Cán bộ, dòng 14, cột Ngày tuyển dụng (F)" (English: row, column)."""
        row_word, col_word = ("row", "column") if lang == "en" else ("dòng", "cột")
        where = f"Sheet {self.sheet}"
        if self.row is not None:
            where += f", {row_word} {self.row}"
        if self.column is not None:
            where += f", {col_word} {self.column}" + (f" ({self.letter})" if self.letter else "")
        return where


class MissingDependencyError(ChuanError):
    """An optional library is needed for this input and is not installed."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the letter Excel shows above a column."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Row:
    """One data row: its number in the sheet and its cells by field (raw values), with the header of each."""

    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    """The data rows of one sheet, read against its frame; ``notes`` say what was skipped and why."""

    sheet: str
    frame: Frame
    columns: dict[str, tuple[Column, str]]  # field -> (column, letter)
    rows: list[Row]
    notes: list[str]


def _open_workbook(path: Path) -> Any:
    try:
        import openpyxl
    except ModuleNotFoundError:
        raise MissingDependencyError(f"cần thư viện openpyxl để đọc tệp Excel; cài: {EXCEL_INSTALL} / "
                                     f"reading .xlsx needs openpyxl", file=str(path)) from None
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds (zipfile, KeyError, XML) for a bad file
        raise FactsError(f"không đọc được tệp Excel (.xlsx) / not a readable .xlsx workbook: {exc}",
                         file=str(path)) from None


def workbook_sheets(path: Path) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(sheet name, rows of cell values) of every sheet of an .xlsx workbook."""
    wb = _open_workbook(path)
    try:
        for ws in wb.worksheets:
            yield ws.title, [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()


def sheet_names(path: Path) -> list[str]:
    """The sheet names of an .xlsx workbook, without reading its cells."""
    wb = _open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def csv_rows(path: Path) -> list[tuple[Any, ...]]:
    """The rows of a UTF-8 CSV file (comma, semicolon or tab separated, as Excel saves them)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FactsError("tệp CSV phải là UTF-8 (Excel: Lưu thành CSV UTF-8) / a CSV file must be UTF-8",
                         file=str(path)) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [tuple(r) for r in csv.reader(io.StringIO(text), dialect)]


def _header_row(frame: Frame, rows: list[tuple[Any, ...]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(isinstance(c, str) and match_column(frame, c) is not None for c in row):
            return i
    return None


def read_table(sheet: str, frame: Frame, rows: list[tuple[Any, ...]], file: str) -> Table:
    """The data rows of a sheet: header found, every header known, blank and total rows set aside."""
    h = _header_row(frame, rows)
    if h is None:
        raise SheetError(f"không tìm thấy dòng tiêu đề cột trong {HEADER_SEARCH_ROWS} dòng đầu / no header row "
                         f"naming a known column in the first {HEADER_SEARCH_ROWS} rows", file=file, sheet=sheet)
    columns: dict[str, tuple[Column, str]] = {}
    by_index: dict[int, str] = {}
    for j, header in enumerate(rows[h]):
        if cells.is_blank(header):
            continue
        col = match_column(frame, str(header))
        letter = column_letter(j)
        if col is None:
            raise SheetError(f"tiêu đề cột không rõ '{header}' / unknown column header", file=file, sheet=sheet,
                             row=h + 1, column=str(header), letter=letter)
        if col.field in columns:
            raise SheetError(f"cột trùng với cột {columns[col.field][1]} / duplicate column", file=file,
                             sheet=sheet, row=h + 1, column=str(header), letter=letter)
        columns[col.field] = (Column(col.field, str(header), col.cell, col.vocab, col.input), letter)
        by_index[j] = col.field
    out: list[Row] = []
    notes: list[str] = []
    for i in range(h + 1, len(rows)):
        row = rows[i]
        if all(cells.is_blank(c) for c in row):
            continue
        if cells.is_total_row(row):
            notes.append(f"Sheet {sheet}, dòng {i + 1}: bỏ qua dòng tổng cộng / total row skipped")
            continue
        stray = [j for j, c in enumerate(row) if j not in by_index and not cells.is_blank(c)]
        if stray:
            raise SheetError(f"ô có dữ liệu nhưng cột không có tiêu đề: {row[stray[0]]!r} / a cell in a column "
                             "without header", file=file, sheet=sheet, row=i + 1, column=column_letter(stray[0]))
        out.append(Row(i + 1, {by_index[j]: c for j, c in enumerate(row) if j in by_index}))
    return Table(sheet, frame, columns, out, notes)


def convert(col: Column, value: Any) -> Any:
    """A non-blank cell as the value of its column, or ValueError with the reason."""
    match col.cell:
        case "text":
            return cells.to_text(value)
        case "int":
            return cells.to_int(value)
        case "number":
            return cells.to_number(value)
        case "bool":
            return cells.to_bool(value)
        case "date":
            return cells.to_date(value)
        case "vocab":
            assert col.vocab is not None
            return cells.to_vocab(col.vocab, value)
        case "list":
            return cells.to_list(col.vocab, value)
        case "auto":
            if isinstance(value, dt.date):
                return cells.to_date(value).isoformat()
            return cells.to_auto(value)


def convert_row(table: Table, row: Row, file: str) -> list[SheetError]:
    """Fill ``row.values`` from its cells; the error of every bad cell (none is dropped silently)."""
    errors = []
    for name, value in row.raw.items():
        if cells.is_blank(value):
            continue
        col, letter = table.columns[name]
        try:
            row.values[name] = convert(col, value)
        except ValueError as exc:
            said = exc.args[0] if exc.args and isinstance(exc.args[0], Text) else str(exc)
            errors.append(SheetError(said, file=file, sheet=table.sheet, row=row.number, column=col.header,
                                     letter=letter))
    return errors


def read_sources(path: Path) -> list[tuple[str, Frame, list[tuple[Any, ...]]]]:
    """(sheet, frame, rows) of a workbook's data sheets or of a CSV file (its name says the frame)."""
    file = str(path)
    if path.suffix.lower() == ".csv":
        frame = match_frame(path.stem)
        if frame is None:
            raise FactsError("tên tệp CSV phải là tên một trang (can_bo.csv, staff.csv…) / a CSV file is named "
                             "after its sheet", file=file)
        return [(path.stem, frame, csv_rows(path))]
    out = []
    for sheet, rows in workbook_sheets(path):
        if is_ignored_sheet(sheet):
            continue
        frame = match_frame(sheet)
        if frame is None:
            raise SheetError("trang tính không rõ (các trang: Trường, Đơn vị, Cán bộ, Năm của cán bộ, Sáng kiến…)"
                             " / unknown sheet", file=file, sheet=sheet)
        out.append((sheet, frame, rows))
    return out
