"""Populations larger than memory in one process: Parquet in, Parquet out, one group of schools at a time.

``evaluate_batch`` keeps every input frame and the whole long result table in memory (about 1 GB per 10^6
staff-years). ``stream_batch`` reads the frames from Parquet files, sorts their rows into groups of schools
on disk (one pass over each file, a batch of rows at a time), then evaluates the groups one after the other
with the same chunk evaluator, writing each group's results and summary to Parquet as it goes: the peak
memory is that of one group, whatever the population. Schools never split, so every link stays in a group
and each verdict is the one ``evaluate_batch`` gives. Nothing is left at the destination unless the whole
run succeeds. The ledger, quota and ranking sections need the whole population and are not built here.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..errors import FactsError, OutputError, Text
from ..pack.plan import Plan
from .layout import FRAMES, SPECS
from .parquet import arrow_frame, arrow_schema
from .rows import tidy
from .run import _input_types, evaluate_chunk

BATCH_ROWS = 262_144  # rows read at a time while sorting the inputs into groups
# Arrow reads ahead several files and batches by default: that memory grows with the number of files.
_ONE_AT_A_TIME: dict[str, Any] = {"batch_readahead": 1, "fragment_readahead": 1}
_POS = "__pos__"  # the row's position in its file, so that messages name it as an in-memory run would


@dataclass(frozen=True)
class StreamResult:
    """Where the results went and what they hold (the results themselves stay on disk)."""

    folder: Path  # holds results/ and summary/, one Parquet file per group
    chunks: int
    entities: int
    result_rows: int
    verdicts: dict[str, int]  # entity verdict code -> number of entities
    fallback: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _sources(source: str | Path) -> dict[str, Path]:
    """The frames of a folder: ``staff_years.parquet`` or a ``staff_years/`` folder of Parquet parts."""
    root = Path(source)
    if not root.is_dir():
        raise FactsError(Text("cần một thư mục chứa các khung Parquet", "expected a folder of Parquet frames"),
                         file=str(root))
    found = {name: root / f"{name}.parquet" for name in FRAMES if (root / f"{name}.parquet").is_file()}
    found |= {name: root / name for name in FRAMES if name not in found and (root / name).is_dir()}
    others = sorted(p.name for p in root.iterdir() if p.suffix in (".csv", ".xlsx") and p.stem in FRAMES)
    if others:
        raise FactsError(Text(f"đọc từng phần chỉ nhận Parquet; {others} hãy dùng evaluate_batch",
                              f"streaming reads Parquet only; use evaluate_batch for {others}"), file=str(root))
    if not found:
        raise FactsError(Text(f"thư mục không có khung Parquet nào (cần: {', '.join(FRAMES)})",
                              f"no Parquet frames in the folder (expected: {', '.join(FRAMES)})"), file=str(root))
    return found


def _dataset(name: str, path: Path) -> ds.Dataset:
    try:
        data = ds.dataset(path, format="parquet")
    except (OSError, pa.ArrowInvalid) as exc:
        raise FactsError(Text(f"không đọc được tệp Parquet: {exc}", f"cannot read the Parquet file: {exc}"),
                         file=str(path)) from None
    if "school_id" not in data.schema.names:
        raise FactsError(Text(f"khung '{name}' thiếu cột 'school_id' (đọc từng phần cần cột này ở mọi khung)",
                              f"frame '{name}' lacks column 'school_id' (streaming needs it in every frame)"),
                         file=str(path))
    return data


def _school_key(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """School ids as text (a blank id is its own key, so its rows stay together and are reported)."""
    text = pc.cast(column, pa.string())
    return pc.fill_null(text, "")


def _groups(data: dict[str, ds.Dataset], chunk_rows: int) -> tuple[pa.Array, np.ndarray]:
    """Each school's group: schools in the order first met, about ``chunk_rows`` rows (all frames) a group."""
    sizes: dict[str, int] = {}
    for frame in data.values():
        for batch in frame.to_batches(columns=["school_id"], batch_size=BATCH_ROWS, **_ONE_AT_A_TIME):
            counts = pc.value_counts(_school_key(batch.column(0)))
            for key, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True):
                sizes[key] = sizes.get(key, 0) + n
    keys = pa.array(list(sizes), type=pa.string())
    cut = (np.cumsum(np.fromiter(sizes.values(), dtype=np.int64, count=len(sizes))) - 1) // max(chunk_rows, 1)
    return keys, np.unique(cut, return_inverse=True)[1].astype(np.int64)  # numbered 0, 1, … with none empty


def _spill(name: str, frame: ds.Dataset, keys: pa.Array, group: np.ndarray, folder: Path) -> None:
    """Write the frame's rows into one file per group, a batch at a time (rows keep their file position)."""
    writers: dict[int, pq.ParquetWriter] = {}
    start = 0
    try:
        for batch in frame.to_batches(batch_size=BATCH_ROWS, **_ONE_AT_A_TIME):
            if not batch.num_rows:
                continue
            pos = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
            start += batch.num_rows
            table = pa.Table.from_batches([batch]).append_column(_POS, pos)
            of_row = group[pc.index_in(_school_key(batch.column("school_id")), value_set=keys).to_numpy(
                zero_copy_only=False)]
            order = np.argsort(of_row, kind="stable")
            table, of_row = table.take(pa.array(order)), of_row[order]
            bounds = np.flatnonzero(np.diff(of_row)) + 1
            for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(of_row)], strict=True):
                g = int(of_row[lo])
                if g not in writers:
                    writers[g] = pq.ParquetWriter(folder / f"{name}.{g}.parquet", table.schema)
                writers[g].write_table(table.slice(lo, hi - lo))
    finally:
        for w in writers.values():
            w.close()


def _group_frames(data: dict[str, ds.Dataset], folder: Path, g: int, notes: list[str]) -> dict[str, pd.DataFrame]:
    """One group's frames, as ``evaluate_batch`` would see them: rows indexed by file position, blank and
    total rows set aside; a frame with no row in this group is present and empty (known none)."""
    out = {}
    for name, frame in data.items():
        part = folder / f"{name}.{g}.parquet"
        table = pq.read_table(part) if part.exists() else frame.schema.empty_table().append_column(
            _POS, pa.array([], type=pa.int64()))
        df = table.to_pandas()
        df.index = pd.Index(df.pop(_POS).to_numpy(dtype=np.int64))
        out[name], found = tidy(name, df, SPECS[name][2])
        notes.extend(found)
    return out


def _fresh_destination(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(Text("đích đã có và không phải thư mục trống", "the destination exists and is not an "
                               "empty folder"), file=str(out))


def stream_batch(pack: Plan, source: str | Path, on: dt.date, out: str | Path, *, chunk_rows: int = 250_000,
                 lang: str = "vi", every_year: bool = False) -> StreamResult:
    """Evaluate the Parquet frames of ``source`` group by group into ``out/results`` and ``out/summary``.

    Verdicts, gaps and summary rows equal ``evaluate_batch``'s on the same frames (written as
    ``BatchResult.to_parquet`` writes them); memory is bounded by one group of about ``chunk_rows`` rows
    (10^7 thi_dua staff-years at the default: 1.4 GB peak, benchmarks/bench_stream.py)."""
    dest = Path(out)
    _fresh_destination(dest)
    data = {name: _dataset(name, path) for name, path in _sources(source).items()}
    keys, group = _groups(data, chunk_rows)
    n_groups = int(group.max()) + 1 if len(group) else 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name[:40]}.", dir=dest.parent))
    try:
        spill = work / "spill"
        spill.mkdir()
        for name, frame in data.items():
            _spill(name, frame, keys, group, spill)
        result = _evaluate_groups(pack, data, on, spill, work, n_groups, lang, every_year)
        shutil.rmtree(spill)
        if dest.exists():
            dest.rmdir()
        os.replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return StreamResult(dest, result.chunks, result.entities, result.result_rows, result.verdicts,
                        result.fallback, result.notes)


def _evaluate_groups(pack: Plan, data: dict[str, ds.Dataset], on: dt.date, spill: Path, work: Path,
                     n_groups: int, lang: str, every_year: bool) -> StreamResult:
    types = _input_types(pack)
    (work / "results").mkdir()
    (work / "summary").mkdir()
    verdicts: dict[str, int] = {}
    fallback: dict[str, str] = {}
    notes: list[str] = []
    entities = rows = 0
    for g, frames in _each_group(data, spill, n_groups, notes):
        res, summ, fb = evaluate_chunk(pack, frames, on, types, lang, every_year=every_year)
        fallback.update(fb)
        for name, frame in (("results", res), ("summary", summ)):
            typed = arrow_frame(frame)
            pq.write_table(pa.Table.from_pandas(typed, schema=arrow_schema(typed), preserve_index=False),
                           work / name / f"part_{g:05d}.parquet")
        for verdict, n in summ["verdict"].astype(str).value_counts().items():
            verdicts[str(verdict)] = verdicts.get(str(verdict), 0) + int(n)
        entities += len(summ)
        rows += len(res)
    return StreamResult(work, n_groups, entities, rows, verdicts, fallback, notes)


def _each_group(data: dict[str, ds.Dataset], spill: Path, n_groups: int, notes: list[str]
                ) -> Iterator[tuple[int, dict[str, pd.DataFrame]]]:
    for g in range(n_groups):
        frames = _group_frames(data, spill, g, notes)
        yield g, frames
        for name in data:
            (spill / f"{name}.{g}.parquet").unlink(missing_ok=True)


def read_stream(folder: str | Path, what: str = "results", **kw: Any) -> pd.DataFrame:
    """A streamed run's ``results`` or ``summary`` back as one frame (for a population that fits)."""
    return pd.read_parquet(Path(folder) / what, **kw)
