"""schemathesis against the running server's OpenAPI document: every operation fuzzed, no 5xx, every
answer with a documented status and content type and valid against its schema.

The server is ``chuan serve`` in a subprocess on a free loopback port (server_support.live_server).
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="server extra (pip install -e '.[server]')")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from server_support import live_server  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def base_url():
    with live_server("demo", "thi_dua") as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(base_url: str):
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


OPERATIONS = [("GET", "/healthz"), ("GET", "/v1/packs"), ("GET", "/v1/packs/{pack_id}/rules"),
              ("GET", "/v1/rules/{rule_id}"), ("GET", "/v1/schema/facts"), ("GET", "/v1/schema/report"),
              ("POST", "/v1/evaluate"), ("POST", "/v1/gaps"), ("GET", "/")]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_conforms(api_schema, base_url: str, method: str, path: str) -> None:
    operation = api_schema[path][method]
    calls = []
    examples = operation.get_strategies_from_examples()  # the document's own examples: valid requests
    assert examples or method == "GET"
    strategy = st.one_of(*examples, operation.as_strategy()) if examples else operation.as_strategy()

    @settings(max_examples=8 if method == "POST" else 6, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:
        response = case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=60)
        calls.append(response.status_code)

    run()
    assert calls  # hypothesis ran the operation at least once


def test_every_endpoint_is_in_the_document(api_schema) -> None:
    doc = api_schema.raw_schema["paths"]
    assert {(m.upper(), p) for p, ops in doc.items() for m in ops} == set(OPERATIONS)
