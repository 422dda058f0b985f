"""Gap sentences in the reader's number format (Babel): Vietnamese 87,5 % and 20.000; English 87.5% and 20,000.
Expected strings worked out by hand from the gap's numbers."""

from __future__ import annotations

from chuan_engine.report.gap_text import Gap, gap_text


def test_members_gap_vi_and_en() -> None:
    # 35/40 = 0.875 = 87,5 %; 1 more (36/40 = 0.9) meets >= 90 %
    g = Gap("dat", "share_of", "convert", ">=", 0.875, 0.9, 1, "members", 35, 40, {"convert": 1, "add": 10}, 0.9)
    vi, en = gap_text(g, "giảng viên", "lecturers")
    assert vi == "cần thêm 1 giảng viên (hiện 35/40 = 87,5 %; đạt khi 36/40 = 90 % >= 90 %)"
    assert en == "needs 1 more lecturers (now 35/40 = 87.5%; met at 36/40 = 90% >= 90%)"


def test_value_gap_thousands() -> None:
    # 20 000 − 15 000 = 5 000 m² short
    g = Gap("dat", "value", "value", ">=", 15000.0, 20000.0, 5000.0, "value")
    vi, en = gap_text(g, "m²", "m²")
    assert vi == "còn thiếu 5.000 m² (hiện 15.000, cần >= 20.000)"
    assert en == "short by 5,000 m² (now 15,000, needs >= 20,000)"


def test_points_gap() -> None:
    # 0.9 − 0.875 = 0.025 = 2,5 percentage points
    g = Gap("dat", "share", "points", ">=", 0.875, 0.9, None, "points")
    vi, en = gap_text(g, "giảng viên", "lecturers")
    assert vi == "tỷ lệ giảng viên cần tăng thêm 2,5 điểm phần trăm (hiện 87,5 %, cần >= 90 %)"
    assert en == "the share of lecturers must rise by 2.5 percentage points (now 87.5%, needs >= 90%)"
