"""Batch evaluation at scale: tidy frames or spreadsheets in, a vectorised evaluator equal to the explaining one.

    from chuan_engine.batch import evaluate_batch
    out = evaluate_batch(pack, {"staff": staff_df, "staff_years": years_df}, on=date(2025, 12, 31))
    out.results, out.summary, out.to_excel("bao_cao.xlsx")

The input layout (one frame per entity kind, ``school_id`` everywhere) is
documented in ``chuan_engine.batch.layout``; files (CSV, .xlsx, Parquet) are read
by ``chuan_engine.batch.io``, Excel reports written atomically by
``write_excel``; Dask frames go through ``chuan_engine.batch.dask.evaluate_dask``.
How the compiler works: ``tables`` (rows and links), ``compiler`` (expressions),
``rules`` (verdicts; per-rule fallback to the explaining evaluator).
Importing this package imports pandas and NumPy only (Dask, tqdm, openpyxl on demand).
"""

from __future__ import annotations

from .convert import facts_to_frames
from .io import read_inputs, read_table, write_excel
from .layout import FRAMES
from .run import BatchResult, FallbackWarning, evaluate_batch, evaluate_chunk

__all__ = ["FRAMES", "BatchResult", "FallbackWarning", "evaluate_batch", "evaluate_chunk", "facts_to_frames",
           "read_inputs", "read_table", "write_excel"]
