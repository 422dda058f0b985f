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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuan_engine import ChuanError, load_facts
from chuan_engine.cli import main
from chuan_engine.testing import strategies as S
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
    # a year record may hold only what was conferred (issue 12, 1.7b); a title outside the vocabulary is refused
    ("kind: staff\nid: a\nyears: [{year: 2022, titles: [chien_si_thi_dua_co_so]}]\n", True),
    ("kind: staff\nid: a\nyears: [{year: 2017, rewards: [Bằng khen cấp Bộ]}]\n", True),
    ("kind: unit\nid: k\nyears: [{year: 2022, titles: [tap_the_lao_dong_tien_tien]}]\n", True),
    ("kind: staff\nid: a\nyears: [{year: 2022, titles: [Chiến sĩ thi đua xịn]}]\n", False),
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


# -- generated files: the loader and the schema agree on every one (issue 12, Done when) -------------------

# One bad value each, placed in a generated staff member (path inside the staff dict, value): every one is
# outside what the models define (a malformed date, a gender not in the list, a negative count, an unknown
# field, a rating not in the list, a year before the range, a text for a bool).
MUTATIONS = [
    (("recruited_on",), "2012-09-01xyz"),
    (("gender",), "N"),
    (("years", 0, "absent_days"), -1),
    (("xyz",), 1),
    (("years", 0, "rating"), "tuyệt vời"),
    (("years", 0, "year"), 1800),
    (("is_lecturer",), "maybe"),
]


def _document(facts) -> dict:
    return {"schema_version": "1",
            "entities": [e.model_dump(mode="json") for e in [*facts.schools, *facts.clusters]]}


def _agree(validator, tmp_path, doc: dict) -> tuple[bool, bool]:
    f = tmp_path / "generated.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        load_facts(f)
        loaded = True
    except ChuanError:
        loaded = False
    return loaded, validator.is_valid(read_data(f))


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(facts=S.facts(), mutation=st.sampled_from([None, *MUTATIONS]), pick=st.integers(0, 100))
def test_loader_and_schema_agree_on_generated_files(validator, tmp_path, facts, mutation, pick):
    doc = _document(facts)
    staff = [s for e in doc["entities"] if e["kind"] == "school" for s in e.get("staff") or []]
    if mutation is not None and staff:
        path, value = mutation
        target = staff[pick % len(staff)]
        if path[0] == "years":
            if not target["years"]:
                target["years"] = [{"year": 2024}]
            target["years"][0][path[2]] = value
        else:
            target[path[0]] = value
        expected = False
    else:
        expected = True  # what the strategies build passes the models (tests/authoring: valid models)
    assert _agree(validator, tmp_path, doc) == (expected, expected), (mutation, doc)


def test_a_year_record_of_conferrals_only_leaves_the_rest_unknown(tmp_path):
    """Issue 12, 1.7b: a record holding only titles and rewards states them (Vietnamese words read as codes) and
    invents nothing else: rating, discipline and the pending review stay unknown (None), not "none"."""
    f = tmp_path / "f.yaml"
    f.write_text("kind: staff\nid: a\nyears:\n  - {year: 2022, titles: [Chiến sĩ thi đua cơ sở], "
                 "rewards: [Bằng khen cấp Bộ]}\n", encoding="utf-8")
    (loose,) = load_facts(f).schools  # a loose staff member is held by the loader's "_loose" school
    (person,) = loose.staff or []
    (rec,) = person.years
    assert (rec.titles, rec.rewards) == (["chien_si_thi_dua_co_so"], ["bang_khen_cap_bo"])
    assert (rec.rating, rec.discipline, rec.discipline_ends_on, rec.discipline_pending) == (None, None, None, None)


def _spellings() -> list[tuple[str, str, bool]]:
    """Every Vietnamese label of a title or reward, as written, in NFD, upper case and without diacritics (all
    read by the loader), and text that names no known one (refused)."""
    import unicodedata

    from chuan_engine.facts.vocab import LABELS_VI, Reward, Title, ascii_key

    out: list[tuple[str, str, bool]] = []
    for field, vocab in (("titles", Title), ("rewards", Reward)):
        for label in LABELS_VI[vocab].values():
            for form in (label, unicodedata.normalize("NFD", label), label.upper(), ascii_key(label).replace("_", " ")):
                out.append((field, form, True))
    out += [("titles", "Chiến sĩ thi đua xịn", False), ("rewards", "Bằng khen cấp Bộ tỉnh xịn", False),
            ("titles", "Lao động tiên tiến!!", True), ("titles", "Lao-động tiên tiến", True),
            ("titles", "danh_hieu_rieng_cua_truong", True), ("rewards", "Bằng khen cấp Bộ", True)]
    return out


@pytest.mark.parametrize(("field", "text", "valid"), _spellings())
def test_loader_and_schema_agree_on_title_and_reward_spellings(validator, tmp_path, field, text, valid):
    """Issue 12: titles and rewards are a vocabulary with Vietnamese spellings; the schema says what the loader
    reads (a code, or a spelling of a known one), so both accept or both refuse."""
    doc = {"kind": "staff", "id": "a", "years": [{"year": 2022, field: [text]}]}
    f = tmp_path / "f.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        load_facts(f)
        loaded = True
    except ChuanError:
        loaded = False
    assert (loaded, validator.is_valid(doc)) == (valid, valid), [e.message for e in validator.iter_errors(doc)]


# Where each other vocabulary is written in a facts file: (vocabulary, build a document holding the value).
_VOCAB_PLACES = {
    "Rating": lambda v: {"kind": "staff", "id": "a", "years": [{"year": 2022, "rating": v}]},
    "DisciplineForm": lambda v: {"kind": "staff", "id": "a", "years": [{"year": 2022, "discipline": v}]},
    "Degree": lambda v: {"kind": "staff", "id": "a", "degree": v},
    "PoliticalTheory": lambda v: {"kind": "staff", "id": "a", "political_theory": v},
    "Grade": lambda v: {"kind": "staff", "id": "a", "grade": v},
    "Gender": lambda v: {"kind": "staff", "id": "a", "gender": v},
    "Employment": lambda v: {"kind": "staff", "id": "a", "employment": v},
    "LecturerType": lambda v: {"kind": "staff", "id": "a", "lecturer_type": v},
    "Level": lambda v: {"kind": "staff", "id": "a", "initiatives": [{"id": "s", "level": v}]},
    "UnitKind": lambda v: {"kind": "unit", "id": "k", "unit_kind": v},
}


def _vocab_spellings() -> list[tuple[str, str, bool]]:
    import unicodedata

    from chuan_engine.facts.vocab import LABELS_VI, VOCABULARIES

    out: list[tuple[str, str, bool]] = []
    for name in _VOCAB_PLACES:
        for label in LABELS_VI[VOCABULARIES[name]].values():
            out += [(name, label, True), (name, unicodedata.normalize("NFD", label), True), (name, label.upper(), True)]
        out.append((name, "Không có trong danh mục xịn", False))
    out += [("Rating", "HTTNV", True), ("Rating", "HtXsNv", True), ("DisciplineForm", "Khiển trách", True)]
    return out


@pytest.mark.parametrize(("vocab", "text", "valid"), _vocab_spellings())
def test_loader_and_schema_agree_on_every_vocabulary_spelling(validator, tmp_path, vocab, text, valid):
    """Issue 12 (one fact contract): a rating, discipline form, degree… written in Vietnamese words, upper case, NFD
    — every spelling the loader folds onto a code — is valid for the schema too, and text naming no entry is refused
    by both (until this test, "HTTNV" loaded and the printed schema refused it)."""
    doc = _VOCAB_PLACES[vocab](text)
    f = tmp_path / "f.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        load_facts(f)
        loaded = True
    except ChuanError:
        loaded = False
    assert (loaded, validator.is_valid(doc)) == (valid, valid), [e.message for e in validator.iter_errors(doc)]


def test_recruited_on_is_documented_as_the_start_of_continuous_service(validator):
    """Issue 12, 1.9 (LEGAL_SOURCES §8a.8): the new-hire months count over continuous service at the agency,
    a labour contract before the appointment included; the printed schema (and docs/facts_schema.md) say so."""
    text = validator.schema["$defs"]["Staff"]["properties"]["recruited_on"]["description"]
    assert "công tác liên tục" in text and "hợp đồng lao động" in text and "continuous service" in text
