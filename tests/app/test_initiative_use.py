"""An initiative's use as a basis is three-valued (issue 12): ``used: false`` or ``used_for: []`` = never used,
``used_in_year`` = used that year, neither = not known. A record saying both "never used" and "used" is refused,
by the loader and by the schema ``chuan schema`` prints, alike."""

from __future__ import annotations

import contextlib
import io
import json

import jsonschema
import pytest

from chuan_engine import ChuanError, load_facts
from chuan_engine.cli import main
from chuan_engine.yamlio import read_data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["schema"]) == 0
    return jsonschema.Draft202012Validator(json.loads(buf.getvalue()))


def _person(initiative: str) -> str:
    return f"kind: staff\nid: p\ninitiatives: [{initiative}]\n"


@pytest.mark.parametrize(("initiative", "valid", "use"), [
    ("{id: a}", True, None),                                     # nothing recorded: not known
    ("{id: a, used: false}", True, False),                       # known never used
    ("{id: a, used_for: []}", True, False),                      # the same, said with an empty list
    ("{id: a, used_in_year: 2023}", True, True),                 # used in 2023
    ("{id: a, used_for: [chien_si_thi_dua_co_so]}", True, True),  # used, year not known
    ("{id: a, used: true}", True, True),
    ("{id: a, used: false, used_in_year: 2023}", False, None),   # never used, yet used in 2023
    ("{id: a, used: false, used_for: [bang_khen_cap_bo]}", False, None),
    ("{id: a, used_for: [], used_in_year: 2023}", False, None),
    ("{id: a, used_for: [], used: true}", False, None),
])
def test_use_is_three_valued_and_contradictions_are_refused_by_loader_and_schema(
        validator, tmp_path, initiative, valid, use):
    f = tmp_path / "f.yaml"
    f.write_text(_person(initiative), encoding="utf-8")
    assert validator.is_valid(read_data(f)) is valid
    if not valid:
        with pytest.raises(ChuanError, match="never used"):
            load_facts(f)
        return
    (school,) = load_facts(f).schools  # a loose staff member sits in the "_loose" school
    (init,) = (school.staff or [])[0].initiatives or []
    assert init.use_known is use
