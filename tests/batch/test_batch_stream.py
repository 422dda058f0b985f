"""stream_batch: Parquet in, Parquet out, group by group; the same verdicts as evaluate_batch."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.batch.convert import facts_to_frames
from chuan_engine.batch.parquet import arrow_frame
from chuan_engine.batch.stream import read_stream, stream_batch
from chuan_engine.errors import FactsError, OutputError

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 12, 31)


def _norm(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.astype(str).sort_values(keys).reset_index(drop=True)


def _many(frames: dict[str, pd.DataFrame], copies: int) -> dict[str, pd.DataFrame]:
    return {name: pd.concat([df.assign(school_id=df["school_id"] + f"_{i}") for i in range(copies)],
                            ignore_index=True) for name, df in frames.items()}


@pytest.fixture(scope="module")
def thi_dua() -> Any:
    return load_pack(ROOT / "rules" / "thi_dua")


def test_streamed_groups_give_the_batch_verdicts(thi_dua: Any, tmp_path: Path) -> None:
    # fixtures/thi_dua: one school of 424 input rows (60 staff, 294 staff-years, …), copied as 5 schools;
    # chunk_rows=500 puts about one school a group, so the run is cut into 5 groups that never split a school.
    frames = _many(facts_to_frames(load_facts(ROOT / "fixtures" / "thi_dua")), 5)
    src = tmp_path / "in"
    src.mkdir()
    for name, df in frames.items():
        df.to_parquet(src / f"{name}.parquet", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = evaluate_batch(thi_dua, frames, ON)
        run = stream_batch(thi_dua, src, ON, tmp_path / "out", chunk_rows=500)
    assert run.chunks == 5 and run.entities == len(expected.summary) == 5 * 69
    assert run.result_rows == len(expected.results)
    assert run.verdicts == expected.summary["verdict"].value_counts().to_dict()
    keys = ["kind", "school", "entity", "rule"]
    want = arrow_frame(expected.results)
    pd.testing.assert_frame_equal(_norm(read_stream(run.folder)[list(want.columns)], keys), _norm(want, keys))
    skeys = ["kind", "school", "entity"]
    swant = arrow_frame(expected.summary)
    pd.testing.assert_frame_equal(_norm(read_stream(run.folder, "summary")[list(swant.columns)], skeys),
                                  _norm(swant, skeys))
    # the research frame is given and empty (known none) in every group, as in the whole run
    assert len(frames["research"]) == 0 and sorted(p.name for p in run.folder.iterdir()) == ["results", "summary"]


def test_a_bad_cell_is_named_by_its_row_in_the_file_and_the_rest_completes(tmp_path: Path) -> None:
    pack = load_pack(ROOT / "rules" / "demo")
    src = tmp_path / "in"
    src.mkdir()
    pd.DataFrame([{"school_id": "s1", "staff_id": f"p{i}", "unit_id": "k1", "recruited_on": "2020-01-01"}
                  for i in range(3)]).to_parquet(src / "staff.parquet", index=False)
    years = pd.DataFrame([{"school_id": "s1", "staff_id": f"p{i}", "year": 2025, "rating": "hoan_thanh_tot",
                           "discipline": "khong"} for i in range(3)])
    years.loc[2, "rating"] = "xuat_sac_lam"  # not a rating: row 2 of the file (0-based), as in memory
    years.to_parquet(src / "staff_years.parquet", index=False)
    run = stream_batch(pack, src, ON, tmp_path / "out")
    summary = read_stream(run.folder, "summary").set_index("entity")
    assert summary.loc["p2", "verdict"] == "error" and "xuat_sac_lam" in summary.loc["p2", "error"]
    memory = evaluate_batch(pack, {"staff": pd.read_parquet(src / "staff.parquet"),
                                   "staff_years": pd.read_parquet(src / "staff_years.parquet")}, ON)
    assert summary.loc["p2", "error"] == memory.summary.set_index("entity").loc["p2", "error"]
    assert summary.loc["p0", "verdict"] != "error"


def test_refusals_leave_nothing_behind(thi_dua: Any, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    with pytest.raises(FactsError, match="Parquet"):
        stream_batch(thi_dua, src, ON, tmp_path / "out")  # no frames at all
    pd.DataFrame([{"staff_id": "p1"}]).to_parquet(src / "staff.parquet", index=False)
    with pytest.raises(FactsError, match="school_id"):
        stream_batch(thi_dua, src, ON, tmp_path / "out")
    (src / "staff.parquet").unlink()
    pd.DataFrame([{"school_id": "s1", "staff_id": "p1"}]).to_csv(src / "staff.csv", index=False)
    with pytest.raises(FactsError, match="evaluate_batch"):
        stream_batch(thi_dua, src, ON, tmp_path / "out")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        stream_batch(thi_dua, src, ON, busy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "in"]  # no temporary folder left
