"""JSON Schemas of what the server answers: the report (docs/json_contract.md), gaps, packs, rules, problems.

The report schema is written from the JSON contract and checked against the report of every bundled
fixture (tests/test_server_schema.py); the facts schema is the loader's own (``facts_json_schema``).
Schemas here are plain JSON Schema 2020-12; ``components`` gives them to the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

_OUTCOME = {"enum": ["pass", "fail", "unknown", "not_applicable"]}
_PROVENANCE = {"enum": ["verified", "reported", "provisional", "override"]}
_DATE = {"type": "string", "format": "date"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}

CITATION: dict[str, Any] = {
    "type": "object",
    "required": ["document"],
    "properties": {"document": {"type": "string"}, "article": {"type": "string"}, "clause": {"type": "string"},
                   "url": {"type": "string"}, "note": {"type": "string"}},
}

EFFECTIVE: dict[str, Any] = {
    "type": "object",
    "required": ["from", "to"],
    "properties": {"from": _DATE, "to": {"anyOf": [_DATE, {"type": "null"}]}},
}

_NODE: dict[str, Any] = {
    "type": "object",
    "required": ["expr"],
    "properties": {"expr": {"type": "string"}, "value": {}, "unknown": {"type": "boolean"},
                   "detail": {"type": "object"},
                   "children": {"type": "array", "items": {"$ref": "#/$defs/explanation"}}},
}

_GAP: dict[str, Any] = {
    "type": ["object", "null"],
    "properties": {"text_vi": {"type": "string"}, "text_en": {"type": "string"}, "level": {"type": "string"},
                   "shape": {"type": "string"}, "mode": {"type": "string"}, "amount": _NUM_OR_NULL,
                   "amount_unit": {"type": "string"}, "levels": {"type": "object"}},
}

RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["rule", "concept", "title", "kind", "group", "outcome", "value", "threshold", "margin", "op",
                 "exceeded", "levels", "citation", "provenance", "effective", "reason", "missing", "gap",
                 "explanation"],
    "properties": {
        "rule": {"type": "string"}, "concept": {"type": "string"}, "title": {"type": "string"},
        "kind": {"enum": ["indicator", "condition"]}, "group": _TEXT_OR_NULL, "outcome": _OUTCOME,
        "value": {"type": ["number", "boolean", "string", "array", "null"]},
        "threshold": _NUM_OR_NULL, "margin": _NUM_OR_NULL,
        "op": {"enum": [">=", ">", "<=", "<", "==", None]}, "exceeded": {"type": "boolean"},
        "levels": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["outcome", "threshold", "margin"],
            "properties": {"outcome": _OUTCOME, "threshold": _NUM_OR_NULL, "margin": _NUM_OR_NULL}}},
        "citation": CITATION, "provenance": _PROVENANCE, "effective": EFFECTIVE,
        "reason": {"enum": ["not_in_force", "not_for_subject", "not_yet_recruited", "applicability_unknown",
                            "no_threshold", None]},
        "missing": {"type": "array", "items": {"type": "string"}},
        "gap": _GAP,
        "explanation": {"anyOf": [{"$ref": "#/$defs/explanation"}, {"type": "null"}]},
        "explanation_text": _TEXT_OR_NULL,  # since 1.1
    },
}

_COUNTS = {"type": "object", "required": ["pass", "fail", "unknown", "not_applicable"],
           "properties": {k: {"type": "integer", "minimum": 0} for k in ("pass", "fail", "unknown", "not_applicable")}}

SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["counts", "exceeded", "provenance", "groups", "unknowns", "verdict", "verdict_vi", "verdict_en",
                 "headline_vi", "headline_en"],
    "properties": {
        "counts": _COUNTS, "exceeded": {"type": "integer", "minimum": 0},
        "provenance": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "groups": {"type": "object"},
        "unknowns": {"type": "array", "items": {
            "type": "object", "required": ["rule", "missing"],
            "properties": {"rule": {"type": "string"}, "title_vi": {"type": "string"}, "title_en": {"type": "string"},
                           "missing": {"type": "array", "items": {"type": "string"}}}}},
        "levels": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["status"],
            "properties": {"status": {"enum": ["pass", "fail", "unknown"]},
                           "failing": {"type": "array", "items": {"type": "string"}},
                           "undetermined": {"type": "array", "items": {"type": "string"}}}}},
        "level_reached": _TEXT_OR_NULL,
        "eligible": {"type": "array", "items": {"type": "string"}},
        "verdict": {"type": "string"},
        "verdict_vi": {"type": "string"}, "verdict_en": {"type": "string"},
        "headline_vi": {"type": "string"}, "headline_en": {"type": "string"},
    },
}

ENTITY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "name", "school", "error", "results", "summary"],
    "properties": {
        "id": {"type": "string"}, "kind": {"enum": ["school", "unit", "staff", "cluster", "invalid"]},
        "name": _TEXT_OR_NULL, "school": _TEXT_OR_NULL, "error": _TEXT_OR_NULL,
        "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
        "summary": {"$ref": "#/$defs/summary"},
    },
}

_PACK_REF = {"type": "object", "required": ["id", "version", "title"],
             "properties": {"id": {"type": "string"}, "version": {"type": "string"}, "title": {"type": "string"}}}


def report_schema() -> dict[str, Any]:
    """JSON Schema of ``Report.to_dict()`` (schema_version 1.x): keys may be added, never removed."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chuan_engine report",
        "type": "object",
        "required": ["schema_version", "pack", "as_of", "lang", "entities"],
        "properties": {
            "schema_version": {"type": "string", "pattern": r"^1\."},
            "pack": _PACK_REF, "as_of": _DATE, "lang": {"enum": ["vi", "en"]},
            "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}},
            "ledger": {"type": "object"}, "quotas": {"type": "array"}, "ranking": {"type": "array"},
        },
        "$defs": {"entity": ENTITY, "result": RESULT, "summary": SUMMARY, "explanation": _NODE},
    }


def gaps_schema() -> dict[str, Any]:
    """JSON Schema of ``gaps_dict`` (``chuan gaps --format json``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chuan_engine gaps",
        "type": "object",
        "required": ["schema_version", "kind", "pack", "as_of", "lang", "entities"],
        "properties": {
            "schema_version": {"type": "string"}, "kind": {"const": "gaps"}, "pack": _PACK_REF, "as_of": _DATE,
            "lang": {"enum": ["vi", "en"]},
            "entities": {"type": "array", "items": {"type": "object", "required": ["id"],
                                                    "properties": {"id": {"type": "string"}}}},
        },
    }


PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "error": {"type": "string"}, "file": _TEXT_OR_NULL, "where": _TEXT_OR_NULL,
        "entity": _TEXT_OR_NULL, "field": _TEXT_OR_NULL, "rule": _TEXT_OR_NULL,
        "errors": {"type": "array"},
    },
}

PACK_INFO: dict[str, Any] = {
    "type": "object",
    "required": ["id", "version", "title_vi", "title_en", "rules", "levels", "effective"],
    "properties": {
        "id": {"type": "string"}, "version": {"type": "string"}, "title_vi": {"type": "string"},
        "title_en": {"type": "string"}, "description_vi": _TEXT_OR_NULL, "description_en": _TEXT_OR_NULL,
        "rules": {"type": "integer", "minimum": 0},
        "levels": {"type": "array", "items": {"type": "object", "required": ["id", "label_vi", "label_en"]}},
        "effective": {"type": "object", "required": ["from", "to"],
                      "properties": {"from": {"anyOf": [_DATE, {"type": "null"}]},
                                     "to": {"anyOf": [_DATE, {"type": "null"}]}}},
    },
}

RULE_INFO: dict[str, Any] = {
    "type": "object",
    "required": ["id", "pack", "concept", "title_vi", "title_en", "subject", "kind", "citation", "effective",
                 "provenance"],
    "properties": {
        "id": {"type": "string"}, "pack": {"type": "string"}, "concept": {"type": "string"},
        "title_vi": {"type": "string"}, "title_en": {"type": "string"}, "subject": {"type": "string"},
        "group": _TEXT_OR_NULL, "kind": {"enum": ["indicator", "condition"]}, "citation": CITATION,
        "effective": EFFECTIVE, "provenance": _PROVENANCE,
        "expressions": {"type": "object", "additionalProperties": {"type": "string"}},
        "op": {"enum": [">=", ">", "<=", "<", "==", None]},
        "thresholds": {"type": "object", "additionalProperties": {"type": "string"}},
        "versions": {"type": "array", "items": {
            "type": "object", "required": ["id", "effective", "citation", "provenance"],
            "properties": {"id": {"type": "string"}, "effective": EFFECTIVE, "citation": CITATION,
                           "provenance": _PROVENANCE}}},
    },
}
