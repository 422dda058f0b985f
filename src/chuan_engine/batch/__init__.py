"""Batch evaluation at scale: tidy frames or spreadsheets in, a vectorised evaluator equal to the explaining one.

    from chuan_engine.batch import evaluate_batch
    out = evaluate_batch(pack, {"staff": staff_df, "staff_years": years_df}, on=date(2025, 12, 31))
    out.results, out.summary, out.to_excel("bao_cao.xlsx")

The input layout is documented in ``chuan_engine.batch.layout``. Importing
this package imports pandas and NumPy only (Dask and tqdm on demand).
"""

from __future__ import annotations

from .layout import FRAMES
from .run import BatchResult, FallbackWarning, evaluate_batch, evaluate_chunk

__all__ = ["FRAMES", "BatchResult", "FallbackWarning", "evaluate_batch", "evaluate_chunk"]
