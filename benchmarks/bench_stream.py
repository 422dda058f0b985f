"""10^7 staff-years through the full thi_dua pack in one process (issue 13): ``stream_batch``, peak RSS.

The population is generated piece by piece (10^6 staff-years each, in child processes, so that generating it
does not count) into Parquet folders, one part per piece in every frame; then one fresh process streams it
through ``batch.stream.stream_batch`` and prints its time, rows/s and peak RSS (VmHWM). Target: ≤ 2 GB.
A script that prints figures, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

ON_TEXT = "2025-12-31"


def _peak_gb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def generate(folder: Path, piece: int, n: int) -> None:
    """One piece of the population, its ids prefixed so that pieces never share a school or a person."""
    from bench_batch import _inputs_for
    from population import population

    from chuan_engine import load_pack

    pack = load_pack(HERE.parent / "rules" / "thi_dua")
    for name, df in _inputs_for(pack, population(n, seed=piece)).items():
        for col in ("school_id", "staff_id"):
            if col in df.columns:
                df[col] = f"k{piece}_" + df[col].astype(str)
        (folder / name).mkdir(exist_ok=True)
        df.to_parquet(folder / name / f"part_{piece:04d}.parquet", index=False)


def stream(folder: Path, out: Path, chunk_rows: int) -> None:
    import datetime as dt

    from chuan_engine import load_pack
    from chuan_engine.batch.stream import stream_batch

    warnings.simplefilter("ignore")
    pack = load_pack(HERE.parent / "rules" / "thi_dua")
    t0 = time.perf_counter()
    run = stream_batch(pack, folder, dt.date.fromisoformat(ON_TEXT), out, chunk_rows=chunk_rows)
    secs = time.perf_counter() - t0
    print(json.dumps({"secs": secs, "chunks": run.chunks, "entities": run.entities, "result_rows": run.result_rows,
                      "verdicts": run.verdicts, "peak_gb": _peak_gb()}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10**7, help="staff-years in all")
    ap.add_argument("--piece", type=int, default=10**6, help="staff-years generated per piece")
    ap.add_argument("--chunk-rows", type=int, default=250_000)
    ap.add_argument("--generate", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--stream", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]), int(args.generate[2]))
        return 0
    if args.stream:
        stream(Path(args.stream[0]), Path(args.stream[1]), int(args.stream[2]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "in", Path(tmp) / "out"
        data.mkdir()
        pieces = max(1, args.n // args.piece)
        for piece in range(pieces):
            subprocess.run([sys.executable, __file__, "--generate", str(data), str(piece), str(args.piece)],
                           check=True)
        rows = sum(len(p.read_bytes()) for p in (data / "staff_years").iterdir())  # on-disk size, for the line
        proc = subprocess.run([sys.executable, __file__, "--stream", str(data), str(out), str(args.chunk_rows)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"streamed run failed: {(proc.stderr.strip().splitlines() or [''])[-1]}")
            return 1
        fig = json.loads(proc.stdout.strip().splitlines()[-1])
        import pyarrow.parquet as pq

        staff_years = sum(pq.ParquetFile(p).metadata.num_rows for p in (data / "staff_years").iterdir())
    print(f"thi_dua full pack streamed (stream_batch, chunks of {args.chunk_rows:,} rows), {staff_years:,} "
          f"staff-years in {pieces} Parquet parts ({rows / 1e6:.0f} MB of staff_years on disk):")
    print(f"  {fig['secs']:.1f} s, {staff_years / fig['secs']:,.0f} staff-years/s, {fig['chunks']} groups, "
          f"{fig['entities']:,} entities, {fig['result_rows']:,} result rows; peak RSS {fig['peak_gb']:.2f} GB"
          f"  target ≤ 2 GB: {'MET' if fig['peak_gb'] <= 2 else 'NOT MET'}")
    print(f"  entity verdicts: {fig['verdicts']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
