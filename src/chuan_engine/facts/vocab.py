"""Closed vocabularies of the law (ratings, degrees, discipline forms…).

Each is an *ordered* enum: the order is the legal order, so a rule can say
``rating >= 'hoan_thanh_tot'`` ("hoàn thành tốt nhiệm vụ trở lên").
Vietnamese spellings with or without diacritics, and the usual acronyms
(HTXSNV, HTTNV…), map onto the ASCII member; anything else fails clearly.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any, ClassVar


def ascii_key(text: str) -> str:
    """'Hoàn thành tốt nhiệm vụ' -> 'hoan_thanh_tot_nhiem_vu'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")


class OrderedVocab(StrEnum):
    """A StrEnum whose members compare by declaration order and accept aliases."""

    _value_: str  # every member's value is its ASCII name (tells the type checker what ``.value`` is)
    _aliases: ClassVar[dict[str, str]]

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        """The codes and the alias spellings (``tinh``, ``httnv``…); the loader also folds case and diacritics."""
        schema = handler(core_schema)
        schema = handler.resolve_ref_schema(schema)
        aliases = sorted(getattr(cls, "_aliases", {}))
        schema["enum"] = [m.value for m in cls] + [a for a in aliases if a not in cls.__members__]
        return schema

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.__members__.values()).index(cls(value))

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return None
        key = ascii_key(value)
        aliases: dict[str, str] = getattr(cls, "_aliases", {})
        key = aliases.get(key, key)
        for member in cls:
            if member.value == key:
                return member
        return None


class Rating(OrderedVocab):
    """Xếp loại chất lượng (NĐ 90/2020): four levels, lowest first."""

    khong_hoan_thanh = "khong_hoan_thanh"
    hoan_thanh = "hoan_thanh"
    hoan_thanh_tot = "hoan_thanh_tot"
    hoan_thanh_xuat_sac = "hoan_thanh_xuat_sac"


Rating._aliases = {
    "khtnv": "khong_hoan_thanh",
    "khong_hoan_thanh_nhiem_vu": "khong_hoan_thanh",
    "htnv": "hoan_thanh",
    "hoan_thanh_nhiem_vu": "hoan_thanh",
    "httnv": "hoan_thanh_tot",
    "hoan_thanh_tot_nhiem_vu": "hoan_thanh_tot",
    "htxsnv": "hoan_thanh_xuat_sac",
    "hoan_thanh_xuat_sac_nhiem_vu": "hoan_thanh_xuat_sac",
}


class Degree(OrderedVocab):
    """Trình độ chuyên môn, lowest first."""

    khac = "khac"
    cao_dang = "cao_dang"
    dai_hoc = "dai_hoc"
    thac_si = "thac_si"
    tien_si = "tien_si"


Degree._aliases = {"cu_nhan": "dai_hoc", "ky_su": "dai_hoc", "ths": "thac_si", "ts": "tien_si", "pgs_ts": "tien_si"}


class PoliticalTheory(OrderedVocab):
    """Trình độ lý luận chính trị (LLCT), lowest first."""

    chua_co = "chua_co"
    so_cap = "so_cap"
    trung_cap = "trung_cap"
    cao_cap = "cao_cap"


PoliticalTheory._aliases = {"cu_nhan": "cao_cap", "cu_nhan_chinh_tri": "cao_cap", "khong": "chua_co"}


class Grade(OrderedVocab):
    """Ngạch / chức danh nghề nghiệp: non-lecturer grades first, then lecturer grades."""

    khac = "khac"
    nhan_vien = "nhan_vien"
    chuyen_vien = "chuyen_vien"
    giang_vien = "giang_vien"
    giang_vien_chinh = "giang_vien_chinh"
    giang_vien_cao_cap = "giang_vien_cao_cap"


Grade._aliases = {"gv": "giang_vien", "gvc": "giang_vien_chinh", "gvcc": "giang_vien_cao_cap"}


class DisciplineForm(OrderedVocab):
    """Hình thức kỷ luật (NĐ 112/2020; Điều lệ Đảng), mildest first; ``khong`` = none recorded."""

    khong = "khong"
    khien_trach = "khien_trach"
    canh_cao = "canh_cao"
    ha_bac_luong = "ha_bac_luong"
    giang_chuc = "giang_chuc"
    cach_chuc = "cach_chuc"
    buoc_thoi_viec = "buoc_thoi_viec"
    khai_tru = "khai_tru"


DisciplineForm._aliases = {"none": "khong", "khong_bi_ky_luat": "khong", "chua": "khong"}


class Level(OrderedVocab):
    """Cấp công nhận of an initiative, research topic or award, lowest first."""

    co_so = "co_so"
    bo_tinh = "bo_tinh"
    toan_quoc = "toan_quoc"


Level._aliases = {
    "cap_co_so": "co_so",
    "tinh": "bo_tinh",
    "cap_tinh": "bo_tinh",
    "bo": "bo_tinh",
    "cap_bo": "bo_tinh",
    "hoc_vien": "bo_tinh",
    "cap_hoc_vien": "bo_tinh",
    "nha_nuoc": "toan_quoc",
    "cap_nha_nuoc": "toan_quoc",
    "quoc_gia": "toan_quoc",
}


class Gender(OrderedVocab):
    nam = "nam"
    nu = "nu"


# No one-letter codes: "N" is read as Nam by some offices and as Nữ by others.
Gender._aliases = {"male": "nam", "female": "nu"}


class Employment(OrderedVocab):
    """Loại cán bộ: công chức, viên chức, hợp đồng lao động."""

    hop_dong = "hop_dong"
    vien_chuc = "vien_chuc"
    cong_chuc = "cong_chuc"


Employment._aliases = {"nguoi_lao_dong": "hop_dong", "nld": "hop_dong", "hop_dong_lao_dong": "hop_dong"}


class UnitKind(OrderedVocab):
    khoa = "khoa"
    phong = "phong"
    to = "to"


UnitKind._aliases = {"ban": "phong", "trung_tam": "phong"}


class LecturerType(OrderedVocab):
    kiem_nhiem = "kiem_nhiem"
    co_huu = "co_huu"


LecturerType._aliases = {"thinh_giang": "kiem_nhiem"}


VOCABULARIES: dict[str, type[OrderedVocab]] = {
    cls.__name__: cls
    for cls in (Rating, Degree, PoliticalTheory, Grade, DisciplineForm, Level, Gender, Employment, UnitKind, LecturerType)
}
