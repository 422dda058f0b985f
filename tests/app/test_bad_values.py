"""Issue 12 part 3: every bad value is refused with a named error, exit 2, no traceback and no partial output.

Each test writes one facts file holding one bad value, runs ``chuan evaluate --out``, and checks the
``FactsError`` the library raises (its entity and field), the exit code 2, that stdout is empty, that the
output file was never created, and that the error names the file, the entity (once) and the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chuan_engine import load_facts, load_pack
from chuan_engine.cli import main
from chuan_engine.errors import FactsError

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "rules" / "demo")


def refused(capsys, tmp_path: Path, name: str, content: str, *needles: str, entity: str | None = None,
            field: str | None = None) -> FactsError:
    """The CLI refuses the file (exit 2, nothing written) and the library raises FactsError naming the spot."""
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    out_file = tmp_path / "report.json"
    code = main(["evaluate", str(f), "--pack", DEMO, "--date", "2025-12-31", "--format", "json",
                 "--out", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 2, err
    if entity is not None:  # Vietnamese by default: the place words are Vietnamese
        assert f"đối tượng '{entity}'" in err, err
    # the needles below are the English wording (--lang en)
    assert main(["evaluate", str(f), "--pack", DEMO, "--date", "2025-12-31", "--format", "json",
                 "--out", str(out_file), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert out == ""
    assert not out_file.exists()
    assert list(tmp_path.iterdir()) == [f]  # no temporary file left beside the output either
    assert name in err
    for needle in needles:
        assert needle in err, err
    if entity is not None:
        assert err.count(f"'{entity}'") == 1, err  # the entity is named once, not twice
    with pytest.raises(FactsError) as info:
        load_pack(DEMO).evaluate(load_facts(f), __import__("datetime").date(2025, 12, 31))
    assert info.value.file == str(f)
    if entity is not None:
        assert info.value.entity == entity
    if field is not None:
        assert info.value.field == field
    return info.value


# -- shares ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["85", "1.5", "100"])
def test_share_written_as_a_percentage_is_refused_with_the_way_to_write_it(capsys, tmp_path, value):
    # lecturer_share is declared `type: share` in rules/demo/pack.yaml; 85 (for 85 %) once passed a 0.75 threshold.
    refused(capsys, tmp_path, "f.yaml", f"kind: school\nid: t\ninputs: {{lecturer_share: {value}}}\n",
            "trông như phần trăm", "0.85 cho 85 %", "looks like a percentage", "0.85 for 85 %",
            entity="t", field="inputs.lecturer_share")


@pytest.mark.parametrize("value", ["-0.5", "150", "-1"])
def test_share_outside_0_1_is_refused(capsys, tmp_path, value):
    refused(capsys, tmp_path, "f.yaml", f"kind: school\nid: t\nyears: [{{year: 2025, inputs: {{lecturer_share: {value}}}}}]\n",
            "tỷ lệ phải từ 0 đến 1", "a share must be from 0 to 1", entity="t",
            field="years[2025].inputs.lecturer_share")


def test_share_given_as_text_is_refused_at_load_not_per_entity(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: school\nid: t\ninputs: {lecturer_share: nhiều}\n",
            "a share must be a number from 0 to 1", entity="t", field="inputs.lecturer_share")


def test_share_boundaries_are_accepted(tmp_path):
    # 0 and 1 are shares; 0.85 is 85 %. Nothing is refused.
    f = tmp_path / "f.yaml"
    f.write_text("- {kind: school, id: a, inputs: {lecturer_share: 0}}\n- {kind: school, id: b, inputs: {lecturer_share: 1}}\n"
                 "- {kind: school, id: c, inputs: {lecturer_share: 0.85}}\n", encoding="utf-8")
    pack = load_pack(DEMO)
    assert pack.input_errors(load_facts(f)) == []


def test_misspelt_input_name_is_refused_with_a_suggestion(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: school\nid: t\ninputs: {lecturer_shar: 0.8}\n",
            "the pack has no school variable 'lecturer_shar'", "did you mean 'lecturer_share'",
            entity="t", field="inputs.lecturer_shar")


def test_keep_going_sets_the_entity_with_a_bad_input_aside(capsys, tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("- {kind: school, id: a, inputs: {lecturer_share: 85}}\n- {kind: school, id: b}\n", encoding="utf-8")
    code = main(["evaluate", str(f), "--pack", DEMO, "--date", "2025-12-31", "--format", "json", "--keep-going"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert err.count("'a'") == 1 and "looks like a percentage" in err
    assert '"b"' in out  # the good school is still evaluated


# -- fields of the facts models --------------------------------------------------------------------

def test_negative_count_field(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: school\nid: t\nstaff: [{id: a, years: [{year: 2025, absent_days: -3}]}]\n",
            "must be at least 0", entity="t/a", field="staff[0].years[0].absent_days")


@pytest.mark.parametrize("text", [".inf", "-.inf", ".nan"])
def test_infinite_number_in_yaml(capsys, tmp_path, text):
    refused(capsys, tmp_path, "f.yaml", f"kind: staff\nid: a\nteaching_years_at_school: {text}\n",
            "finite number", entity="a", field="teaching_years_at_school")


@pytest.mark.parametrize("text", ["Infinity", "-Infinity", "NaN"])
def test_infinite_number_in_json(capsys, tmp_path, text):
    refused(capsys, tmp_path, "f.json", f'{{"kind": "staff", "id": "a", "teaching_years_at_school": {text}}}',
            f"{text} is not a number JSON allows")


def test_infinite_number_in_an_input(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: school\nid: t\ninputs: {lecturer_share: .inf}\n", "finite number",
            entity="t", field="inputs.lecturer_share")


@pytest.mark.parametrize("text", ["2012-09-01xyz", "0", "20120901", "2012-9-1", "2012-09-01T00:00:00"])
def test_impossible_or_malformed_date(capsys, tmp_path, text):
    # recruited_on: 0 was read as 1970-01-01 (a Unix timestamp); 2012-09-01xyz was accepted.
    refused(capsys, tmp_path, "f.yaml", f"kind: staff\nid: a\nrecruited_on: '{text}'\n" if text != "0"
            else "kind: staff\nid: a\nrecruited_on: 0\n",
            "hãy viết YYYY-MM-DD", "write YYYY-MM-DD", entity="a", field="recruited_on")


def test_impossible_day_in_json(capsys, tmp_path):
    refused(capsys, tmp_path, "f.json", '{"kind": "staff", "id": "a", "recruited_on": "2023-02-30"}',
            entity="a", field="recruited_on")


def test_misspelt_field_with_did_you_mean(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: staff\nid: a\nrecruted_on: 2012-01-01\n",
            "unknown field", "did you mean 'recruited_on'", entity="a", field="recruted_on")


def test_unknown_field_without_a_close_name(capsys, tmp_path):
    err = refused(capsys, tmp_path, "f.yaml", "kind: staff\nid: a\nxyz: 1\n", "unknown field", entity="a", field="xyz")
    assert "did you mean" not in err.message


@pytest.mark.parametrize("value", ["N", "n", "x"])
def test_gender_n_is_refused_not_read_as_female(capsys, tmp_path, value):
    # "N" is Nam for some offices and Nữ for others: it was silently stored as nu.
    refused(capsys, tmp_path, "f.yaml", f"kind: staff\nid: a\ngender: {value}\n", "'nam' or 'nu'",
            entity="a", field="gender")


def test_duplicate_json_key(capsys, tmp_path):
    refused(capsys, tmp_path, "f.json", '{"kind": "staff", "id": "a", "id": "b"}', "duplicate key 'id'")


def test_duplicate_json_key_nested(capsys, tmp_path):
    refused(capsys, tmp_path, "f.json",
            '{"kind": "staff", "id": "a", "years": [{"year": 2025, "rating": "htt", "rating": "httnv"}]}',
            "duplicate key 'rating'")


def test_duplicate_yaml_key(capsys, tmp_path):
    refused(capsys, tmp_path, "f.yaml", "kind: staff\nid: a\ngender: nam\ngender: nu\n", "duplicate key 'gender'")


@pytest.mark.parametrize("name", ["f.yaml", "f.json"])
def test_five_thousand_digit_integer_in_facts(capsys, tmp_path, name):
    digits = "9" * 5000
    text = (f"kind: staff\nid: a\nyears: [{{year: 2025, absent_days: {digits}}}]\n" if name.endswith("yaml")
            else f'{{"kind": "staff", "id": "a", "years": [{{"year": 2025, "absent_days": {digits}}}]}}')
    refused(capsys, tmp_path, name, text, "number too long")


# -- every share the packs read is declared a share (issue 12: qd11, BTB, Lai Châu) ----------------
def test_qd11_share_given_as_percentage_is_refused(capsys, tmp_path):
    # ty_le_gv_thuc_te (QĐ 11, tiêu chí 2: giảng viên đi thực tế) is a part of all lecturers, so at most 1:
    # 90 written for 90 % must be refused, not read as 9,000 % and passed.
    f = tmp_path / "s.yaml"
    f.write_text("kind: school\nid: t\nyears: [{year: 2025, inputs: {ty_le_gv_thuc_te: 90}}]\n", encoding="utf-8")
    code = main(["evaluate", str(f), "--pack", "qd11_2021", "--date", "2025-06-30", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    assert "looks like a percentage" in err and "years[2025].inputs.ty_le_gv_thuc_te" in err, err


def test_completion_rate_may_exceed_one():
    # "Tỷ lệ hoàn thành chỉ tiêu đào tạo" counts classes held against the plan: 105 % is over-fulfilment,
    # so that variable stays a ratio, while every variable computed by share() is a share.
    pack = load_pack("qd11_2021")
    declared = {name: v.declared for (kind, name), v in pack.variables.items()}
    assert declared["ty_le_hoan_thanh_chi_tieu_dao_tao"] == "ratio"
    for pname in ("qd11_2021", "ke_hoach_cum_btb_2023", "ke_hoach_lai_chau_2023", "demo"):
        p = load_pack(pname)
        shares = [name for (kind, name), v in p.variables.items()
                  if v.formula is not None and v.formula.text.startswith("share(")]
        assert shares, pname
        assert all(p.variables[(k, n)].declared == "share" for (k, n) in p.variables if n in shares), pname


@pytest.mark.parametrize("value", ["-1", "2.5"])
def test_count_input_must_be_a_whole_number(capsys, tmp_path, value):
    # provincial_topics (rules/demo) is `type: integer`, a number of research topics: -1 or 2.5 topics is a typo.
    refused(capsys, tmp_path, "f.yaml", f"kind: school\nid: t\ninputs: {{provincial_topics: {value}}}\n",
            "số lượng phải là số nguyên không âm", "a count must be a whole number", entity="t",
            field="inputs.provincial_topics")


def test_messages_follow_the_language_asked_for(capsys, tmp_path: Path):
    """Issue 15: Vietnamese by default, English with --lang en, the expected form named in both."""
    f = tmp_path / "f.yaml"
    f.write_text("kind: school\nid: s\nname: S\ndossier_date: 2025-13-01\n", encoding="utf-8")
    assert main(["evaluate", str(f), "--pack", DEMO]) == 2
    vi = capsys.readouterr().err
    assert "đối tượng 's', trường 'dossier_date': không phải ngày hợp lệ ('2025-13-01'); dùng YYYY-MM-DD hoặc dd/mm/yyyy" in vi
    assert "entity" not in vi and "valid date" not in vi
    assert main(["evaluate", str(f), "--pack", DEMO, "--lang", "en"]) == 2
    en = capsys.readouterr().err
    assert "entity 's', field 'dossier_date': not a valid date ('2025-13-01'); use YYYY-MM-DD or dd/mm/yyyy" in en
    assert "đối tượng" not in en
