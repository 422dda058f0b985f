"""The explaining evaluator: one entity at a time, every value traced.

Each call to ``evaluate`` builds its own caches; a ``Plan`` is never
mutated, so evaluations are thread-safe and packs coexist.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

from ..errors import ChuanError, EvaluationError, ParameterError
from ..facts.store import Facts
from ..lang import ast
from ..lang.logic import UNKNOWN, Range, undecided
from ..lang.ops import COMPARISONS, EPS, compare, difference, excess
from ..lang.types import ENTITY_FIELDS, YEAR_FIELDS
from ..pack.parameters import ParameterValue
from ..pack.plan import Expression, Plan, Rule
from ..pack.provenance import Provenance
from ..report.outcome import LevelResult, Outcome, RuleResult
from ..report.results import EntityReport, Report
from ..report.trace import Step, plain
from . import verdict
from .interpreter import evaluate as evaluate_node
from .parts import measure_parts
from .scalar import NO_STEP, At, ScalarAlgebra, Traced
from .verdict import Level, Shown, Verdict
from .views import View, recruited_after


def _num_compare(op: str, a: float, b: float) -> bool:
    return bool(COMPARISONS[op].scalar(difference(a, b, True)))


def margin_of(op: str, value: float, threshold: float) -> float:
    """How far above (positive, 'vượt chuẩn') or below (negative) the threshold, rounded as reported."""
    m = excess(op, value, threshold)
    return 0.0 if abs(m) < EPS else round(m, 9)


class _Source(Enum):
    """Where a name's value comes from, for one kind of entity."""

    VARIABLE = "variable"
    YEAR_FACT = "year_fact"
    ENTITY_FACT = "entity_fact"
    EVAL_YEAR = "eval_year"
    EVAL_DATE = "eval_date"
    LINK = "link"


def _source(pack: Plan, kind: str, name: str) -> _Source:
    """A pack variable first, then a fact of the year record, a fact of the entity, the evaluation's year or
    date; anything else is read as a link."""
    if (kind, name) in pack.variables:
        return _Source.VARIABLE
    if name in YEAR_FIELDS.get(kind, {}):
        return _Source.YEAR_FACT
    if name in ENTITY_FIELDS.get(kind, {}):
        return _Source.ENTITY_FACT
    if name == "eval_year":
        return _Source.EVAL_YEAR
    if name == "eval_date":
        return _Source.EVAL_DATE
    return _Source.LINK


class Evaluation(ScalarAlgebra):
    """State of one evaluation run: caches keyed by entity and date. Without ``tracing`` no step is
    recorded: verdicts and values only (no explanation, missing facts or measure parts)."""

    def __init__(self, pack: Plan, facts: Facts, *, tracing: bool = True) -> None:
        self.pack = pack
        self.tracing = tracing
        self.facts = facts
        # each entry says whether it was traced: an untraced one answers only an untraced question
        self._vars: dict[tuple[Any, ...], tuple[Any, Step, bool]] = {}
        self._rules: dict[tuple[Any, ...], tuple[RuleResult, bool]] = {}
        self._outcomes: dict[tuple[Any, ...], Outcome] = {}
        self._sources: dict[tuple[str, str], _Source] = {}
        self._links: dict[tuple[Any, ...], Any] = {}
        self._active: set[tuple[Any, ...]] = set()
        self._verdicts = ScalarVerdicts(self)
        self._outcome_only = OutcomeVerdicts(self)

    # -- rules -------------------------------------------------------------------
    def rule_result(self, rule: Rule, view: View) -> RuleResult:
        key = (rule.id, rule.effective.start, view.key)  # one cache entry per version of the rule
        cached = self._rules.get(key)
        if cached is not None and (cached[1] or not self.tracing):
            return cached[0]
        if key in self._active:
            raise EvaluationError(f"rule '{rule.id}' depends on itself at runtime", where=view.model.id)
        self._active.add(key)
        try:
            result = self._rule_result(rule, view)
        finally:
            self._active.discard(key)
        self._rules[key] = (result, self.tracing)
        return result

    def rule_outcome(self, rule: Rule, view: View) -> Outcome:
        """Only the outcome of a rule version's verdict (what ``@rule`` reads), from a result when one was
        built."""
        key = (rule.id, rule.effective.start, view.key)
        built = self._rules.get(key)
        if built is not None:
            return built[0].outcome
        cached = self._outcomes.get(key)
        if cached is not None:
            return cached
        if key in self._active:
            raise EvaluationError(f"rule '{rule.id}' depends on itself at runtime", where=view.model.id)
        self._active.add(key)
        try:
            outcome = self.quietly(lambda: verdict.rule_verdict(self._outcome_only, rule, view))
        finally:
            self._active.discard(key)
        self._outcomes[key] = outcome
        return outcome

    def _rule_result(self, rule: Rule, view: View) -> RuleResult:
        """The one verdict procedure (run/verdict.py) over this entity's values (``ScalarVerdicts``)."""
        return verdict.rule_verdict(self._verdicts, rule, view)

    # -- expressions ---------------------------------------------------------------
    def value_of(self, node: ast.Node, view: View, text: str, ranged: bool = False) -> tuple[Any, Step]:
        """The node's value and trace, by the interpreter over the scalar algebra. A range (``Range``: a count
        or share with unknown elements) is kept only where ``ranged`` (the operands of a comparison, a
        measure, a variable's formula); everywhere else it reads as UNKNOWN, its trace still showing the range."""
        return evaluate_node(self, node, At(view, text), ranged)

    # -- name resolution -------------------------------------------------------------
    def lookup(self, view: View, name: str) -> tuple[Any, dict[str, Any]]:
        """Resolve a name in a view: pack variable (input or formula), year fact, entity fact, link."""
        kind = view.kind
        match self._resolved(kind, name):
            case _Source.VARIABLE:
                return self._variable(view, name)
            case _Source.YEAR_FACT:
                return self._year_fact(view, name), {"fact": f"{kind}.{name}", "year": view.on.year}
            case _Source.ENTITY_FACT:
                v = getattr(view.model, name)
                return (UNKNOWN if v is None else v), {"fact": f"{kind}.{name}"}
            case _Source.EVAL_YEAR:
                return view.on.year, {}
            case _Source.EVAL_DATE:
                return view.on, {}
            case _Source.LINK:
                return self._link(view, name), {"link": name}

    def value(self, view: View, name: str) -> Any:
        """``lookup``'s value alone, for the untraced path (no detail is built)."""
        match self._resolved(view.kind, name):
            case _Source.VARIABLE:
                return self._variable(view, name)[0]
            case _Source.YEAR_FACT:
                return self._year_fact(view, name)
            case _Source.ENTITY_FACT:
                v = getattr(view.model, name)
                return UNKNOWN if v is None else v
            case _Source.EVAL_YEAR:
                return view.on.year
            case _Source.EVAL_DATE:
                return view.on
            case _Source.LINK:
                return self._link(view, name)

    def _resolved(self, kind: str, name: str) -> _Source:
        """What a name is for a kind of entity: decided once per run, not at every read."""
        key = (kind, name)
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = _source(self.pack, kind, name)
        return found

    @staticmethod
    def _year_fact(view: View, name: str) -> Any:
        rec = view.year_record()
        v = getattr(rec, name) if rec is not None else None
        if v is None and name in ENTITY_FIELDS.get(view.kind, {}):
            v = getattr(view.model, name)
        if v is None and name == "year":
            v = view.on.year
        return UNKNOWN if v is None else v

    def _link(self, view: View, name: str) -> Any:
        """The entities a link names (views are immutable and the list is never changed: kept for the run)."""
        key = (name, view.key)
        if key not in self._links:
            self._links[key] = view.link(name)
        return self._links[key]

    def formula_step(self, view: View, name: str) -> Step | None:
        """The step of a variable's formula as this evaluation computed it; None when supplied as an input."""
        hit = self._vars.get((name, view.key))
        if hit is None or not hit[2] or not hit[1].children:
            return None
        return hit[1].children[0]

    def _variable(self, view: View, name: str) -> tuple[Any, dict[str, Any]]:
        key = (name, view.key)
        hit = self._vars.get(key)
        if hit is None or not (hit[2] or not self.tracing):
            hit = (*self._compute_variable(view, name), self.tracing)
            self._vars[key] = hit
        value, step, _ = hit
        if not self.tracing:
            return value, {}
        detail = dict(step.detail)
        if step.children:
            detail["formula"] = step.text
            detail.update({k: v for k, v in step.children[0].detail.items() if k in
                           ("numerator", "denominator", "unknown", "years", "not_meeting", "range")})
            if undecided(value):
                # Name the underlying missing facts (e.g. "classics_cert (3)"), not only the variable.
                inner = step.children[0].missing_facts()
                if inner:
                    detail["missing"] = f"{view.kind}.{name}: {', '.join(inner[:6])}"
        return value, detail

    def _compute_variable(self, view: View, name: str) -> tuple[Any, Step]:
        var = self.pack.variables[(view.kind, name)]
        supplied, found = _input(view, name)
        if found:
            value = _check_input(var.type.kind, supplied, view, name)
            return value, (Step(name, value, detail={"input": True}) if self.tracing else NO_STEP)
        if var.formula is None:
            return UNKNOWN, (Step(name, UNKNOWN, detail={"missing": f"{view.kind}.{name}", "input": True})
                             if self.tracing else NO_STEP)
        value, step = self.value_of(var.formula.tree, view, var.formula.text, ranged=True)
        return value, (Step(var.formula.text, value, [step]) if self.tracing else NO_STEP)


Threshold = tuple[ParameterValue, Step]
ScalarVerdict = Verdict[bool, Traced, Threshold, Outcome, float | None]
ScalarShown = Shown[Traced, Threshold, Outcome, float | None, Provenance]


class _ScalarKernels:
    """The kernels of the verdict algebra of one entity (run/verdict.py): the row set is a bool, values carry
    their trace step. What a verdict assembles into is the subclass's."""

    __slots__ = ("run",)

    def __init__(self, run: Evaluation) -> None:
        self.run = run

    @property
    def level_keys(self) -> tuple[str, ...]:
        return self.run.pack.level_keys

    def nothing(self, ctx: View) -> bool:
        return False

    def in_force(self, rule: Rule, ctx: View) -> bool:
        return rule.in_force(ctx.on)

    def recruited(self, ctx: View) -> bool:
        return not (ctx.kind == "staff" and recruited_after(ctx.model, ctx.on.year))

    def both(self, a: bool, b: bool) -> bool:
        return a and b

    def some(self, rows: bool) -> bool:
        return rows

    def truth(self, expr: Expression, ctx: View, what: str) -> Traced:
        return self.run.value_of(expr.tree, ctx, expr.text)

    def measure(self, expr: Expression, ctx: View) -> Traced:
        return self.run.value_of(expr.tree, ctx, expr.text, ranged=True)

    def split(self, applies: Traced, rows: bool) -> tuple[bool, bool]:
        value = applies[0]
        return rows and value is not False and value is not UNKNOWN, rows and value is UNKNOWN

    def outcome(self, value: Traced) -> Outcome:
        return Outcome.of(value[0])

    def threshold(self, rule: Rule, level: str, name: str, ctx: View) -> Threshold:
        try:
            pv = self.run.pack.parameters.at(name, ctx.on)
        except ParameterError as exc:
            raise EvaluationError(f"rule '{rule.id}': {exc.message}", where=ctx.model.id) from None
        if not self.run.tracing:
            return pv, NO_STEP
        return pv, Step(f"${name}", pv.value, detail={
            "level": level, "from": pv.start, "source": pv.source, "provenance": pv.provenance.value})

    def compare(self, op: str, value: Traced, threshold: Threshold) -> Outcome:
        if value[0] is UNKNOWN:
            return Outcome.unknown
        return Outcome.of(compare(op, value[0], threshold[0].value))  # a range decides only wholly on one side

    def margin(self, op: str, value: Traced, threshold: Threshold, rows: bool) -> float | None:
        v, thr = value[0], threshold[0].value
        if v is UNKNOWN or isinstance(v, Range) or not isinstance(thr, int | float):
            return None
        return margin_of(op, v, thr)

    def pick(self, rows: bool, unknown: bool, outcome: Outcome | None) -> Outcome:
        if rows:
            return Outcome.not_applicable if outcome is None else outcome
        return Outcome.unknown if unknown else Outcome.not_applicable



class OutcomeVerdicts(_ScalarKernels):
    """Only the outcome of a rule's verdict: a rule read by ``@`` shows nothing else (no result is built, no
    provenance looked up)."""

    __slots__ = ()

    def provenance(self, rule: Rule, ctx: View) -> None:
        return None

    def result(self, rule: Rule, ctx: View, verdict: ScalarVerdict,
               shown: Shown[Traced, Threshold, Outcome, float | None, None]) -> Outcome:
        return shown.outcome


class ScalarVerdicts(_ScalarKernels):
    """The verdict algebra whose result is a ``RuleResult`` with its explanation, missing facts and measure
    parts."""

    __slots__ = ("_provenances",)

    def __init__(self, run: Evaluation) -> None:
        super().__init__(run)
        self._provenances: dict[tuple[str, dt.date, dt.date], Provenance] = {}

    def provenance(self, rule: Rule, ctx: View) -> Provenance:
        """Computed once per run and rule version and date (it is the same for every entity)."""
        key = (rule.id, rule.effective.start, ctx.on)
        if key not in self._provenances:
            self._provenances[key] = self.run.pack.rule_provenance(rule, ctx.on)
        return self._provenances[key]

    def result(self, rule: Rule, ctx: View, verdict: ScalarVerdict, shown: ScalarShown) -> RuleResult:
        """``shown`` as a ``RuleResult``, with the explanation and missing facts from the trace."""
        s = shown
        explanation, missing = _explained(rule, verdict) if self.run.tracing else (None, [])
        parts = None
        if s.parts:
            assert s.value is not None
            run = self.run
            parts = measure_parts(run.pack, rule, ctx.kind, s.value[1], lambda name: run.formula_step(ctx, name))
        return RuleResult(
            rule=rule.id, concept=rule.concept, title_vi=rule.title_vi, title_en=rule.title_en, kind=rule.kind,
            group=rule.group, outcome=s.outcome, citation=rule.citation, provenance=s.provenance,
            effective_from=rule.effective.start.isoformat(),
            effective_to=rule.effective.end.isoformat() if rule.effective.end else None,
            value=None if s.value is None else plain(s.value[0]),
            threshold=None if s.threshold is None else s.threshold[0].value,
            margin=s.margin, op=rule.op, unit=rule.unit,
            levels={lv: _level(lv, level) for lv, level in s.levels.items()},
            explanation=explanation, reason=s.reason, missing=missing, parts=parts)


def _explained(rule: Rule, v: ScalarVerdict) -> tuple[Step | None, list[str]]:
    """The explanation (the steps of applies_if, the condition or measure, each threshold) and the missing
    facts, named only where they leave the verdict unknown (a condition names them always)."""
    steps = [t[1] for t in (v.applies, v.value) if t is not None] + [p[1] for p in v.thresholds.values()]
    unknown = v.outcome is Outcome.unknown
    match v.reason:
        case "not_in_force" | "not_yet_recruited" | "no_threshold":
            return None, []
        case "not_for_subject" | "applicability_unknown":
            assert v.applies is not None
            return Step("applies_if", v.applies[0], steps), v.applies[1].missing_facts() if unknown else []
        case None:
            assert v.value is not None
            value, step = v.value
            if rule.kind == "condition":
                return (step if len(steps) == 1 else Step(rule.id, value, steps)), step.missing_facts()
            assert rule.measure is not None
            return (Step(f"{rule.measure.text} {rule.op} threshold", value, steps),
                    step.missing_facts() if unknown else [])
        case other:
            raise AssertionError(f"no result for the reason {other!r}")


def _level(level: str, shown: Level[Threshold, Outcome, float | None]) -> LevelResult:
    if shown.threshold is None:
        return LevelResult(level, shown.outcome)
    pv = shown.threshold[0]
    return LevelResult(level, shown.outcome, pv.value, shown.margin, pv.source, pv.provenance)


def _input(view: View, name: str) -> tuple[Any, bool]:
    rec = view.year_record()
    if rec is not None and name in rec.inputs:
        return rec.inputs[name], True
    inputs = getattr(view.model, "inputs", {})
    if name in inputs:
        return inputs[name], True
    return None, False


def _check_input(kind: str, value: Any, view: View, name: str) -> Any:
    """Inputs are typed by the pack's declaration; a wrong type is an error, a null is unknown."""
    if value is None:
        return UNKNOWN
    ok = {
        "num": isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "date": isinstance(value, dt.date | str),
    }.get(kind, True)
    if not ok:
        raise EvaluationError(
            f"input '{name}' must be {kind}, got {type(value).__name__} {value!r}",
            where=f"{view.kind} '{view.model.id}'",
        )
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise EvaluationError(f"input '{name}' is not a date: {value!r}",
                                  where=f"{view.kind} '{view.model.id}'") from None
    return value


# What runs on one entity's results with its evaluation at hand (e.g. the gap analysis).
Annotator = Callable[["Evaluation", View, list[RuleResult]], None]


def evaluate(pack: Plan, facts: Facts | Iterable[Any], on: dt.date, *, lang: str = "vi",
             annotate: Annotator | None = None, explain: bool = True) -> Report:
    """Evaluate every entity of the kinds the pack has rules for. One bad entity never loses the others.

    ``annotate`` runs on each entity's results while its evaluation is at hand (the API layer plugs the
    gap analysis in here); an error it raises is that entity's error, like the rules' own. Without
    ``explain`` no step is traced: the same verdicts, values, thresholds, margins and provenance, but no
    explanation, no missing facts and measure parts without their numbers.
    """
    if not isinstance(facts, Facts):
        facts = Facts.of(facts)
    run = Evaluation(pack, facts, tracing=explain)
    shown: dict[str, list[Rule]] = {kind: [] for kind in pack.subjects()}
    for rule in pack.rules_shown(on):  # one result per rule: the version in force on the date (once per run)
        shown[rule.subject].append(rule)
    listed = [(kind, model, school) for kind, model, school in facts.entities() if kind in shown]
    built: dict[int, EntityReport] = {}
    # Those read by others first (a unit reads its members' rules, a school its staff's): their results, built
    # with their explanations, then answer the readers' ``@rule``, which would otherwise decide them twice.
    # The report keeps the order of the facts; every result depends only on its rule, entity and date.
    for i in sorted(range(len(listed)), key=lambda i: _READ_FIRST.get(listed[i][0], len(_READ_FIRST))):
        kind, model, school = listed[i]
        view = View(kind, model, on, school, facts)
        results: list[RuleResult] = []
        error: str | None = None
        try:
            for rule in shown[kind]:
                results.append(run.rule_result(rule, view))
            if annotate is not None:
                annotate(run, view, results)
        except ChuanError as exc:
            error, results = exc.describe(), []
        built[i] = EntityReport.build(pack, kind, model, school, results, error, on)
    return Report(pack=pack, as_of=on, entities=[built[i] for i in range(len(listed))], lang=lang)


_READ_FIRST = {"staff": 0, "unit": 1, "school": 2, "cluster": 3}
"""The order entities are evaluated in: the kinds read by the kinds after them."""
