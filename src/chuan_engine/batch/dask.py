"""Beyond memory: Dask DataFrames evaluated partition by partition.

Every frame is hash-partitioned on ``school_id`` into the same number of
partitions, so partition *i* of every frame holds the same schools and each
partition is a self-contained chunk (all links stay inside a school). Results
are a lazy Dask DataFrame; ``summary_of`` derives the per-entity summary
partition by partition. Use any Dask scheduler (e.g. ``distributed.LocalCluster``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FactsError, Text
from ..pack.plan import Plan
from .layout import FRAMES
from .parquet import arrow_frame, arrow_schema
from .run import SUMMARY_COLUMNS, _input_types, _nones, empty_results, evaluate_chunk

VERDICT_COLUMNS = ["verdict", "verdict_text", "level_reached"]


@dataclass
class DaskBatch:
    """Lazy batch results: ``results`` (entity × rule, with the entity verdict) and ``summary`` (per entity)."""

    results: Any
    summary: Any

    def compute(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from dask.base import compute  # what ``dask.compute`` re-exports

        res, summ = compute(self.results, self.summary)
        return res.reset_index(drop=True), summ.reset_index(drop=True)

    def to_parquet(self, folder: str | Path) -> None:
        """Parquet datasets ``folder/results`` and ``folder/summary``, one file per partition, each column of
        one type in every partition (``batch.parquet``), computed on the current scheduler."""
        from dask.base import compute

        root = Path(folder)
        writes = []
        for name, frame in (("results", self.results), ("summary", self.summary)):
            meta = arrow_frame(frame._meta)
            writes.append(frame.map_partitions(arrow_frame, meta=meta).to_parquet(
                root / name, write_index=False, schema=arrow_schema(meta), compute=False))
        compute(*writes, optimize_graph=False)  # one evaluation feeds both: optimised apart, each would redo it


def _partition(pack: Plan, names: list[str], on: dt.date, lang: str, aligned: bool, *parts: pd.DataFrame
               ) -> pd.DataFrame:
    # an empty part of a frame that was given is kept: given, even empty, is the whole list (known none)
    frames = dict(zip(names, parts, strict=True))
    if aligned:
        _check_aligned(frames)
    res, summ, _ = evaluate_chunk(pack, frames, on, _input_types(pack), lang)
    if not len(res):
        return _meta(pack)
    verdicts = summ[["entity", "kind", "school", *VERDICT_COLUMNS]]
    keys = ["entity", "kind", "school"]
    out = res.merge(verdicts, on=keys, how="left", validate="many_to_one")
    return out.reindex(columns=list(_meta(pack).columns))


def _check_aligned(frames: dict[str, pd.DataFrame]) -> None:
    """Partitions said to be aligned hold, in every frame, the schools of this partition's ``schools`` rows:
    a school found elsewhere would be evaluated twice, half in each partition."""
    if "schools" not in frames:
        return
    here = set(frames["schools"]["school_id"].dropna().astype(str))
    for name, part in frames.items():
        stray = sorted(set(part["school_id"].dropna().astype(str)) - here) if name != "schools" else []
        if stray:
            raise FactsError(Text(f"aligned=True nhưng khung '{name}' có trường {stray[:3]} không nằm trong phân "
                                  "vùng 'schools' tương ứng (các phân vùng không cùng nhóm trường)",
                                  f"aligned=True but frame '{name}' holds schools {stray[:3]} that are not in the "
                                  "matching 'schools' partition (the partitions do not hold the same schools)"))


def _meta(pack: Plan) -> pd.DataFrame:
    meta = empty_results(pack)
    for c in VERDICT_COLUMNS:
        meta[c] = pd.Series(dtype=object)
    return meta


def summary_of(results: pd.DataFrame) -> pd.DataFrame:
    """Per-entity summary from result rows (each entity's rows are in one partition)."""
    if not len(results):
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
        for c in ("pass", "fail", "unknown", "not_applicable", "exceeded", "provisional"):
            out[c] = out[c].astype(np.int64)
        return out
    keys = ["entity", "kind", "school"]
    df = results.assign(
        **{o: (results["outcome"] == v) for o, v in (("pass", "pass"), ("fail", "fail"), ("unknown", "unknown"),
                                                      ("not_applicable", "not_applicable"))},
        provisional=(results["outcome"].isin(["pass", "fail", "unknown"])
                     & (results["provenance"] == "provisional")),
        school=results["school"].fillna(""),
    )
    agg = df.groupby(keys, sort=False).agg(
        name=("name", "first"), on=("on", "first"), verdict=("verdict", "first"),
        verdict_text=("verdict_text", "first"), level_reached=("level_reached", "first"),
        error=("error", "first"),
        **{c: (c, "sum") for c in ("pass", "fail", "unknown", "not_applicable", "exceeded", "provisional")},
    ).reset_index()
    agg["school"] = agg["school"].astype(object).where(agg["school"] != "", None)
    agg = _nones(agg, ("name", "school", "level_reached", "error"))
    for c in ("pass", "fail", "unknown", "not_applicable", "exceeded", "provisional"):
        agg[c] = agg[c].astype(np.int64)
    return agg.reindex(columns=SUMMARY_COLUMNS)


def evaluate_dask(pack: Plan, frames: dict[str, Any], on: dt.date, *, npartitions: int | None = None,
                  lang: str = "vi", aligned: bool = False) -> DaskBatch:
    """Evaluate Dask (or pandas) frames partitioned by school; nothing is computed until ``.compute()``.

    ``aligned=True`` says the frames are already partitioned alike (partition *i* of every frame holds the
    same schools, as when each was read from files written per group of schools): the shuffle is skipped,
    and each partition checks that every school its frames name has its row in that partition's ``schools``.
    """
    import dask
    import dask.dataframe as dd

    names = [n for n in FRAMES if frames.get(n) is not None]
    ddfs = []
    for name in names:
        f = frames[name]
        if isinstance(f, pd.DataFrame):
            with dask.config.set({"dataframe.convert-string": False}):  # keep True/False cells as booleans
                f = dd.from_pandas(f, npartitions=max(1, npartitions or 1))
        ddfs.append(f)
    n = npartitions or max(f.npartitions for f in ddfs)
    parts = []
    for f in ddfs:
        f = f.assign(school_id=f["school_id"].astype(str))
        parts.append(f if aligned else f.shuffle(on="school_id", npartitions=n))
    if aligned and len({f.npartitions for f in parts}) > 1:
        raise FactsError(Text("aligned=True nhưng các khung có số phân vùng khác nhau",
                              "aligned=True but the frames have different numbers of partitions"))
    meta = _meta(pack)
    results = dd.map_partitions(_partition, pack, names, on, lang, aligned, *parts, meta=meta, align_dataframes=False,
                                enforce_metadata=False)
    summary = results.map_partitions(summary_of, meta=summary_of(meta.iloc[0:0]))
    return DaskBatch(results, summary)
