"""The one procedure of a rule's verdict, written against a verdict algebra.

In force on the date (and the staff member recruited by the evaluated year) → applicability → condition, or
measure against each level's threshold → per-level outcome → margin. ``rule_verdict`` decides the order and
what is never evaluated; what a row set, a value, an outcome *is* belongs to the algebra: one entity's
traced values whose row set is a Python bool (run/explain.py), or columns over a row table whose row set is
a boolean mask (batch/rules.py). A rule whose gate is empty costs nothing: no expression is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from ..pack.plan import Expression, Rule

X_contra = TypeVar("X_contra", contravariant=True)  # where the rule is judged: a view, a row table
R = TypeVar("R")  # a set of rows: a bool, a boolean mask
V = TypeVar("V")  # a value: traced, a column
P = TypeVar("P")  # a threshold at the date: the parameter's value and its step, a column
C = TypeVar("C")  # the outcome code of each row: an Outcome, an array of outcome codes
M = TypeVar("M")  # a margin of each row: a float or None, an array with NaN for none
G = TypeVar("G")  # the provenance of the rule version at each row's date: a Provenance, an array of codes
Out_co = TypeVar("Out_co", covariant=True)  # the assembled verdict: RuleResult, RuleCols


@dataclass
class Verdict(Generic[R, V, P, C, M]):
    """What the procedure decided, for the algebra to assemble. ``reason``: why the rule is not applicable or
    unknown as a whole (None when the condition or the measure decides); ``gate``: the rows in force;
    ``rows``: the rows the condition or measure decides; ``unknown``: the rows whose applicability is unknown."""

    reason: str | None
    gate: R
    rows: R
    unknown: R
    outcome: C
    levels: dict[str, C]
    applies: V | None = None
    value: V | None = None
    thresholds: dict[str, P] = field(default_factory=dict)  # the levels with a threshold, in level order
    margins: dict[str, M] = field(default_factory=dict)
    base: str | None = None  # the first level with a threshold: the rule's own verdict is its verdict there


@dataclass(frozen=True)
class Level(Generic[P, C, M]):
    """One level of a result: its outcome, and its threshold and margin where the level has a threshold."""

    outcome: C
    threshold: P | None = None
    margin: M | None = None


@dataclass(frozen=True)
class Shown(Generic[V, P, C, M, G]):
    """The fields of a rule's result, chosen from its verdict here once: the explaining result (``RuleResult``)
    and the column result (``RuleCols``) render these and nothing else, so the two paths report alike."""

    outcome: C
    reason: str | None
    levels: dict[str, Level[P, C, M]]
    provenance: G
    value: V | None = None  # the condition's truth value, or the measure when a level decides it
    threshold: P | None = None  # the base level's: an indicator's own verdict is its verdict there
    margin: M | None = None
    parts: bool = False  # an indicator decided at a level: its measure's parts are reported, for gaps


def shown(rule: Rule, v: Verdict[R, V, P, C, M], provenance: G) -> Shown[V, P, C, M, G]:
    """What a result reports: every level; the value of a condition or of a measure a level decides; for an
    indicator, the base level's threshold and margin and the measure's parts."""
    levels = {lv: Level(out, v.thresholds.get(lv), v.margins.get(lv)) for lv, out in v.levels.items()}
    if v.value is None or (rule.kind != "condition" and v.base is None):
        return Shown(v.outcome, v.reason, levels, provenance)
    if rule.kind == "condition":
        return Shown(v.outcome, v.reason, levels, provenance, v.value)
    assert v.base is not None
    return Shown(v.outcome, v.reason, levels, provenance, v.value, v.thresholds[v.base], v.margins[v.base], True)


class VerdictAlgebra(Protocol[X_contra, R, V, P, C, M, G, Out_co]):
    """The kernels one path decides a verdict with."""

    @property
    def level_keys(self) -> tuple[str, ...]: ...

    def nothing(self, ctx: X_contra) -> R:
        """The empty row set."""
        ...

    def in_force(self, rule: Rule, ctx: X_contra) -> R:
        """The rows whose date lies in the rule version's effective period."""
        ...

    def recruited(self, ctx: X_contra) -> R:
        """The rows not of a staff member recruited after the evaluated year (issue 12)."""
        ...

    def both(self, a: R, b: R) -> R: ...

    def some(self, rows: R) -> bool:
        """Any row in the set: otherwise nothing is left to evaluate."""
        ...

    def truth(self, expr: Expression, ctx: X_contra, what: str) -> V:
        """A truth value (``applies_if``, ``condition``) by the interpreter."""
        ...

    def measure(self, expr: Expression, ctx: X_contra) -> V:
        """An indicator's measure by the interpreter; a range (a count or share with unknown elements) kept."""
        ...

    def split(self, applies: V, rows: R) -> tuple[R, R]:
        """Of ``rows``, those where ``applies`` holds and those where it is unknown."""
        ...

    def outcome(self, value: V) -> C:
        """Pass, fail or unknown from a truth value."""
        ...

    def threshold(self, rule: Rule, level: str, name: str, ctx: X_contra) -> P:
        """A level's threshold parameter at the date."""
        ...

    def compare(self, op: str, value: V, threshold: P) -> C:
        """Pass, fail or unknown by the operator table's compare (a range decides only wholly on one side)."""
        ...

    def margin(self, op: str, value: V, threshold: P, rows: R) -> M:
        """How far past the threshold a known number is, on ``rows``."""
        ...

    def pick(self, rows: R, unknown: R, outcome: C | None) -> C:
        """``outcome`` on ``rows`` (not applicable when None), unknown on ``unknown``, not applicable elsewhere."""
        ...

    def provenance(self, rule: Rule, ctx: X_contra) -> G:
        """The plan's provenance of the rule version at each row's date (pack.rule_provenance)."""
        ...

    def result(self, rule: Rule, ctx: X_contra, verdict: Verdict[R, V, P, C, M],
               shown: Shown[V, P, C, M, G]) -> Out_co:
        """The result as the path renders ``shown`` (``verdict`` for the rows and the trace)."""
        ...


def rule_verdict(alg: VerdictAlgebra[X_contra, R, V, P, C, M, G, Out_co], rule: Rule, ctx: X_contra) -> Out_co:
    """A rule version's verdict in a context, in the algebra's values."""
    none = alg.nothing(ctx)
    gate = alg.in_force(rule, ctx)
    if not alg.some(gate):
        return _aside(alg, rule, ctx, "not_in_force", gate, none)
    gate = alg.both(gate, alg.recruited(ctx))
    if not alg.some(gate):
        return _aside(alg, rule, ctx, "not_yet_recruited", gate, none)
    rows, unknown, applies = gate, none, None
    if rule.applies_if is not None:
        applies = alg.truth(rule.applies_if, ctx, "applies_if")
        rows, unknown = alg.split(applies, gate)
        if not alg.some(rows):
            reason = "applicability_unknown" if alg.some(unknown) else "not_for_subject"
            return _aside(alg, rule, ctx, reason, gate, unknown, applies)
    if rule.kind == "condition":
        return _conditioned(alg, rule, ctx, gate, rows, unknown, applies)
    return _measured(alg, rule, ctx, gate, rows, unknown, applies)


def _aside(alg: VerdictAlgebra[X_contra, R, V, P, C, M, G, Out_co], rule: Rule, ctx: X_contra, reason: str, gate: R,
           unknown: R, applies: V | None = None) -> Out_co:
    """Decided before the condition or measure: not applicable, or unknown on ``unknown``, at every level."""
    none = alg.nothing(ctx)
    levels = {lv: alg.pick(none, unknown, None) for lv in alg.level_keys}
    return _done(alg, rule, ctx, Verdict(reason, gate, none, unknown, alg.pick(none, unknown, None), levels, applies))


def _conditioned(alg: VerdictAlgebra[X_contra, R, V, P, C, M, G, Out_co], rule: Rule, ctx: X_contra, gate: R, rows: R,
                 unknown: R, applies: V | None) -> Out_co:
    """A condition: its outcome at the levels that require it (``rule.levels``, or all), not applicable at the others."""
    assert rule.condition is not None
    value = alg.truth(rule.condition, ctx, "condition")
    oc = alg.outcome(value)
    levels = alg.level_keys
    required = rule.levels or levels
    return _done(alg, rule, ctx, Verdict(
        None, gate, rows, unknown, alg.pick(rows, unknown, oc),
        {lv: alg.pick(rows, unknown, oc if lv in required else None) for lv in levels}, applies, value))


def _measured(alg: VerdictAlgebra[X_contra, R, V, P, C, M, G, Out_co], rule: Rule, ctx: X_contra, gate: R, rows: R,
              unknown: R, applies: V | None) -> Out_co:
    """An indicator: its measure against each level's threshold; its own verdict is the base level's."""
    assert rule.measure is not None and rule.op is not None
    value = alg.measure(rule.measure, ctx)
    thresholds: dict[str, P] = {}
    margins: dict[str, M] = {}
    decided: dict[str, C] = {}
    for lv, name in rule.level_thresholds:
        if name is not None:
            p = thresholds[lv] = alg.threshold(rule, lv, name, ctx)
            decided[lv] = alg.compare(rule.op, value, p)
            margins[lv] = alg.margin(rule.op, value, p, rows)
    base = next(iter(decided), None)
    return _done(alg, rule, ctx, Verdict(
        None if base is not None else "no_threshold", gate, rows, unknown,
        alg.pick(rows, unknown, decided[base] if base is not None else None),
        {lv: alg.pick(rows, unknown, decided.get(lv)) for lv, _ in rule.level_thresholds},
        applies, value, thresholds, margins, base))


def _done(alg: VerdictAlgebra[X_contra, R, V, P, C, M, G, Out_co], rule: Rule, ctx: X_contra,
          v: Verdict[R, V, P, C, M]) -> Out_co:
    """The result of a verdict: the fields ``shown`` chooses, rendered by the algebra."""
    return alg.result(rule, ctx, v, shown(rule, v, alg.provenance(rule, ctx)))
