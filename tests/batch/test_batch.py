"""Batch evaluation: hand-computed verdicts, bad rows, files, Excel export, chunks, fallback.

Expected verdicts are worked out by hand from the packs (rules/demo,
tests/batch_packs/*) and the rows below; the arithmetic is in the comments.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from chuan_engine import FactsError, load_pack
from chuan_engine.batch import FallbackWarning, evaluate_batch
from chuan_engine.batch.io import read_inputs
from chuan_engine.errors import OutputError

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def stress() -> Any:
    return load_pack(ROOT / "tests" / "batch_packs" / "stress")


def outcomes(out: Any) -> dict[tuple[str, str], str]:
    return {(r.entity, r.rule): str(r.outcome) for r in out.results.itertuples()}


def demo_frames() -> dict[str, pd.DataFrame]:
    staff = pd.DataFrame([
        {"school_id": "s1", "staff_id": "p1", "unit_id": "k1", "recruited_on": "2020-01-01"},
        {"school_id": "s1", "staff_id": "p2", "unit_id": "k1", "recruited_on": "2020-01-01"},
        {"school_id": "s1", "staff_id": "p3", "unit_id": "k1", "recruited_on": "2020-01-01"},
    ])
    years = pd.DataFrame([
        {"school_id": "s1", "staff_id": "p1", "year": 2025, "rating": "hoan_thanh_tot", "absent_days": 0,
         "discipline": "khong"},
        {"school_id": "s1", "staff_id": "p2", "year": 2025, "rating": "hoan_thanh_tot", "absent_days": 3,
         "discipline": "Không"},
        {"school_id": "s1", "staff_id": "p3", "year": 2025, "rating": "Hoàn thành xuất sắc nhiệm vụ",
         "absent_days": 0, "discipline": "khong"},
    ])
    units = pd.DataFrame([{"school_id": "s1", "unit_id": "k1", "unit_kind": "khoa"}])
    return {"staff": staff, "staff_years": years, "units": units}


def test_demo_verdicts_by_hand(demo_pack: Any) -> None:
    # LĐTT (demo): rating >= HTT and not discipline >= khiển trách and months_since(recruited_on) >= 6.
    # p1, p2: HTT, discipline 'khong' ("Không" for p2, the template's label), 2020-01-01 -> 2025-12-31 = 71 months:
    # pass (a blank or absent discipline is unknown: tests/run/test_discipline_unknown.py).
    # p3: "Hoàn thành xuất sắc nhiệm vụ" is the alias of hoan_thanh_xuat_sac: pass; CSTĐ cơ sở: LĐTT and HTXS: pass.
    # p1, p2 CSTĐ: HTT is not HTXS and no initiative (an empty initiatives frame: known none): fail.
    # Unit k1: share of LĐTT = 3/3 = 1 > 0.5 and nobody disciplined: pass.
    frames = demo_frames()
    frames["initiatives"] = pd.DataFrame(columns=["school_id", "staff_id", "initiative_id"])
    out = evaluate_batch(demo_pack, frames, ON)
    got = outcomes(out)
    assert got[("p1", "demo.lao_dong_tien_tien")] == "pass"
    assert got[("p3", "demo.lao_dong_tien_tien")] == "pass"
    assert got[("p3", "demo.chien_si_thi_dua_co_so")] == "pass"
    assert got[("p1", "demo.chien_si_thi_dua_co_so")] == "fail"
    assert got[("k1", "demo.tap_the_lao_dong_tien_tien")] == "pass"
    row = out.results[(out.results.entity == "k1")].iloc[0]
    assert row.school == "s1" and row.on == "2025-12-31"
    # Without an initiatives frame nobody's initiatives are known: p1 (HTT, so only an initiative could make
    # CSTĐ) is unknown, not fail (issue 12: an omitted list is not "none"); p3 passes on HTXS alone.
    got = outcomes(evaluate_batch(demo_pack, demo_frames(), ON))
    assert got[("p1", "demo.chien_si_thi_dua_co_so")] == "unknown"
    assert got[("p3", "demo.chien_si_thi_dua_co_so")] == "pass"


def test_staff_recruited_after_the_year_are_not_unit_members(demo_pack: Any) -> None:
    # views.py: a unit's members in a year leave out staff recruited after that year.
    # p1, p2: HTT, recruited 2020 -> LĐTT pass; p3: 'hoan_thanh' < HTT -> LĐTT fail.
    # p4: in k1, recruited 2026-03-01: not yet staff in 2025, so LĐTT is not applicable (issue 12; it used to
    # read months_since = (2025-2026)*12 + (12-3) = -3 < 6 -> fail), and not a member of k1 in 2025. TTLĐTT k1: share = 2/3 > 0.5 and nobody disciplined: pass
    # (counting p4 would give 2/4 = 0.5, not > 0.5: fail).
    fr = demo_frames()
    fr["staff"] = pd.concat([fr["staff"], pd.DataFrame([
        {"school_id": "s1", "staff_id": "p4", "unit_id": "k1", "recruited_on": "2026-03-01"}])], ignore_index=True)
    fr["staff_years"].loc[2, "rating"] = "hoan_thanh"
    fr["staff_years"] = pd.concat([fr["staff_years"], pd.DataFrame([
        {"school_id": "s1", "staff_id": "p4", "year": 2025, "rating": "hoan_thanh_tot", "absent_days": 0,
         "discipline": "khong"}])],
        ignore_index=True)
    got = outcomes(evaluate_batch(demo_pack, fr, ON))
    assert got[("p3", "demo.lao_dong_tien_tien")] == "fail"
    assert got[("p4", "demo.lao_dong_tien_tien")] == "not_applicable"
    assert got[("k1", "demo.tap_the_lao_dong_tien_tien")] == "pass"


def test_bad_rows_give_error_results_and_the_rest_completes(demo_pack: Any) -> None:
    fr = demo_frames()
    fr["staff_years"].loc[1, "rating"] = "xuat_sac_lam"  # not a rating
    fr["staff_years"].loc[2, "absent_days"] = -5  # a count below zero
    out = evaluate_batch(demo_pack, fr, ON)
    got = outcomes(out)
    # every input entity has a row in the summary: school s1, unit k1, staff p1..p3
    assert sorted(out.summary.entity) == ["k1", "p1", "p2", "p3", "s1"]
    assert got[("p1", "demo.lao_dong_tien_tien")] == "pass"
    p2 = out.summary.set_index("entity").loc["p2"]
    assert p2.verdict == "error" and "rating" in p2.error and "xuat_sac_lam" in p2.error
    p3 = out.summary.set_index("entity").loc["p3"]
    assert p3.verdict == "error" and "absent_days" in p3.error
    assert got[("p2", "demo.lao_dong_tien_tien")] == "error"
    # the unit reads p2's bad rating as unknown: LĐTT p1 pass, p3 pass (HTXS; absent_days is not read by
    # LĐTT), p2 unknown -> share 2/3 .. 3/3 = 66.7 % .. 100 %, all > 50 % (issue 12: a range decides) -> pass
    assert got[("k1", "demo.tap_the_lao_dong_tien_tien")] == "pass"


def test_bad_year_and_duplicate_rows(demo_pack: Any) -> None:
    fr = demo_frames()
    extra = pd.DataFrame([
        {"school_id": "s1", "staff_id": "p1", "year": 1800, "rating": "hoan_thanh", "discipline": "khong"},  # < 1945
        {"school_id": "s1", "staff_id": "p3", "year": 2025, "rating": "hoan_thanh", "discipline": "khong"},  # twice
    ])
    fr["staff_years"] = pd.concat([fr["staff_years"], extra], ignore_index=True)
    out = evaluate_batch(demo_pack, fr, ON)
    s = out.summary.set_index("entity")
    assert s.loc["p1", "verdict"] == "error" and "year" in s.loc["p1", "error"]
    assert s.loc["p3", "verdict"] == "error" and "2025" in s.loc["p3", "error"]
    assert s.loc["p2", "verdict"] == "eligible"  # LĐTT pass (HTT, 71 months), CSTĐ fail -> eligible (for LĐTT)
    assert outcomes(out)[("p2", "demo.lao_dong_tien_tien")] == "pass"


def test_wrongly_typed_input_is_an_entity_error(demo_pack: Any) -> None:
    schools = pd.DataFrame([{"school_id": "s1", "has_code_of_conduct": True},
                            {"school_id": "s2", "has_code_of_conduct": "có lẽ"}])
    out = evaluate_batch(demo_pack, {"schools": schools}, ON)
    s = out.summary.set_index("entity")
    assert s.loc["s2", "verdict"] == "error" and "has_code_of_conduct" in s.loc["s2", "error"]
    # s1: quy_tac_ung_xu reads the input: true -> pass; no roster -> staff rules unknown
    assert outcomes(out)[("s1", "demo.quy_tac_ung_xu")] == "pass"
    assert outcomes(out)[("s1", "demo.ty_le_giang_vien")] == "unknown"


def test_unknown_column_is_rejected(demo_pack: Any) -> None:
    fr = demo_frames()
    fr["staff_years"] = fr["staff_years"].rename(columns={"rating": "ratng"})
    with pytest.raises(FactsError, match="ratng"):
        evaluate_batch(demo_pack, fr, ON)


def test_schools_on_different_dates_use_their_regime_and_parameters(stress: Any) -> None:
    # Both staff: HTT, no discipline, recruited 2023-03-31.
    # School a, on 2023-12-31: ldtt_2018 is in force, s.new_hire_months = 10 there;
    #   months_since = (2023-2023)*12 + (12-3) - (31 < 31) = 9 < 10 -> fail.
    # School b, on 2024-06-30: ldtt_2024 is in force, s.new_hire_months = 6 from 2024-01-01;
    #   months_since = 12 + (6-3) - (30 < 31) = 14 >= 6, absent_days unknown -> coalesce 0 <= 40 -> pass.
    schools = pd.DataFrame([{"school_id": "a", "on": "2023-12-31"}, {"school_id": "b", "on": "2024-06-30"}])
    staff = pd.DataFrame([{"school_id": "a", "staff_id": "x", "recruited_on": "2023-03-31"},
                          {"school_id": "b", "staff_id": "y", "recruited_on": "2023-03-31"}])
    years = pd.DataFrame([{"school_id": "a", "staff_id": "x", "year": 2023, "rating": "hoan_thanh_tot",
                           "discipline": "khong"},
                          {"school_id": "b", "staff_id": "y", "year": 2024, "rating": "hoan_thanh_tot",
                           "discipline": "khong"}])
    out = evaluate_batch(stress, {"schools": schools, "staff": staff, "staff_years": years}, ON)
    got = outcomes(out)
    assert got[("x", "stress.ldtt_2018")] == "fail"
    assert got[("x", "stress.ldtt_2024")] == "not_applicable"
    assert got[("y", "stress.ldtt_2018")] == "not_applicable"
    assert got[("y", "stress.ldtt_2024")] == "pass"
    assert set(out.summary.set_index("entity").loc[["x", "y"], "on"]) == {"2023-12-31", "2024-06-30"}


def test_invalid_school_date_makes_its_entities_errors(demo_pack: Any) -> None:
    fr = demo_frames()
    fr["schools"] = pd.DataFrame([{"school_id": "s1", "on": "31/13/2025"}])  # month 13: no such date
    out = evaluate_batch(demo_pack, fr, ON)
    assert set(out.summary.verdict) == {"error"} and len(out.summary) == 5
    assert "on" in out.summary.set_index("entity").loc["s1", "error"]


def test_streak_over_history(stress: Any) -> None:
    # cstd_co_so = @ldtt and (HTXS or initiative that year); recruited 2010 so months are never short.
    # u: HTXS in 2023, 2024, 2025 -> CSTĐ each year -> streak 3 >= 2 -> pass, value 3.
    # v: HTXS 2023, HT 2024 (not LĐTT), HTXS 2025 -> streak counted back stops at 2024 -> 1 < 2 -> fail.
    # w: HTXS 2023, no 2024 record (every 2024 fact unknown), HTXS 2025 -> 2025 true, 2024 unknown -> unknown.
    rows = []
    for sid, ratings in (("u", ["hoan_thanh_xuat_sac"] * 3), ("v", ["hoan_thanh_xuat_sac", "hoan_thanh",
                                                                      "hoan_thanh_xuat_sac"]),
                         ("w", ["hoan_thanh_xuat_sac", None, "hoan_thanh_xuat_sac"])):
        for year, rating in zip((2023, 2024, 2025), ratings, strict=True):
            if rating is not None:
                rows.append({"school_id": "s", "staff_id": sid, "year": year, "rating": rating, "discipline": "khong"})
    staff = pd.DataFrame([{"school_id": "s", "staff_id": s, "recruited_on": "2010-01-01"} for s in "uvw"])
    out = evaluate_batch(stress, {"staff": staff, "staff_years": pd.DataFrame(rows)}, ON)
    r = out.results.set_index(["entity", "rule"])
    assert r.loc[("u", "stress.cstd_lien_tuc"), "outcome"] == "pass"
    assert r.loc[("u", "stress.cstd_lien_tuc"), "value"] == 3
    assert r.loc[("v", "stress.cstd_lien_tuc"), "outcome"] == "fail"
    assert r.loc[("v", "stress.cstd_lien_tuc"), "value"] == 1
    assert r.loc[("w", "stress.cstd_lien_tuc"), "outcome"] == "unknown"


def test_fallback_rule_is_announced_and_agrees(recwarn: Any) -> None:
    pack = load_pack(ROOT / "tests" / "batch_packs" / "fallback")
    # history of q: 2023 HTT, 2024 no record (rating unknown -> filtered out), 2025 HTT
    # filter(history, known(rating)) = [2023, 2025]; both HTT -> streak 2 >= 2 -> pass, value 2.
    years = pd.DataFrame([{"school_id": "s", "staff_id": "q", "year": 2023, "rating": "hoan_thanh_tot"},
                          {"school_id": "s", "staff_id": "q", "year": 2025, "rating": "hoan_thanh_tot"}])
    with pytest.warns(FallbackWarning, match="tot_lien_tuc"):
        out = evaluate_batch(pack, {"staff_years": years}, ON)
    assert list(out.fallback) == ["fallback.tot_lien_tuc_cac_nam_co_xep_loai"]
    r = out.results.set_index(["entity", "rule"])
    assert r.loc[("q", "fallback.tot_lien_tuc_cac_nam_co_xep_loai"), "outcome"] == "pass"
    assert r.loc[("q", "fallback.tot_lien_tuc_cac_nam_co_xep_loai"), "value"] == 2
    assert r.loc[("q", "fallback.xep_loai_tot"), "outcome"] == "pass"  # still vectorised


def test_chunks_and_progress_give_the_same_result(demo_pack: Any, demo_facts: Any) -> None:
    from chuan_engine.batch.convert import facts_to_frames

    frames = facts_to_frames(demo_facts)
    whole = evaluate_batch(demo_pack, frames, ON)
    parts = evaluate_batch(demo_pack, frames, ON, chunk_rows=3, progress=True)
    assert parts.chunks >= 2 and whole.chunks == 1
    key = ["kind", "entity", "rule"]
    a = whole.results.sort_values(key).reset_index(drop=True)
    b = parts.results.sort_values(key).reset_index(drop=True)
    assert a.astype(str).equals(b.astype(str))


def test_files_csv_parquet_and_workbook(tmp_path: Path, demo_pack: Any) -> None:
    frames = demo_frames()
    expected = outcomes(evaluate_batch(demo_pack, frames, ON))
    (tmp_path / "csv").mkdir()
    (tmp_path / "pq").mkdir()
    for name, df in frames.items():
        df.to_csv(tmp_path / "csv" / f"{name}.csv", index=False)
        df.to_parquet(tmp_path / "pq" / f"{name}.parquet")
    with pd.ExcelWriter(tmp_path / "input.xlsx", engine="openpyxl") as w:
        for name, df in frames.items():
            df.to_excel(w, sheet_name=name, index=False)
    for source in (tmp_path / "csv", tmp_path / "pq", tmp_path / "input.xlsx"):
        assert set(read_inputs(source)) == set(frames)
        assert outcomes(evaluate_batch(demo_pack, source, ON)) == expected, source
    with pytest.raises(FactsError):
        read_inputs(tmp_path / "missing")


def test_excel_report_one_sheet_per_pack_vietnamese_headers(tmp_path: Path, demo_pack: Any, stress: Any) -> None:
    from chuan_engine.batch.io import write_excel

    fr = demo_frames()
    a = evaluate_batch(demo_pack, fr, ON)
    b = evaluate_batch(stress, {k: v.drop(columns=["absent_days"], errors="ignore") for k, v in fr.items()}, ON)
    target = tmp_path / "bao_cao" / "ket_qua.xlsx"
    write_excel(target, [a, b])
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["demo", "stress"]
    ws = wb["demo"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Mã đối tượng", "Loại"] and "Kết quả" in header and "Kết luận" in header
    col = header.index("Kết quả")
    assert {row[col].value for row in ws.iter_rows(min_row=2)} <= {"Đạt", "Không đạt", "Chưa đủ dữ liệu",
                                                                    "Không áp dụng", "Lỗi dữ liệu"}
    assert ws.max_row == len(a.results) + 1
    assert [p.name for p in target.parent.iterdir()] == ["ket_qua.xlsx"]  # no temporary file left


def test_excel_export_is_atomic(tmp_path: Path, demo_pack: Any, monkeypatch: Any) -> None:
    out = evaluate_batch(demo_pack, demo_frames(), ON)
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old report")

    import chuan_engine.atomic as atomic

    def boom(src: str, dst: str) -> None:  # the workbook is written, then moving it into place fails
        assert Path(src).stat().st_size > 0
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OutputError) as caught:  # a named error, not a bare OSError (issue 12, 3.31)
        out.to_excel(target)
    assert "đĩa đầy" in str(caught.value) and str(target) in str(caught.value)
    assert target.read_bytes() == b"old report"
    assert os.listdir(tmp_path) == ["r.xlsx"]


_WINDOW_PACK = """
pack: {id: w, version: "0.1.0", title_vi: Kiểm thử, title_en: Test}
rules:
  - id: w.hai_nam_htxs
    title_vi: Hai năm liên tục HTXS
    title_en: Two consecutive excellent years
    subject: staff
    citation: {document: "kiểm thử"}
    effective: {from: 2017-01-01}
    provenance: provisional
    kind: condition
    condition: "streak(history, rating == 'hoan_thanh_xuat_sac', 2) >= 2"
  - id: w.hai_lan_trong_ba_nam
    title_vi: Hai lần HTXS trong ba năm
    title_en: Two excellent years within three
    subject: staff
    citation: {document: "kiểm thử"}
    effective: {from: 2017-01-01}
    provenance: provisional
    kind: condition
    condition: "count(window(history, 3), rating == 'hoan_thanh_xuat_sac') >= 2"
"""


def test_streak_with_n_and_window_in_the_column_compiler(tmp_path: Path) -> None:
    """LEGAL_SOURCES §8a.7 in the batch evaluator; window(history, n) narrows the history ranges."""
    (tmp_path / "pack.yaml").write_text(_WINDOW_PACK, encoding="utf-8")
    pack = load_pack(tmp_path)
    # on 31/12/2025. p: 2022 no rating, 2023 HT, 2024 HTXS, 2025 HTXS.
    #   streak: 2025, 2024 true -> 2 reached before 2023 -> 2 >= 2 pass (2022 unknown never read).
    #   window 2023..2025: HT, HTXS, HTXS -> 2 >= 2 pass (2022 outside the window).
    # q: 2023 HTXS, 2024 no rating, 2025 HTXS. streak: 2025 true, 2024 unknown before 2 -> unknown;
    #   window 2023..2025: true, unknown, true -> count 2..3 (issue 12: a range), 2 >= 2 and 3 >= 2 -> pass.
    # r: 2024 HTXS, 2025 HT. streak: 2025 false -> 0 < 2 fail; window: 1 true of 2 known -> 1 < 2 fail.
    rows = [("p", 2022, None), ("p", 2023, "hoan_thanh"), ("p", 2024, "hoan_thanh_xuat_sac"),
            ("p", 2025, "hoan_thanh_xuat_sac"), ("q", 2023, "hoan_thanh_xuat_sac"), ("q", 2024, None),
            ("q", 2025, "hoan_thanh_xuat_sac"), ("r", 2024, "hoan_thanh_xuat_sac"), ("r", 2025, "hoan_thanh")]
    years = pd.DataFrame([{"school_id": "s", "staff_id": sid, "year": y, "rating": rt} for sid, y, rt in rows])
    out = evaluate_batch(pack, {"staff_years": years}, ON)
    assert not list(out.fallback)  # both rules are vectorised
    got = outcomes(out)
    assert got[("p", "w.hai_nam_htxs")] == "pass" and got[("p", "w.hai_lan_trong_ba_nam")] == "pass"
    assert got[("q", "w.hai_nam_htxs")] == "unknown" and got[("q", "w.hai_lan_trong_ba_nam")] == "pass"
    assert got[("r", "w.hai_nam_htxs")] == "fail" and got[("r", "w.hai_lan_trong_ba_nam")] == "fail"


def test_a_timezone_aware_parquet_date_is_the_date_its_writer_saw(demo_pack: Any, tmp_path: Path) -> None:
    # issue 12, 3.33: p1 recruited 01/07/2025 00:00 at +07:00 (as a Vietnamese system writes it). Its wall date is
    # 01/07/2025: months_since on 31/12/2025 = (12 - 7) = 5 < 6 -> LĐTT fail (demo: 6 months). Read as UTC it
    # would be 30/06/2025 17:00 -> 30/06/2025 -> 6 months -> pass, the wrong verdict.
    staff = demo_frames()["staff"]
    staff["recruited_on"] = pd.to_datetime(["2025-07-01", "2020-01-01", "2020-01-01"]).tz_localize("Asia/Ho_Chi_Minh")
    folder = tmp_path / "in"
    folder.mkdir()
    staff.to_parquet(folder / "staff.parquet")
    demo_frames()["staff_years"].to_parquet(folder / "staff_years.parquet")
    import warnings

    for frames in (read_inputs(folder), {"staff": staff, "staff_years": demo_frames()["staff_years"]}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's "no explicit representation of timezones" is gone too
            got = outcomes(evaluate_batch(demo_pack, frames, ON))
        assert got[("p1", "demo.lao_dong_tien_tien")] == "fail"
        assert got[("p2", "demo.lao_dong_tien_tien")] == "pass"  # 2020-01-01: 71 months
    assert isinstance(staff["recruited_on"].dtype, pd.DatetimeTZDtype)  # the caller's frame is left as it was
