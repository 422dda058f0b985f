"""Issue 12, "unknown means unknown": staff recruited after the evaluated year are not applicable to every
staff rule (both evaluators), and an entity whose only problem is missing data reads "chưa đủ dữ liệu" in every
renderer and in the batch summary. Expectations by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chuan_engine import School, Staff, load_pack
from chuan_engine.batch import evaluate_batch
from chuan_engine.report.outcome import Outcome

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def thi_dua() -> Any:
    return load_pack(ROOT / "rules" / "thi_dua")


# -- 2. recruited after the evaluated year ---------------------------------------------------------------
# moi: recruited 2026-03-01, evaluated on 31/12/2025: not yet staff in 2025, so every staff rule of the pack is
# not applicable (before issue 12: months_since = (2025-2026)*12 + (12-3) = -3, LĐTT failed and the rest were
# unknown). cu: recruited 2010-01-01, HTT in 2025, no discipline: LĐTT passes (the control).
def _recruit_school() -> dict[str, Any]:
    return {"id": "s1", "units": [{"id": "k1", "years": [{"year": 2025, "rating": "hoan_thanh_tot"}]}],
            "staff": [
                {"id": "moi", "unit_id": "k1", "recruited_on": dt.date(2026, 3, 1),
                 "years": [{"year": 2025, "rating": "hoan_thanh_tot", "discipline": "khong",
                            "discipline_pending": False}]},
                {"id": "cu", "unit_id": "k1", "recruited_on": dt.date(2010, 1, 1),
                 "years": [{"year": 2025, "rating": "hoan_thanh_tot", "discipline": "khong",
                            "discipline_pending": False}]}]}


def _recruit_frames() -> dict[str, pd.DataFrame]:
    s = _recruit_school()
    return {
        "schools": pd.DataFrame([{"school_id": "s1", "on": ON}]),
        "units": pd.DataFrame([{"school_id": "s1", "unit_id": "k1"}]),
        "unit_years": pd.DataFrame([{"school_id": "s1", "unit_id": "k1", "year": 2025, "rating": "hoan_thanh_tot"}]),
        "staff": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], "unit_id": "k1",
                                "recruited_on": p["recruited_on"]} for p in s["staff"]]),
        "staff_years": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], **p["years"][0]} for p in s["staff"]]),
    }


def test_staff_recruited_after_the_year_are_not_applicable_explaining(thi_dua: Any) -> None:
    report = thi_dua.evaluate([School.model_validate(_recruit_school())], ON)
    moi = report.entity("moi")
    staff_rules = [r for r in thi_dua.rules_shown(ON) if r.subject == "staff"]
    assert len(staff_rules) >= 5 and len(moi.results) == len(staff_rules)
    for r in moi.results:
        assert r.outcome is Outcome.not_applicable and r.reason == "not_yet_recruited", (r.rule, r.outcome)
    assert report.entity("cu").outcome("lao_dong_tien_tien") is Outcome.passed
    # the reason is in the JSON contract's vocabulary, in words in the table
    moi_json = next(e for e in json.loads(report.to_json())["entities"] if e["id"] == "moi")
    assert {r["reason"] for r in moi_json["results"]} == {"not_yet_recruited"}


def test_staff_recruited_after_the_year_are_not_applicable_batch(thi_dua: Any) -> None:
    out = evaluate_batch(thi_dua, _recruit_frames(), ON)
    moi = out.results[out.results.entity == "moi"]
    assert len(moi) >= 5 and set(moi.outcome.astype(str)) == {"not_applicable"}
    cu = out.results[(out.results.entity == "cu") & (out.results.concept == "lao_dong_tien_tien")]
    assert list(cu.outcome.astype(str)) == ["pass"]


# -- 3. only data missing: "chưa đủ dữ liệu" ------------------------------------------------------------
# rules/demo on 31/12/2025. LĐTT = rating >= HTT and discipline below khiển trách and >= 6 months since
# recruitment; CSTĐCS = LĐTT and (rating HTXS or an initiative of the year); TTLĐTT (unit) = share(members,
# LĐTT) > 0.5 and no member at cảnh cáo.
#   p_unk: recruited 2010, 2025 record without a rating (discipline: khong): LĐTT unknown, CSTĐCS unknown
#          (unknown and (unknown or no initiative)): 0 fail, 2 unknown -> "chưa đủ dữ liệu".
#   p_fail: 2025 rated hoàn thành (< HTT): LĐTT fail, CSTĐCS fail -> "Chưa đủ điều kiện".
#   p_ok: HTT: LĐTT pass -> "Đủ điều kiện".
#   unit k_unk: its only member p_unk: share 0/1 .. 1/1 straddles 0.5: unknown, nobody at cảnh cáo -> 0 fail,
#          1 unknown -> "chưa đủ dữ liệu". unit k_fail: p_fail only: 0/1 = 0 <= 0.5: fail -> "Chưa đủ điều kiện".
def _verdict_school() -> dict[str, Any]:
    def person(pid: str, unit: str, rating: str | None) -> dict[str, Any]:
        return {"id": pid, "unit_id": unit, "recruited_on": dt.date(2010, 1, 1),
                "years": [{"year": 2025, "rating": rating, "discipline": "khong"}]}

    return {"id": "s1", "units": [{"id": "k_unk"}, {"id": "k_fail"}, {"id": "k_ok"}],
            "staff": [person("p_unk", "k_unk", None), person("p_fail", "k_fail", "hoan_thanh"),
                      person("p_ok", "k_ok", "hoan_thanh_tot")]}


EXPECTED = {"p_unk": ("chua_du_du_lieu", "chưa đủ dữ liệu"), "p_fail": ("not_eligible", "Chưa đủ điều kiện"),
            "p_ok": ("eligible", "Đủ điều kiện"), "k_unk": ("chua_du_du_lieu", "chưa đủ dữ liệu"),
            "k_fail": ("not_eligible", "Chưa đủ điều kiện")}


@pytest.fixture(scope="module")
def verdict_report(demo_pack: Any) -> Any:
    return demo_pack.evaluate([School.model_validate(_verdict_school())], ON)


def test_json_summary_verdicts(verdict_report: Any) -> None:
    data = json.loads(verdict_report.to_json())
    got = {e["id"]: (e["summary"]["verdict"], e["summary"]["verdict_vi"]) for e in data["entities"]
           if e["id"] in EXPECTED}
    assert got == EXPECTED
    # the school, graded against levels, already read "chưa đủ dữ liệu" when only data is missing (no fact at all
    # for its indicators: nothing fails)
    school = next(e for e in data["entities"] if e["id"] == "s1")["summary"]
    assert school["counts"]["fail"] == 0 and school["counts"]["unknown"] > 0
    assert school["verdict"] == "chua_du_du_lieu" and school["verdict_vi"] == "chưa đủ dữ liệu"


def test_table_renderer(verdict_report: Any) -> None:
    blocks = verdict_report.to_table().split("═" * 100)
    by_id = {b.strip().splitlines()[0].split()[-1]: b for b in blocks if b.strip().startswith(("Cán bộ", "Đơn vị"))}
    for eid, (_, vi) in EXPECTED.items():
        assert f"Kết luận: {vi}" in by_id[eid], eid


def test_html_renderer(verdict_report: Any) -> None:
    html = verdict_report.to_html()
    # summary row of p_unk: amber (unknown) class and the words "chưa đủ dữ liệu"
    row = html.split("data-entity='p_unk'")[1].split("</tr>")[0]
    assert "chưa đủ dữ liệu" in row and "Chưa đủ điều kiện" not in row
    assert html.split("data-entity='p_unk'")[0].rsplit("<tr", 1)[1].startswith(" class='unknown'")
    row_fail = html.split("data-entity='p_fail'")[1].split("</tr>")[0]
    assert "Chưa đủ điều kiện" in row_fail


def test_frames(verdict_report: Any) -> None:
    df = verdict_report.summary_frame().set_index("entity")
    for eid, (code, vi) in EXPECTED.items():
        assert (df.loc[eid, "verdict"], df.loc[eid, "verdict_text"]) == (code, vi), eid


def test_batch_summary(demo_pack: Any) -> None:
    s = _verdict_school()
    frames = {
        "units": pd.DataFrame([{"school_id": "s1", "unit_id": u["id"]} for u in s["units"]]),
        "staff": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], "unit_id": p["unit_id"],
                                "recruited_on": p["recruited_on"]} for p in s["staff"]]),
        "staff_years": pd.DataFrame([{"school_id": "s1", "staff_id": p["id"], **p["years"][0]} for p in s["staff"]]),
    }
    summ = evaluate_batch(demo_pack, frames, ON).summary.set_index("entity")
    for eid, (code, vi) in EXPECTED.items():
        assert (summ.loc[eid, "verdict"], summ.loc[eid, "verdict_text"]) == (code, vi), eid


# -- 2. an omitted list is not "none" ----------------------------------------------------------------------
# demo pack, CSTĐ cơ sở (rules/demo/emulation.yaml): @lao_dong_tien_tien and (rating == 'hoan_thanh_xuat_sac' or
# any(initiatives, level >= 'co_so' and year == eval_year)).
# All three staff: HTT in 2025, no discipline, recruited 2010: LĐTT passes, and HTT is not HTXS, so only an
# initiative could give the title. omitted: no `initiatives` key -> not known -> unknown (before issue 12 the
# model default [] read it as "none" and the rule failed). none: `initiatives: []` -> known none -> fail.
# one: a grassroots (co_so) initiative of 2025 -> pass.
def _initiatives_school(with_frame: bool = True) -> dict[str, Any]:
    year = [{"year": 2025, "rating": "hoan_thanh_tot", "discipline": "khong"}]
    base = {"unit_id": "k1", "recruited_on": dt.date(2010, 1, 1), "is_lecturer": True}
    return {"id": "s1", "units": [{"id": "k1"}], "staff": [
        {"id": "omitted", **base, "years": year},
        {"id": "none", **base, "years": year, "initiatives": []},
        {"id": "one", **base, "years": year,
         "initiatives": [{"id": "sk1", "level": "co_so", "year": 2025, "applied": True}]}]}


def test_omitted_initiatives_are_unknown_and_an_empty_list_is_none(demo_pack: Any) -> None:
    report = demo_pack.evaluate([School.model_validate(_initiatives_school())], ON)
    got = {e.id: next(r.outcome for r in e.results if r.rule == "demo.chien_si_thi_dua_co_so")
           for e in report.entities if e.kind == "staff"}
    assert got == {"omitted": Outcome.unknown, "none": Outcome.failed, "one": Outcome.passed}


def test_batch_initiatives_are_known_only_where_the_frame_is_given(demo_pack: Any) -> None:
    # The tidy frames cannot leave one person's list out: the initiatives frame given (even empty) is the whole
    # list, so "none" fails; without the frame every list is unknown, so "none" is unknown like "omitted".
    staff = pd.DataFrame([{"school_id": "s1", "staff_id": p, "unit_id": "k1", "recruited_on": "2010-01-01",
                           "is_lecturer": True} for p in ("none", "one")])
    years = pd.DataFrame([{"school_id": "s1", "staff_id": p, "year": 2025, "rating": "hoan_thanh_tot",
                           "discipline": "khong"} for p in ("none", "one")])
    inits = pd.DataFrame([{"school_id": "s1", "staff_id": "one", "initiative_id": "sk1", "level": "co_so",
                           "year": 2025, "applied": True}])
    frames = {"staff": staff, "staff_years": years, "units": pd.DataFrame([{"school_id": "s1", "unit_id": "k1"}])}

    def cstd(out: Any) -> dict[str, str]:
        rows = out.results[out.results.rule == "demo.chien_si_thi_dua_co_so"]
        return dict(zip(rows.entity, rows.outcome.astype(str), strict=True))

    assert cstd(evaluate_batch(demo_pack, {**frames, "initiatives": inits}, ON)) == {"none": "fail", "one": "pass"}
    assert cstd(evaluate_batch(demo_pack, frames, ON)) == {"none": "unknown", "one": "unknown"}


# -- 2.1a an omitted `years` list is not "no year records" ---------------------------------------------------
# thi_dua on 31/12/2025 (2024 versions), rules/thi_dua/danh_hieu_ca_nhan.yaml and khen_thuong.yaml.
# bare: {kind: staff, id: bare}, nothing else. Its year records are not known, so `history` is unknown and so
#   is every rule: CSTĐ toàn quốc needs cstd_bo_lien_tiep >= 2 (a count over window(history, 6): unknown) and
#   BK Thủ tướng needs da_co_bang_khen_cap_bo (any over history: unknown). Before issue 12 the default
#   `years: []` gave a one-year history with no CSTĐ cấp bộ title and no Bằng khen: both FAILED. Verdict:
#   0 fail, 7 unknown -> "chưa đủ dữ liệu".
# none: `years: []` (known to have no year records), nothing else: history = [2025] without a record, so at
#   most 1 CSTĐ cấp bộ title in the window (count 0–1 < 2): CSTĐ toàn quốc fails; at most 1 CSTĐCS in
#   window(history, 5) (0–1 < 3): BK Thủ tướng fails. The rest stay unknown (no rating, no initiatives).
def test_omitted_years_are_unknown_and_an_empty_list_is_none(thi_dua: Any) -> None:
    bare = Staff.model_validate({"kind": "staff", "id": "bare"})
    none = Staff.model_validate({"kind": "staff", "id": "none", "years": []})
    assert bare.years is None and none.years == []
    report = thi_dua.evaluate([bare, none], ON)
    b, n = report.entity("bare"), report.entity("none")
    assert {r.outcome for r in b.results} == {Outcome.unknown} and len(b.results) == 7
    assert b.summary["verdict"] == "chua_du_du_lieu"
    assert n.outcome("chien_si_thi_dua_toan_quoc") is Outcome.failed
    assert n.outcome("bang_khen_thu_tuong") is Outcome.failed


def test_batch_history_is_known_only_where_the_year_frame_is_given(thi_dua: Any) -> None:
    # As initiatives: the staff_years frame given (even empty) holds every year record, so p has none and its
    # history is [2025] without a record (CSTĐ toàn quốc and BK Thủ tướng fail as `none` above); without the
    # frame p's year records are not known and both are unknown, as `bare` above.
    frames = {"staff": pd.DataFrame([{"school_id": "s1", "staff_id": "p"}])}
    empty = pd.DataFrame(columns=["school_id", "staff_id", "year"])

    def got(out: Any) -> dict[str, str]:
        rows = out.results[out.results.concept.isin(["chien_si_thi_dua_toan_quoc", "bang_khen_thu_tuong"])]
        return dict(zip(rows.concept, rows.outcome.astype(str), strict=True))

    assert got(evaluate_batch(thi_dua, frames, ON)) == {"chien_si_thi_dua_toan_quoc": "unknown",
                                                        "bang_khen_thu_tuong": "unknown"}
    assert got(evaluate_batch(thi_dua, {**frames, "staff_years": empty}, ON)) == {
        "chien_si_thi_dua_toan_quoc": "fail", "bang_khen_thu_tuong": "fail"}
