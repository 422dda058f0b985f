"""The web API and page: ``create_app(packs=...)`` builds one FastAPI application; nothing is global.

Packs are compiled once, when the app is made, and kept on ``app.state``; every request reads its
inputs into a private temporary folder that is gone when it ends, so no request sees another's data.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..analysis.gaps import gaps_dict
from ..api import RulePack, open_pack
from ..errors import ChuanError, FactsError, PackNotFoundError, Text
from ..facts.loader import facts_json_schema, load_facts
from ..facts.messages import validation_text
from ..facts.models import FactsDocument
from ..pack.find import pack_search_path
from ..report.results import Report
from ..report.workbook import workbook_bytes
from . import schemas
from .catalog import pack_info, rule_brief, rule_info
from .inputs import Upload, facts_from_json, facts_from_uploads, parameters_from, parse_date, scratch
from .limits import BodyLimit
from .openapi import component, problem_responses, with_components
from .page import EXAMPLES, page_html
from .problems import from_chuan_error, problem, request_lang

API_VERSION = "1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Settings:
    """Limits of one server: body size, seconds of work per request, files per upload."""

    max_body_bytes: int = 20 * 1024 * 1024
    time_limit: float = 60.0
    max_files: int = 20
    examples: dict[str, Path] = field(default_factory=dict)


class EvaluateRequest(BaseModel):
    """A JSON evaluation request: which pack, on which date, and the facts (or a bundled example)."""

    model_config = ConfigDict(extra="forbid")

    pack: str = Field(description="pack id, e.g. qd11_2021 (GET /v1/packs)")
    date: str = Field(description="evaluation date, YYYY-MM-DD or dd/mm/yyyy", examples=["2025-06-30"])
    lang: Literal["vi", "en"] = "vi"
    facts: Annotated[Any, WithJsonSchema({
        "anyOf": [{"x-component": "FactsDocument"}, {"type": "null"}],  # made a $ref by openapi.component
        "description": "a facts document {schema_version, entities}, as in a facts file (GET /v1/schema/facts); "
                       "a list of entities or one entity is read too"})] = None
    example: str | None = Field(default=None, description="a bundled example instead of facts")
    parameters: dict[str, Any] | None = Field(default=None, description="parameter overrides, as a --params file")
    format: Literal["json", "html", "xlsx"] = "json"


@dataclass
class Job:
    """One request's inputs, whichever way they came."""

    pack: str
    date: str
    lang: str = "vi"
    facts: Any = None
    uploads: list[Upload] = field(default_factory=list)
    example: str | None = None
    parameters: Any = None
    format: str = "json"


def bundled_pack_names() -> list[str]:
    """Every pack folder on the search path ($CHUAN_RULES, ./rules, bundled), first found wins."""
    names: list[str] = []
    for base in pack_search_path():
        if base.is_dir():
            names += [d.name for d in sorted(base.iterdir())
                      if (d / "pack.yaml").exists() and not d.name.startswith(("_", ".")) and d.name not in names]
    return names


def default_examples() -> dict[str, Path]:
    """The example fact folders of a source checkout (fixtures/), where there is one."""
    root = Path(__file__).resolve().parents[3] / "fixtures"
    return {name: root / name for name in EXAMPLES if (root / name).is_dir()}


def create_app(packs: Iterable[str | Path | RulePack] | None = None, *, examples: dict[str, Path] | None = None,
               max_body_bytes: int = 20 * 1024 * 1024, time_limit: float = 60.0) -> FastAPI:
    """A FastAPI app serving ``packs`` (names, paths or loaded packs; default: every pack found)."""
    compiled: dict[str, RulePack] = {}
    for p in bundled_pack_names() if packs is None else packs:
        pack = p if isinstance(p, RulePack) else open_pack(str(p))
        compiled[pack.id] = pack
    settings = Settings(max_body_bytes=max_body_bytes, time_limit=time_limit,
                        examples=default_examples() if examples is None else dict(examples))

    app = FastAPI(title="chuan_engine", version=API_VERSION,
                  description="Đánh giá quy định thành quy tắc / Vietnamese regulations as rules. "
                              "Errors are application/problem+json naming the library's error class.")
    app.state.packs = compiled
    app.state.settings = settings
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    _handlers(app)
    _routes(app)
    app.openapi = with_components(app, {  # type: ignore[method-assign]
        **component("FactsDocument", FactsDocument.model_json_schema(
            ref_template="#/components/schemas/{model}")),
        **component("Report", schemas.report_schema(), prefix="Report_"),
        **component("Gaps", schemas.gaps_schema()),
        **component("Problem", schemas.PROBLEM),
        **component("PackInfo", schemas.PACK_INFO),
        **component("RuleInfo", schemas.RULE_INFO),
        **component("EvaluateRequest", EvaluateRequest.model_json_schema(
            ref_template="#/components/schemas/{model}")),
    }, finish=lambda doc: _document_packs(doc, compiled))
    return app


def _document_packs(doc: dict[str, Any], packs: dict[str, RulePack]) -> None:
    """The packs this server has, as the enum of every ``pack`` field, and a working example per operation."""
    ids = list(packs)
    if not ids:
        return
    first = next(p for p in ("demo", *ids) if p in packs)
    doc["components"]["schemas"]["EvaluateRequest"]["properties"]["pack"]["enum"] = ids
    example = {"pack": first, "date": dt.date.today().isoformat(), "facts": {"entities": []}}
    for path in ("/v1/evaluate", "/v1/gaps"):
        content = doc["paths"][path]["post"]["requestBody"]["content"]
        content["application/json"]["example"] = example
        form = content["multipart/form-data"]["schema"] = json.loads(json.dumps(_FORM_SCHEMA))
        form["properties"]["pack"]["enum"] = ids
    rule_example = packs[first].rules[0].id if packs[first].rules else "demo.ty_le_giang_vien"
    for path, name, value in (("/v1/packs/{pack_id}/rules", "pack_id", first), ("/v1/rules/{rule_id}", "rule_id",
                                                                                  rule_example)):
        for param in doc["paths"][path]["get"].get("parameters", []):
            if param["name"] == name:
                param["schema"]["examples"] = [value]


# ---------------------------------------------------------------------------------------------
# errors


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ChuanError)
    async def chuan_error(request: Request, exc: ChuanError) -> JSONResponse:
        return from_chuan_error(exc, lang=request_lang(request))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_lang(request)
        errors = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg"))} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "?"}
        said = validation_text(dict(exc.errors()[0])) if exc.errors() else "?"
        msg = said.pick(lang) if isinstance(said, Text) else said
        return problem(422, "RequestError", f"{'.'.join(first['loc'])}: {msg}", lang, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        names = {404: "NotFound", 405: "MethodNotAllowed", 415: "UnsupportedMediaType", 406: "NotAcceptable"}
        return problem(exc.status_code, names.get(exc.status_code, "RequestError"), str(exc.detail),
                       request_lang(request))


# ---------------------------------------------------------------------------------------------
# reading a request


def _pack(app: FastAPI, pack_id: str) -> RulePack:
    packs: dict[str, RulePack] = app.state.packs
    if pack_id in packs:
        return packs[pack_id]
    near = difflib.get_close_matches(pack_id, list(packs), n=1)
    vi_hint, en_hint = (f"; có phải '{near[0]}'?", f"; did you mean '{near[0]}'?") if near else ("", "")
    have = ", ".join(packs)
    raise PackNotFoundError(Text(f"không có bộ quy tắc '{pack_id}' (có: {have}){vi_hint}",
                                 f"no pack '{pack_id}' (there are: {have}){en_hint}"))


async def _job(request: Request, settings: Settings) -> Job:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    match ctype:
        case "application/json":
            try:
                data = json.loads(await request.body())
            except (ValueError, RecursionError):
                raise FactsError(Text("nội dung yêu cầu không phải JSON hợp lệ", "the request body is not valid JSON"),
                                 file="request") from None
            if isinstance(data, dict) and data.get("lang") in ("vi", "en"):
                request.state.lang = data["lang"]  # the problem's detail follows it, even if the rest is bad
            try:
                req = EvaluateRequest.model_validate(data)
            except ValidationError as exc:
                raise RequestValidationError(exc.errors()) from None
            return Job(req.pack, req.date, req.lang, req.facts, [], req.example, req.parameters, req.format)
        case "multipart/form-data" | "application/x-www-form-urlencoded":
            return await _form_job(request, settings)
        case _:
            said = Text("dùng application/json hoặc multipart/form-data (tiêu đề content-type)",
                        "send application/json or multipart/form-data (the content-type header)")
            raise StarletteHTTPException(415, said.pick(request_lang(request)))


@dataclass
class _Form:
    """A form's fields as read: text fields, uploaded files, the parameter overrides (a file or JSON)."""

    text: dict[str, str] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    params: Any = None


async def _form_job(request: Request, settings: Settings) -> Job:
    if request.query_params.get("lang") in ("vi", "en"):
        request.state.lang = request.query_params["lang"]
    form = await request.form(max_files=settings.max_files, max_fields=50, max_part_size=settings.max_body_bytes)
    read = _Form()
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                _form_file(read, key, Upload(value.filename or key, await value.read()))
            else:
                _form_text(read, key, value, request)
    finally:
        await form.close()
    return _job_of(read)


def _form_file(read: _Form, key: str, up: Upload) -> None:
    if key == "parameters":
        read.params = up
    elif key == "file":
        if up.data or up.name:  # a browser sends an empty part for an empty file input
            read.uploads.append(up)
    else:
        raise FactsError(Text(f"trường tệp không rõ '{key}' (cần 'file' hoặc 'parameters')",
                              f"unknown file field '{key}' (expected 'file' or 'parameters')"), field=key)


def _form_text(read: _Form, key: str, value: str, request: Request) -> None:
    if key == "parameters" and value.strip():
        try:
            read.params = json.loads(value)
        except ValueError:
            raise FactsError(Text("tham số phải là JSON, ví dụ {\"tên.tham_số\": 2}",
                                  "parameters must be JSON, e.g. {\"name.parameter\": 2}"),
                             field="parameters") from None
    else:
        read.text[key] = value
        if key == "lang" and value in ("vi", "en"):
            request.state.lang = value


def _job_of(read: _Form) -> Job:
    """The job a form asks for, its fields checked."""
    text = read.text
    unknown = sorted(set(text) - {"pack", "date", "lang", "example", "format"})
    if unknown:
        raise FactsError(Text(f"trường biểu mẫu không rõ {unknown} (cần pack, date, lang, example, format)",
                              f"unknown form fields {unknown} (expected pack, date, lang, example, format)"),
                         field=unknown[0])
    lang = text.get("lang") or "vi"
    fmt = text.get("format") or "json"
    if lang not in ("vi", "en"):
        raise FactsError(Text("ngôn ngữ phải là 'vi' hoặc 'en'", "lang must be 'vi' or 'en'"), field="lang")
    if fmt not in ("json", "html", "xlsx"):
        raise FactsError(Text("định dạng phải là json, html hoặc xlsx", "format must be json, html or xlsx"),
                         field="format")
    if "pack" not in text:
        raise FactsError(Text("thiếu bộ quy tắc (trường 'pack', ví dụ qd11_2021)",
                              "missing pack (field 'pack', e.g. qd11_2021)"), field="pack")
    return Job(text["pack"], text.get("date", ""), lang, None, read.uploads, text.get("example") or None,
               read.params, fmt)


def _evaluate(app: FastAPI, job: Job, extras: bool = True) -> Report:
    """Runs in a worker thread: the pack, the date, the overrides and the facts, then one evaluation."""
    settings: Settings = app.state.settings
    pack = _pack(app, job.pack)
    on = parse_date(job.date)
    given = [x for x in (job.facts is not None, bool(job.uploads), job.example is not None) if x]
    if len(given) != 1:
        raise FactsError(Text("gửi đúng một trong: facts, tệp (file) hoặc example",
                              "give exactly one of facts, file or example"), field="facts")
    with scratch() as folder:
        if job.parameters is not None:
            pack = RulePack.of(pack.with_parameters(parameters_from(folder, job.parameters)))
        if job.example is not None:
            if job.example not in settings.examples:
                have = ", ".join(settings.examples) or "—"
                raise FactsError(Text(f"không có ví dụ '{job.example}' (có: {have})",
                                      f"no example '{job.example}' (there are: {have})"), field="example")
            facts = load_facts(settings.examples[job.example])
        elif job.uploads:
            facts = facts_from_uploads(folder, job.uploads, on, pack)
        else:
            facts = facts_from_json(folder, job.facts)
        return pack.evaluate(facts, on, lang=job.lang, extras=extras)


async def _in_time(app: FastAPI, work: Callable[[], Response], lang: str) -> Response:
    settings: Settings = app.state.settings
    try:
        return await asyncio.wait_for(asyncio.to_thread(work), timeout=settings.time_limit)
    except TimeoutError:
        said = Text(f"quá {settings.time_limit:g} giây xử lý", f"over {settings.time_limit:g} s of processing")
        return problem(503, "Timeout", said.pick(lang), lang)


def _xlsx(report: Report) -> bytes:
    """The filed workbook of the CLI (summary, a sheet per title proposed, a sheet per kind)."""
    return workbook_bytes(report)


def _render(report: Report, fmt: str) -> Response:
    match fmt:
        case "html":
            return HTMLResponse(report.to_html())
        case "xlsx":
            name = f"chuan_{report.pack.id}_{report.as_of.isoformat()}.xlsx"
            return Response(_xlsx(report), media_type=XLSX,
                            headers={"content-disposition": f"attachment; filename={name}"})
        case _:
            return Response(report.to_json(indent=None), media_type="application/json")


# ---------------------------------------------------------------------------------------------
# routes


_FORM_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["pack", "date"],
    "properties": {
        "pack": {"type": "string"}, "date": {"type": "string", "examples": ["2025-06-30"]},
        "lang": {"enum": ["vi", "en"]}, "format": {"enum": ["json", "html", "xlsx"]},
        "example": {"type": "string"},
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": ".xlsx workbook (a sheet per frame), .csv frames, or YAML/JSON facts files"},
        "parameters": {"type": "string", "format": "binary", "description": "parameter overrides (YAML/JSON)"},
    },
}
_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/EvaluateRequest"}},
    "multipart/form-data": {"schema": _FORM_SCHEMA}}}}
_ERRORS = problem_responses(400, 404, 413, 415, 422, 503)


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["meta"], responses={200: {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object", "required": ["status", "packs"],
                   "properties": {"status": {"const": "ok"}, "packs": {"type": "array", "items": {"type": "string"}}}}
    }}}})
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "packs": list(app.state.packs)}

    @app.get("/v1/packs", tags=["packs"], responses={200: {"description": "the packs served", "content": {
        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/PackInfo"}}}}}})
    async def packs() -> list[dict[str, Any]]:
        return [pack_info(p) for p in app.state.packs.values()]

    @app.get("/v1/packs/{pack_id}/rules", tags=["packs"], responses={
        200: {"description": "the rules of a pack", "content": {"application/json": {"schema": {
            "type": "array", "items": {"$ref": "#/components/schemas/RuleInfo"}}}}}, **problem_responses(404, 422)})
    async def pack_rules(pack_id: str) -> list[dict[str, Any]]:
        pack = _pack(app, pack_id)
        return [rule_brief(pack, r) for r in pack.rules]

    @app.get("/v1/rules/{rule_id}", tags=["packs"], responses={
        200: _json("#/components/schemas/RuleInfo", "one rule, with every version of its concept"),
        **problem_responses(404, 422)})
    async def rule(rule_id: str, request: Request) -> Any:
        for pack in app.state.packs.values():
            for r in pack.rules:
                if r.id == rule_id:
                    return rule_info(pack, r)
        said = Text(f"không có quy tắc '{rule_id}'", f"no rule '{rule_id}'")
        return problem(404, "RuleNotFound", said.pick(request_lang(request)), request_lang(request), rule=rule_id)

    @app.get("/v1/schema/facts", tags=["schema"], responses={200: {"description": "JSON Schema of facts",
                                                                    "content": {"application/json": {}}}})
    async def schema_facts() -> dict[str, Any]:
        return facts_json_schema()

    @app.get("/v1/schema/report", tags=["schema"], responses={200: {"description": "JSON Schema of a report",
                                                                     "content": {"application/json": {}}}})
    async def schema_report() -> dict[str, Any]:
        return schemas.report_schema()

    @app.post("/v1/evaluate", tags=["evaluate"], openapi_extra=_BODY, responses={
        200: {"description": "the report (docs/json_contract.md), or its HTML or Excel rendering", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
            "text/html": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}}}}, **_ERRORS})
    async def evaluate(request: Request) -> Response:
        job = await _job(request, app.state.settings)
        out = await _in_time(app, lambda: _render(_evaluate(app, job), job.format), job.lang)
        return out

    @app.post("/v1/gaps", tags=["evaluate"], openapi_extra=_BODY, responses={
        200: _json("#/components/schemas/Gaps", "what remains to reach each level"), **_ERRORS})
    async def gaps(request: Request) -> Response:
        job = await _job(request, app.state.settings)

        def work() -> Response:
            report = _evaluate(app, job, extras=False)
            body = json.dumps(gaps_dict(report, job.lang), ensure_ascii=False, default=str)
            return Response(body, media_type="application/json")

        out = await _in_time(app, work, job.lang)
        return out

    @app.get("/", tags=["page"], response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        return HTMLResponse(page_html(app.state.packs, app.state.settings.examples, dt.date.today()))
