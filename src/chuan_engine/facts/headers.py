"""The spreadsheet layout of facts: Vietnamese sheet names and column headers, and what each cell holds.

One sheet per kind of record, the frames of the batch layout (``batch/layout.py``) under Vietnamese names.
A column is a fact-model field (its header is the Vietnamese label below, or the English field name), an
id column, or a pack input written ``Nhãn [ten_bien]`` (the code in square brackets after the label).
Headers and sheet names are matched without case, diacritics or punctuation ("Ngay tuyen dung" is
"Ngày tuyển dụng"). Cell kinds come from the model annotations, so a new model field is a new column.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from . import models
from .vocab import OrderedVocab, Reward, Title, ascii_key


@dataclass(frozen=True)
class Frame:
    """One sheet: its frame name, Vietnamese name, model, id column and parent key columns."""

    name: str
    sheet_vi: str
    kind: str
    model: type[BaseModel]
    id_col: str
    parents: tuple[str, ...]
    year: bool = False


FRAMES: tuple[Frame, ...] = (
    Frame("schools", "Trường", "school", models.School, "school_id", ()),
    Frame("school_years", "Năm của trường", "school", models.SchoolYear, "school_id", (), year=True),
    Frame("units", "Đơn vị", "unit", models.Unit, "unit_id", ("school_id",)),
    Frame("unit_years", "Năm của đơn vị", "unit", models.UnitYear, "unit_id", ("school_id",), year=True),
    Frame("staff", "Cán bộ", "staff", models.Staff, "staff_id", ("school_id",)),
    Frame("staff_years", "Năm của cán bộ", "staff", models.StaffYear, "staff_id", ("school_id",), year=True),
    Frame("initiatives", "Sáng kiến", "initiative", models.Initiative, "initiative_id", ("school_id", "staff_id")),
    Frame("research", "Đề tài", "research", models.Research, "research_id", ("school_id", "staff_id")),
)
BY_NAME = {f.name: f for f in FRAMES}
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"

ID_LABELS = {"school_id": "Mã trường", "unit_id": "Mã đơn vị", "staff_id": "Mã cán bộ",
             "initiative_id": "Mã sáng kiến", "research_id": "Mã đề tài"}

LABELS: dict[str, str] = {
    "name": "Tên", "province": "Tỉnh, thành phố", "dossier_date": "Ngày lập hồ sơ", "unit_kind": "Loại đơn vị",
    "dissolved": "Đã giải thể", "dissolved_on": "Ngày giải thể", "gender": "Giới tính", "position": "Chức vụ",
    "is_manager": "Cán bộ quản lý", "employment": "Loại cán bộ", "is_lecturer": "Giảng viên",
    "lecturer_type": "Loại giảng viên", "degree": "Trình độ chuyên môn", "degree_relevant": "Chuyên môn phù hợp",
    "grade": "Ngạch, chức danh", "political_theory": "Trình độ lý luận chính trị",
    "pedagogy_cert": "Chứng chỉ nghiệp vụ sư phạm", "classics_cert": "Chứng chỉ kinh điển",
    "active_teaching": "Đang giảng dạy", "demonstration_teaching": "Đã giảng mẫu",
    "teaching_years_at_school": "Số năm giảng dạy tại trường", "recruited_on": "Ngày tuyển dụng",
    "year": "Năm", "rating": "Xếp loại", "party_rating": "Xếp loại đảng viên", "discipline": "Hình thức kỷ luật",
    "discipline_ends_on": "Ngày hết thời hạn kỷ luật", "discipline_pending": "Đang bị xem xét kỷ luật",
    "maternity_leave_days": "Số ngày nghỉ thai sản", "absent_days": "Số ngày nghỉ",
    "training_months": "Số tháng đi học", "training_grade": "Kết quả học tập",
    "emulation_registered": "Đăng ký thi đua", "titles": "Danh hiệu được tặng", "rewards": "Khen thưởng đã nhận",
    "prizes": "Giải thưởng", "title": "Tên", "level": "Cấp công nhận", "applied": "Đã áp dụng",
    "accepted": "Đã nghiệm thu", "used_for": "Đã dùng để xét", "used_in_year": "Năm đã dùng làm căn cứ",
    "used": "Đã dùng làm căn cứ",
}
NAME_LABEL = {"schools": "Tên trường", "units": "Tên đơn vị", "staff": "Họ và tên",
              "initiatives": "Tên sáng kiến", "research": "Tên đề tài"}

CellKind = Literal["text", "int", "number", "bool", "date", "vocab", "list", "auto"]


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the fact it fills, its header, what a cell holds, and its vocabulary if any."""

    field: str
    header: str
    cell: CellKind
    vocab: type[OrderedVocab] | None = None
    input: bool = False


def _strip(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else str
        else:
            return annotation


_LIST_VOCAB = {"titles": Title, "rewards": Reward}
_SKIP = {"kind", "id", "inputs", "years", "units", "staff", "research", "initiatives", "school_ids"}


def _column(frame: Frame, name: str, annotation: Any) -> Column | None:
    ann = _strip(annotation)
    header = NAME_LABEL.get(frame.name, LABELS["name"]) if name in ("name", "title") else LABELS.get(name, name)
    if name == "unit_id":
        return Column(name, ID_LABELS["unit_id"], "text")
    if get_origin(ann) is list:
        return Column(name, header, "list", _LIST_VOCAB.get(name))
    match ann:
        case type() if issubclass(ann, OrderedVocab):
            return Column(name, header, "vocab", ann)
        case type() if ann is bool:
            return Column(name, header, "bool")
        case type() if ann is int:
            return Column(name, header, "int")
        case type() if ann is float:
            return Column(name, header, "number")
        case type() if ann is dt.date:
            return Column(name, header, "date")
        case type() if ann is str:
            return Column(name, header, "text")
    return None


def key_columns(frame: Frame) -> list[Column]:
    """The id columns of a sheet: its parents' then its own (a year sheet adds the year)."""
    cols = [Column(k, ID_LABELS[k], "text") for k in (*frame.parents, frame.id_col)]
    if frame.year:
        cols.append(Column("year", LABELS["year"], "int"))
    return cols


def fact_columns(frame: Frame) -> list[Column]:
    """The fact-model columns of a sheet, in model order (without id, links and inputs)."""
    out = []
    for name, info in frame.model.model_fields.items():
        if name in _SKIP or (frame.year and name == "year"):
            continue
        col = _column(frame, name, info.annotation)
        if col is not None and col.field != frame.id_col:
            out.append(col)
    return out


def input_header(label: str, name: str) -> str:
    """The header of a pack input column: its label with the code in square brackets."""
    return f"{label} [{name}]"


_INPUT = re.compile(r"\[\s*([a-z][a-z0-9_]*)\s*\]\s*$")


def match_frame(sheet: str) -> Frame | None:
    """The frame a sheet name stands for (Vietnamese with or without diacritics, or the frame name)."""
    key = ascii_key(sheet)
    return next((f for f in FRAMES if key in (ascii_key(f.sheet_vi), f.name)), None)


def is_ignored_sheet(sheet: str) -> bool:
    return ascii_key(sheet) in (ascii_key(GUIDE_SHEET), ascii_key(LISTS_SHEET))


def match_column(frame: Frame, header: str) -> Column | None:
    """The column a header stands for: a label, a field name, or ``… [input_name]`` for a pack input."""
    found = _INPUT.search(header)
    if found:
        return Column(found.group(1), header, "auto", input=True)
    key = ascii_key(header)
    for col in key_columns(frame) + fact_columns(frame):
        if key in (ascii_key(col.header), col.field, ascii_key(LABELS.get(col.field, col.field))):
            return col
    if key == "id":
        return key_columns(frame)[len(frame.parents)]
    return None
