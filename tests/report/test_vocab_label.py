"""``vocab_label(kind, code, lang)``: one wording per vocabulary code, Vietnamese by default, English on request."""

from __future__ import annotations

import pytest

from chuan_engine.facts.vocab import (
    LABELS_EN,
    LABELS_VI,
    DisciplineForm,
    Rating,
    Title,
    vocab_label,
    vocab_label_any,
)
from chuan_engine.report.common import fmt_value


@pytest.mark.parametrize(("kind", "code", "vi", "en"), [
    # NĐ 90/2020 Điều 2: the four ratings, in their official Vietnamese wording
    ("rating", "hoan_thanh_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ", "Completed duties excellently"),
    ("rating", "htnv", "Hoàn thành nhiệm vụ", "Completed duties"),  # an alias reads as its code
    ("title", "lao_dong_tien_tien", "Lao động tiên tiến", "Advanced worker"),  # Luật 06/2022 Điều 24
    ("title", "co_thi_dua_chinh_phu", "Cờ thi đua của Chính phủ", "Government emulation flag"),
    ("reward", "huan_chuong_lao_dong_hang_ba", "Huân chương Lao động hạng Ba", "Labour Order, third class"),
    ("degree", "thac_si", "Thạc sĩ", "Master's"),
    ("discipline_form", "khien_trach", "Khiển trách", "Reprimand"),  # NĐ 112/2020 Điều 2
    ("DisciplineForm", "canh_cao", "Cảnh cáo", "Warning"),
])
def test_both_languages(kind: str, code: str, vi: str, en: str) -> None:
    assert vocab_label(kind, code) == vi
    assert vocab_label(kind, code, "vi") == vi
    assert vocab_label(kind, code, "en") == en


def test_every_code_has_an_english_label_that_is_not_the_vietnamese_one() -> None:
    assert set(LABELS_EN) == set(LABELS_VI)
    for cls, labels in LABELS_VI.items():
        assert set(LABELS_EN[cls]) == set(labels), cls.__name__
        for member, vi in labels.items():
            en = LABELS_EN[cls][member]
            assert en and en.isascii(), (member, en)  # no Vietnamese diacritics in the English wording
            assert en != vi or vi.isascii(), (member, en)


def test_unknown_kind_or_code_is_shown_as_given() -> None:
    assert vocab_label("rating", "xuat_sac_dac_biet", "en") == "xuat_sac_dac_biet"
    assert vocab_label("nope", "khong", "en") == "khong"
    assert vocab_label("rating", None, "en") == ""
    assert vocab_label_any("hoan_thanh_tot", "en") == "Completed duties well"
    assert vocab_label_any("not_a_code", "en") is None


def test_renderers_show_words_not_codes() -> None:
    assert fmt_value(Rating.hoan_thanh_tot, None) == "Hoàn thành tốt nhiệm vụ"
    assert fmt_value(Rating.hoan_thanh_tot, None, "en") == "Completed duties well"
    assert fmt_value(Title.chien_si_thi_dua_co_so, None, "en") == "Grassroots emulation fighter"
    assert fmt_value(DisciplineForm.khong, None, "vi") == "Không"
