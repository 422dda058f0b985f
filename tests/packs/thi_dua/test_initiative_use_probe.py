"""The audit's probe of issue 12 item 2.3 on fixtures/thi_dua, by hand.

cb_sang_kien_da_dung (Nguyễn Văn An), 31/12/2024, Bằng khen cấp bộ (Luật 06/2022 Điều 74.1.d): HTXSNV 2023 and
2024 (2 >= 2), and 2 initiatives of 2023–2024 not used as a basis in an earlier year. SK-F1 (2023) was the basis
of his CSTĐCS 2023 (used_in_year 2023 < 2024: not counted); SK-F2 (2024) is recorded never used: 1 < 2 -> fail.
Removing SK-F1's used_in_year used to give pass (counted as unused); it must give unknown (possibly used).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from chuan_engine import load_pack
from chuan_engine.facts.loader import parse_entity
from chuan_engine.facts.store import Facts
from chuan_engine.report.outcome import Outcome
from chuan_engine.yamlio import read_data

ROOT = Path(__file__).resolve().parents[3]
BK = "thi_dua.bang_khen_cap_bo"


@pytest.fixture(scope="module")
def school() -> dict[str, Any]:
    doc = read_data(ROOT / "fixtures" / "thi_dua" / "truong_chinh_tri_mau.yaml")
    return dict(doc["entities"][0])


def _bk_2024(school: dict[str, Any], drop: tuple[str, ...]) -> Outcome:
    s = copy.deepcopy(school)
    person = next(p for p in s["staff"] if p["id"] == "cb_sang_kien_da_dung")
    sk_f1 = next(i for i in person["initiatives"] if i["id"] == "SK-F1")
    for key in drop:
        del sk_f1[key]
    report = load_pack(ROOT / "rules" / "thi_dua").evaluate(Facts.of([parse_entity(s)]), dt.date(2024, 12, 31))
    return report.entity("cb_sang_kien_da_dung").outcome(BK)


@pytest.mark.parametrize(("drop", "expected"), [
    ((), Outcome.failed),                              # complete: 1 fresh initiative < 2
    (("used_in_year",), Outcome.unknown),              # used (used_for names CSTĐCS), year unknown: range 1..2
    (("used_in_year", "used_for"), Outcome.unknown),   # nothing known about its use: possibly used, range 1..2
])
def test_removing_the_year_of_use_gives_unknown_not_pass(school: dict[str, Any], drop: tuple[str, ...],
                                                         expected: Outcome) -> None:
    assert _bk_2024(school, drop) is expected
