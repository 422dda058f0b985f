"""The YAML shape of a rule pack, validated by pydantic before anything is compiled.

A pack is a folder ``rules/<pack>/`` of YAML files. One file holds the
``pack:`` header; any file may add ``parameters``, ``variables`` and ``rules``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import Text
from .provenance import Provenance

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"


class Invalid(ValueError):
    """A pack's YAML shape is wrong; the message in both languages, for the loader to show the one asked for."""

    def __init__(self, vi: str, en: str) -> None:
        self.text = Text(vi, en)
        super().__init__(str(self.text))


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Spec):
    document: str
    article: str | None = None
    clause: str | None = None
    url: str | None = None
    note: str | None = None

    def short(self) -> str:
        parts = [p for p in (self.clause and f"khoản {self.clause}", self.article, self.document) if p]
        return ", ".join(parts)


class Period(_Spec):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise Invalid(f"giai đoạn hiệu lực kết thúc ({self.end}) trước khi bắt đầu ({self.start}); "
                          "cần 'to' không sớm hơn 'from'",
                          f"effective period ends ({self.end}) before it starts ({self.start}); "
                          "expected 'to' no earlier than 'from'")
        return self

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


class Level(_Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_vi: str
    label_en: str


class Group(_Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_vi: str
    label_en: str


class Implication(_Spec):
    """Declared consistency: whenever ``if_`` passes, ``then`` must pass (checked by properties)."""

    if_: str = Field(alias="if")
    then: str
    # when the implication holds (a law may drop a condition that made it true); None = whenever both are in force
    effective: Period | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PackHeader(_Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    title_vi: str
    title_en: str
    description_vi: str | None = None
    description_en: str | None = None
    levels: list[Level] = Field(default_factory=list)
    level_subjects: list[Literal["school", "unit", "staff", "cluster"]] | None = None
    groups: list[Group] = Field(default_factory=list)
    implications: list[Implication] = Field(default_factory=list)
    expected_indicator_count: int | None = None


class ParameterValueSpec(_Spec):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    value: float | int | bool | str
    source: str
    provenance: Provenance
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ParameterSpec(_Spec):
    label_vi: str
    label_en: str
    unit: str | None = None
    values: list[ParameterValueSpec] = Field(min_length=1)


class VariableSpec(_Spec):
    subject: Literal["school", "unit", "staff", "cluster"]
    type: Literal["number", "integer", "ratio", "share", "bool", "text", "date"] | None = None
    formula: str | None = None
    label_vi: str
    label_en: str
    unit: str | None = None

    @model_validator(mode="after")
    def _typed(self) -> VariableSpec:
        if self.formula is None and self.type is None:
            raise Invalid("biến chỉ nhập (không có công thức 'expr') phải khai báo 'type' (num, bool, str, date)",
                          "an input-only variable (no formula 'expr') must declare its 'type' (num, bool, str, date)")
        return self


class GapSpec(_Spec):
    """How to say the smallest change that meets a measured indicator."""

    noun_vi: str
    noun_en: str
    mode: Literal["add", "convert", "value"] = "convert"


class RuleSpec(_Spec):
    id: str = Field(pattern=ID_PATTERN)
    concept: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    title_vi: str
    title_en: str
    subject: Literal["school", "unit", "staff", "cluster"]
    group: str | None = None
    citation: Citation
    effective: Period
    provenance: Provenance
    kind: Literal["indicator", "condition"]
    applies_if: str | None = None
    # indicator
    measure: str | None = None
    op: Literal[">=", ">", "<=", "<", "=="] | None = None
    thresholds: dict[str, str] | None = None
    unit: Literal["ratio", "count", "number"] | None = None
    gap: GapSpec | None = None
    # condition
    condition: str | None = None
    levels: list[str] | None = None
    # authoring hints used by the checks
    monotone_in: list[str] = Field(default_factory=list)
    note_vi: str | None = None
    note_en: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> RuleSpec:
        if self.kind == "indicator":
            missing = [k for k in ("measure", "op", "thresholds") if getattr(self, k) in (None, {})]
            if missing:
                raise Invalid(f"quy tắc loại chỉ số (indicator) cần {', '.join(missing)}",
                              f"an indicator needs {', '.join(missing)}")
            if self.condition is not None:
                raise Invalid("quy tắc loại chỉ số có 'measure', không có 'condition'",
                              "an indicator has a measure, not a condition")
        else:
            if self.condition is None:
                raise Invalid("quy tắc loại điều kiện cần 'condition'", "a condition rule needs 'condition'")
            if self.measure is not None or self.thresholds is not None:
                raise Invalid("quy tắc loại điều kiện không có 'measure' hay 'thresholds'",
                              "a condition rule has no measure or thresholds")
        return self

    @field_validator("title_vi")
    @classmethod
    def _vietnamese(cls, v: str) -> str:
        if not v.strip():
            raise Invalid("title_vi trống; cần tên quy tắc bằng tiếng Việt", "title_vi is empty; expected the "
                          "rule's Vietnamese title")
        return v


# A rule may carry ``versions:``: one entry per text of the law, each with its own period. The fields below
# may be written in a version; every other field (id, concept, subject, group, kind, ...) is the rule's own,
# shared by all its versions. A field written both at rule level and in a version takes the version's value.
VERSION_FIELDS = frozenset({
    "effective", "citation", "provenance", "title_vi", "title_en", "applies_if", "measure", "op", "thresholds",
    "unit", "gap", "condition", "levels", "monotone_in", "note_vi", "note_en",
})


def expand_versions(raw: dict[str, object]) -> list[dict[str, object]]:
    """A rule mapping as the flat rule mappings of its versions (a flat rule is its own only version).

    Raises ``ValueError`` naming what is wrong; the caller adds the file and the rule.
    """
    if "versions" not in raw:
        return [raw]
    versions = raw["versions"]
    if not isinstance(versions, list) or not versions:
        raise Invalid("versions: phải là một danh sách không rỗng, mỗi mục một phiên bản của quy tắc",
                      "versions: must be a non-empty list, one entry per version of the rule")
    if "effective" in raw:
        raise Invalid("quy tắc có versions: ghi giai đoạn hiệu lực trong từng phiên bản, không ở cấp quy tắc",
                      "a rule with versions: gives its effective period in each version, not at rule level")
    shared = {k: v for k, v in raw.items() if k != "versions"}
    out: list[dict[str, object]] = []
    for i, version in enumerate(versions):
        if not isinstance(version, dict):
            raise Invalid(f"versions[{i}]: một phiên bản phải là một bản ghi (khóa: giá trị)",
                          f"versions[{i}]: a version must be a mapping (key: value)")
        unknown = sorted(set(version) - VERSION_FIELDS)
        if unknown:
            allowed = ", ".join(sorted(VERSION_FIELDS))
            raise Invalid(f"versions[{i}]: '{unknown[0]}' là trường của quy tắc, không phải của phiên bản "
                          f"(một phiên bản có thể ghi {allowed})",
                          f"versions[{i}]: '{unknown[0]}' is the rule's own field, not a version's "
                          f"(a version may give {allowed})")
        if "effective" not in version:
            raise Invalid(f"versions[{i}]: phiên bản cần giai đoạn hiệu lực (effective: from/to)",
                          f"versions[{i}]: a version needs its effective period (effective: from/to)")
        out.append({**shared, **version})
    return out


class PackFile(_Spec):
    """One YAML file of a pack."""

    pack: PackHeader | None = None
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)
