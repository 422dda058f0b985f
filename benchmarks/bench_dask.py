"""Dask against one process (issue 13): the full thi_dua pack on the same generated population, CPU per row.

Both read the same generated population from Parquet files (one file per group of schools in every frame)
and write their results to Parquet. One process: ``evaluate_batch`` in this process, CPU from ``getrusage``. Dask: ``evaluate_dask`` on a local
cluster of 2 worker processes (1 thread each) reading the population from Parquet files, results written with ``DaskBatch.to_parquet``; CPU is the
workers' (read in each worker before and after) plus this process's (the client and the scheduler). The
verdict counts of both are printed and checked equal. Target: Dask CPU per row within 1.5x of one process.
A script that prints figures, not a timed test. ``--n`` sets the staff-years (default 200,000).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from bench_batch import _inputs_for  # noqa: E402
from population import population  # noqa: E402

from chuan_engine import load_pack  # noqa: E402
from chuan_engine.batch import evaluate_batch  # noqa: E402
from chuan_engine.batch.dask import evaluate_dask  # noqa: E402

ON = dt.date(2025, 12, 31)
FRAMES_IN = ("schools", "units", "unit_years", "staff", "staff_years", "initiatives", "research")


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _warm() -> None:
    import pyarrow.parquet  # noqa: F401

    import chuan_engine.batch.dask  # noqa: F401


def _counts(results: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in results["outcome"].astype(str).value_counts().sort_index().items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="staff-years")
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--shuffle", dest="aligned", action="store_false",
                    help="let evaluate_dask shuffle by school instead of reading aligned files")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    import dask.dataframe as dd
    import distributed

    pack = load_pack(HERE.parent / "rules" / "thi_dua")
    frames = _inputs_for(pack, population(args.n))
    rows = len(frames["staff_years"])
    data = tempfile.TemporaryDirectory()
    schools = frames["schools"]["school_id"].to_numpy()
    groups = {s: i * args.partitions // len(schools) for i, s in enumerate(schools)}  # ranges of schools
    for name, df in frames.items():  # as a real run reads them: files the workers open, not frames in the graph
        (Path(data.name) / name).mkdir()
        group = df["school_id"].map(groups).to_numpy()
        for i in range(args.partitions):  # one file per group of schools, in every frame: aligned partitions
            df[group == i].to_parquet(Path(data.name) / name / f"part_{i:03d}.parquet", index=False)
    del frames
    # Both sides read the same files and write their results to Parquet.
    c0, w0 = _cpu(), time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        one = evaluate_batch(pack, {name: pd.read_parquet(Path(data.name) / name) for name in FRAMES_IN}, ON,
                             extras=False)
        one.to_parquet(out)
    one_cpu, one_wall = _cpu() - c0, time.perf_counter() - w0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        # a long-lived cluster has its libraries loaded: warm each worker on one group's files first
        small = {name: dd.read_parquet(Path(data.name) / name / "part_000.parquet") for name in FRAMES_IN}
        with tempfile.TemporaryDirectory() as out:
            evaluate_dask(pack, small, ON, aligned=True).to_parquet(out)
        client.run(_warm)
        before = sum(client.run(_cpu).values())
        c0, w0 = _cpu(), time.perf_counter()
        ddfs = {name: dd.read_parquet(Path(data.name) / name) for name in FRAMES_IN}
        with tempfile.TemporaryDirectory() as out:
            evaluate_dask(pack, ddfs, ON, aligned=args.aligned).to_parquet(out)
            dask_wall = time.perf_counter() - w0
            back = pd.read_parquet(Path(out) / "results", columns=["outcome"])
        dask_cpu = sum(client.run(_cpu).values()) - before + (_cpu() - c0)
    data.cleanup()
    same = _counts(back) == _counts(one.results)
    ratio = (dask_cpu / rows) / (one_cpu / rows)
    how = "aligned files (no shuffle)" if args.aligned else "shuffled by school"
    print(f"thi_dua full pack, {rows:,} staff-years, {args.partitions} partitions, {how}, 2 workers x 1 thread")
    print(f"  one process   wall {one_wall:6.2f} s  CPU {one_cpu:6.2f} s  {1e6 * one_cpu / rows:7.1f} µs CPU/row")
    print(f"  dask          wall {dask_wall:6.2f} s  CPU {dask_cpu:6.2f} s  {1e6 * dask_cpu / rows:7.1f} µs CPU/row")
    print(f"  verdict counts equal: {same}  {_counts(one.results)}")
    print(f"  CPU per row, dask / one process: {ratio:.2f}x  target ≤ 1.5x: {'MET' if ratio <= 1.5 else 'NOT MET'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
