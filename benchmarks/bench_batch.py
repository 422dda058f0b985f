"""Batch evaluation benchmark: ``python benchmarks/bench_batch.py`` prints figures and whether targets are met.

Not a timed unit test: it generates populations, evaluates them with the
vectorised evaluator, a hand-written pandas version of LĐTT + CSTĐ cơ sở +
TTLĐTT, and (on a sample) the explaining evaluator, and prints the rates.
Targets: vectorised within 3× of hand pandas; 10^6 staff-years under 5 s and
2 GB; 10× rows in at most 12× time.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from chuan_engine import load_pack  # noqa: E402
from chuan_engine.batch import evaluate_batch  # noqa: E402

ON = dt.date(2025, 12, 31)
RATINGS = np.array(["khong_hoan_thanh", "hoan_thanh", "hoan_thanh_tot", "hoan_thanh_xuat_sac"], dtype=object)
RANK = {r: i for i, r in enumerate(RATINGS)}
DISCIPLINE = np.array(["khong", "khien_trach", "canh_cao"], dtype=object)
DRANK = {"khong": 0, "khien_trach": 1, "canh_cao": 2}


def _pack(name: str, fallback: str = "demo") -> tuple[Any, str]:
    path = ROOT / "rules" / name
    if path.is_dir():
        return load_pack(path), name
    return load_pack(ROOT / "rules" / fallback), fallback


def _ids(prefix: str, n: int) -> np.ndarray:
    return (prefix + pd.Series(np.arange(n)).astype(str)).to_numpy(dtype=object)


def population(n_staff_years: int, years: int = 5, staff_per_school: int = 100, units: int = 5,
               seed: int = 0) -> dict[str, pd.DataFrame]:
    """Schools of ``staff_per_school`` staff, each with ``years`` year records (3% ratings missing)."""
    rng = np.random.default_rng(seed)
    n_staff = max(1, n_staff_years // years)
    school = np.arange(n_staff) // staff_per_school
    n_schools = int(school.max()) + 1
    school_ids = _ids("s", n_schools)
    unit_local = rng.integers(0, units, n_staff)
    unit_names = np.array([f"u{j}" for j in range(units)], dtype=object)
    recruited = (np.datetime64("2004-01-01") + rng.integers(0, 22 * 365, n_staff).astype("timedelta64[D]"))
    staff = pd.DataFrame({
        "school_id": school_ids[school], "staff_id": _ids("p", n_staff), "unit_id": unit_names[unit_local],
        "is_lecturer": rng.random(n_staff) < 0.8,
        "degree": np.array(["dai_hoc", "thac_si", "tien_si"], dtype=object)[rng.integers(0, 3, n_staff)],
        "recruited_on": recruited.astype(str).astype(object),
    })
    rep = np.repeat(np.arange(n_staff), years)
    n = len(rep)
    rating = RATINGS[rng.choice(4, n, p=[0.03, 0.17, 0.5, 0.3])].copy()
    rating[rng.random(n) < 0.03] = None
    staff_years = pd.DataFrame({
        "school_id": staff["school_id"].to_numpy()[rep], "staff_id": staff["staff_id"].to_numpy()[rep],
        "year": np.tile(np.arange(ON.year - years + 1, ON.year + 1), n_staff),
        "rating": rating, "discipline": DISCIPLINE[rng.choice(3, n, p=[0.96, 0.03, 0.01])],
    })
    unit_frame = pd.DataFrame({
        "school_id": np.repeat(school_ids, units), "unit_id": np.tile(unit_names, n_schools),
        "unit_kind": np.tile(np.array(["khoa", "phong"] * units, dtype=object)[:units], n_schools),
    })
    who = np.flatnonzero(rng.random(n_staff) < 0.1)
    initiatives = pd.DataFrame({
        "school_id": staff["school_id"].to_numpy()[who], "staff_id": staff["staff_id"].to_numpy()[who],
        "initiative_id": _ids("sk", len(who)), "level": "co_so", "year": ON.year,
    })
    schools = pd.DataFrame({"school_id": school_ids, "name": "Trường " + pd.Series(school_ids),
                            "has_code_of_conduct": rng.random(n_schools) < 0.9})
    research = pd.DataFrame({
        "school_id": np.repeat(school_ids, 3), "research_id": np.tile(np.array(["dt1", "dt2", "dt3"]), n_schools),
        "level": np.tile(np.array(["bo_tinh", "bo_tinh", "co_so"], dtype=object), n_schools),
        "year": np.tile(np.array([2022, 2024, 2025]), n_schools), "accepted": True,
    })
    return {"schools": schools, "units": unit_frame, "staff": staff, "staff_years": staff_years,
            "initiatives": initiatives, "research": research}


def _inputs_for(pack: Any, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Drop input columns the pack does not declare (a pack rejects unknown columns)."""
    out = dict(frames)
    if ("school", "has_code_of_conduct") not in pack.variables:
        out["schools"] = out["schools"].drop(columns=["has_code_of_conduct"])
    return out


def _kleene(mask: pd.Series, known: pd.Series) -> pd.Series:
    return mask.astype("boolean").mask(~known)


def hand_pandas(frames: dict[str, pd.DataFrame], on: dt.date) -> tuple[pd.Series, pd.Series, pd.Series]:
    """LĐTT, CSTĐ cơ sở and TTLĐTT for the evaluation year, written directly in pandas (Kleene booleans)."""
    st, sy = frames["staff"], frames["staff_years"]
    cur = sy[sy["year"] == on.year]
    df = st.merge(cur, on=["school_id", "staff_id"], how="left", suffixes=("", "_y"))
    r = df["rating"].map(RANK)
    d = df["discipline"].map(DRANK)
    rec = pd.to_datetime(df["recruited_on"])
    months = (on.year - rec.dt.year) * 12 + (on.month - rec.dt.month) - (on.day < rec.dt.day)
    ldtt = _kleene(r >= 2, r.notna()) & ~_kleene(d >= 1, d.notna()) & _kleene(months >= 6, months.notna())
    ini = frames["initiatives"]
    ini = ini[(ini["year"] == on.year) & (ini["level"].isin(["co_so", "bo_tinh", "toan_quoc"]))]
    has_init = pd.Series(pd.MultiIndex.from_frame(df[["school_id", "staff_id"]]).isin(
        pd.MultiIndex.from_frame(ini[["school_id", "staff_id"]])), index=df.index).astype("boolean")
    cstd = ldtt & (_kleene(r == 3, r.notna()) | has_init)
    unit = df["unit_id_y"].fillna(df["unit_id"]) if "unit_id_y" in df.columns else df["unit_id"]
    g = pd.DataFrame({"school_id": df["school_id"], "unit": unit, "t": ldtt.fillna(False).astype(bool),
                      "u": ldtt.isna(), "w": (d >= 2).fillna(False), "wu": d.isna()})
    agg = g.groupby(["school_id", "unit"], sort=False).agg(n=("t", "size"), t=("t", "sum"), u=("u", "sum"),
                                                           w=("w", "sum"), wu=("wu", "sum"))
    share = _kleene(agg["t"] / agg["n"] > 0.5, agg["u"] == 0)
    any_warn = _kleene(agg["w"] > 0, (agg["w"] > 0) | (agg["wu"] == 0))
    return ldtt, cstd, share & ~any_warn


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def _subpack(pack: Any, concepts: set[str]) -> Any:
    return dataclasses.replace(pack, rules=tuple(r for r in pack.rules if r.concept in concepts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--small", action="store_true", help="10× smaller populations (quick check)")
    args = ap.parse_args(argv)
    scale = 10 if args.small else 1
    warnings.simplefilter("ignore")
    emu, emu_name = _pack("thi_dua")
    std, std_name = _pack("qd11_2021")
    print(f"chuan_engine batch benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
          f"pandas {pd.__version__}, numpy {np.__version__}")
    print(f"emulation pack: rules/{emu_name}; standard-school pack: rules/{std_name}")
    met: list[tuple[str, bool]] = []

    # 1. emulation pack over staff-years
    times = {}
    for n in (100_000 // scale, 1_000_000 // scale):
        frames = _inputs_for(emu, population(n))
        secs, out = _timed(evaluate_batch, emu, frames, ON)
        times[n] = secs
        print(f"  {emu_name}: {n:>9,} staff-years  {secs:6.2f} s  {n / secs:>12,.0f} staff-years/s  "
              f"({len(out.summary):,} entities, {len(out.results):,} results, fallback={sorted(out.fallback)})")
        # The ledger, quota and ranking sections are built when first read (BatchResult.extras): timed apart.
        extras_s, sections = _timed(getattr, out, "extras")
        print(f"  {emu_name}: {n:>9,} staff-years  ledger, quotas, ranking on first read: {extras_s:6.2f} s "
              f"({', '.join(sorted(sections))}); verdicts and sections together {n / (secs + extras_s):>10,.0f}"
              f" staff-years/s")
        del out, sections
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    small, big = sorted(times)
    ratio = times[big] / times[small]
    met.append((f"10^6 staff-years under 5 s ({times[big]:.2f} s)", scale == 1 and times[big] < 5))
    met.append((f"peak memory under 2 GB ({peak_gb:.2f} GB process peak RSS)", peak_gb < 2))
    met.append((f"linear scaling: 10× rows ≤ 12× time ({ratio:.1f}×)", ratio <= 12))

    # 1b. a pack reading history (streaks, counts over 5 years): every staff-year is a row, not only the last
    hist = load_pack(ROOT / "tests" / "batch_packs" / "stress")
    frames = _inputs_for(hist, population(1_000_000 // scale, seed=4))
    secs, out = _timed(evaluate_batch, hist, frames, ON)
    print(f"  tests/batch_packs/stress (history, streak, @refs; for information): {len(frames['staff_years']):,} "
          f"staff-years  {secs:6.2f} s  {len(frames['staff_years']) / secs:>10,.0f} staff-years/s  "
          f"fallback={sorted(out.fallback)}")
    del out

    # 2. standard-school pack over schools
    n_schools = 10_000 // scale
    frames = _inputs_for(std, population(n_schools * 30, years=1, staff_per_school=30, seed=1))
    secs, out = _timed(evaluate_batch, std, frames, ON)
    n_out = int((out.summary["kind"] == "school").sum())
    print(f"  {std_name}: {n_out:>9,} schools (30 staff each)  {secs:6.2f} s  {n_out / secs:>10,.0f} schools/s")

    # 3. hand-written pandas vs vectorised, same three rules
    frames = _inputs_for(emu, population(1_000_000 // scale, seed=2))
    demo = load_pack(ROOT / "rules" / "demo")
    sub = _subpack(demo, {"lao_dong_tien_tien", "chien_si_thi_dua_co_so", "tap_the_lao_dong_tien_tien"})
    sub_frames = {k: v for k, v in frames.items() if k != "schools"}
    hand_s, hand = _timed(hand_pandas, sub_frames, ON)
    vec_s, vec = _timed(evaluate_batch, sub, sub_frames, ON)
    got = vec.results.set_index(["entity", "rule"])["outcome"]
    ldtt_vec = got.xs("demo.lao_dong_tien_tien", level="rule")
    ldtt_hand = hand[0].map({True: "pass", False: "fail"}).fillna("unknown")
    agree = (ldtt_vec.reindex(frames["staff"]["staff_id"]).to_numpy() == ldtt_hand.to_numpy()).mean()
    r_hand = vec_s / hand_s
    print(f"  LĐTT + CSTĐ cơ sở + TTLĐTT, {len(frames['staff_years']):,} staff-years: hand pandas {hand_s:.2f} s, "
          f"vectorised {vec_s:.2f} s, ratio {r_hand:.2f}× (LĐTT verdicts agreeing: {agree:.2%})")
    met.append((f"vectorised within 3× of hand pandas ({r_hand:.2f}×)", r_hand <= 3))

    # 4. explaining evaluator on a sample
    from chuan_engine.batch.convert import chunk_models
    from chuan_engine.batch.layout import SPECS, prepare
    from chuan_engine.batch.tables import Chunk

    sample = population(5_000, seed=3)
    sample = _inputs_for(emu, sample)
    types: dict[str, Any] = {}
    for (kind, name), var in emu.variables.items():
        types.setdefault(kind, {})[name] = var.type
    chunk = Chunk({k: prepare(k, v, types.get(SPECS[k][0], {})) for k, v in sample.items()}, ON)
    facts, _, _ = chunk_models(chunk)
    ent_s, _ = _timed(emu.evaluate, facts, ON)
    vec_small, _ = _timed(evaluate_batch, emu, sample, ON)
    rate_ent = 5_000 / ent_s
    rate_vec = max(times.values()) and (big / times[big])
    print(f"  explaining evaluator, 5,000 staff-years sample: {ent_s:.2f} s, {rate_ent:,.0f} staff-years/s; "
          f"vectorised at 10^6 is {rate_vec / rate_ent:,.0f}× faster (on this sample: {ent_s / vec_small:.1f}×)")
    final_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"  peak memory (process max RSS): {peak_gb:.2f} GB after the 10^6 run (inputs included), "
          f"{final_gb:.2f} GB over the whole benchmark")
    # 5. the durable_rules backend on the subset of the emulation pack it can express (issue 7)
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_durable.py"), "--pack",
                           str(Path(emu.source)), "--n", "3000", "--repeat", "1"],
                          capture_output=True, text=True, check=False)
    print("  durable_rules backend vs explaining evaluator (benchmarks/bench_durable.py):")
    for line in (proc.stdout or proc.stderr).splitlines():
        print(f"    {line}")
    print("targets:")
    for text, ok in met:
        print(f"  [{'MET' if ok else 'NOT MET'}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
