"""Spreadsheets and files in (CSV, .xlsx, Parquet), Excel reports out (one sheet per pack, Vietnamese headers).

Reports are written atomically: to a temporary file beside the target, then
``os.replace``, so a failed export never leaves a half-written workbook.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..atomic import atomic_path
from ..errors import FactsError, Text
from ..i18n import t as label
from .layout import FRAMES, KEY_COLUMNS
from .rows import SOURCE

if TYPE_CHECKING:
    from .run import BatchResult

SUFFIXES = (".csv", ".xlsx", ".parquet")
EXCEL_MAX_ROWS = 1_048_575

HEADERS_VI = {
    "entity": "Mã đối tượng", "kind": "Loại", "name": "Tên", "school": "Trường", "on": "Ngày đánh giá",
    "rule": "Mã quy tắc", "concept": "Khái niệm", "title": "Nội dung", "group": "Nhóm", "outcome": "Kết quả",
    "value": "Giá trị", "threshold": "Ngưỡng", "margin": "Chênh lệch", "exceeded": "Vượt chuẩn",
    "provenance": "Độ tin cậy", "citation": "Căn cứ", "effective_from": "Hiệu lực từ",
    "effective_to": "Hiệu lực đến", "error": "Lỗi dữ liệu", "verdict_text": "Kết luận",
}


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """One frame from a CSV (UTF-8, with or without BOM; comma, semicolon or tab), an .xlsx sheet (openpyxl)
    or a Parquet file. CSV cells stay text, so the layout reads numbers by the column's convention ("25.000"
    is 25 000 where the column writes numbers the Vietnamese way) instead of pandas' guess (25.0)."""
    p = Path(path)
    if not p.exists():
        raise FactsError(Text("không tìm thấy tệp", "file not found"), file=str(p))
    try:
        if p.suffix == ".csv":
            frame = pd.read_csv(p, dtype=str, encoding="utf-8-sig", sep=_delimiter(p), keep_default_na=False,
                                na_values=[""])
        elif p.suffix == ".xlsx":
            frame = _read_sheet(p, sheet)
        elif p.suffix == ".parquet":
            frame = pd.read_parquet(p)
        else:
            raise FactsError(Text(f"định dạng không hỗ trợ (dùng {', '.join(SUFFIXES)})",
                                  f"unsupported format (use {', '.join(SUFFIXES)})"), file=str(p))
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise FactsError(Text(f"không đọc được tệp: {exc}", f"cannot read the file: {exc}"), file=str(p)) from None
    frame.attrs[SOURCE] = f"{p.name}, Sheet {sheet}" if p.suffix == ".xlsx" and sheet else p.name
    return frame


def _delimiter(p: Path) -> str:
    """The CSV's delimiter: Excel in a Vietnamese locale writes ';' (the comma is the decimal mark)."""
    with p.open(encoding="utf-8-sig", errors="replace") as fh:
        head = fh.read(4096)
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_sheet(p: Path, sheet: str | None) -> pd.DataFrame:
    """One .xlsx sheet with each cell's own type: a Có/Không column with blanks stays True/False/blank (read
    with inferred dtypes, pandas turns it into 1.0/NaN/0.0, so a flag looked like a number); keys as text."""
    types: defaultdict[str, Any] = defaultdict(lambda: object, {c: str for c in KEY_COLUMNS})
    return pd.read_excel(p, sheet_name=sheet or 0, dtype=types, engine="openpyxl").infer_objects()


def read_inputs(path: str | Path) -> dict[str, pd.DataFrame]:
    """Frames from a directory (``staff.csv``, ``staff_years.parquet``…) or one workbook (a sheet per frame)."""
    p = Path(path)
    if p.is_dir():
        out = {}
        for name in FRAMES:
            found = [p / f"{name}{suffix}" for suffix in SUFFIXES if (p / f"{name}{suffix}").exists()]
            if len(found) > 1:
                raise FactsError(Text(f"khung '{name}' có nhiều tệp (cần đúng một: {name}.csv, .xlsx hoặc .parquet)",
                                      f"several files for frame '{name}' (expected one of {name}.csv, .xlsx, .parquet)"),
                                 file=str(p))
            if found:
                out[name] = read_table(found[0])
        if not out:
            raise FactsError(Text(f"thư mục không có khung nào (cần tệp mang tên: {', '.join(FRAMES)})",
                                  f"no frame files in the folder (expected files named: {', '.join(FRAMES)})"),
                             file=str(p))
        return out
    if p.suffix == ".xlsx":
        import openpyxl

        try:
            sheets = openpyxl.load_workbook(p, read_only=True).sheetnames
        except (OSError, ValueError) as exc:
            raise FactsError(Text(f"không đọc được tệp: {exc}", f"cannot read the file: {exc}"),
                             file=str(p)) from None
        unknown = [s for s in sheets if s not in FRAMES]
        if unknown:
            raise FactsError(Text(f"trang tính không rõ {unknown} (các khung: {', '.join(FRAMES)})",
                                  f"unknown sheets {unknown} (the frames: {', '.join(FRAMES)})"), file=str(p))
        return {s: read_table(p, sheet=s) for s in sheets}
    raise FactsError(Text("cần một thư mục hoặc một tệp .xlsx", "expected a folder or an .xlsx workbook"),
                     file=str(p))


def report_sheet(result: BatchResult) -> pd.DataFrame:
    """The per-pack sheet: every entity × rule with its entity verdict, Vietnamese headers and labels."""
    df = result.results.merge(result.summary[["entity", "kind", "school", "verdict_text"]],
                              on=["entity", "kind", "school"], how="left")
    df = df.copy()
    df["outcome"] = df["outcome"].map(lambda o: label(o, "vi"))
    df["kind"] = df["kind"].map(lambda k: label(k, "vi"))
    df["provenance"] = df["provenance"].map(lambda p: label(p, "vi") if isinstance(p, str) else p)
    df["exceeded"] = df["exceeded"].map({True: "có", False: ""})
    headers = dict(HEADERS_VI)
    for lvl in result.pack.header.levels:
        col = f"level_{lvl.id}"
        if col in df.columns:
            df[col] = df[col].map(lambda o: label(o, "vi") if isinstance(o, str) else o)
            headers[col] = f"Kết quả {lvl.label_vi.lower()}"
    return df.rename(columns=headers)


def _sheet_name(pack_id: str, used: set[str]) -> str:
    name = pack_id[:31]
    i = 2
    while name in used:
        suffix = f"_{i}"
        name = pack_id[:31 - len(suffix)] + suffix
        i += 1
    used.add(name)
    return name


def write_excel(path: str | Path, results: Iterable[BatchResult]) -> None:
    """One sheet per pack, written to a temporary file and moved into place (never half-written)."""
    target = Path(path)
    sheets: list[tuple[str, Any]] = []
    used: set[str] = set()
    for res in results:
        df = report_sheet(res)
        if len(df) > EXCEL_MAX_ROWS:
            raise FactsError(Text(f"bộ '{res.pack.id}' có {len(df)} dòng, vượt giới hạn Excel; hãy xuất Parquet",
                                  f"pack '{res.pack.id}' has {len(df)} rows, over Excel's limit; write Parquet"),
                             file=str(target))
        sheets.append((_sheet_name(res.pack.id, used), df))
    import math

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for name, df in sheets:
        ws = wb.create_sheet(title=name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = min(max(10, width + 2), 60)
        ws.append(list(df.columns))
        for row in df.itertuples(index=False, name=None):
            ws.append([None if v is None or (isinstance(v, float) and math.isnan(v)) else
                       v if isinstance(v, str | int | float | bool) else str(v) for v in row])
    with atomic_path(target, suffix=".xlsx") as tmp:
        wb.save(tmp)
