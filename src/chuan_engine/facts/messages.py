"""Validation messages in Vietnamese and English, by pydantic's error type.

pydantic words its messages in English only ("Input should be a valid date or datetime, invalid character in
year"); the facts contract is for Vietnamese officials, so each error type the fact models can raise gets a
message of ours in both languages, with the form expected. An unlisted type keeps pydantic's wording.
"""

from __future__ import annotations

from typing import Any

from ..errors import Text

KINDS = "school, cluster, unit hoặc/or staff"

_DATE_TYPES = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
               "datetime_parsing")
_INT = Text("cần một số nguyên, ví dụ 12", "expected a whole number, e.g. 12")
_NUM = Text("cần một số, ví dụ 0.85 hoặc 12", "expected a number, e.g. 0.85 or 12")

_BY_TYPE: dict[str, Text] = {
    "missing": Text("thiếu trường bắt buộc", "required field missing"),
    "int_parsing": _INT, "int_type": _INT, "int_from_float": _INT,
    "float_parsing": _NUM, "float_type": _NUM, "finite_number": Text("phải là số hữu hạn", "must be a finite number"),
    "bool_parsing": Text("cần true/false (có/không)", "expected true or false"),
    "bool_type": Text("cần true/false (có/không)", "expected true or false"),
    "string_type": Text("cần văn bản", "expected text"),
    "list_type": Text("cần một danh sách (- mục ...)", "expected a list (- item ...)"),
    "model_type": Text("cần một bản ghi (khóa: giá trị)", "expected a record (key: value)"),
    "dict_type": Text("cần một bản ghi (khóa: giá trị)", "expected a record (key: value)"),
    "union_tag_not_found": Text(f"thiếu 'kind' ({KINDS})", f"missing 'kind' ({KINDS})"),
}


def _bound(err: dict[str, Any]) -> Text | None:
    ctx = err.get("ctx") or {}
    match err["type"]:
        case "greater_than_equal":
            return Text(f"phải từ {ctx.get('ge')} trở lên", f"must be at least {ctx.get('ge')}")
        case "greater_than":
            return Text(f"phải lớn hơn {ctx.get('gt')}", f"must be greater than {ctx.get('gt')}")
        case "less_than_equal":
            return Text(f"phải không quá {ctx.get('le')}", f"must be at most {ctx.get('le')}")
        case "less_than":
            return Text(f"phải nhỏ hơn {ctx.get('lt')}", f"must be less than {ctx.get('lt')}")
        case "enum" | "literal_error":
            expected = ctx.get("expected", "")
            return Text(f"không có trong danh mục (cần một trong: {expected})",
                        f"not in the list (expected one of: {expected})")
        case _:
            return None


def validation_text(err: dict[str, Any], kind: object = None) -> Text | str:
    """Our message for one pydantic error (``ValidationError.errors()`` item); ``kind`` the entity's kind."""
    match err["type"]:
        case "missing" if not err["loc"] or err["loc"] == ("kind",):
            return _BY_TYPE["union_tag_not_found"]
        case "union_tag_invalid":
            return Text(f"'kind' không hợp lệ {kind!r} ({KINDS})", f"unknown 'kind' {kind!r} ({KINDS})")
        case "value_error" if "error" in (err.get("ctx") or {}):
            said = getattr(err["ctx"]["error"], "text", None)  # a validator's message in both languages
            return said if isinstance(said, Text) else str(err["ctx"]["error"])  # without "Value error, "
        case t if t in _DATE_TYPES:  # the value as written, so "2023-02-30" is found at once
            value = err.get("input")
            return Text(f"không phải ngày hợp lệ ({value!r}); dùng YYYY-MM-DD hoặc dd/mm/yyyy",
                        f"not a valid date ({value!r}); use YYYY-MM-DD or dd/mm/yyyy")
        case t if t in _BY_TYPE:
            return _BY_TYPE[t]
        case _:
            return _bound(err) or str(err["msg"])
