"""Typed facts: school, unit, staff member (with per-year records), cluster.

``None`` means *not known* and evaluates to UNKNOWN; an empty list means
*known to be none*. Every entity may also carry ``inputs``: figures supplied
directly for a pack variable (so a school given as one row of aggregates
evaluates the same rules as one given with its full roster).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from .vocab import (
    Degree,
    DisciplineForm,
    Employment,
    Gender,
    Grade,
    LecturerType,
    Level,
    PoliticalTheory,
    Rating,
    Reward,
    Title,
    UnitKind,
    conferred_code,
    spelling_pattern,
)

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _iso_date(value: object) -> object:
    """A date is a ``datetime.date`` or text ``YYYY-MM-DD``: never a number (``0`` is not 1970-01-01)
    nor text with anything after the day (``2012-09-01xyz``)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(ISO_DATE, value):
        return value  # pydantic then refuses an impossible day (2023-02-30)
    raise ValueError(f"không phải ngày, hãy viết YYYY-MM-DD, ví dụ 2012-09-01 / not a date "
                     f"(write YYYY-MM-DD, e.g. 2012-09-01): {value!r}")


Year = Annotated[int, Field(ge=1945, le=2100)]
Count = Annotated[int, Field(ge=0)]
Date = Annotated[dt.date, BeforeValidator(_iso_date),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE})]
Finite = Annotated[float, Field(allow_inf_nan=False)]
def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Input should be a finite number / phải là số hữu hạn: {value!r}")
    return value


def _conferred(vocab: type[Title] | type[Reward]) -> BeforeValidator:
    def check(values: object) -> object:
        if isinstance(values, list):
            return [conferred_code(vocab, v) for v in values]
        return values
    return BeforeValidator(check)


def _conferred_schema(vocab: type[Title] | type[Reward]) -> WithJsonSchema:
    """What ``conferred_code`` accepts, as a schema: a code (ASCII snake_case: the vocabulary's, an alias or a
    school's own) or a spelling of a known one (case, diacritics, NFC or NFD folded as the loader folds them);
    other text ("Chiến sĩ thi đua xịn") is refused by both."""
    keys = [m.value for m in vocab] + list(getattr(vocab, "_aliases", {}))
    what = "danh hiệu / title" if vocab is Title else "hình thức khen thưởng / reward"
    return WithJsonSchema({"type": "string", "title": f"Conferred{vocab.__name__}",
                           "description": (
                               f"Một {what}: mã (chữ thường không dấu, gạch dưới: mã của danh mục {vocab.__name__}, "
                               "một bí danh, hoặc mã riêng của trường), hoặc cách viết tiếng Việt của một mục trong "
                               "danh mục (có hoặc không dấu, hoa hoặc thường, NFC hoặc NFD); chữ khác bị từ chối / a "
                               "code (the vocabulary's, an alias or a school's own) or a Vietnamese spelling of a "
                               "known one; other text is refused"),
                           "anyOf": [{"pattern": "^[a-z0-9_]+$"}, {"pattern": spelling_pattern(keys)}]})


Titles = Annotated[list[Annotated[str, _conferred_schema(Title)]], _conferred(Title)]
Rewards = Annotated[list[Annotated[str, _conferred_schema(Reward)]], _conferred(Reward)]
_TITLES_DOC = (
    "Danh hiệu đã được tặng cho thành tích của năm (mã hoặc tên tiếng Việt); [] = biết là không được tặng; bỏ trống "
    "= chưa biết. Bản ghi năm có thể chỉ ghi titles/rewards: xếp loại, kỷ luật của năm đó khi ấy là chưa biết, và "
    "các quy tắc đọc danh hiệu đã tặng vẫn dùng được / titles conferred for the year's achievements; [] = known "
    "none; omitted = not known. A year record may hold only titles/rewards: its rating and discipline are then "
    "not known, and the rules that read conferred titles still use them")
_REWARDS_DOC = (
    "Hình thức khen thưởng đã được tặng trong năm (mã hoặc tên tiếng Việt); [] = biết là không có; bỏ trống = chưa "
    "biết; có thể là nội dung duy nhất của bản ghi năm / rewards conferred in the year; [] = known none; omitted = "
    "not known; may be all a year record holds")
# The list fields whose entries are conferred titles or rewards, for readers that do not go through the models.
CONFERRED_FIELDS: dict[str, type[Title] | type[Reward]] = {"titles": Title, "rewards": Reward}

InputValue = Annotated[bool | int | float | str | None, AfterValidator(_finite)]
Inputs = dict[str, InputValue]


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _unique(items: Sequence[BaseModel] | None, key: str, what: str) -> None:
    if not items:
        return
    seen: set[object] = set()
    for item in items:
        value = getattr(item, key)
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


class Initiative(_Fact):
    """Sáng kiến: recognised at a level in a year; may be used once as a basis (CV 5007/BNV-TĐKT).

    Its use as a basis is three-valued (issue 12): ``used: false`` (or ``used_for: []``) says it was never
    used; ``used_in_year`` says the year of the title or reward it served; ``used: true`` or a non-empty
    ``used_for`` without a year says it was used, year not known; nothing says the use is not known, and the
    rules then count it as possibly used (a range), never as unused.
    """

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"not": {"required": ["used", "used_in_year"],
                 "properties": {"used": {"const": False}, "used_in_year": {"type": "integer"}}}},
        {"not": {"required": ["used", "used_for"],
                 "properties": {"used": {"const": False}, "used_for": {"type": "array", "minItems": 1}}}},
        {"not": {"required": ["used_for", "used_in_year"],
                 "properties": {"used_for": {"type": "array", "maxItems": 0}, "used_in_year": {"type": "integer"}}}},
        {"not": {"required": ["used_for", "used"],
                 "properties": {"used_for": {"type": "array", "maxItems": 0}, "used": {"const": True}}}},
    ]})

    id: str
    title: str | None = None
    level: Level | None = None
    year: Year | None = None
    applied: bool | None = None
    used: bool | None = Field(
        default=None, description=(
            "Đã dùng làm căn cứ đề nghị khen thưởng chưa: false = biết là chưa dùng lần nào; true = đã dùng; bỏ "
            "trống = chưa biết (có năm used_in_year hoặc used_for có tên là đã dùng) — sáng kiến chưa biết thì "
            "được coi là có thể đã dùng / used as a basis for a reward: false = known never used; true = used; "
            "omitted = not known (a year in used_in_year or a name in used_for says used): possibly used"))
    used_for: list[str] | None = Field(
        default=None, description=(
            "Danh hiệu, hình thức khen thưởng đã dùng sáng kiến làm căn cứ; [] = chưa dùng lần nào (như used: "
            "false) / titles or rewards it served as a basis; [] = never used (as used: false)"))
    used_in_year: Year | None = Field(
        default=None, description=(
            "Năm của danh hiệu, hình thức khen thưởng đã dùng sáng kiến làm căn cứ (có năm là đã dùng; chỉ được "
            "tính lại cho chính năm đó); bỏ trống khi đã dùng = chưa biết năm / year of the title or reward it "
            "served (given = used; it counts again only for that year); omitted while used = year not known"))

    @model_validator(mode="before")
    @classmethod
    def _never_used(cls, data: object) -> object:
        """``used_for: []`` says never used: the rules read it as ``used: false``."""
        if isinstance(data, dict) and data.get("used_for") == [] and data.get("used") is None:
            return {**data, "used": False}
        return data

    @model_validator(mode="after")
    def _check(self) -> Initiative:
        never = self.used is False or self.used_for == []
        if never and (self.used is True or self.used_in_year is not None or self.used_for):
            raise ValueError(f"initiative {self.id!r}: recorded both as never used (used: false or used_for: []) "
                             f"and as used (used: true, used_in_year or used_for) / sáng kiến vừa ghi chưa dùng "
                             f"vừa ghi đã dùng")
        return self

    @property
    def use_known(self) -> bool | None:
        """Whether it was used as a basis: False never, True used, None not known (issue 12)."""
        if self.used is not None:
            return self.used
        return True if (self.used_in_year is not None or self.used_for) else None


class Research(_Fact):
    """Đề tài / công trình nghiên cứu khoa học."""

    id: str
    title: str | None = None
    level: Level | None = None
    year: Year | None = None
    accepted: bool | None = None
    applied: bool | None = None


class StaffYear(_Fact):
    """One staff member's record for one achievement year.

    Every fact not written is unknown (issue 12), discipline and a pending
    review included: write ``discipline: khong`` and ``discipline_pending:
    false`` to say there was none. A record may hold only ``titles`` and/or
    ``rewards`` (a past year known from its conferrals): it says what was
    conferred and leaves the rating and discipline of that year unknown; the
    streaks read a conferred title before the computed one (``coalesce``).
    Its unknown discipline leaves the NĐ 98 check of the two following years
    unknown unless ``discipline`` is written too.
    """

    year: Year
    unit_id: str | None = None
    rating: Rating | None = None
    party_rating: Rating | None = None
    discipline: DisciplineForm | None = Field(
        default=None, description=(
            "Hình thức kỷ luật trong năm (khong = không bị kỷ luật); bỏ trống = chưa biết / discipline imposed in "
            "the year (khong = none); omitted = not known"))
    discipline_ends_on: Date | None = Field(
        default=None, description=(
            "Ngày hết thời hạn kỷ luật của hình thức ghi trong năm; thành tích tính từ ngày này (NĐ 98/2023 Điều 4) "
            "/ end of the discipline period of that discipline; achievements count from this date"))
    discipline_pending: bool | None = Field(
        default=None, description=(
            "Đang bị xem xét kỷ luật, điều tra, thanh tra; false = không; bỏ trống = chưa biết / under disciplinary "
            "review, investigation or inspection; false = no; omitted = not known"))
    maternity_leave_days: Count | None = None
    absent_days: Count | None = None
    training_months: Count | None = None
    training_grade: str | None = None
    emulation_registered: bool | None = None
    titles: Titles | None = Field(default=None, description=_TITLES_DOC)
    rewards: Rewards | None = Field(default=None, description=_REWARDS_DOC)
    prizes: list[str] | None = None
    inputs: Inputs = Field(default_factory=dict)


class Staff(_Fact):
    """Cán bộ, viên chức, người lao động of a school."""

    kind: Literal["staff"] = "staff"
    id: str
    name: str | None = None
    gender: Gender | None = None
    unit_id: str | None = None
    position: str | None = None
    is_manager: bool | None = None
    employment: Employment | None = None
    is_lecturer: bool | None = None
    lecturer_type: LecturerType | None = None
    degree: Degree | None = None
    degree_relevant: bool | None = None
    grade: Grade | None = None
    political_theory: PoliticalTheory | None = None
    pedagogy_cert: bool | None = None
    classics_cert: bool | None = None
    active_teaching: bool | None = None
    demonstration_teaching: bool | None = None
    teaching_years_at_school: Annotated[Finite, Field(ge=0)] | None = None
    recruited_on: Date | None = Field(
        None, description=(
            "Ngày bắt đầu thời gian công tác liên tục tại cơ quan, đơn vị (kể cả thời gian hợp đồng lao động "
            "trước khi tuyển dụng), dùng cho giới hạn người mới tuyển dụng khi xét LĐTT (Bộ Nội vụ, LEGAL_SOURCES "
            "§8a.8) / start of continuous service at the agency, including a prior labour contract"))
    # Omitted: not known (the history is unknown); an empty list: known to have no year records (issue 12).
    years: list[StaffYear] | None = None
    # Omitted: not known (a rule reading them is unknown); an empty list: known to have none (issue 12).
    initiatives: list[Initiative] | None = None
    research: list[Research] | None = None
    inputs: Inputs = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Staff:
        _unique(self.years, "year", "year record")
        _unique(self.initiatives, "id", "initiative")
        _unique(self.research, "id", "research item")
        return self


class UnitYear(_Fact):
    """A unit's record for one year; like StaffYear, a fact not written (a pending review too) is unknown,
    and a record may hold only the titles or rewards conferred."""

    year: Year
    rating: Rating | None = None
    discipline_pending: bool | None = None
    titles: Titles | None = Field(default=None, description=_TITLES_DOC)
    rewards: Rewards | None = Field(default=None, description=_REWARDS_DOC)
    inputs: Inputs = Field(default_factory=dict)


class Unit(_Fact):
    """Khoa or phòng of a school."""

    kind: Literal["unit"] = "unit"
    id: str
    name: str | None = None
    unit_kind: UnitKind | None = None
    dissolved: bool | None = Field(
        default=None, description=(
            "Đơn vị đã bị giải thể khi sắp xếp tổ chức bộ máy năm 2025 (TT 15/2025/TT-BNV); bỏ trống = chưa biết, "
            "false = biết là không giải thể / dissolved in the 2025 reorganisation; omitted = not known"))
    dissolved_on: Date | None = Field(
        default=None, description="Ngày giải thể (nếu có; có ngày thì dissolved là true) / date of dissolution")
    years: list[UnitYear] | None = None  # omitted: not known; [] known to have no year records
    inputs: Inputs = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _dated_dissolution(cls, data: object) -> object:
        """A dissolution date says the unit was dissolved (when ``dissolved`` itself is not given)."""
        if isinstance(data, dict) and data.get("dissolved_on") is not None and data.get("dissolved") is None:
            return {**data, "dissolved": True}
        return data

    @model_validator(mode="after")
    def _check(self) -> Unit:
        _unique(self.years, "year", "year record")
        return self


class SchoolYear(_Fact):
    """A school's record for one year; a fact not written (a pending review too) is unknown, and a record may
    hold only the titles or rewards conferred."""

    year: Year
    rating: Rating | None = None
    party_rating: Rating | None = None
    discipline_pending: bool | None = None
    titles: Titles | None = Field(default=None, description=_TITLES_DOC)
    rewards: Rewards | None = Field(default=None, description=_REWARDS_DOC)
    inputs: Inputs = Field(default_factory=dict)


class School(_Fact):
    """Trường chính trị tỉnh / thành phố: the unit appraised under 11-QĐ/TW."""

    kind: Literal["school"] = "school"
    id: str
    name: str | None = None
    province: str | None = None
    dossier_date: Date | None = None
    units: list[Unit] | None = None
    staff: list[Staff] | None = None
    research: list[Research] | None = None
    years: list[SchoolYear] | None = None  # omitted: not known; [] known to have no year records
    inputs: Inputs = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> School:
        _unique(self.units, "id", "unit")
        _unique(self.staff, "id", "staff member")
        _unique(self.research, "id", "research item")
        _unique(self.years, "year", "year record")
        unit_ids = {u.id for u in self.units or []}
        if self.units is not None:
            for person in self.staff or []:
                refs = [person.unit_id] + [y.unit_id for y in person.years or []]
                for ref in refs:
                    if ref is not None and ref not in unit_ids:
                        raise ValueError(f"staff {person.id!r} names unknown unit {ref!r}")
        return self


class Cluster(_Fact):
    """Cụm thi đua: schools compared with each other by the Academy."""

    kind: Literal["cluster"] = "cluster"
    id: str
    name: str | None = None
    school_ids: list[str] = Field(default_factory=list)
    years: list[SchoolYear] | None = None  # omitted: not known; [] known to have no year records
    inputs: Inputs = Field(default_factory=dict)


Entity = Annotated[School | Cluster | Staff | Unit, Field(discriminator="kind")]


class FactsDocument(_Fact):
    """What a facts file holds: a list of top-level entities (schools, clusters)."""

    schema_version: Literal["1"] = "1"
    entities: list[Entity] = Field(default_factory=list)
