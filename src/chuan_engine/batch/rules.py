"""Rule verdicts over a row table: vectorised (the one verdict procedure, run/verdict.py, over column kernels),
or by the explaining evaluator for a rule the compiler cannot take.

Outcome codes: 0 pass, 1 fail, 2 unknown, 3 not_applicable (the order of Outcome).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analysis.gaps import measure_shape
from ..errors import ChuanError
from ..lang.ops import EPS, excess
from ..pack.plan import Expression, Plan, Rule
from ..pack.provenance import Provenance
from ..report.outcome import MeasureParts, Outcome
from ..run import verdict
from ..run.explain import Evaluation
from ..run.verdict import Shown, Verdict
from ..run.views import View
from .cols import Col, NotVectorisable, compare, gather, merge_err, not_none
from .compiler import PartCols, Vectoriser, _bool
from .convert import chunk_models
from .tables import Chunk, Table

PASS, FAIL, UNK, NA = 0, 1, 2, 3
OUTCOMES = np.array(["pass", "fail", "unknown", "not_applicable"], dtype=object)
PROVENANCES = [p.value for p in Provenance]
_CODE = {Outcome.passed: PASS, Outcome.failed: FAIL, Outcome.unknown: UNK, Outcome.not_applicable: NA}


@dataclass
class RuleCols:
    outcome: np.ndarray
    value: np.ndarray | Col  # object array (fallback) or the column, rendered only for output rows
    threshold: np.ndarray | Col
    margin: np.ndarray  # float, NaN = none
    levels: dict[str, np.ndarray]
    level_margin: dict[str, np.ndarray]
    provenance: np.ndarray  # codes: positions in PROVENANCES, of the version at each row's date
    err: np.ndarray | None = None
    method: str = "vectorised"
    value_mask: np.ndarray | None = None  # rows where the value column is reported
    threshold_mask: np.ndarray | None = None
    parts: PartCols | None = None  # an indicator's measure parts, for gaps
    level_threshold: dict[str, Col | np.ndarray] = field(default_factory=dict)  # per level (Col or objects)

    def value_at(self, rows: np.ndarray) -> np.ndarray:
        """Values as the engine's ``plain`` renders them (JSON-friendly), for some rows only."""
        return _render(self.value, self.value_mask, rows)

    def threshold_at(self, rows: np.ndarray) -> np.ndarray:
        return _render(self.threshold, self.threshold_mask, rows)


def _render(v: np.ndarray | Col, mask: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    if not isinstance(v, Col):
        picked: np.ndarray = v[rows]  # numpy's stubs type fancy indexing as Any
        return picked
    out = _plain_values(gather(v, rows))
    if mask is not None:
        out[~mask[rows]] = None
    return out


@dataclass
class RuleRunner:
    """Evaluates every rule of a pack over the tables of one chunk, in dependency order, once."""

    pack: Plan
    chunk: Chunk
    fallback: dict[str, str] = field(default_factory=dict)
    _cache: dict[tuple[str, dt.date, int], RuleCols] = field(default_factory=dict)  # (id, version start, table)
    _engine: Any = None

    def __post_init__(self) -> None:
        self.vec = Vectoriser(self.pack, self.rule_cols)
        self._columns = ColumnVerdicts(self.vec)

    def close(self) -> None:
        """Drop every cached column and the chunk's tables (they form reference cycles)."""
        self._cache.clear()
        self.vec.clear()
        self._engine = None
        self.chunk.close()

    def rule_cols(self, rule: Rule, t: Table) -> RuleCols:
        key = (rule.id, rule.effective.start, id(t))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if rule.id in self.fallback:
            rc = self._fallback(rule, t)
        else:
            try:
                rc = self._vectorised(rule, t)
            except NotVectorisable as exc:
                self.fallback[rule.id] = str(exc)
                rc = self._fallback(rule, t)
        self._cache[key] = rc
        return rc

    # -- vectorised ---------------------------------------------------------------
    def _vectorised(self, rule: Rule, t: Table) -> RuleCols:
        return verdict.rule_verdict(self._columns, rule, t)

    # -- fallback -----------------------------------------------------------------
    def _fallback(self, rule: Rule, t: Table) -> RuleCols:
        """The explaining evaluator, row by row, for one rule the compiler cannot take."""
        if t.kind not in ("school", "unit", "staff"):
            raise NotVectorisable(f"rule '{rule.id}' over {t.kind}")
        if self._engine is None:
            facts, models, failed = chunk_models(self.chunk)
            self._engine = (Evaluation(self.pack, facts), facts, models, failed)
        run, facts, models, failed = self._engine
        levels = self.pack.level_keys
        n = t.n
        outcome = np.full(n, UNK, dtype=np.int8)
        value = np.full(n, None, dtype=object)
        threshold = np.full(n, None, dtype=object)
        margin = np.full(n, np.nan)
        lv_out = {lv: np.full(n, NA, dtype=np.int8) for lv in levels}
        lv_margin = {lv: np.full(n, np.nan) for lv in levels}
        err = np.full(n, None, dtype=object)
        thresholds, parts = _empty_gap_inputs(self.pack, rule, list(levels), n)
        lv_threshold: dict[str, Col | np.ndarray] = dict(thresholds)
        ids = self.chunk.ids[t.kind]
        sids = self.chunk.ids["school"]
        assert t.school is not None  # entity tables (school, unit, staff) always carry the school of each row
        for i in range(n):
            sid = sids[t.school[i]]
            if sid in failed:
                err[i] = failed[sid]
                continue
            school = models[("school", sid, sid)]
            model = models[(t.kind, sid, ids[t.ent[i]])]
            view = View(t.kind, model, t.date[i].astype(dt.date), None if t.kind == "school" else school, facts)
            try:
                r = run.rule_result(rule, view)
            except ChuanError as exc:
                err[i] = exc.describe()
                continue
            outcome[i] = _CODE[r.outcome]
            value[i] = r.value
            threshold[i] = r.threshold
            margin[i] = np.nan if r.margin is None else r.margin
            for lv, lr in r.levels.items():
                lv_out[lv][i] = _CODE[lr.outcome]
                lv_margin[lv][i] = np.nan if lr.margin is None else lr.margin
                thresholds[lv][i] = lr.threshold
            _record_parts(parts, i, r.parts)
        has = not_none(err).any()
        return RuleCols(outcome, value, threshold, margin, lv_out, lv_margin, self._columns.provenance(rule, t),
                        err if has else None, "fallback", parts=parts, level_threshold=lv_threshold)


ColumnVerdict = Verdict[np.ndarray, Col, Col, np.ndarray, np.ndarray]
ColumnShown = Shown[Col, Col, np.ndarray, np.ndarray, np.ndarray]


class ColumnVerdicts:
    """The verdict algebra over a row table (run/verdict.py): the row set is a boolean mask, values are
    columns, outcomes int8 codes; the result is a ``RuleCols``. Errors count only on the rows evaluated."""

    __slots__ = ("vec",)

    def __init__(self, vec: Vectoriser) -> None:
        self.vec = vec

    @property
    def level_keys(self) -> tuple[str, ...]:
        return self.vec.pack.level_keys

    def nothing(self, ctx: Table) -> np.ndarray:
        return np.zeros(ctx.n, dtype=bool)

    def in_force(self, rule: Rule, ctx: Table) -> np.ndarray:
        return ctx.covers(rule.effective.start, rule.effective.end)

    def recruited(self, ctx: Table) -> np.ndarray:
        return ~ctx.recruited_after()

    def both(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out: np.ndarray = a & b
        return out

    def some(self, rows: np.ndarray) -> bool:
        return bool(rows.any())

    def truth(self, expr: Expression, ctx: Table, what: str) -> Col:
        return _bool(self.vec.ev(expr.tree, ctx), what)

    def measure(self, expr: Expression, ctx: Table) -> Col:
        m = self.vec.ev(expr.tree, ctx)
        if not isinstance(m, Col):
            raise NotVectorisable("a measure that is a list or record")
        return m

    def split(self, applies: Col, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return rows & applies.k & applies.v.astype(bool), rows & ~applies.k

    def outcome(self, value: Col) -> np.ndarray:
        return _codes(value)

    def threshold(self, rule: Rule, level: str, name: str, ctx: Table) -> Col:
        return self.vec.parameter(name, ctx)

    def compare(self, op: str, value: Col, threshold: Col) -> np.ndarray:
        return _codes(compare(op, value, threshold))  # ranges too

    def margin(self, op: str, value: Col, threshold: Col, rows: np.ndarray) -> np.ndarray:
        if value.t != "num" or threshold.t != "num":
            return np.full(value.n, np.nan)
        mg = _margin(op, value.v.astype(float), threshold.v.astype(float))
        return np.where(rows & value.k & threshold.k, mg, np.nan)

    def pick(self, rows: np.ndarray, unknown: np.ndarray, outcome: np.ndarray | None) -> np.ndarray:
        arr = np.full(len(rows), NA, dtype=np.int8)
        arr[unknown] = UNK
        if outcome is not None:
            arr[rows] = outcome[rows]
        return arr

    def provenance(self, rule: Rule, ctx: Table) -> np.ndarray:
        """Codes (positions in ``PROVENANCES``), looked up once per distinct date of the table."""
        udates, inv = ctx.distinct_dates()
        codes = np.array([PROVENANCES.index(self.vec.pack.rule_provenance(rule, d.astype(dt.date)).value)
                          for d in udates], dtype=np.int8)
        picked: np.ndarray = codes[inv]
        return picked

    def result(self, rule: Rule, ctx: Table, verdict: ColumnVerdict, shown: ColumnShown) -> RuleCols:
        """``shown`` column-wise; errors count only on the rows evaluated."""
        v, s, n = verdict, shown, ctx.n
        err = None if v.applies is None else merge_err(None, v.applies.err, v.gate)
        if v.value is not None:
            err = merge_err(err, v.value.err, v.rows)
        for p in v.thresholds.values():
            err = merge_err(err, p.err, v.rows)
        nothing = np.full(n, None, dtype=object)
        return RuleCols(
            s.outcome, nothing if s.value is None else s.value, nothing if s.threshold is None else s.threshold,
            _or_nan(s.margin, n), {lv: level.outcome for lv, level in s.levels.items()},
            {lv: _or_nan(level.margin, n) for lv, level in s.levels.items()}, s.provenance, err, "vectorised",
            None if s.value is None else v.rows & s.value.k, None if s.threshold is None else v.rows,
            self.vec.parts(rule, ctx) if s.parts else None,
            {lv: level.threshold for lv, level in s.levels.items() if level.threshold is not None})


def _or_nan(margin: np.ndarray | None, n: int) -> np.ndarray:
    return np.full(n, np.nan) if margin is None else margin


def _codes(c: Col) -> np.ndarray:
    """Outcome codes of a truth column: pass, fail, unknown where not known."""
    return np.where(c.k, np.where(c.v.astype(bool), PASS, FAIL), UNK).astype(np.int8)


def _empty_gap_inputs(pack: Plan, rule: Rule, levels: list[str], n: int
                      ) -> tuple[dict[str, np.ndarray], PartCols]:
    """Per-level thresholds and measure parts of the fallback, filled row by row."""
    shape = measure_shape(pack, rule)[0] if rule.measure is not None else "value"
    return ({lv: np.full(n, None, dtype=object) for lv in levels},
            PartCols(shape, np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)))


def _record_parts(parts: PartCols, i: int, p: MeasureParts | None) -> None:
    """Row i of the part columns from one explaining result."""
    if p is not None and p.numerator is not None and p.denominator is not None:
        parts.n[i], parts.d[i], parts.k[i] = p.numerator, p.denominator, True


def _margin(op: str, v: np.ndarray, th: np.ndarray) -> np.ndarray:
    """run.explain.margin_of over columns."""
    with np.errstate(invalid="ignore"):
        m = excess(op, v, th)
        return np.where(np.abs(m) < EPS, 0.0, np.round(m, 9))


def _plain_values(c: Col) -> np.ndarray:
    """Values as the engine's ``plain`` renders them (floats rounded to 6 places, enums by name)."""
    out = np.full(c.n, None, dtype=object)
    idx = np.flatnonzero(c.k)
    if not len(idx):
        return out
    if c.t == "num":
        rounded = np.round(c.v[idx].astype(float), 6)
        obj = rounded.astype(object)
        integral = (rounded == np.floor(rounded)) & (np.abs(rounded) < 2**53)
        obj[integral] = rounded[integral].astype(np.int64).astype(object)
        out[idx] = obj
    elif c.t == "bool":
        out[idx] = c.v[idx].astype(bool)
    elif c.t == "enum" and c.vocab is not None:
        members = [m.value for m in c.vocab]
        out[idx] = [members[int(r)] for r in c.v[idx]]
    elif c.t == "date":
        out[idx] = [str(d) for d in c.v[idx]]
    else:
        out[idx] = c.v[idx]
    return out
