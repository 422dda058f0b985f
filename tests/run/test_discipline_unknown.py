"""A discipline or a pending review not written is unknown, never "none" (issue 12, audit 1.7b).

The demo pack's LĐTT (rules/demo/emulation.yaml, Luật 06/2022 Điều 24.1): rating >= HTTNV, not disciplined at
khiển trách or above, 6 months since recruitment (from 2024). Expectations by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from chuan_engine import Staff
from chuan_engine.batch import evaluate_batch
from chuan_engine.facts.models import SchoolYear, StaffYear, UnitYear
from chuan_engine.report.outcome import Outcome

ON = dt.date(2025, 12, 31)
LDTT = "demo.lao_dong_tien_tien"


def test_year_records_leave_discipline_and_pending_review_unknown() -> None:
    rec = StaffYear(year=2025)
    assert rec.discipline is None and rec.discipline_pending is None and rec.discipline_ends_on is None
    assert UnitYear(year=2025).discipline_pending is None
    assert SchoolYear(year=2025).discipline_pending is None


def test_a_record_holding_only_titles_invents_no_rating_and_no_discipline() -> None:
    # A conferred title recorded for 2023 says what was conferred, nothing about the rating or discipline.
    rec = StaffYear.model_validate({"year": 2023, "titles": ["Lao động tiên tiến"]})
    assert rec.titles == ["lao_dong_tien_tien"]
    assert (rec.rating, rec.discipline, rec.discipline_pending) == (None, None, None)


def _person(**year: Any) -> Staff:
    return Staff.model_validate({"id": "p", "recruited_on": "2010-01-01", "initiatives": [],
                                 "years": [{"year": 2025, "rating": "hoan_thanh_tot", **year}]})


@pytest.mark.parametrize(("year", "expected"), [
    ({}, Outcome.unknown),                                         # discipline not written: may be khiển trách
    ({"discipline": "khong"}, Outcome.passed),                     # HTT, none, 15 years > 6 months
    ({"discipline": "Không"}, Outcome.passed),                     # the template's label reads as khong
    ({"discipline": "khien_trach"}, Outcome.failed),               # khiển trách >= khiển trách
])
def test_explaining_evaluator_reads_an_omitted_discipline_as_unknown(demo_pack: Any, year: dict, expected: Outcome
                                                                    ) -> None:
    report = demo_pack.evaluate([_person(**year)], ON)
    res = report.entity("p").result(LDTT)
    assert res.outcome is expected
    if expected is Outcome.unknown:
        assert "staff.discipline" in res.missing


def test_batch_reads_a_blank_or_absent_discipline_as_unknown(demo_pack: Any) -> None:
    # Same person three ways: the cell says "Không" (none), the cell is blank, the column is left out.
    staff = pd.DataFrame([{"school_id": "s", "staff_id": p, "recruited_on": "2010-01-01"} for p in ("khong", "blank")])
    years = pd.DataFrame([{"school_id": "s", "staff_id": "khong", "year": 2025, "rating": "hoan_thanh_tot",
                           "discipline": "Không"},
                          {"school_id": "s", "staff_id": "blank", "year": 2025, "rating": "hoan_thanh_tot",
                           "discipline": None}])

    def ldtt(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
        res = evaluate_batch(demo_pack, frames, ON).results
        rows = res[res.rule == LDTT]
        return dict(zip(rows.entity, rows.outcome.astype(str), strict=True))

    assert ldtt({"staff": staff, "staff_years": years}) == {"khong": "pass", "blank": "unknown"}
    # without the column, nobody's discipline is known (it used to default to "none")
    assert ldtt({"staff": staff, "staff_years": years.drop(columns="discipline")}) == {"khong": "unknown",
                                                                                      "blank": "unknown"}
