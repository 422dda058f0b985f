"""Quotas on fixtures/thi_dua: nobody dropped, cap from the dated parameter, advisory order, vote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.pack.find import read_parameter_file
from chuan_engine.policy.quotas import quota_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT / "rules" / "thi_dua")


@pytest.fixture(scope="module")
def facts():
    return load_facts(ROOT / "fixtures" / "thi_dua")


def _quota(pack, facts, year):
    (section,) = quota_report(pack.evaluate(facts, dt.date(year, 12, 31)), facts)
    return section


def test_old_regime_cap_is_oversubscribed_and_everyone_listed(pack, facts):
    q = _quota(pack, facts, 2023)
    # LĐTT 2023: 60 staff minus Hải (khiển trách), Hà (7 months < 10), Thư (not yet recruited) = 57.
    assert q["base_count"] == 57 and q["base_unknown"] == 0
    # NĐ 91/2017 Điều 9.3: ≤ 15% → floor(0.15 × 57) = floor(8.55) = 8.
    assert q["cap"]["count"] == 8 and q["cap"]["provenance"] == "verified"
    # Eligible CSTĐCS 2023 (LĐTT + a 2023 initiative): Kiên, Lan, An, Hương, and the six in phòng QLKH = 10.
    expected = {"cb_chuoi_cstd", "cb_khong_duoc_tang_2022", "cb_sang_kien_da_dung", "cb_sang_kien_hai_noi"} | {
        f"cb_qlkh_sk_{i}" for i in range(1, 7)}
    assert {c["entity"] for c in q["candidates"]} == expected
    assert q["eligible_count"] == 10 and q["oversubscribed"] and q["requires_vote"]
    # Order (2023: rating desc, then initiatives+research desc; the women-first key starts 2024):
    # the five HTXSNV (Kiên, QLKH 3 and 4, An, Hương) rank 1–5, tied; the five HTTNV rank 6–10, tied.
    top = {c["entity"] for c in q["candidates"][:5]}
    assert top == {"cb_chuoi_cstd", "cb_qlkh_sk_3", "cb_qlkh_sk_4", "cb_sang_kien_da_dung", "cb_sang_kien_hai_noi"}
    assert all(c["status"] == "within_cap" for c in q["candidates"][:5])
    # Ranks 6–10 are equal on every key and the cap (8) falls inside them: tie at the cap, council votes.
    assert q["tie_at_cap"]
    assert [c["status"] for c in q["candidates"][5:]] == ["tied_at_cap"] * 5
    assert len(q["candidates"][5]["tied_with"]) == 4
    assert [k["expr"] for k in q["ordering"]] == ["rating", "sang_kien_co_so_trong_nam + de_tai_nghiem_thu_trong_nam"]
    assert "bình xét" in q["message_vi"]


def test_new_regime_has_no_national_cap(pack, facts):
    q = _quota(pack, facts, 2024)
    # CSTĐCS 2024 = LĐTT and HTXSNV: Kiên, Hoa, An, Dũng, QLKH 1 (Bình is HTXSNV but under review) = 5.
    assert q["cap"] is None and not q["oversubscribed"] and not q["requires_vote"]
    assert {c["entity"] for c in q["candidates"]} == {
        "cb_chuoi_cstd", "cb_htxs_khong_sang_kien", "cb_sang_kien_da_dung", "cb_bang_khen_2024", "cb_qlkh_sk_1"}
    # Khánh has no 2024 record: undetermined, listed, not dropped.
    assert q["undetermined"] == ["cb_thieu_du_lieu_2024"]
    # LĐTT 2024: 60 − Cường (HTNV, cảnh cáo) − Bình (pending) − 4 HTNV in TCHC − Khánh (unknown) = 53, 1 unknown.
    assert q["base_count"] == 53 and q["base_unknown"] == 1


def test_school_parameter_sets_a_cap_and_women_first_breaks_equal_merit(pack, facts, tmp_path):
    params = tmp_path / "truong.yaml"
    params.write_text("thi_dua.quota.cstdcs_share_of_ldtt: {value: 0.05, from: 2024-01-01, "
                      "source: 'Quy chế thi đua của trường (giả định)'}\n", encoding="utf-8")
    capped = pack.with_parameters(read_parameter_file(params))
    q = _quota(capped, facts, 2024)
    # floor(0.05 × 53) = floor(2.65) = 2; 5 eligible → over-subscribed, council votes.
    assert q["cap"]["count"] == 2 and q["cap"]["provenance"] == "override"
    assert q["oversubscribed"] and q["requires_vote"] and not q["tie_at_cap"]
    order = [c["entity"] for c in q["candidates"]]
    # All HTXSNV. Initiatives 2024: Dũng 2 (SK-H1, SK-H2), An 1 (SK-F2), others 0.
    # Among the 0-initiative three, Hoa (nữ) first (NĐ 98 Điều 4); Kiên and QLKH 1 (both nam) stay tied.
    assert order[:3] == ["cb_bang_khen_2024", "cb_sang_kien_da_dung", "cb_htxs_khong_sang_kien"]
    assert set(order[3:]) == {"cb_chuoi_cstd", "cb_qlkh_sk_1"}
    assert [c["status"] for c in q["candidates"]] == ["within_cap", "within_cap", "over_cap", "over_cap", "over_cap"]
    assert q["candidates"][3]["tied_with"] == [order[4]]
    assert q["ordering"][-1]["citation"].startswith("Nghị định 98/2023")


def test_bad_quota_file_is_a_clear_cli_error(tmp_path, capsys):
    import shutil

    from chuan_engine.cli import main

    pack_dir = tmp_path / "thi_dua"
    shutil.copytree(ROOT / "rules" / "thi_dua", pack_dir)
    (pack_dir / "_quotas.yaml").write_text(
        "quotas:\n  - {id: x, concept: chien_si_thi_dua_co_so, base: lao_dong_tien_tien, cap_parameter: khong_co}\n",
        encoding="utf-8")
    out = tmp_path / "out.json"
    code = main(["evaluate", str(ROOT / "fixtures" / "thi_dua"), "--pack", str(pack_dir), "--year", "2023",
                 "--format", "json", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "_quotas.yaml" in err and "khong_co" in err
    assert not out.exists()  # no half-written output


_Q = "{id: x, concept: chien_si_thi_dua_co_so, base: lao_dong_tien_tien, cap_parameter: thi_dua.quota.cstdcs_share_of_ldtt"


@pytest.mark.parametrize(("text", "needle"), [
    # issue 12 part 3, "a malformed _quotas.yaml": each once a traceback or silently no quotas
    ("caps: 5\n", "khóa không hợp lệ ['caps']"),
    ("quotas: 5\n", "quotas: phải là danh sách các mục"),
    ("quotas: [5]\n", "phải là danh sách các mục"),
    (f"quotas:\n  - {_Q}, roundng: ceil}}\n", "quotas[0]: khóa không hợp lệ ['roundng']"),
    ("ordering: [{expr: rating, label_vi: x, effective: {from: '2024-13-01'}}]\n",
     "ordering[0].effective.from: không phải ngày YYYY-MM-DD: '2024-13-01'"),
    ("ordering: [{expr: rating, label_vi: x, effective: {form: 2024-01-01}}]\n", "khóa không hợp lệ ['form']"),
    ("ordering: [{expr: rating, label_vi: x, direction: up}]\n", "ordering[0].direction phải là asc hoặc desc"),
    ("ordering: {expr: rating}\n", "ordering: phải là danh sách"),
])
def test_malformed_quota_file_is_a_named_error(tmp_path, capsys, text, needle):
    import shutil

    from chuan_engine.cli import main

    pack_dir = tmp_path / "thi_dua"
    shutil.copytree(ROOT / "rules" / "thi_dua", pack_dir)
    (pack_dir / "_quotas.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    code = main(["evaluate", str(ROOT / "fixtures" / "thi_dua"), "--pack", str(pack_dir), "--year", "2023",
                 "--format", "json", "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == "" and "Traceback" not in err
    assert f"{pack_dir / '_quotas.yaml'}: " in err and needle in err, err
    assert not out.exists()


def test_cap_rounding_is_labelled_the_packs_convention(pack, facts, tmp_path):
    # LEGAL_SOURCES §8a.16: no source says how 15 % of a head count is rounded, so the floor of
    # 0.15 × 57 = 8.55 → 8 (2023) must be shown as the pack's convention, not as the law.
    q = _quota(pack, facts, 2023)
    rounding = q["cap"]["rounding"]
    assert rounding["method"] == "floor" and rounding["convention"] is True and rounding["source"] is None
    assert "quy ước của bộ quy tắc" in q["message_vi"] and "làm tròn xuống" in q["message_vi"]
    assert "the pack's convention" in q["message_en"]
    # A quota that names its rounding source is shown on that source's word instead.
    side = tmp_path / "p"
    import shutil

    shutil.copytree(ROOT / "rules" / "thi_dua", side)
    text = (side / "_quotas.yaml").read_text(encoding="utf-8")
    (side / "_quotas.yaml").write_text(text.replace(
        "    rounding: floor", "    rounding_source: Quy chế thi đua của trường (giả định)\n    rounding: floor"),
        encoding="utf-8")
    (section,) = quota_report(load_pack(side).evaluate(facts, dt.date(2023, 12, 31)), facts)
    assert section["cap"]["rounding"]["convention"] is False
    assert "theo Quy chế thi đua của trường (giả định)" in section["message_vi"]
    assert "quy ước" not in section["message_vi"]
