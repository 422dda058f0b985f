"""Dask: frames partitioned by school, evaluated partition by partition on a local cluster, equal to pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.batch.convert import facts_to_frames

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 12, 31)


def _many_schools(frames: dict[str, pd.DataFrame], copies: int) -> dict[str, pd.DataFrame]:
    """The demo schools repeated under new ids, so that partitions hold several schools."""
    out = {}
    for name, df in frames.items():
        parts = [df.assign(school_id=df["school_id"] + f"_{i}") for i in range(copies)]
        out[name] = pd.concat(parts, ignore_index=True)
    return out


def _norm(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.astype(str).sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("pack_dir", ["rules/demo", "tests/batch_packs/stress"])
def test_dask_partitions_equal_pandas(pack_dir: str, demo_facts: Any) -> None:
    from chuan_engine.batch.dask import evaluate_dask

    pack = load_pack(ROOT / pack_dir)
    frames = _many_schools(facts_to_frames(demo_facts), 4)
    if "has_code_of_conduct" not in {n for (_, n) in pack.variables}:
        frames["schools"] = frames["schools"].drop(columns=[c for c in ("has_code_of_conduct", "lecturer_share",
                                                                        "master_share", "provincial_topics")
                                                            if c in frames["schools"].columns])
    expected = evaluate_batch(pack, frames, ON)
    ddfs = {name: dd.from_pandas(df, npartitions=3) for name, df in frames.items()}
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        lazy = evaluate_dask(pack, ddfs, ON, npartitions=3)
        assert lazy.results.npartitions == 3
        results, summary = lazy.compute()
    keys = ["kind", "school", "entity", "rule"]
    cols = list(expected.results.columns)
    assert len(results) == len(expected.results)
    pd.testing.assert_frame_equal(_norm(results[cols], keys), _norm(expected.results, keys))
    skeys = ["kind", "school", "entity"]
    pd.testing.assert_frame_equal(_norm(summary, skeys), _norm(expected.summary, skeys))
