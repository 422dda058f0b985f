"""Rule verdicts over a row table: vectorised, or by the explaining evaluator for a rule the compiler cannot take.

Outcome codes: 0 pass, 1 fail, 2 unknown, 3 not_applicable (the order of Outcome).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analysis.gaps import measure_shape
from ..errors import ChuanError
from ..lang.ops import EPS
from ..pack.plan import Plan, Rule
from ..report.outcome import MeasureParts, Outcome
from ..run.explain import Evaluation
from ..run.views import View
from .cols import Col, NotVectorisable, compare, gather, merge_err, not_none
from .compiler import PartCols, Vectoriser, _bool
from .convert import chunk_models
from .tables import Chunk, Table

PASS, FAIL, UNK, NA = 0, 1, 2, 3
OUTCOMES = np.array(["pass", "fail", "unknown", "not_applicable"], dtype=object)
_CODE = {Outcome.passed: PASS, Outcome.failed: FAIL, Outcome.unknown: UNK, Outcome.not_applicable: NA}


@dataclass
class RuleCols:
    outcome: np.ndarray
    value: np.ndarray | Col  # object array (fallback) or the column, rendered only for output rows
    threshold: np.ndarray | Col
    margin: np.ndarray  # float, NaN = none
    levels: dict[str, np.ndarray]
    level_margin: dict[str, np.ndarray]
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
        n = t.n
        levels = self.pack.level_keys
        # not applicable outside the rule's period, and to staff not yet recruited in the row's year (issue 12)
        inforce = t.covers(rule.effective.start, rule.effective.end) & ~t.recruited_after()
        outcome = np.full(n, NA, dtype=np.int8)
        err: np.ndarray | None = None
        active = inforce.copy()
        app_unk = np.zeros(n, dtype=bool)
        if rule.applies_if is not None:
            a = _bool(self.vec.ev(rule.applies_if.tree, t), "applies_if")
            err = merge_err(None, a.err, inforce)
            app_unk = inforce & ~a.k
            active = inforce & a.k & a.v.astype(bool)
            outcome[app_unk] = UNK
        value: Col | np.ndarray = np.full(n, None, dtype=object)
        threshold: Col | np.ndarray = np.full(n, None, dtype=object)
        value_mask = threshold_mask = None
        margin = np.full(n, np.nan)
        lv_out: dict[str, np.ndarray] = {}
        lv_margin: dict[str, np.ndarray] = {}
        lv_threshold: dict[str, Col | np.ndarray] = {}
        parts: PartCols | None = None
        if rule.kind == "condition":
            assert rule.condition is not None
            c = _bool(self.vec.ev(rule.condition.tree, t), "condition")
            err = merge_err(err, c.err, active)
            oc = np.where(c.k, np.where(c.v.astype(bool), PASS, FAIL), UNK).astype(np.int8)
            outcome[active] = oc[active]
            value, value_mask = c, active & c.k
            required = rule.levels or levels
            for lv in levels:
                arr = np.full(n, NA, dtype=np.int8)
                arr[app_unk] = UNK
                if lv in required:
                    arr[active] = oc[active]
                lv_out[lv] = arr
                lv_margin[lv] = np.full(n, np.nan)
        else:
            assert rule.measure is not None and rule.op is not None
            m = self.vec.ev(rule.measure.tree, t)
            if not isinstance(m, Col):
                raise NotVectorisable("a measure that is a list or record")
            err = merge_err(err, m.err, active)
            parts = self.vec.parts(rule, t)
            base: str | None = None
            base_p: Col | None = None
            for lv, name in rule.level_thresholds:
                arr = np.full(n, NA, dtype=np.int8)
                arr[app_unk] = UNK
                mg = np.full(n, np.nan)
                if name is not None:
                    p = lv_threshold[lv] = self.vec.parameter(name, t)
                    err = merge_err(err, p.err, active)
                    cmpc = compare(rule.op, m, p)
                    oc = np.where(cmpc.k, np.where(cmpc.v, PASS, FAIL), UNK).astype(np.int8)  # ranges too
                    arr[active] = oc[active]
                    if m.t == "num" and p.t == "num":
                        mg = _margin(rule.op, m.v.astype(float), p.v.astype(float))
                        mg = np.where(active & m.k & p.k, mg, np.nan)
                    if base is None:
                        base, base_p = lv, p
                lv_out[lv] = arr
                lv_margin[lv] = mg
            if base is None:
                outcome[active] = NA
            else:
                assert base_p is not None
                outcome[active] = lv_out[base][active]
                margin = lv_margin[base]
                threshold, threshold_mask = base_p, active
                value, value_mask = m, active & m.k
        return RuleCols(outcome, value, threshold, margin, lv_out, lv_margin, err, "vectorised", value_mask,
                        threshold_mask, parts, lv_threshold)

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
        return RuleCols(outcome, value, threshold, margin, lv_out, lv_margin, err if has else None, "fallback",
                        parts=parts, level_threshold=lv_threshold)


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
    with np.errstate(invalid="ignore"):
        if op in (">=", ">"):
            m = v - th
        elif op in ("<=", "<"):
            m = th - v
        else:
            m = -np.abs(v - th)
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
