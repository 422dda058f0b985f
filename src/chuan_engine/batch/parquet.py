"""Batch results as Parquet: one fixed type per column, the same in every chunk or Dask partition.

In memory a result's ``value`` is whatever the rule measured: a share (0.85), a count (12) or the truth of
a condition (True), so the column mixes floats, integers and booleans; Arrow needs one type per column
("ArrowInvalid: could not convert 1 ... to boolean"). On disk ``value`` is a number (a condition's truth as
1.0 / 0.0) and ``value_text`` keeps every value as it was written, so nothing is lost; every other column
has the type its meaning gives it (``arrow_schema``), whatever a partition happens to hold: an all-empty
``school`` column is still text. Text columns are converted by Arrow itself, not cell by cell in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..atomic import atomic_path

NUMBER_COLUMNS = ("value", "threshold", "margin", "gap_amount")
COUNT_COLUMNS = ("pass", "fail", "unknown", "not_applicable", "provisional")


def _is_count(name: str, frame: pd.DataFrame) -> bool:
    """Counts are whole numbers; ``exceeded`` is a count in the summary and a flag in the results."""
    return name in COUNT_COLUMNS or (name == "exceeded" and pd.api.types.is_integer_dtype(frame[name].dtype))


def arrow_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (results or summary) with its measured columns as float64 (a truth as 1.0 / 0.0, text as NaN)
    and ``value_text`` beside ``value``; text columns are left for ``arrow_schema`` to type."""
    out: dict[str, Any] = {}
    for name in frame.columns:
        col = frame[name]
        if name in NUMBER_COLUMNS:
            out[name] = pd.to_numeric(col, errors="coerce").astype(np.float64).to_numpy()
            if name == "value":
                out["value_text"] = col.astype("string")
        elif _is_count(name, frame):
            out[name] = col.to_numpy(dtype=np.int64)
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def arrow_schema(typed: pd.DataFrame) -> pa.Schema:
    """The Arrow type of each column of an ``arrow_frame``: numbers, counts, the flag, and text for the rest."""
    fields = []
    for name in typed.columns:
        if name in NUMBER_COLUMNS:
            kind = pa.float64()
        elif _is_count(name, typed):
            kind = pa.int64()
        elif name == "exceeded":
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(str(name), kind))
    return pa.schema(fields)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """One Parquet file, written atomically (never half-written)."""
    import pyarrow.parquet as pq

    typed = arrow_frame(frame)
    table = pa.Table.from_pandas(typed, schema=arrow_schema(typed), preserve_index=False)
    with atomic_path(path, suffix=".parquet") as tmp:
        pq.write_table(table, tmp)
