"""Dask: frames partitioned by school, evaluated partition by partition on a local cluster, equal to pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import load_facts, load_pack
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


def test_results_go_to_parquet_with_one_type_per_column(demo_facts: Any, tmp_path: Path) -> None:
    # issue 13: `results.to_parquet` failed with ArrowInvalid, because `value` mixes a share (float), a count
    # (int) and a condition's truth (bool). On disk: `value` a number (truth as 1.0/0.0), `value_text` as written.
    from chuan_engine.batch.dask import evaluate_dask
    from chuan_engine.batch.parquet import arrow_frame

    pack = load_pack(ROOT / "rules" / "qd11_2021")
    frames = facts_to_frames(load_facts(ROOT / "fixtures" / "schools"))
    expected = evaluate_batch(pack, frames, ON)
    kinds = {type(v) for v in expected.results["value"] if v is not None}
    assert {bool, float} <= kinds  # the mixed column the issue names is really there
    expected.to_parquet(tmp_path / "pd")
    ddfs = {name: dd.from_pandas(df, npartitions=2) for name, df in frames.items()}
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        evaluate_dask(pack, ddfs, ON, npartitions=3).to_parquet(tmp_path / "dask")
    keys = ["kind", "school", "entity", "rule"]
    want = _norm(arrow_frame(expected.results), keys)
    for got in (pd.read_parquet(tmp_path / "pd" / "results.parquet"), pd.read_parquet(tmp_path / "dask" / "results")):
        assert len(got) == len(expected.results)
        assert got["value"].dtype == "float64" and got["threshold"].dtype == "float64"
        pd.testing.assert_frame_equal(_norm(got[list(want.columns)], keys), want)
    back = pd.read_parquet(tmp_path / "pd" / "results.parquet")
    for original, number, text in zip(expected.results["value"], back["value"], back["value_text"], strict=True):
        match original:
            case None:
                assert pd.isna(number) and pd.isna(text)
            case bool():
                assert number == (1.0 if original else 0.0) and text == str(original)
            case _:
                assert number == float(original) and text == str(original)
    summary = pd.read_parquet(tmp_path / "dask" / "summary")
    assert sorted(summary["entity"]) == sorted(expected.summary["entity"])
    assert summary["pass"].dtype == "int64"


def test_aligned_partitions_skip_the_shuffle_and_misaligned_ones_are_refused(demo_facts: Any) -> None:
    from chuan_engine.batch.dask import evaluate_dask
    from chuan_engine.errors import FactsError

    pack = load_pack(ROOT / "rules" / "demo")
    frames = _many_schools(facts_to_frames(demo_facts), 4)
    frames["schools"] = frames["schools"].drop(columns=[c for c in ("has_code_of_conduct", "lecturer_share",
                                                                    "master_share", "provincial_topics")
                                                        if c in frames["schools"].columns])
    # Initiatives only for the first copy: in partitions 1-3 the frame is given and empty, so those staff's
    # initiatives are known none (as in one run), not unknown.
    inits = frames["initiatives"]
    frames["initiatives"] = inits[inits["school_id"].str.endswith("_0")].reset_index(drop=True)
    expected = evaluate_batch(pack, frames, ON)
    assert (expected.results["rule"].astype(str).eq("demo.chien_si_thi_dua_co_so")
            & expected.results["school"].astype(str).str.endswith("_1")
            & expected.results["outcome"].astype(str).eq("fail")).any()  # a known-none verdict to compare
    # Partition i of every frame holds the schools with copy suffix _i (files written per group of schools).
    group = {name: df["school_id"].str.rsplit("_", n=1).str[-1].astype(int) for name, df in frames.items()}
    import dask

    def parts(df: pd.DataFrame, g: pd.Series) -> Any:  # partition i: the rows of group i (maybe none)
        return dd.from_delayed([dask.delayed(df[g.to_numpy() == i]) for i in range(4)], meta=df.iloc[:0])

    aligned = {name: parts(df, group[name]) for name, df in frames.items()}

    with dask.config.set(scheduler="synchronous"):
        lazy = evaluate_dask(pack, aligned, ON, aligned=True)
        assert lazy.results.npartitions == 4
        results, summary = lazy.compute()
    keys = ["kind", "school", "entity", "rule"]
    cols = list(expected.results.columns)
    pd.testing.assert_frame_equal(_norm(results[cols], keys), _norm(expected.results, keys))
    # Staff of one school moved to another partition: its school row is elsewhere, so it is refused, named.
    shifted = dict(aligned)
    shifted["staff"] = parts(frames["staff"], (group["staff"] + 1) % 4)
    with dask.config.set(scheduler="synchronous"), pytest.raises(FactsError) as caught:
        evaluate_dask(pack, shifted, ON, aligned=True).compute()
    assert "aligned=True" in str(caught.value) and "'staff'" in str(caught.value)
