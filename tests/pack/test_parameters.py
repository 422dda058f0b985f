"""Dated parameters: the value in force on the date is used; user overrides layer on top."""

from __future__ import annotations

import datetime as dt

import pytest

from chuan_engine import Outcome, ParameterError, Provenance, load_pack, read_parameter_file
from chuan_engine.cli import main


def test_value_changes_by_date(demo_pack):
    p = demo_pack.parameters
    assert p.at("demo.provincial_topics_min", dt.date(2023, 12, 31)).value == 2
    assert p.at("demo.provincial_topics_min", dt.date(2024, 1, 1)).value == 3
    assert p.at("demo.new_hire_months", dt.date(2023, 12, 31)).value == 10
    assert p.at("demo.new_hire_months", dt.date(2024, 1, 1)).value == 6
    with pytest.raises(ParameterError, match="no value in force on 2016-01-01"):
        p.at("demo.new_hire_months", dt.date(2016, 1, 1))


def test_dated_threshold_changes_the_verdict(demo_pack, demo_facts):
    """On 2023-06-30 the window is 2019..2023: dt2019 and dt2022 count (dt2024 is later) -> 2 >= 2 pass."""
    r = demo_pack.evaluate(demo_facts, dt.date(2023, 6, 30)).entity("demo_a").result("demo.de_tai_cap_tinh")
    assert r.value == 2 and r.threshold == 2 and r.outcome is Outcome.passed


def test_override_file_changes_threshold_without_editing_pack(demo_pack, demo_facts, tmp_path):
    f = tmp_path / "params.yaml"
    f.write_text("demo.provincial_topics_min: {value: 2, source: Văn bản gốc do trường cung cấp}\n", encoding="utf-8")
    patched = demo_pack.with_parameters(read_parameter_file(f))
    on = dt.date(2025, 12, 31)
    r = patched.evaluate(demo_facts, on).entity("demo_a").result("demo.de_tai_cap_tinh")
    assert r.threshold == 2 and r.outcome is Outcome.passed
    assert r.levels["muc_1"].threshold_provenance is Provenance.override
    assert r.levels["muc_1"].threshold_source == "Văn bản gốc do trường cung cấp"
    # The rule's wording is still provisional, and a rule is as sure as its weakest part.
    assert r.provenance is Provenance.provisional
    # The original pack is untouched.
    assert demo_pack.evaluate(demo_facts, on).entity("demo_a").result("demo.de_tai_cap_tinh").threshold == 3


def test_dated_override(demo_pack, tmp_path):
    f = tmp_path / "params.yaml"
    f.write_text("demo.new_hire_months:\n  - {value: 12, from: 2025-01-01}\n", encoding="utf-8")
    patched = demo_pack.with_parameters(read_parameter_file(f))
    assert patched.parameters.at("demo.new_hire_months", dt.date(2024, 6, 1)).value == 6
    assert patched.parameters.at("demo.new_hire_months", dt.date(2025, 6, 1)).value == 12


def test_override_of_unknown_parameter_is_an_error(demo_pack, tmp_path):
    f = tmp_path / "params.yaml"
    f.write_text("demo.nope: 3\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown parameter 'demo.nope'"):
        demo_pack.with_parameters(read_parameter_file(f))


def test_override_is_shown_as_the_rule_provenance(demo_pack, demo_facts):
    """A reported rule whose threshold the user overrides is reported as 'override', not 'reported'."""
    from chuan_engine import ParameterValue

    value = ParameterValue(dt.date(2021, 5, 19), 0.8, "tệp của người dùng", Provenance.override)
    patched = demo_pack.with_parameters({"demo.lecturer_share_min": (value,)})
    r = patched.evaluate(demo_facts, dt.date(2025, 12, 31)).entity("demo_a").result("demo.ty_le_giang_vien")
    assert r.threshold == 0.8 and r.provenance is Provenance.override


PACK_WITH_PERCENT = """\
pack:
  id: p
  version: "0.0.1"
  title_vi: Bộ thử
  title_en: Test pack
  levels: [{id: muc_1, label_vi: Mức 1, label_en: Level 1}]
parameters:
  p.min_share:
    label_vi: Tỷ lệ tối thiểu
    label_en: Minimum share
    unit: ratio
    values:
      - {from: 2021-01-01, value: 0.5, source: "thử", provenance: provisional}
      - {from: 2024-01-01, value: 75, source: "thử", provenance: provisional}
variables:
  x: {subject: school, type: share, label_vi: X, label_en: X}
rules:
  - id: p.r
    title_vi: R
    title_en: R
    subject: school
    citation: {document: "Thử", article: "Điều 1"}
    effective: {from: 2021-01-01}
    provenance: provisional
    kind: indicator
    measure: x
    op: ">="
    unit: ratio
    thresholds: {muc_1: p.min_share}
"""


def test_pack_own_parameter_value_must_fit_its_unit(tmp_path, capsys):
    # A ratio of 75 from 2024 is 75 % written as a percentage: at load time, not on the first school of 2024.
    (tmp_path / "pack.yaml").write_text(PACK_WITH_PERCENT, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_pack(tmp_path)
    assert info.value.parameter == "p.min_share" and info.value.file == str(tmp_path / "pack.yaml")
    assert "from 2024-01-01" in info.value.message and "looks like a percentage" in info.value.message
    assert main(["rules", "lint", str(tmp_path)]) == 2
    assert "p.min_share" in capsys.readouterr().err
