"""Issue 12 part 1, lower-severity citation fixes (LEGAL_SOURCES §8a.16, §8a.8): the pack cites the clause and
point the sources give, read back from the compiled pack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from chuan_engine import load_pack

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_pack(ROOT / "rules" / "thi_dua")


def _version(pack: Any, rule: str, on: dt.date) -> Any:
    return next(v for v in pack.versions(rule) if v.effective.covers(on))


def test_cstd_co_so_up_to_2023_cites_nd91_article_9_clause_3(pack):
    # NĐ 91/2017 Điều 9 khoản 3 holds the CSTĐ cơ sở criteria (LEGAL_SOURCES §3b old_cstd_cs, §8a.16).
    c = _version(pack, "thi_dua.chien_si_thi_dua_co_so", dt.date(2023, 12, 31)).citation
    assert (c.document, c.article, c.clause) == ("Nghị định 91/2017/NĐ-CP", "Điều 9", "3")


def test_six_month_new_hire_rule_cites_tt01_2024_article_1_clause_5_point_d(pack):
    # TT 01/2024/TT-BNV Điều 1 khoản 5 điểm d: no LĐTT for staff recruited less than 06 months (§8a.8, §8a.16);
    # both the parameter value from 2024 and the LĐTT rule's 2024 citation name that point.
    values = pack.parameters.base["thi_dua.new_hire_months"].values
    v2024 = next(v for v in values if v.start == dt.date(2024, 1, 1))
    assert v2024.value == 6 and "TT 01/2024/TT-BNV, Điều 1 khoản 5 điểm d" in v2024.source
    note = _version(pack, "thi_dua.lao_dong_tien_tien", dt.date(2024, 12, 31)).citation.note
    assert "TT 01/2024/TT-BNV Điều 1 khoản 5 điểm d" in note
