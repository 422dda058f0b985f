"""Hand-written LĐTT + CSTĐ cơ sở + TTLĐTT of the shipped thi_dua pack (the versions from 01/01/2024), in pandas and polars.

The yardsticks of ``bench_batch.py`` (issue 13): the same three rules the vectorised evaluator runs, written
directly, with the same three-valued (Kleene) meaning: an unknown fact gives unknown, ``a and b`` is false as
soon as one side is false, ``count(...) >= 1`` and ``share(...) >= p`` are decided only when every completion of
the unknown items falls on one side, an empty unit's share is unknown. Conditions (rules/thi_dua, version 2):

- LĐTT (staff): rating >= hoan_thanh_tot and not (discipline >= khien_trach)
  and months_since(recruited_on) >= $new_hire_months and not ($chan_khi_dang_xem_xet_ky_luat and discipline_pending)
  and not ky_luat_chua_het_thoi_han (NĐ 98/2023 Điều 4: a discipline in the year, or one recorded in the two
  years before whose period ends in the evaluation year or later; the population writes every earlier year)
- CSTĐ cơ sở (staff): @LĐTT and (rating == hoan_thanh_xuat_sac or sang_kien_co_so_trong_nam >= 1
  or de_tai_nghiem_thu_trong_nam >= 1), where the initiatives count is level >= co_so, year == eval year and
  (used_in_year >= eval year, or used_in_year not given and ``used`` false: an initiative of unknown use is
  possibly used, issue 12), the research count accepted and year == eval year (the staff's own rows)
- TTLĐTT (unit): rating >= hoan_thanh_tot and share(members, @LĐTT) >= $ttldtt_ldtt_share_min
  and not any(members, discipline >= canh_cao) and not ($chan... and discipline_pending)
  and not ($khong_khen_don_vi_giai_the and dissolved)

Year facts come from the staff's (unit's) record for the evaluation year; without one they are unknown. Staff
recruited in a later year than the evaluation year are not yet staff: no staff rule applies (not_applicable) and
no unit counts them. Members are the staff whose unit_id is the unit. Parameters are read from the pack on the
date. Each function returns, per rule id, a Series of outcomes indexed by (school_id, entity id).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

LDTT, CSTD, TTLDTT = "thi_dua.lao_dong_tien_tien", "thi_dua.chien_si_thi_dua_co_so", "thi_dua.tap_the_lao_dong_tien_tien"
RULES = (LDTT, CSTD, TTLDTT)
CONCEPTS = {r.split(".", 1)[1] for r in RULES}
RANK = {"khong_hoan_thanh": 0, "hoan_thanh": 1, "hoan_thanh_tot": 2, "hoan_thanh_xuat_sac": 3}
DRANK = {k: i for i, k in enumerate(["khong", "khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                                     "buoc_thoi_viec", "khai_tru"])}
LRANK = {"co_so": 0, "bo_tinh": 1, "toan_quoc": 2}
OUTCOMES = ("pass", "fail", "unknown", "not_applicable")


def params(pack: Any, on: dt.date) -> dict[str, Any]:
    """The four parameters the three rules read, in force on ``on``."""
    names = ("new_hire_months", "chan_khi_dang_xem_xet_ky_luat", "ttldtt_ldtt_share_min", "khong_khen_don_vi_giai_the")
    return {n: pack.parameters.at(f"thi_dua.{n}", on).value for n in names}


# -- pandas ---------------------------------------------------------------------------------------------------
def _cmp(x: pd.Series, op: str, k: float) -> pd.Series:
    """x op k as a nullable boolean: unknown where x is unknown."""
    x = x.astype("Float64")
    out = (x >= k) if op == ">=" else (x == k) if op == "==" else (x < k)
    return out.astype("boolean")


def _const(flag: bool, like: pd.Series) -> pd.Series:
    return pd.Series(flag, index=like.index, dtype="boolean")


def _count_ge1(owner: pd.DataFrame, items: pd.DataFrame, pred: pd.Series, keys: list[str]) -> pd.Series:
    """count(items, pred) >= 1 per owner row: true if one item surely counts, false if none can, else unknown."""
    g = pd.DataFrame({**{k: items[k].to_numpy() for k in keys},
                      "t": pred.fillna(False).astype(bool).to_numpy(), "u": pred.isna().to_numpy()})
    agg = g.groupby(keys, sort=False)[["t", "u"]].sum()
    m = owner[keys].merge(agg, left_on=keys, right_index=True, how="left")
    t, u = m["t"].fillna(0).to_numpy(), m["u"].fillna(0).to_numpy()
    out = pd.Series(t >= 1, index=owner.index, dtype="boolean")
    out[(t < 1) & (t + u >= 1)] = pd.NA
    return out


def _outcome(v: pd.Series, na: np.ndarray | None = None) -> np.ndarray:
    out = np.where(v.isna().to_numpy(), "unknown", np.where(v.fillna(False).to_numpy(dtype=bool), "pass", "fail"))
    if na is not None:
        out = np.where(na, "not_applicable", out)
    return out.astype(object)


def _carried(df: pd.DataFrame, sy: pd.DataFrame, y: int, k: int) -> pd.Series:
    """A discipline recorded in year y - k whose period ends in year y or later (runs into y), per row of df:
    months_since(end) < -12 (k - 1) at 31/12 of y - k is the end falling in y or later. Unknown where the form
    or the end is (false when the form is khong), or where the year has no record inside the history (which
    starts at the first record); false before the history starts."""
    keys = ["school_id", "staff_id"]
    rec = sy.loc[sy["year"] == y - k]
    ends = rec["discipline_ends_on"] if "discipline_ends_on" in rec else pd.Series(None, index=rec.index)
    hit = _cmp(rec["discipline"].map(DRANK), ">=", 1) & _cmp(pd.to_datetime(ends).dt.year, ">=", y)
    first = sy.loc[sy["year"] <= y].groupby(keys)["year"].min().rename("first")
    m = df[keys].merge(rec[keys].assign(c=hit.to_numpy()), on=keys, how="left").merge(
        first, left_on=keys, right_index=True, how="left")
    out = pd.Series(m["c"].to_numpy(), index=df.index).astype("boolean")
    before = ~(m["first"] <= y - k).to_numpy(dtype=bool)  # y - k is not in the history: nothing read there
    out[before] = False
    return out


def hand_pandas(frames: dict[str, pd.DataFrame], on: dt.date, p: dict[str, Any]) -> dict[str, pd.Series]:
    y = on.year
    st, sy = frames["staff"], frames["staff_years"]
    cur = sy.loc[sy["year"] == y, ["school_id", "staff_id", "rating", "discipline", "discipline_pending"]]
    df = st[["school_id", "staff_id", "unit_id", "recruited_on"]].merge(
        cur, on=["school_id", "staff_id"], how="left")
    r = df["rating"].map(RANK)
    d = df["discipline"].map(DRANK)
    pend = df["discipline_pending"].astype("boolean")
    rec = pd.to_datetime(df["recruited_on"])
    months = (y - rec.dt.year) * 12 + (on.month - rec.dt.month) - (on.day < rec.dt.day).astype(int)
    later = (rec.dt.year > y).fillna(False).to_numpy(dtype=bool)  # not yet staff in the evaluation year
    block = (pend & _const(True, pend)) if p["chan_khi_dang_xem_xet_ky_luat"] else _const(False, pend)
    running = _cmp(d, ">=", 1) | _carried(df, sy, y, 1) | _carried(df, sy, y, 2)
    ldtt = _cmp(r, ">=", 2) & ~_cmp(d, ">=", 1) & _cmp(months, ">=", p["new_hire_months"]) & ~block & ~running

    ini = frames["initiatives"]
    used = ini["used_in_year"] if "used_in_year" in ini else pd.Series(np.nan, index=ini.index)
    never = ~(ini["used"] if "used" in ini else pd.Series(pd.NA, index=ini.index)).astype("boolean")
    ipred = (_cmp(ini["level"].map(LRANK), ">=", 0) & _cmp(ini["year"], "==", y)
             & (_cmp(used, ">=", y) | (used.isna().astype("boolean") & never)))
    res = frames["research"]
    res = res[res["staff_id"].notna()] if "staff_id" in res else res.iloc[:0].assign(staff_id=None)
    rpred = res["accepted"].astype("boolean") & _cmp(res["year"], "==", y)
    keys = ["school_id", "staff_id"]
    cstd = ldtt & (_cmp(r, "==", 3) | _count_ge1(df, ini, ipred, keys) | _count_ge1(df, res, rpred, keys))

    # units: members are the staff of the unit who are already staff in the year
    mem = ~later & df["unit_id"].notna().to_numpy()
    g = pd.DataFrame({"school_id": df["school_id"][mem], "unit_id": df["unit_id"][mem],
                      "t": ldtt[mem].fillna(False).astype(bool), "u": ldtt[mem].isna(),
                      "w": _cmp(d[mem], ">=", 2).fillna(False).astype(bool), "wu": d[mem].isna()})
    agg = g.groupby(["school_id", "unit_id"], sort=False)[["t", "u", "w", "wu"]].sum()
    agg["n"] = g.groupby(["school_id", "unit_id"], sort=False).size()
    un = frames["units"]
    uy = frames["unit_years"]
    ucur = uy.loc[uy["year"] == y, ["school_id", "unit_id", "rating", "discipline_pending"]]
    u = un[["school_id", "unit_id", "dissolved"]].merge(ucur, on=["school_id", "unit_id"], how="left").merge(
        agg, left_on=["school_id", "unit_id"], right_index=True, how="left")
    n, t, unk = (u[c].fillna(0).to_numpy(dtype=float) for c in ("n", "t", "u"))
    w, wu = u["w"].fillna(0).to_numpy(), u["wu"].fillna(0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        lo, hi = t / np.maximum(n, 1), (t + unk) / np.maximum(n, 1)
    share = pd.Series(lo >= p["ttldtt_ldtt_share_min"], index=u.index, dtype="boolean")
    share[(n == 0) | ((lo < p["ttldtt_ldtt_share_min"]) & (hi >= p["ttldtt_ldtt_share_min"]))] = pd.NA
    warn = pd.Series(w > 0, index=u.index, dtype="boolean")
    warn[(w == 0) & (wu > 0)] = pd.NA
    upend = u["discipline_pending"].astype("boolean")
    ublock = upend if p["chan_khi_dang_xem_xet_ky_luat"] else _const(False, upend)
    gone = u["dissolved"].astype("boolean") if p["khong_khen_don_vi_giai_the"] else _const(False, upend)
    tt = _cmp(u["rating"].map(RANK), ">=", 2) & share & ~warn & ~ublock & ~gone

    sidx = pd.MultiIndex.from_arrays([df["school_id"], df["staff_id"]])
    uidx = pd.MultiIndex.from_arrays([u["school_id"], u["unit_id"]])
    return {LDTT: pd.Series(_outcome(ldtt, later), index=sidx), CSTD: pd.Series(_outcome(cstd, later), index=sidx),
            TTLDTT: pd.Series(_outcome(tt), index=uidx)}


# -- polars ---------------------------------------------------------------------------------------------------
def to_polars(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    import polars as pl

    return {k: pl.from_pandas(v) for k, v in frames.items()}


def hand_polars(frames: dict[str, Any], on: dt.date, p: dict[str, Any]) -> dict[str, pd.Series]:
    """Same rules in polars (null is unknown; polars' & | are Kleene), lazily, one collect per output."""
    import polars as pl

    y = on.year
    keys = ["school_id", "staff_id"]
    rank = pl.col("rating").replace_strict(RANK, default=None, return_dtype=pl.Int8)
    drank = pl.col("discipline").replace_strict(DRANK, default=None, return_dtype=pl.Int8)
    cur = frames["staff_years"].lazy().filter(pl.col("year") == y).select(
        *keys, rank.alias("r"), drank.alias("d"), pl.col("discipline_pending").cast(pl.Boolean).alias("pend"))
    rec = pl.col("recruited_on").str.to_date()
    ini = frames["initiatives"].lazy()
    used = pl.col("used_in_year") if "used_in_year" in frames["initiatives"].columns else pl.lit(None, pl.Int64)
    flag = pl.col("used").cast(pl.Boolean) if "used" in frames["initiatives"].columns else pl.lit(None, pl.Boolean)
    ipred = ((pl.col("level").replace_strict(LRANK, default=None, return_dtype=pl.Int8) >= 0)
             & (pl.col("year") == y) & ((used >= y) | (used.is_null() & ~flag)))
    res = frames["research"].lazy().filter(pl.col("staff_id").is_not_null())
    rpred = pl.col("accepted").cast(pl.Boolean) & (pl.col("year") == y)

    def counts(lf: Any, pred: Any, name: str) -> Any:
        return lf.select(*keys, pred.alias("x")).group_by(keys).agg(
            pl.col("x").fill_null(False).sum().alias(f"{name}_t"), pl.col("x").is_null().sum().alias(f"{name}_u"))

    def ge1(name: str) -> Any:
        t, u = pl.col(f"{name}_t").fill_null(0), pl.col(f"{name}_u").fill_null(0)
        return pl.when(t >= 1).then(True).when(t + u < 1).then(False).otherwise(None)

    block = pl.col("pend") if p["chan_khi_dang_xem_xet_ky_luat"] else pl.lit(False)
    sy = frames["staff_years"]
    ends = pl.col("discipline_ends_on").str.to_date() if "discipline_ends_on" in sy.columns else pl.lit(None, pl.Date)

    first = sy.lazy().filter(pl.col("year") <= y).group_by(keys).agg(first=pl.col("year").min())

    def carried(k: int) -> Any:  # a period recorded in y - k ending in y or later (see _carried)
        hit = sy.lazy().filter(pl.col("year") == y - k).select(*keys, ((drank >= 1) & (ends.dt.year() >= y))
                                                               .alias("hit"))
        return first.join(hit, on=keys, how="left").select(
            *keys, pl.when(pl.col("first") > y - k).then(False).otherwise(pl.col("hit")).alias(f"c{k}"),
            pl.lit(True).alias(f"h{k}"))

    months = ((y - rec.dt.year()) * 12 + (on.month - rec.dt.month().cast(pl.Int32))
              - (rec.dt.day() > on.day).cast(pl.Int32))
    staff = (frames["staff"].lazy().select(*keys, "unit_id", "recruited_on")
             .join(cur, on=keys, how="left")
             .join(carried(1), on=keys, how="left").join(carried(2), on=keys, how="left")
             .join(counts(ini, ipred, "sk"), on=keys, how="left")
             .join(counts(res, rpred, "dt"), on=keys, how="left")
             .with_columns(*(pl.when(pl.col(f"h{k}").is_null()).then(False).otherwise(pl.col(f"c{k}")).alias(f"c{k}")
                             for k in (1, 2)),  # no record up to y at all: no history before y
                           later=(rec.dt.year() > y).fill_null(False),
                           ldtt=(pl.col("r") >= 2) & ~(pl.col("d") >= 1) & (months >= p["new_hire_months"]) & ~block
                           & ~((pl.col("d") >= 1) | pl.col("c1") | pl.col("c2")))
             .with_columns(cstd=pl.col("ldtt") & ((pl.col("r") == 3) | ge1("sk") | ge1("dt"))))
    staff_df = staff.select(*keys, "unit_id", "later", "ldtt", "cstd", "d").collect()

    smin = p["ttldtt_ldtt_share_min"]
    agg = (staff_df.lazy().filter(~pl.col("later") & pl.col("unit_id").is_not_null())
           .group_by("school_id", "unit_id")
           .agg(n=pl.len(), t=pl.col("ldtt").fill_null(False).sum(), u=pl.col("ldtt").is_null().sum(),
                w=(pl.col("d") >= 2).fill_null(False).sum(), wu=pl.col("d").is_null().sum()))
    ucur = frames["unit_years"].lazy().filter(pl.col("year") == y).select(
        "school_id", "unit_id", rank.alias("ur"), pl.col("discipline_pending").cast(pl.Boolean).alias("upend"))
    n, t, u = (pl.col(c).fill_null(0) for c in ("n", "t", "u"))
    lo, hi = t / pl.max_horizontal(n, 1), (t + u) / pl.max_horizontal(n, 1)
    share = pl.when(n == 0).then(None).when(lo >= smin).then(True).when(hi < smin).then(False).otherwise(None)
    w, wu = pl.col("w").fill_null(0), pl.col("wu").fill_null(0)
    warn = pl.when(w > 0).then(True).when(wu == 0).then(False).otherwise(None)
    ublock = pl.col("upend") if p["chan_khi_dang_xem_xet_ky_luat"] else pl.lit(False)
    gone = pl.col("dissolved").cast(pl.Boolean) if p["khong_khen_don_vi_giai_the"] else pl.lit(False)
    units = (frames["units"].lazy().select("school_id", "unit_id", "dissolved")
             .join(ucur, on=["school_id", "unit_id"], how="left")
             .join(agg, on=["school_id", "unit_id"], how="left")
             .select("school_id", "unit_id", tt=(pl.col("ur") >= 2) & share & ~warn & ~ublock & ~gone)
             .collect())

    def outcome(v: Any, later: Any = None) -> Any:
        base = pl.when(v.is_null()).then(pl.lit("unknown")).when(v).then(pl.lit("pass")).otherwise(pl.lit("fail"))
        return base if later is None else pl.when(later).then(pl.lit("not_applicable")).otherwise(base)

    so = staff_df.select(*keys, l=outcome(pl.col("ldtt"), pl.col("later")), c=outcome(pl.col("cstd"), pl.col("later")))
    uo = units.select("school_id", "unit_id", o=outcome(pl.col("tt")))
    sidx = pd.MultiIndex.from_arrays([so["school_id"].to_numpy(), so["staff_id"].to_numpy()])
    uidx = pd.MultiIndex.from_arrays([uo["school_id"].to_numpy(), uo["unit_id"].to_numpy()])
    return {LDTT: pd.Series(so["l"].to_numpy(), index=sidx), CSTD: pd.Series(so["c"].to_numpy(), index=sidx),
            TTLDTT: pd.Series(uo["o"].to_numpy(), index=uidx)}


# -- the evaluator's verdicts in the same shape -----------------------------------------------------------------
def sub_plan(pack: Any) -> Any:
    """thi_dua cut down to the three rules and the variables they read (no side files)."""
    import dataclasses

    rules = tuple(r for r in pack.rules if r.id in RULES)
    read = {v for r in rules for v in r.variables_read}
    variables = {k: v for k, v in pack.variables.items() if k in read or v.formula is None}
    return dataclasses.replace(pack, rules=rules, variables=variables, sidecars={})


def vectorised(result: Any) -> dict[str, pd.Series]:
    """The evaluator's verdicts from its columnar results (``BatchResult.outcomes``: one column per rule), in
    the shape of the hand versions' output."""
    out = {}
    for kind in ("staff", "unit"):
        wide = result.outcomes(kind)
        idx = pd.MultiIndex.from_arrays([wide["school"].to_numpy(), wide["entity"].to_numpy()])
        for rule in RULES:
            if rule in wide.columns:
                out[rule] = pd.Series(wide[rule].astype(str).to_numpy(dtype=object), index=idx)
    return out


def counts(verdicts: dict[str, pd.Series]) -> dict[str, dict[str, int]]:
    return {rule: {o: int((s == o).sum()) for o in OUTCOMES} for rule, s in verdicts.items()}


def differences(a: dict[str, pd.Series], b: dict[str, pd.Series]) -> dict[str, int]:
    """Entities whose verdict differs (or is missing on one side), per rule."""
    out = {}
    for rule in RULES:
        x, z = a[rule], b[rule]
        idx = x.index.union(z.index)
        out[rule] = int((x.reindex(idx).fillna("-").to_numpy() != z.reindex(idx).fillna("-").to_numpy()).sum())
    return out
