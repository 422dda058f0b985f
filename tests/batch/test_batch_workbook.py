"""``BatchResult.to_excel``: the batch run files the same workbook as the explaining path (issue 14).

Hand computation on fixtures/thi_dua (fixtures/thi_dua/_make.py), year 2024, on 31/12/2024: Luật 06/2022
(from 01/01/2024), NĐ 98/2023, TT 01/2024; 60 staff in 8 units.
- Lao động tiên tiến (Luật 2022 Điều 24: rated HTTNV or better, no discipline, no pending review, >= 6 months
  of work): everyone but cb_canh_cao_2024 (HTNV and cảnh cáo in 2024), cb_dang_xem_xet_2024 (discipline
  review pending in 2024), cb_tchc_htnv_1..4 (rated only HTNV in 2024) = 6 fail, and cb_thieu_du_lieu_2024
  (no 2024 record: unknown, so not proposed). cb_moi_2024 (recruited 20/05/2024: 7 months >= 6) is in.
  60 - 6 - 1 = 53 names.
- Chiến sĩ thi đua cơ sở (Luật 2022 Điều 23: LĐTT and HTXSNV in the year): the LĐTT rated HTXSNV in 2024 are
  cb_chuoi_cstd (Lê Văn Kiên), cb_htxs_khong_sang_kien (Nguyễn Thị Hoa), cb_qlkh_sk_1 (Hoàng Văn An),
  cb_sang_kien_da_dung (Nguyễn Văn An), cb_bang_khen_2024 (Lê Minh Dũng) = 5; cb_dang_xem_xet_2024 is HTXSNV
  but not LĐTT. The 15 % cap parameter (NĐ 91/2017) has no value in force in 2024: the list is under a quota
  with "không có tỷ lệ tối đa" on each row and no council vote. Advisory order (_quotas.yaml): all five rated
  HTXSNV (tie), then initiatives recognised in 2024: Dũng 2 (SK-H1, SK-H2), An (Nguyễn Văn) 1 (SK-F2), the
  others 0; then women first (from 2024): Hoa before Kiên and Hoàng Văn An.
- Chiến sĩ thi đua cấp bộ: only cb_chuoi_cstd (CSTĐCS 2021–2024 = 4 in a row >= 3, SK-K2 bộ/tỉnh 2022 in
  the window); cb_qlkh_sk_1 has the streak but only a cơ sở initiative.
- Bằng khen cấp bộ (cá nhân, Luật 2022 Điều 74.1.d): only cb_bang_khen_2024 (HTXSNV 2023 and 2024, two
  initiatives SK-H1, SK-H2 in 2024).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.batch import evaluate_batch, facts_to_frames
from chuan_engine.report.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2024, 12, 31)
CSTDCS_2024 = {"Lê Văn Kiên", "Nguyễn Thị Hoa", "Hoàng Văn An", "Nguyễn Văn An", "Lê Minh Dũng"}
NOT_LDTT_2024 = {"cb_canh_cao_2024", "cb_dang_xem_xet_2024", "cb_tchc_htnv_1", "cb_tchc_htnv_2", "cb_tchc_htnv_3",
                 "cb_tchc_htnv_4", "cb_thieu_du_lieu_2024"}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    """(batch workbook, explaining-path workbook, facts) for thi_dua 2024."""
    pack = load_pack(ROOT / "rules/thi_dua")
    facts = load_facts(ROOT / "fixtures/thi_dua")
    out = tmp_path_factory.mktemp("batch_xlsx")
    plan = pack.plan if hasattr(pack, "plan") else pack
    evaluate_batch(plan, facts_to_frames(facts), ON).to_excel(out / "batch.xlsx")
    write_workbook(pack.evaluate(facts, ON), out / "report.xlsx")
    return openpyxl.load_workbook(out / "batch.xlsx"), openpyxl.load_workbook(out / "report.xlsx"), facts


def _table(ws: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    heads = [c.value for c in ws[3]]
    return heads, [dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)]


def test_per_title_sheets_hold_the_hand_computed_names(books: tuple[Any, Any, Any]) -> None:
    wb, _, facts = books
    staff = {p.id: p.name for s in facts.schools for p in s.staff}
    assert len(staff) == 60
    _, ldtt = _table(wb["Đề nghị Lao động tiên tiến"])
    assert {r["Mã"] for r in ldtt} == set(staff) - NOT_LDTT_2024
    # cb_01, a generic staff member of Khoa Lý luận cơ sở rated HTTNV in 2024
    cb01 = next(r for r in ldtt if r["Mã"] == "cb_01")
    assert (cb01["Đơn vị"], cb01["Căn cứ đề nghị"]) == ("Khoa Lý luận cơ sở", "Xếp loại năm 2024: Hoàn thành tốt nhiệm vụ")
    assert len(ldtt) == 53
    assert [r["STT"] for r in ldtt] == list(range(1, 54))
    heads, cs = _table(wb["Đề nghị Chiến sĩ thi đua cơ sở"])
    assert {r["Họ và tên / Tên"] for r in cs} == CSTDCS_2024
    assert "Cần Hội đồng bình xét" in heads and "Thứ tự xét" in heads
    assert [r["Họ và tên / Tên"] for r in cs][:3] == ["Lê Minh Dũng", "Nguyễn Văn An", "Nguyễn Thị Hoa"]
    assert {r["So với tỷ lệ"] for r in cs} == {"không có tỷ lệ tối đa"}
    assert {r["Cần Hội đồng bình xét"] for r in cs} == {None}  # no cap in force: no vote
    _, bo = _table(wb["Đề nghị CSTĐ cấp bộ, tỉnh"])
    assert [r["Mã"] for r in bo] == ["cb_chuoi_cstd"]
    _, bk = _table(wb["Đề nghị BK bộ, tỉnh (cá nhân)"])
    assert [(r["Mã"], r["Căn cứ đề nghị"]) for r in bk] == [("cb_bang_khen_2024", "sáng kiến: SK-H1, SK-H2")]


def test_same_layout_as_the_explaining_path(books: tuple[Any, Any, Any]) -> None:
    wb, ref, _ = books
    assert wb.sheetnames == ref.sheetnames
    for name in ref.sheetnames:
        if name.startswith("Đề nghị"):
            assert [c.value for c in wb[name][3]] == [c.value for c in ref[name][3]], name
            names = [r[1] for r in wb[name].iter_rows(min_row=4, values_only=True)]
            assert names == [r[1] for r in ref[name].iter_rows(min_row=4, values_only=True)], name
            # and the whole rows: unit, basis (the year's rating, the ledger's initiatives), citation, order
            assert list(wb[name].iter_rows(min_row=4, values_only=True)) == \
                list(ref[name].iter_rows(min_row=4, values_only=True)), name
    assert [c.value for c in wb["Cán bộ"][3]] == [c.value for c in ref["Cán bộ"][3]]


def test_formats_frozen_headers_filters_print_and_no_formulas(books: tuple[Any, Any, Any]) -> None:
    wb, _, _ = books
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A4", ws.title
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A3:"), ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # 9 = A4 in the OOXML paper codes
        assert ws["B2"].value == dt.datetime(2024, 12, 31) and ws["B2"].number_format == "dd/mm/yyyy"
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
    _, summary = _table(wb["Tổng hợp"])
    # 1 school + 8 units + 60 staff, one summary row each
    assert len(summary) == 69
    ws = wb["Tổng hợp"]
    heads = [c.value for c in ws[3]]
    stt = ws.cell(row=4, column=heads.index("STT") + 1)
    assert stt.value == 1 and stt.number_format == "#,##0"


def test_english_workbook_shows_english_vocabulary(tmp_path: Path) -> None:
    pack = load_pack(ROOT / "rules/thi_dua")
    facts = load_facts(ROOT / "fixtures/thi_dua")
    plan = pack.plan if hasattr(pack, "plan") else pack
    evaluate_batch(plan, facts_to_frames(facts), ON, lang="en").to_excel(tmp_path / "en.xlsx")
    write_workbook(pack.evaluate(facts, ON, lang="en"), tmp_path / "ref_en.xlsx", "en")
    wb, ref = openpyxl.load_workbook(tmp_path / "en.xlsx"), openpyxl.load_workbook(tmp_path / "ref_en.xlsx")
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames == ref.sheetnames
    _, ldtt = _table(wb["Proposed Advanced worker"])
    # the basis names the 2024 rating in English: cb_01 is a generic staff member rated HTTNV
    basis = next(r["Basis"] for r in ldtt if r["Id"] == "cb_01")
    assert basis == "Rating 2024: Completed duties well"



def test_qd11_one_row_per_indicator_with_number_value_threshold_margin(tmp_path: Path) -> None:
    """lai_chau, qd11_2021.ty_le_giang_vien (Tiêu chí 2, chỉ tiêu 2.1) on 30/06/2025: fixtures/schools/lai_chau.yaml
    lists 40 staff of whom 28 are lecturers (is_lecturer: true): 28/40 = 70 % against the level-1 threshold of 75 %,
    margin 70 - 75 = -5 points: not met."""
    pack = load_pack(ROOT / "rules/qd11_2021")
    facts = load_facts(ROOT / "fixtures/schools")
    on = dt.date(2025, 6, 30)
    plan = pack.plan if hasattr(pack, "plan") else pack
    evaluate_batch(plan, facts_to_frames(facts), on).to_excel(tmp_path / "qd11.xlsx")
    write_workbook(pack.evaluate(facts, on), tmp_path / "ref.xlsx")
    wb, ref = openpyxl.load_workbook(tmp_path / "qd11.xlsx"), openpyxl.load_workbook(tmp_path / "ref.xlsx")
    assert wb.sheetnames == ref.sheetnames == ["Tổng hợp", "Trường"]  # a graded pack proposes no title
    # the summary (verdicts, headline with its 'vượt chuẩn' count, pass/fail/unknown counts) is the same
    assert list(wb["Tổng hợp"].iter_rows(min_row=3, values_only=True)) == \
        list(ref["Tổng hợp"].iter_rows(min_row=3, values_only=True))
    ws = wb["Trường"]
    heads = [c.value for c in ws[3]]
    rows = [r for r in ws.iter_rows(min_row=4) if r[heads.index("Mã")].value == "lai_chau"]
    ids = [r[heads.index("Mã quy tắc")].value for r in rows]
    # one row per rule of the pack about schools in force on the date (rules/qd11_2021)
    assert len(ids) == len(set(ids)) == len({r.id for r in plan.rules if r.subject == "school" and r.in_force(on)})
    row = next(r for r in rows if r[heads.index("Mã quy tắc")].value == "qd11_2021.ty_le_giang_vien")
    cell = {h: row[i] for i, h in enumerate(heads)}
    assert cell["Số chỉ tiêu"].value == "2.1"
    assert cell["Kết quả"].value == "Không đạt"
    assert cell["Giá trị"].value == pytest.approx(28 / 40) and cell["Giá trị"].number_format == "0.0%"
    assert cell["Ngưỡng"].value == pytest.approx(0.75) and cell["Ngưỡng"].number_format == "0.0%"
    assert cell["Chênh lệch"].value == pytest.approx(-0.05) and cell["Chênh lệch"].number_format == "0.0%"
