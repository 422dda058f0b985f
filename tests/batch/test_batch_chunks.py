"""Chunks of validated frames (issue 13): the inputs are validated once, then cut by school; every chunk size
gives the same results, summary and error messages (with the row where the official finds the cell)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from population import ON, population  # noqa: E402


def _frames() -> dict[str, pd.DataFrame]:
    frames = population(2_000, seed=4)  # 400 staff in 4 schools of 100
    frames["schools"] = frames["schools"].drop(columns=["has_code_of_conduct"])
    sy = frames["staff_years"].copy()
    sy.loc[7, "rating"] = "xuat sac lam"  # not a rating: p1 (row 7 is p1's third record) is an error
    frames["staff_years"] = pd.concat([sy, sy.iloc[[450]]], ignore_index=True)  # a duplicate year record (p90)
    st = frames["staff"].copy()
    st.loc[250, "unit_id"] = "u99"  # a unit its school (s2) does not have
    frames["staff"] = st
    return frames


def test_every_chunk_size_gives_the_same_results_and_errors() -> None:
    warnings.simplefilter("ignore")
    pack = load_pack(ROOT / "rules" / "thi_dua")
    frames = _frames()
    whole = evaluate_batch(pack, frames, ON, extras=False)
    cut = evaluate_batch(pack, frames, ON, chunk_rows=700, extras=False)
    assert whole.chunks == 1 and cut.chunks >= 3  # about 1 300 rows per school: one school per chunk or so
    key = ["kind", "school", "entity", "rule"]
    a = whole.results.sort_values(key).reset_index(drop=True)
    b = cut.results.sort_values(key).reset_index(drop=True)
    assert a.astype(str).equals(b.astype(str))
    s_key = ["kind", "school", "entity"]
    sa = whole.summary.sort_values(s_key).reset_index(drop=True)
    sb = cut.summary.sort_values(s_key).reset_index(drop=True)
    assert sa.astype(str).equals(sb.astype(str))
    errors = sa.set_index("entity")["error"]
    # the bad rating: row index 7 of the frame, as the caller numbered it
    assert "chỉ mục 7" in errors["p1"] and "rating" in errors["p1"]
    assert "trùng bản ghi năm" in errors["p90"]  # staff_years row 450 is p90's first record, written twice
    assert "u99" in errors["p250"]
    assert sa["verdict"].eq("error").sum() == 3  # no other entity is touched
