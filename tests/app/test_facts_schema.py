"""``chuan schema`` and the loader come from the same models: every fixture validates against the printed
schema, and on a table of valid and invalid files the loader and the schema agree.

What the schema cannot say and the loader checks on top (ids unique within a file, a staff member's unit
among the school's units) is left out of the table; so are non-finite numbers, which JSON cannot write.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from chuan_engine import ChuanError, load_facts
from chuan_engine.cli import main
from chuan_engine.yamlio import read_data

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["schema"]) == 0
    schema = json.loads(buf.getvalue())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_there_are_fixtures():
    assert len(FIXTURES) >= 13


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_validates_against_the_printed_schema(validator, path):
    load_facts(path)  # the loader accepts it
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(read_data(path))]
    assert errors == []


# (facts file as YAML, valid?) — valid by the models' own field definitions.
CASES = [
    ("kind: staff\nid: a\n", True),
    ("[{kind: staff, id: a}, {kind: unit, id: k}]\n", True),
    ("{schema_version: '1', entities: [{kind: school, id: t}]}\n", True),
    ("kind: staff\nid: a\nrecruited_on: '2012-09-01'\n", True),
    ("kind: staff\nid: a\nrecruited_on: 0\n", False),
    ("kind: staff\nid: a\nrecruited_on: 2012-09-01xyz\n", False),
    ("kind: staff\nid: a\nrecruited_on: '20120901'\n", False),
    ("kind: staff\nid: a\nrecruited_on: '2023-02-30'\n", False),
    ("kind: staff\nid: a\ngender: nam\n", True),
    ("kind: staff\nid: a\ngender: female\n", True),
    ("kind: staff\nid: a\ngender: N\n", False),
    ("kind: staff\nid: a\nyears: [{year: 2025, rating: httnv}]\n", True),
    ("kind: staff\nid: a\nyears: [{year: 2025, rating: tuyệt vời}]\n", False),
    ("kind: staff\nid: a\nyears: [{year: 2025, absent_days: 0}]\n", True),
    ("kind: staff\nid: a\nyears: [{year: 2025, absent_days: -3}]\n", False),
    ("kind: staff\nid: a\nyears: [{year: 1800}]\n", False),
    ("kind: staff\nid: a\nteaching_years_at_school: 2.5\n", True),
    ("kind: staff\nid: a\nteaching_years_at_school: -1\n", False),
    ("kind: staff\nid: a\nrecruted_on: '2012-01-01'\n", False),
    ("kind: staff\nid: a\nis_lecturer: maybe\n", False),
    ("kind: truong\nid: a\n", False),
    ("id: a\n", False),
    ("kind: school\nid: t\ninputs: {x: 1, y: true, z: text, w: null}\n", True),
    ("kind: school\nid: t\ninputs: {x: [1]}\n", False),
    ("kind: unit\nid: k\ndissolved_on: '2025-07-01'\n", True),
    ("{schema_version: '2', entities: []}\n", False),
    ("{entities: [], extra: 1}\n", False),
]


@pytest.mark.parametrize(("text", "valid"), CASES)
def test_loader_and_schema_agree(validator, tmp_path, text, valid):
    f = tmp_path / "f.yaml"
    f.write_text(text, encoding="utf-8")
    try:
        load_facts(f)
        loaded = True
    except ChuanError:
        loaded = False
    data = read_data(f)
    assert loaded is valid
    assert validator.is_valid(data) is valid, [e.message for e in validator.iter_errors(data)]
