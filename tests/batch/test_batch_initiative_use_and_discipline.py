"""The batch evaluator reads an initiative's use and a discipline period as the explaining one does (issue 12;
NĐ 98/2023 Điều 4). Same people as rules/thi_dua/tests/sang_kien_da_dung.yaml and nd98_ky_luat.yaml, verdicts by
hand there (repeated in short below)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import load_pack
from chuan_engine.batch import evaluate_batch

ROOT = Path(__file__).resolve().parents[2]
CSTD = "chien_si_thi_dua_co_so"


@pytest.fixture(scope="module")
def thi_dua() -> Any:
    return load_pack(ROOT / "rules" / "thi_dua")


def _outcomes(out: Any, rule: str) -> dict[str, str]:
    rows = out.results[out.results.rule == rule]
    return dict(zip(rows.entity, rows.outcome.astype(str), strict=True))


def test_initiative_use_in_batch(thi_dua: Any) -> None:
    # HTXSNV 2023, 2024, no discipline; sk_2 (2024) never used; sk_1 (2023): used in 2023 -> 1 < 2 fail; used,
    # year blank -> range 1..2 unknown; nothing known -> unknown; used_for [] (never used) -> 2 >= 2 pass.
    people = ("da_dung", "chua_ro_nam", "chua_ro", "chua_dung")
    staff = pd.DataFrame([{"school_id": "s", "staff_id": p, "recruited_on": "2010-01-01"} for p in people])
    years = pd.DataFrame([{"school_id": "s", "staff_id": p, "year": y, "rating": "hoan_thanh_xuat_sac",
                           "discipline": "khong", "discipline_pending": False} for p in people for y in (2023, 2024)])
    sk1 = {"da_dung": ([CSTD], 2023, None), "chua_ro_nam": ([CSTD], None, None),
           "chua_ro": (None, None, None), "chua_dung": ([], None, None)}
    inits = pd.DataFrame(
        [{"school_id": "s", "staff_id": p, "initiative_id": "sk_1", "level": "co_so", "year": 2023,
          "used_for": u[0], "used_in_year": u[1], "used": u[2]}
         for p, u in sk1.items()]
        + [{"school_id": "s", "staff_id": p, "initiative_id": "sk_2", "level": "co_so", "year": 2024,
            "used_for": None, "used_in_year": None, "used": False} for p in people])
    inits["used_in_year"] = inits["used_in_year"].astype("Int64")
    frames = {"staff": staff, "staff_years": years, "initiatives": inits,
              "research": pd.DataFrame(columns=["school_id", "staff_id", "research_id"])}
    out = evaluate_batch(thi_dua, frames, dt.date(2024, 12, 31))
    assert out.fallback == {}  # vectorised, no row-by-row fallback
    got = _outcomes(out, "thi_dua.bang_khen_cap_bo")
    assert got == {"da_dung": "fail", "chua_ro_nam": "unknown", "chua_ro": "unknown", "chua_dung": "pass"}


@pytest.mark.parametrize(("year", "expected"), [
    (2025, {"con_han": "fail", "chua_ro_ngay": "unknown"}),  # 2024's period runs into 2025; end not known
    (2026, {"con_han": "fail", "chua_ro_ngay": "unknown"}),  # ends 28/02/2026: runs into 2026; two years after
    (2027, {"con_han": "pass", "chua_ro_ngay": "pass"}),     # 2024 is outside the two years before 2027
])
def test_discipline_period_in_batch(thi_dua: Any, year: int, expected: dict[str, str]) -> None:
    staff = pd.DataFrame([{"school_id": "s", "staff_id": p, "recruited_on": "2010-01-01"}
                          for p in ("con_han", "chua_ro_ngay")])
    rows = [{"school_id": "s", "staff_id": "con_han", "year": 2024, "rating": "hoan_thanh",
             "discipline": "giang_chuc", "discipline_ends_on": "2026-02-28", "discipline_pending": False},
            {"school_id": "s", "staff_id": "chua_ro_ngay", "year": 2024, "rating": "hoan_thanh_tot",
             "discipline": "khien_trach", "discipline_ends_on": None, "discipline_pending": False}]
    rows += [{"school_id": "s", "staff_id": p, "year": y, "rating": "hoan_thanh_xuat_sac", "discipline": "khong",
              "discipline_ends_on": None, "discipline_pending": False}
             for p in ("con_han", "chua_ro_ngay") for y in range(2025, year + 1)]
    out = evaluate_batch(thi_dua, {"staff": staff, "staff_years": pd.DataFrame(rows)}, dt.date(year, 12, 31))
    assert out.fallback == {}
    assert _outcomes(out, "thi_dua.lao_dong_tien_tien") == expected


def test_a_row_saying_never_used_and_used_is_an_error_of_its_person(thi_dua: Any) -> None:
    # as the loader refuses `used: false` with `used_in_year` (tests/app/test_initiative_use.py)
    staff = pd.DataFrame([{"school_id": "s", "staff_id": p, "recruited_on": "2010-01-01"} for p in ("x", "ok")])
    inits = pd.DataFrame([{"school_id": "s", "staff_id": "x", "initiative_id": "sk", "level": "co_so", "year": 2024,
                           "used": False, "used_in_year": 2023},
                          {"school_id": "s", "staff_id": "ok", "initiative_id": "sk", "level": "co_so", "year": 2024,
                           "used": False, "used_in_year": None}])
    inits["used_in_year"] = inits["used_in_year"].astype("Int64")
    out = evaluate_batch(thi_dua, {"staff": staff, "initiatives": inits}, dt.date(2024, 12, 31))
    summary = out.summary.set_index("entity")
    assert summary.loc["x", "verdict"] == "error" and "never used" in summary.loc["x", "error"]
    assert summary.loc["ok", "verdict"] != "error"
