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

from ..errors import Text


def ascii_key(text: str) -> str:
    """'Hoàn thành tốt nhiệm vụ' -> 'hoan_thanh_tot_nhiem_vu'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")


def _letter_forms() -> dict[str, str]:
    """Each ASCII letter or digit -> a regex class of the characters (both cases, Latin letters with diacritics)
    that ``ascii_key`` folds to it."""
    forms: dict[str, set[str]] = {}
    # ASCII, Latin-1 and Extended-A (â, ă, đ, ơ, ư…), and the Vietnamese letters of Latin Extended Additional
    for code in [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x180), 0x1A0, 0x1A1,
                 0x1AF, 0x1B0, *range(0x1EA0, 0x1EFA)]:
        ch = chr(code)
        key = ascii_key(ch)
        if len(key) == 1:
            forms.setdefault(key, set()).add(ch)
    return {k: "[" + "".join(sorted(v)) + "]" for k, v in forms.items()}


def spelling_pattern(keys: list[str]) -> str:
    """A regex matching text whose ``ascii_key`` is one of ``keys`` (for the JSON Schema): letters in either case,
    with or without diacritics, precomposed (NFC) or with combining marks (NFD), words split by ASCII spaces or
    punctuation. Every text it matches the loader reads; the loader also reads a few exotic spellings it does not
    match (other non-ASCII characters, which ``ascii_key`` drops)."""
    forms = _letter_forms()
    sep = r"[^0-9A-Za-z\u0080-\uffff]"
    def word(w: str) -> str:
        return "".join(forms[c] + "[\u0300-\u036f]*" for c in w)
    alts = [(sep + "+").join(word(w) for w in key.split("_")) for key in sorted(set(keys))]
    return "^" + sep + "*(?:" + "|".join(alts) + ")" + sep + "*$"


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


class Title(OrderedVocab):
    """Danh hiệu thi đua (Luật TĐKT 2022, Điều 23–28), individual then collective, lowest first."""

    lao_dong_tien_tien = "lao_dong_tien_tien"
    chien_si_thi_dua_co_so = "chien_si_thi_dua_co_so"
    chien_si_thi_dua_cap_bo = "chien_si_thi_dua_cap_bo"
    chien_si_thi_dua_toan_quoc = "chien_si_thi_dua_toan_quoc"
    tap_the_lao_dong_tien_tien = "tap_the_lao_dong_tien_tien"
    tap_the_lao_dong_xuat_sac = "tap_the_lao_dong_xuat_sac"
    co_thi_dua_cap_bo = "co_thi_dua_cap_bo"
    co_thi_dua_chinh_phu = "co_thi_dua_chinh_phu"


Title._aliases = {
    "ldtt": "lao_dong_tien_tien",
    "cstdcs": "chien_si_thi_dua_co_so",
    "chien_si_thi_dua_cap_co_so": "chien_si_thi_dua_co_so",
    "cstd_co_so": "chien_si_thi_dua_co_so",
    "chien_si_thi_dua_cap_tinh": "chien_si_thi_dua_cap_bo",
    "chien_si_thi_dua_cap_bo_cap_tinh": "chien_si_thi_dua_cap_bo",
    "chien_si_thi_dua_cap_bo_ban_nganh_tinh": "chien_si_thi_dua_cap_bo",
    "chien_si_thi_dua_bo_tinh": "chien_si_thi_dua_cap_bo",
    "cstd_cap_bo": "chien_si_thi_dua_cap_bo",
    "cstdtq": "chien_si_thi_dua_toan_quoc",
    "ttldtt": "tap_the_lao_dong_tien_tien",
    "ttldxs": "tap_the_lao_dong_xuat_sac",
    "co_thi_dua_cap_tinh": "co_thi_dua_cap_bo",
    "co_thi_dua_cua_chinh_phu": "co_thi_dua_chinh_phu",
}


# Short official-style names of the titles and rewards (rule concepts), Vietnamese and English, for places
# with little room: an Excel sheet name is at most 31 characters ("Đề nghị " + at most 23).
SHORT_TITLES: dict[str, dict[str, str]] = {
    "lao_dong_tien_tien": {"vi": "Lao động tiên tiến", "en": "Advanced worker"},
    "chien_si_thi_dua_co_so": {"vi": "Chiến sĩ thi đua cơ sở", "en": "Base emulation fighter"},
    "chien_si_thi_dua_cap_bo": {"vi": "CSTĐ cấp bộ, tỉnh", "en": "Prov. emul. fighter"},
    "chien_si_thi_dua_toan_quoc": {"vi": "CSTĐ toàn quốc", "en": "National emul. fighter"},
    "tap_the_lao_dong_tien_tien": {"vi": "Tập thể LĐ tiên tiến", "en": "Advanced collective"},
    "tap_the_lao_dong_xuat_sac": {"vi": "Tập thể LĐ xuất sắc", "en": "Excellent collective"},
    "co_thi_dua_cap_bo": {"vi": "Cờ thi đua cấp bộ, tỉnh", "en": "Provincial flag"},
    "co_thi_dua_chinh_phu": {"vi": "Cờ thi đua Chính phủ", "en": "Government flag"},
    "giay_khen": {"vi": "Giấy khen (cá nhân)", "en": "Certificate (person)"},
    "giay_khen_tap_the": {"vi": "Giấy khen (tập thể)", "en": "Certificate (group)"},
    "bang_khen_cap_bo": {"vi": "BK bộ, tỉnh (cá nhân)", "en": "Prov. merit (person)"},
    "bang_khen_cap_bo_tap_the": {"vi": "BK bộ, tỉnh (tập thể)", "en": "Prov. merit (group)"},
    "bang_khen_thu_tuong": {"vi": "Bằng khen Thủ tướng", "en": "PM's merit"},
    "huan_chuong_lao_dong_hang_ba": {"vi": "HCLĐ hạng Ba", "en": "Labour Order 3rd class"},
    "huan_chuong_lao_dong_hang_nhi": {"vi": "HCLĐ hạng Nhì", "en": "Labour Order 2nd class"},
    "huan_chuong_lao_dong_hang_nhat": {"vi": "HCLĐ hạng Nhất", "en": "Labour Order 1st class"},
}

class Reward(OrderedVocab):
    """Hình thức khen thưởng (Luật TĐKT 2022, Điều 30–75), lowest first."""

    giay_khen = "giay_khen"
    bang_khen_cap_bo = "bang_khen_cap_bo"
    bang_khen_thu_tuong = "bang_khen_thu_tuong"
    huan_chuong_lao_dong_hang_ba = "huan_chuong_lao_dong_hang_ba"
    huan_chuong_lao_dong_hang_nhi = "huan_chuong_lao_dong_hang_nhi"
    huan_chuong_lao_dong_hang_nhat = "huan_chuong_lao_dong_hang_nhat"


Reward._aliases = {
    "bang_khen_cap_tinh": "bang_khen_cap_bo",
    "bang_khen_cua_bo_truong": "bang_khen_cap_bo",
    "bang_khen_cua_chu_tich_ubnd_tinh": "bang_khen_cap_bo",
    "bang_khen_bo_tinh": "bang_khen_cap_bo",
    "bang_khen_cua_thu_tuong_chinh_phu": "bang_khen_thu_tuong",
    "bang_khen_thu_tuong_chinh_phu": "bang_khen_thu_tuong",
    "bkttg": "bang_khen_thu_tuong",
    "huan_chuong_lao_dong_hang_3": "huan_chuong_lao_dong_hang_ba",
    "huan_chuong_lao_dong_hang_2": "huan_chuong_lao_dong_hang_nhi",
    "huan_chuong_lao_dong_hang_1": "huan_chuong_lao_dong_hang_nhat",
}


def conferred_code(vocab: type[OrderedVocab], value: object) -> object:
    """A title or reward as its code: a Vietnamese spelling (with or without diacritics) of a known one maps to
    its code; another code (ASCII snake_case, e.g. a school's own title) is kept; other text is refused."""
    if not isinstance(value, str):
        return value
    try:
        return vocab(value).value
    except ValueError:
        pass
    if re.fullmatch(r"[a-z0-9_]+", value):
        return value
    known = "; ".join(LABELS_VI[vocab][m] for m in vocab)
    raise ValueError(Text(f"không rõ '{value}' (dùng một trong: {known})", f"unknown value '{value}' (use one of: {known})"))


VOCABULARIES: dict[str, type[OrderedVocab]] = {
    cls.__name__: cls
    for cls in (Rating, Degree, PoliticalTheory, Grade, DisciplineForm, Level, Gender, Employment, UnitKind, LecturerType,
                Title, Reward)
}


# The Vietnamese spelling of every code, as drop-down lists and messages show it; each reads back to its code.
LABELS_VI: dict[type[OrderedVocab], dict[OrderedVocab, str]] = {
    Rating: {Rating.khong_hoan_thanh: "Không hoàn thành nhiệm vụ", Rating.hoan_thanh: "Hoàn thành nhiệm vụ",
             Rating.hoan_thanh_tot: "Hoàn thành tốt nhiệm vụ",
             Rating.hoan_thanh_xuat_sac: "Hoàn thành xuất sắc nhiệm vụ"},
    Degree: {Degree.khac: "Khác", Degree.cao_dang: "Cao đẳng", Degree.dai_hoc: "Đại học", Degree.thac_si: "Thạc sĩ",
             Degree.tien_si: "Tiến sĩ"},
    PoliticalTheory: {PoliticalTheory.chua_co: "Chưa có", PoliticalTheory.so_cap: "Sơ cấp",
                      PoliticalTheory.trung_cap: "Trung cấp", PoliticalTheory.cao_cap: "Cao cấp"},
    Grade: {Grade.khac: "Khác", Grade.nhan_vien: "Nhân viên", Grade.chuyen_vien: "Chuyên viên",
            Grade.giang_vien: "Giảng viên", Grade.giang_vien_chinh: "Giảng viên chính",
            Grade.giang_vien_cao_cap: "Giảng viên cao cấp"},
    DisciplineForm: {DisciplineForm.khong: "Không", DisciplineForm.khien_trach: "Khiển trách",
                     DisciplineForm.canh_cao: "Cảnh cáo", DisciplineForm.ha_bac_luong: "Hạ bậc lương",
                     DisciplineForm.giang_chuc: "Giáng chức", DisciplineForm.cach_chuc: "Cách chức",
                     DisciplineForm.buoc_thoi_viec: "Buộc thôi việc", DisciplineForm.khai_tru: "Khai trừ"},
    Level: {Level.co_so: "Cấp cơ sở", Level.bo_tinh: "Cấp bộ, tỉnh", Level.toan_quoc: "Toàn quốc"},
    Gender: {Gender.nam: "Nam", Gender.nu: "Nữ"},
    Employment: {Employment.hop_dong: "Hợp đồng lao động", Employment.vien_chuc: "Viên chức",
                 Employment.cong_chuc: "Công chức"},
    UnitKind: {UnitKind.khoa: "Khoa", UnitKind.phong: "Phòng", UnitKind.to: "Tổ"},
    LecturerType: {LecturerType.kiem_nhiem: "Kiêm nhiệm", LecturerType.co_huu: "Cơ hữu"},
    Title: {Title.lao_dong_tien_tien: "Lao động tiên tiến", Title.chien_si_thi_dua_co_so: "Chiến sĩ thi đua cơ sở",
            Title.chien_si_thi_dua_cap_bo: "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
            Title.chien_si_thi_dua_toan_quoc: "Chiến sĩ thi đua toàn quốc",
            Title.tap_the_lao_dong_tien_tien: "Tập thể lao động tiên tiến",
            Title.tap_the_lao_dong_xuat_sac: "Tập thể lao động xuất sắc",
            Title.co_thi_dua_cap_bo: "Cờ thi đua cấp bộ, ban, ngành, tỉnh",
            Title.co_thi_dua_chinh_phu: "Cờ thi đua của Chính phủ"},
    Reward: {Reward.giay_khen: "Giấy khen", Reward.bang_khen_cap_bo: "Bằng khen cấp bộ, ban, ngành, tỉnh",
             Reward.bang_khen_thu_tuong: "Bằng khen của Thủ tướng Chính phủ",
             Reward.huan_chuong_lao_dong_hang_ba: "Huân chương Lao động hạng Ba",
             Reward.huan_chuong_lao_dong_hang_nhi: "Huân chương Lao động hạng Nhì",
             Reward.huan_chuong_lao_dong_hang_nhat: "Huân chương Lao động hạng Nhất"},
}

# Every label reads back as its code (``ascii_key`` of the label is an alias of the member).
for _vocab, _labels in LABELS_VI.items():
    _vocab._aliases = {**getattr(_vocab, "_aliases", {}),
                       **{ascii_key(text): member.value for member, text in _labels.items()
                          if ascii_key(text) != member.value}}


# The English wording of every code, for ``--lang en`` documents (Vietnamese stays the default).
LABELS_EN: dict[type[OrderedVocab], dict[OrderedVocab, str]] = {
    Rating: {Rating.khong_hoan_thanh: "Did not complete duties", Rating.hoan_thanh: "Completed duties",
             Rating.hoan_thanh_tot: "Completed duties well",
             Rating.hoan_thanh_xuat_sac: "Completed duties excellently"},
    Degree: {Degree.khac: "Other", Degree.cao_dang: "College", Degree.dai_hoc: "Bachelor's",
             Degree.thac_si: "Master's", Degree.tien_si: "Doctorate"},
    PoliticalTheory: {PoliticalTheory.chua_co: "None yet", PoliticalTheory.so_cap: "Elementary",
                      PoliticalTheory.trung_cap: "Intermediate", PoliticalTheory.cao_cap: "Advanced"},
    Grade: {Grade.khac: "Other", Grade.nhan_vien: "Staff member", Grade.chuyen_vien: "Specialist",
            Grade.giang_vien: "Lecturer", Grade.giang_vien_chinh: "Principal lecturer",
            Grade.giang_vien_cao_cap: "Senior lecturer"},
    DisciplineForm: {DisciplineForm.khong: "None", DisciplineForm.khien_trach: "Reprimand",
                     DisciplineForm.canh_cao: "Warning", DisciplineForm.ha_bac_luong: "Salary demotion",
                     DisciplineForm.giang_chuc: "Demotion", DisciplineForm.cach_chuc: "Dismissal from office",
                     DisciplineForm.buoc_thoi_viec: "Forced resignation", DisciplineForm.khai_tru: "Expulsion"},
    Level: {Level.co_so: "Grassroots level", Level.bo_tinh: "Ministry/province level", Level.toan_quoc: "National"},
    Gender: {Gender.nam: "Male", Gender.nu: "Female"},
    Employment: {Employment.hop_dong: "Labour contract", Employment.vien_chuc: "Public employee",
                 Employment.cong_chuc: "Civil servant"},
    UnitKind: {UnitKind.khoa: "Faculty", UnitKind.phong: "Office", UnitKind.to: "Team"},
    LecturerType: {LecturerType.kiem_nhiem: "Part-time", LecturerType.co_huu: "Permanent"},
    Title: {Title.lao_dong_tien_tien: "Advanced worker", Title.chien_si_thi_dua_co_so: "Grassroots emulation fighter",
            Title.chien_si_thi_dua_cap_bo: "Ministry/province emulation fighter",
            Title.chien_si_thi_dua_toan_quoc: "National emulation fighter",
            Title.tap_the_lao_dong_tien_tien: "Advanced collective",
            Title.tap_the_lao_dong_xuat_sac: "Excellent collective",
            Title.co_thi_dua_cap_bo: "Ministry/province emulation flag",
            Title.co_thi_dua_chinh_phu: "Government emulation flag"},
    Reward: {Reward.giay_khen: "Certificate of merit",
             Reward.bang_khen_cap_bo: "Ministry/province certificate of merit",
             Reward.bang_khen_thu_tuong: "Prime Minister's certificate of merit",
             Reward.huan_chuong_lao_dong_hang_ba: "Labour Order, third class",
             Reward.huan_chuong_lao_dong_hang_nhi: "Labour Order, second class",
             Reward.huan_chuong_lao_dong_hang_nhat: "Labour Order, first class"},
}

# ``vocab_label`` kinds: the vocabulary class names and their snake_case spellings ('discipline_form').
_KINDS: dict[str, type[OrderedVocab]] = {
    **VOCABULARIES, **{re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): cls for name, cls in VOCABULARIES.items()},
    "discipline": DisciplineForm,
}


def vocab_label(kind: str, code: object, lang: str = "vi") -> str:
    """The wording of ``code`` in vocabulary ``kind`` ('rating', 'title', 'reward', 'degree', 'discipline_form'…)
    in ``lang`` (Vietnamese unless 'en'); an alias reads as its code; an unknown kind or code is shown as given."""
    cls = _KINDS.get(kind)
    raw = code.value if isinstance(code, OrderedVocab) else code
    if cls is None or not isinstance(raw, str):
        return "" if raw is None else str(raw)
    try:
        member = cls(raw)
    except ValueError:
        return raw
    labels = LABELS_EN if lang == "en" else LABELS_VI
    return labels[cls][member]


def vocab_label_any(code: object, lang: str = "vi") -> str | None:
    """The wording of a code in whichever vocabulary holds it as a member (None when none does)."""
    raw = code.value if isinstance(code, OrderedVocab) else code
    if not isinstance(raw, str):
        return None
    for cls in LABELS_VI:
        if raw in cls.__members__:
            return vocab_label(cls.__name__, raw, lang)
    return None
