"""Kleene three-valued truth tables: unknown is neither true nor false."""

from __future__ import annotations

import pytest

from chuan_engine.lang.logic import UNKNOWN, k_all, k_and, k_any, k_not, k_or

T, F, U = True, False, UNKNOWN

AND = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F, (U, T): U, (U, F): F, (U, U): U}
OR = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U, (U, T): T, (U, F): U, (U, U): U}


@pytest.mark.parametrize("a, b", list(AND))
def test_and(a, b):
    assert k_and(a, b) is AND[(a, b)]


@pytest.mark.parametrize("a, b", list(OR))
def test_or(a, b):
    assert k_or(a, b) is OR[(a, b)]


def test_not():
    assert k_not(T) is F and k_not(F) is T and k_not(U) is U


def test_all_any():
    assert k_all([T, U]) is U and k_all([T, U, F]) is F and k_all([]) is T
    assert k_any([F, U]) is U and k_any([F, U, T]) is T and k_any([]) is F


def test_unknown_has_no_truth_value():
    with pytest.raises(TypeError):
        bool(UNKNOWN)


def test_kleene_in_rules(demo_pack, tmp_path):
    """The same tables hold end to end, through the evaluator, on facts with a missing value."""
    import datetime as dt

    from chuan_engine import Staff, StaffYear, load_pack

    pack_dir = tmp_path / "p"
    pack_dir.mkdir()
    (pack_dir / "pack.yaml").write_text(
        """
pack: {id: k, version: "1", title_vi: Kiểm tra, title_en: Check}
variables:
  a: {subject: staff, type: bool, label_vi: a, label_en: a}
  b: {subject: staff, type: bool, label_vi: b, label_en: b}
rules:
"""
        + "".join(
            f"""  - {{id: k.{name}, title_vi: "{name}", title_en: "{name}", subject: staff,
      citation: {{document: test}}, effective: {{from: 2020-01-01}}, provenance: verified,
      kind: condition, condition: "{expr}"}}
"""
            for name, expr in [("and_", "a and b"), ("or_", "a or b"), ("not_", "not a")]
        ),
        encoding="utf-8",
    )
    pack = load_pack(pack_dir)
    vals = {True: True, False: False, UNKNOWN: None}
    outcome = {True: "pass", False: "fail", UNKNOWN: "unknown"}
    people = []
    for i, (a, b) in enumerate(AND):
        inputs = {k: v for k, v in (("a", vals[a]), ("b", vals[b])) if v is not None}
        people.append(Staff(id=f"p{i}", inputs=inputs, years=[StaffYear(year=2024)]))
    report = pack.evaluate(people, dt.date(2024, 12, 31))
    for i, (a, b) in enumerate(AND):
        e = report.entity(f"p{i}")
        assert e.outcome("k.and_").value == outcome[AND[(a, b)]]
        assert e.outcome("k.or_").value == outcome[OR[(a, b)]]
        assert e.outcome("k.not_").value == outcome[k_not(a)]
