"""Generated populations for the benchmarks: schools, units with year records, staff with year records, initiatives, research.

Some facts are missing, as in real rosters, so that unknown verdicts occur: 3 % of ratings, 1 % of disciplines
(5 % of the end dates of a discipline period),
1 % of pending-review cells, 2 % of recruitment dates, 2 % of the evaluation year's staff records, 7 % of units'
dissolution flags, 5 % of unit ratings, 5 % of initiative levels, 5 % of research acceptances. About 0.5 % of
staff are recruited after the evaluation year (not yet staff: not_applicable).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

ON = dt.date(2025, 12, 31)
RATINGS = np.array(["khong_hoan_thanh", "hoan_thanh", "hoan_thanh_tot", "hoan_thanh_xuat_sac"], dtype=object)
DISCIPLINE = np.array(["khong", "khien_trach", "canh_cao"], dtype=object)
LEVELS = np.array(["co_so", "bo_tinh", "toan_quoc"], dtype=object)


def _ids(prefix: str, n: int) -> np.ndarray:
    return (prefix + pd.Series(np.arange(n)).astype(str)).to_numpy(dtype=object)


def _holes(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(object)
    out[rng.random(len(out)) < share] = None
    return out


def population(n_staff_years: int, years: int = 5, staff_per_school: int = 100, units: int = 5,
               seed: int = 0, on: dt.date = ON) -> dict[str, pd.DataFrame]:
    """Schools of ``staff_per_school`` staff in ``units`` units, each staff with ``years`` year records."""
    rng = np.random.default_rng(seed)
    n_staff = max(1, n_staff_years // years)
    school = np.arange(n_staff) // staff_per_school
    n_schools = int(school.max()) + 1
    school_ids = _ids("s", n_schools)
    unit_names = np.array([f"u{j}" for j in range(units)], dtype=object)
    unit_local = rng.integers(0, units, n_staff)
    recruited = (np.datetime64("2004-01-01") + rng.integers(0, 22 * 365, n_staff).astype("timedelta64[D]"))
    late = rng.random(n_staff) < 0.005
    recruited[late] = np.datetime64(f"{on.year + 1}-03-01")
    staff = pd.DataFrame({
        "school_id": school_ids[school], "staff_id": _ids("p", n_staff), "unit_id": unit_names[unit_local],
        "is_lecturer": rng.random(n_staff) < 0.8,
        "degree": np.array(["dai_hoc", "thac_si", "tien_si"], dtype=object)[rng.integers(0, 3, n_staff)],
        "recruited_on": _holes(rng, recruited.astype(str), 0.02),
    })
    rep = np.repeat(np.arange(n_staff), years)
    year = np.tile(np.arange(on.year - years + 1, on.year + 1), n_staff)
    keep = ~((year == on.year) & (rng.random(len(rep)) < 0.02))
    rep, year = rep[keep], year[keep]
    n = len(rep)
    staff_years = pd.DataFrame({
        "school_id": staff["school_id"].to_numpy()[rep], "staff_id": staff["staff_id"].to_numpy()[rep],
        "year": year,
        "rating": _holes(rng, RATINGS[rng.choice(4, n, p=[0.03, 0.17, 0.5, 0.3])], 0.03),
        "discipline": _holes(rng, DISCIPLINE[rng.choice(3, n, p=[0.96, 0.03, 0.01])], 0.01),
        "discipline_pending": _holes(rng, rng.random(n) < 0.02, 0.01),
    })
    # a disciplined year's period ends 1 to 26 months after 1 January of that year (some run into the next two
    # years: NĐ 98/2023 Điều 4), 5 % of the end dates not written
    ends = (year.astype(str).astype("datetime64[D]") + rng.integers(30, 800, n).astype("timedelta64[D]")).astype(str)
    disciplined = np.isin(staff_years["discipline"].to_numpy(), ["khien_trach", "canh_cao"])
    staff_years["discipline_ends_on"] = _holes(rng, np.where(disciplined, ends, None), 0.05)
    n_units = n_schools * units
    unit_frame = pd.DataFrame({
        "school_id": np.repeat(school_ids, units), "unit_id": np.tile(unit_names, n_schools),
        "unit_kind": np.tile(np.array(["khoa", "phong"] * units, dtype=object)[:units], n_schools),
        "dissolved": _holes(rng, rng.random(n_units) < 0.03, 0.07),
    })
    uy = np.arange(on.year - years + 1, on.year + 1)
    n_uy = n_units * years
    unit_years = pd.DataFrame({
        "school_id": np.repeat(unit_frame["school_id"].to_numpy(), years),
        "unit_id": np.repeat(unit_frame["unit_id"].to_numpy(), years), "year": np.tile(uy, n_units),
        "rating": _holes(rng, RATINGS[rng.choice(4, n_uy, p=[0.02, 0.08, 0.5, 0.4])], 0.05),
        "discipline_pending": _holes(rng, rng.random(n_uy) < 0.01, 0.02),
    })
    who = np.flatnonzero(rng.random(n_staff) < 0.1)
    k = len(who)
    initiatives = pd.DataFrame({
        "school_id": staff["school_id"].to_numpy()[who], "staff_id": staff["staff_id"].to_numpy()[who],
        "initiative_id": _ids("sk", k), "level": _holes(rng, LEVELS[rng.choice(3, k, p=[0.8, 0.15, 0.05])], 0.05),
        "year": np.where(rng.random(k) < 0.8, on.year, on.year - 1),
        "used_in_year": pd.array(np.where(rng.random(k) < 0.1, on.year - 1, -1), dtype="Int64"),
    })
    initiatives.loc[initiatives["used_in_year"] < 0, "used_in_year"] = pd.NA
    # never used where no year of use is recorded, but 5 % not known (possibly used, issue 12)
    initiatives["used"] = _holes(rng, initiatives["used_in_year"].notna().to_numpy(), 0.05)
    who = np.flatnonzero(rng.random(n_staff) < 0.05)
    k = len(who)
    staff_research = pd.DataFrame({
        "school_id": staff["school_id"].to_numpy()[who], "staff_id": staff["staff_id"].to_numpy()[who],
        "research_id": _ids("dts", k), "level": LEVELS[rng.choice(3, k, p=[0.7, 0.25, 0.05])],
        "year": np.where(rng.random(k) < 0.7, on.year, on.year - 1),
        "accepted": _holes(rng, rng.random(k) < 0.8, 0.05),
    })
    school_research = pd.DataFrame({
        "school_id": np.repeat(school_ids, 3), "staff_id": None,
        "research_id": np.tile(np.array(["dt1", "dt2", "dt3"]), n_schools),
        "level": np.tile(np.array(["bo_tinh", "bo_tinh", "co_so"], dtype=object), n_schools),
        "year": np.tile(np.array([2022, 2024, 2025]), n_schools), "accepted": True,
    })
    research = pd.concat([staff_research, school_research], ignore_index=True)
    schools = pd.DataFrame({"school_id": school_ids, "name": "Trường " + pd.Series(school_ids),
                            "has_code_of_conduct": rng.random(n_schools) < 0.9})
    return {"schools": schools, "units": unit_frame, "unit_years": unit_years, "staff": staff,
            "staff_years": staff_years, "initiatives": initiatives, "research": research}
