"""The web API and page over the library (optional extra ``[server]``: FastAPI and uvicorn).

    from chuan_engine.server import create_app
    app = create_app(packs=["qd11_2021"])     # packs compiled once, kept on app.state
    # uvicorn.run(app)  — or: chuan serve --host 127.0.0.1 --port 8000

Endpoints: ``POST /v1/evaluate``, ``POST /v1/gaps``, ``GET /v1/packs``, ``GET /v1/packs/{id}/rules``,
``GET /v1/rules/{id}``, ``GET /v1/schema/facts``, ``GET /v1/schema/report``, ``GET /healthz``; the page
at ``/``; the OpenAPI document at ``/openapi.json``. Errors are ``application/problem+json``.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
