"""The column algebra (batch/compiler.py) run by the one interpreter (run/interpreter.py): a list literal
is vectorised as the right side of ``in`` only; elsewhere the rule falls back to the explaining evaluator.

Expected verdicts worked out by hand from the rows below; the reasoning is in the comments.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.batch.compiler import Vectoriser

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 12, 31)
RULE = "fallback.xep_loai_tot"


def _pack(tmp_path: Path, condition: str) -> Any:
    """The fallback test pack with the condition of its vectorisable rule replaced."""
    text = (ROOT / "tests" / "batch_packs" / "fallback" / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("condition: \"rating >= 'hoan_thanh_tot'\"", f'condition: "{condition}"')
    assert condition in text
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    return load_pack(tmp_path)


def _run(pack: Any) -> Any:
    staff = pd.DataFrame([{"school_id": "s1", "staff_id": p, "unit_id": "k1"} for p in ("p1", "p2", "p3")])
    years = pd.DataFrame([
        {"school_id": "s1", "staff_id": "p1", "year": 2025, "rating": "hoan_thanh_tot"},
        {"school_id": "s1", "staff_id": "p2", "year": 2025, "rating": "hoan_thanh"},
        {"school_id": "s1", "staff_id": "p3", "year": 2025},  # rating omitted: unknown
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pack's streak rule falls back and says so
        return evaluate_batch(pack, {"staff": staff, "staff_years": years}, ON)


def _outcomes(out: Any) -> dict[str, str]:
    return {r.entity: str(r.outcome) for r in out.results.itertuples() if r.rule == RULE}


def test_in_a_literal_list_is_vectorised(tmp_path: Path) -> None:
    # p1 hoan_thanh_tot is in the list: pass; p2 hoan_thanh is not: fail; p3 has no rating: unknown.
    out = _run(_pack(tmp_path, "rating in ['hoan_thanh_tot', 'hoan_thanh_xuat_sac']"))
    assert RULE not in out.fallback
    assert _outcomes(out) == {"p1": "pass", "p2": "fail", "p3": "unknown"}


def test_not_in_a_literal_list_is_vectorised(tmp_path: Path) -> None:
    # the complement where the rating is known: p1 fail, p2 pass; p3 stays unknown.
    out = _run(_pack(tmp_path, "rating not in ['hoan_thanh_tot', 'hoan_thanh_xuat_sac']"))
    assert RULE not in out.fallback
    assert _outcomes(out) == {"p1": "fail", "p2": "pass", "p3": "unknown"}


def test_a_list_literal_elsewhere_falls_back(tmp_path: Path) -> None:
    # known(['a', 'b']): the columns refuse a list literal outside 'in'; the explaining evaluator says
    # a written list is known, so every staff member passes.
    out = _run(_pack(tmp_path, "known(['a', 'b'])"))
    assert out.fallback[RULE] == "a list literal outside 'in'"
    assert _outcomes(out) == {"p1": "pass", "p2": "pass", "p3": "pass"}


def test_no_name_built_dispatch() -> None:
    # every node kind is an Algebra method called by the interpreter's match, none a "_e_<Node>" method
    assert not [m for m in dir(Vectoriser) if m.startswith("_e_")]
