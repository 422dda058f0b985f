"""Gap columns of the batch results: the gap at each failing indicator's first failing level.

The numbers come from the column compiler's part columns (``RuleCols.parts``: a share's or count's
numerator and denominator, a ratio's operands) and the per-level threshold columns; the amount is the
gap analysis' own pure function (``analysis.gaps.gap_amount``) and the sentence the report layer's
(``report.gap_text``), so a batch gap equals ``RuleResult.gap`` of the explaining path:

- ``gap_level``: the first failing level with a computable gap (``RuleResult.gap["level"]``);
- ``gap_amount``, ``gap_unit``, ``gap_mode``: ``amount``, ``amount_unit`` and ``mode`` of that gap;
- ``gap_text``: its sentence in the run's language (``text_vi`` or ``text_en``).

Rows without a gap (passing, unknown, not an indicator, an error) hold None.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.gaps import gap_amount
from ..pack.plan import Plan, Rule
from ..report.gap_text import Gap, gap_text
from ..report.outcome import MeasureParts
from .cols import Col
from .compiler import PartCols
from .rules import FAIL, RuleCols

GAP_COLUMNS = ["gap_level", "gap_amount", "gap_unit", "gap_mode", "gap_text"]


def no_gaps(n: int) -> dict[str, np.ndarray]:
    return {c: np.full(n, None, dtype=object) for c in GAP_COLUMNS}


def gap_cells(pack: Plan, rule: Rule, rc: RuleCols, rows: np.ndarray, values: np.ndarray,
              lang: str) -> dict[str, np.ndarray] | None:
    """The gap columns of one rule version at ``rows`` (``values``: the measure as reported there); None
    when no row has a gap (most rules are not indicators: no column of Nones is made for them)."""
    if rule.kind != "indicator" or rule.op is None or rc.parts is None:
        return None
    levels = [lv for lv in pack.level_ids or ["default"] if lv in rc.levels]
    failing = np.zeros(len(rows), dtype=bool)
    for lv in levels:
        failing |= rc.levels[lv][rows] == FAIL
    noun_vi, noun_en = (rule.gap.noun_vi, rule.gap.noun_en) if rule.gap else (rule.title_vi, rule.title_en)
    out: dict[str, np.ndarray] | None = None
    for j in np.flatnonzero(failing):
        g = _first_gap(rule, rc, levels, int(rows[j]), values[j])
        if g is None:
            continue
        vi, en = gap_text(g, noun_vi, noun_en)
        if out is None:
            out = no_gaps(len(rows))
        for c, v in zip(GAP_COLUMNS, (g.level, g.amount, g.unit, g.mode, vi if lang == "vi" else en), strict=True):
            out[c][j] = v
    return out


def _first_gap(rule: Rule, rc: RuleCols, levels: list[str], row: int, value: Any) -> Gap | None:
    if not _is_number(value):
        return None
    assert rule.op is not None and rc.parts is not None
    parts = _parts_at(rc.parts, row)
    mode = rule.gap.mode if rule.gap else "convert"
    for lv in levels:
        t = _at(rc.level_threshold.get(lv), row)
        if rc.levels[lv][row] != FAIL or not _is_number(t):
            continue
        g = gap_amount(lv, parts, rule.op, value, t, mode, rule.unit)
        if g is not None:
            return g
    return None


def _parts_at(p: PartCols, row: int) -> MeasureParts:
    if not p.k[row]:
        return MeasureParts(p.shape)
    n, d = float(p.n[row]), float(p.d[row])
    if p.shape in ("share", "count"):  # counts of elements
        return MeasureParts(p.shape, int(round(n)), int(round(d)))
    return MeasureParts(p.shape, n, d)


def _at(c: Col | np.ndarray | None, row: int) -> Any:
    if c is None:
        return None
    if isinstance(c, Col):
        return c.v[row] if c.k[row] else None
    return c[row]


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.number) and not isinstance(x, bool | np.bool_)
