"""Errors as ``application/problem+json`` (RFC 9457), carrying the library's named errors.

A ``ChuanError`` keeps its class name (``FactsError``, ``PackNotFoundError``…), its message as
``describe()`` gives it and its fields (file, entity, field, rule); the HTTP status says who must act.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ..errors import (
    ChuanError,
    EvaluationError,
    FactsError,
    PackNotFoundError,
    ParameterError,
    RuleError,
    Text,
)

MEDIA_TYPE = "application/problem+json"

TITLES = {
    "FactsError": "Dữ kiện không hợp lệ / invalid facts",
    "PackNotFoundError": "Không có bộ quy tắc / no such pack",
    "RuleNotFound": "Không có quy tắc / no such rule",
    "ParameterError": "Tham số không hợp lệ / invalid parameter",
    "RuleError": "Bộ quy tắc không hợp lệ / invalid rule pack",
    "EvaluationError": "Không đánh giá được / evaluation failed",
    "ChuanError": "Lỗi / error",
    "RequestTooLarge": "Yêu cầu quá lớn / request too large",
    "Timeout": "Quá thời gian xử lý / processing time limit exceeded",
    "RequestError": "Yêu cầu không hợp lệ / invalid request",
    "NotFound": "Không tìm thấy / not found",
    "MethodNotAllowed": "Phương thức không được phép / method not allowed",
    "UnsupportedMediaType": "Kiểu nội dung không hỗ trợ / unsupported media type",
    "NotAcceptable": "Không có định dạng được yêu cầu / format not available",
}


def status_of(exc: ChuanError) -> int:
    """404 for a pack that does not exist; 422 for input the library refused; 400 for anything else."""
    match exc:
        case PackNotFoundError():
            return 404
        case FactsError() | ParameterError() | EvaluationError():
            return 422
        case RuleError():
            return 422
        case _:
            return 400


def title(error: str, lang: str = "vi") -> str:
    """The problem type's short title in ``lang`` (TITLES holds "Vietnamese / English")."""
    vi, _, en = TITLES.get(error, TITLES["ChuanError"]).partition(" / ")
    return Text(vi, en or vi).pick(lang)


def problem(status: int, error: str, detail: str, lang: str = "vi", **fields: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": f"urn:chuan:error:{error}", "title": title(error, lang),
                            "status": status, "detail": detail, "error": error}
    body.update({k: v for k, v in fields.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def request_lang(request: Request) -> str:
    """The language a request asked for (its ``lang`` field or ``?lang=``), Vietnamese by default."""
    said = getattr(request.state, "lang", None) or request.query_params.get("lang")
    return "en" if said == "en" else "vi"


def from_chuan_error(exc: ChuanError, status: int | None = None, lang: str = "vi") -> JSONResponse:
    """The problem for a library error; ``detail`` in ``lang`` (Vietnamese by default)."""
    fields = {name: getattr(exc, name, None) for name in ("file", "where", "entity", "field", "rule")}
    return problem(status or status_of(exc), type(exc).__name__, exc.describe(lang), lang, **fields)
