"""The OpenAPI document: FastAPI's, with the facts, report and problem schemas as named components."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .problems import MEDIA_TYPE

_REF = "#/components/schemas/"
_DESCRIPTIONS = {400: "malformed request (e.g. too many files or fields)", 404: "no such pack, rule or path", 413: "request body too large",
                 415: "unsupported content type", 422: "invalid facts, parameters or request",
                 503: "processing time limit exceeded"}


def _rewrite(node: Any, prefix: str) -> Any:
    """``#/$defs/X`` refs point at the component ``prefix + X``; ``{"x-component": N}`` becomes a ref to N."""
    match node:
        case {"x-component": str(name)}:
            return {"$ref": _REF + name}
        case dict():
            return {k: (_REF + prefix + v[len("#/$defs/"):] if k == "$ref" and isinstance(v, str)
                        and v.startswith("#/$defs/") else _rewrite(v, prefix)) for k, v in node.items()}
        case list():
            return [_rewrite(v, prefix) for v in node]
        case _:
            return node


def component(name: str, schema: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON Schema as components: its ``$defs`` become siblings named ``prefix + def``, refs follow."""
    top = {k: v for k, v in schema.items() if k not in ("$defs", "$schema")}
    out = {name: _rewrite(top, prefix)}
    for key, sub in (schema.get("$defs") or {}).items():
        out[prefix + key] = _rewrite(sub, prefix)
    return out


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"description": _DESCRIPTIONS[code],
                   "content": {MEDIA_TYPE: {"schema": {"$ref": _REF + "Problem"}}}} for code in codes}


def with_components(app: FastAPI, components: dict[str, Any],
                    finish: Callable[[dict[str, Any]], None] | None = None) -> Callable[[], dict[str, Any]]:
    """An ``app.openapi`` that adds ``components`` to the generated document, then lets ``finish`` edit it."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(components)
            if finish is not None:
                finish(doc)
            app.openapi_schema = doc
        return app.openapi_schema

    return openapi
