"""Rows of an input frame as the spreadsheet numbers them, with blank and total rows set aside.

Officials leave blank rows between groups and add a "Tổng cộng" row under the list; neither is an entity.
Each remaining row keeps its number (the spreadsheet's row, header on row 1, for a file; the index label for
a DataFrame) in a hidden column, so a bad cell is named where the official can find it even after the rows
are split into chunks and re-indexed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..facts.cells import is_blank, is_total_row

ROW = "__row__"
SOURCE = "chuan_file"  # DataFrame.attrs key: the file a frame was read from


def tidy(name: str, df: pd.DataFrame, idcol: str) -> tuple[pd.DataFrame, list[str]]:
    """The frame without blank and total rows, its rows numbered in ``ROW``; and a note per total row.

    Only rows whose id cell is blank or reads like "Tổng…"/"Cộng"/"Total" are looked at one by one: a row
    with an id is an entity, so the check costs nothing on a large frame of real rows."""
    if ROW in df.columns:
        return df, []
    if df.attrs.get(SOURCE) is not None:
        numbers = np.arange(2, len(df) + 2, dtype=np.int64)  # header on row 1, as Excel numbers rows
    elif pd.api.types.is_integer_dtype(df.index.dtype):
        numbers = df.index.to_numpy(dtype=np.int64)
    else:
        numbers = np.arange(len(df), dtype=np.int64)
    drop = np.zeros(len(df), dtype=bool)
    notes = []
    if idcol in df.columns:
        ids = df[idcol]
        text = ids.astype("string").str.strip()
        suspect = (ids.isna() | text.eq("") | text.str.lower().str.match(r"(t[oổ]ng|c[oộ]ng|total)")).fillna(True)
        for i in np.flatnonzero(suspect.to_numpy(dtype=bool)):
            cells = tuple(None if _na(c) else c for c in df.iloc[i])
            if all(is_blank(c) for c in cells):
                drop[i] = True
            elif is_total_row(cells):
                drop[i] = True
                notes.append(f"{where(df.attrs, name, int(numbers[i]))}: bỏ qua dòng tổng cộng / total row skipped")
    # a shallow copy: with pandas' copy-on-write the new column never reaches the caller's frame
    out = df.iloc[np.flatnonzero(~drop)] if drop.any() else df.copy(deep=False)
    out[ROW] = numbers[~drop]
    out.attrs = dict(df.attrs)
    return _wall_dates(out), notes


def _wall_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """A timezone-aware date column (a Parquet file, a frame from a database) is read as the date its writer
    saw, its wall time in its own zone: converted to UTC, 01/07/2025 00:00 at +07:00 would become 30/06/2025."""
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            frame[name] = frame[name].dt.tz_localize(None)
    return frame


def _na(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT or value is pd.NA


def where(attrs: Mapping[Any, object], name: str, row: int) -> str:
    """``tệp staff.csv, dòng 14`` for a file, ``khung 'staff', chỉ mục 14`` for a DataFrame."""
    source = attrs.get(SOURCE)
    if source is not None:
        return f"{source}, dòng {row}"
    return f"khung '{name}', chỉ mục {row}"
