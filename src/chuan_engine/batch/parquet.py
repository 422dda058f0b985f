"""Batch results as Parquet: one fixed type per column, the same in every chunk or Dask partition.

In memory a result's ``value`` is whatever the rule measured: a share (0.85), a count (12) or the truth of
a condition (True), so the column mixes floats, integers and booleans; Arrow needs one type per column
("ArrowInvalid: could not convert 1 ... to boolean"). On disk ``value`` is a number (a condition's truth as
1.0 / 0.0) and ``value_text`` keeps every value as it was written, so nothing is lost; every other column
has the type its meaning gives it, whatever a partition happens to hold (an all-empty ``school`` column is
still text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_path

NUMBER_COLUMNS = ("value", "threshold", "margin", "gap_amount")
COUNT_COLUMNS = ("pass", "fail", "unknown", "not_applicable", "provisional")
FLAG_COLUMNS = ("exceeded",)


def _number(v: Any) -> float:
    """A measured value as a number: a truth as 1.0 / 0.0, anything not a number (or unknown) as NaN."""
    if v is None or v is pd.NA:
        return np.nan
    if isinstance(v, bool | np.bool_):
        return float(v)
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    return np.nan


def _text(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return pd.NA
    return str(v)


def arrow_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (results or summary) with one Arrow type per column: numbers float64, counts int64, flags bool,
    all else nullable text; for ``value`` also ``value_text``, the value as written."""
    out: dict[str, Any] = {}
    for name in frame.columns:
        col = frame[name]
        if name in NUMBER_COLUMNS:
            out[name] = np.fromiter((_number(v) for v in col), dtype=np.float64, count=len(col))
            if name == "value":
                out["value_text"] = pd.array([_text(v) for v in col], dtype="string")
        elif name in COUNT_COLUMNS or (name == "exceeded" and pd.api.types.is_integer_dtype(col.dtype)):
            out[name] = col.to_numpy(dtype=np.int64)
        elif name in FLAG_COLUMNS:
            out[name] = col.to_numpy(dtype=bool)
        else:
            out[name] = pd.array([_text(v) for v in col], dtype="string")
    return pd.DataFrame(out, index=frame.index)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """One Parquet file, written atomically (never half-written)."""
    typed = arrow_frame(frame)
    with atomic_path(path, suffix=".parquet") as tmp:
        typed.to_parquet(tmp, index=False)
