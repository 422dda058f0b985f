"""The explaining evaluator: one entity at a time, every value traced.

Each call to ``evaluate`` builds its own caches; a ``Plan`` is never
mutated, so evaluations are thread-safe and packs coexist.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ChuanError, EvaluationError, ParameterError
from ..facts.store import Facts
from ..lang import ast
from ..lang.logic import UNKNOWN, Range, undecided
from ..lang.ops import COMPARISONS, EPS, compare, difference
from ..lang.types import ENTITY_FIELDS, YEAR_FIELDS
from ..pack.plan import Plan, Rule
from ..pack.provenance import Provenance
from ..report.outcome import LevelResult, Outcome, RuleResult
from ..report.results import EntityReport, Report
from ..report.trace import Step, plain
from .interpreter import evaluate as evaluate_node
from .parts import measure_parts
from .scalar import At, ScalarAlgebra, coerce_like
from .views import View, recruited_after


def _num_compare(op: str, a: float, b: float) -> bool:
    return bool(COMPARISONS[op].scalar(difference(a, b, True)))


def margin_of(op: str, value: float, threshold: float) -> float:
    """How far above (positive, 'vượt chuẩn') or below (negative) the threshold."""
    if op in (">=", ">"):
        m = value - threshold
    elif op in ("<=", "<"):
        m = threshold - value
    else:
        m = -abs(value - threshold)
    return 0.0 if abs(m) < EPS else round(m, 9)


class Evaluation(ScalarAlgebra):
    """State of one evaluation run: caches keyed by entity and date. Without ``tracing`` no step is
    recorded: verdicts and values only (no explanation, missing facts or measure parts)."""

    def __init__(self, pack: Plan, facts: Facts, *, tracing: bool = True) -> None:
        self.pack = pack
        self.tracing = tracing
        self.facts = facts
        self._vars: dict[tuple[Any, ...], tuple[Any, Step]] = {}
        self._rules: dict[tuple[Any, ...], RuleResult] = {}
        self._active: set[tuple[Any, ...]] = set()
        self._provenance: dict[tuple[str, dt.date, dt.date], Provenance] = {}

    # -- rules -------------------------------------------------------------------
    def rule_result(self, rule: Rule, view: View) -> RuleResult:
        key = (rule.id, rule.effective.start, view.key)  # one cache entry per version of the rule
        cached = self._rules.get(key)
        if cached is not None:
            return cached
        if key in self._active:
            raise EvaluationError(f"rule '{rule.id}' depends on itself at runtime", where=view.model.id)
        self._active.add(key)
        try:
            result = self._rule_result(rule, view)
        finally:
            self._active.discard(key)
        self._rules[key] = result
        return result

    def _rule_provenance(self, rule: Rule, on: dt.date) -> Provenance:
        """The plan's provenance of a rule version on a date, computed once per run (it is the same for every entity)."""
        key = (rule.id, rule.effective.start, on)
        if key not in self._provenance:
            self._provenance[key] = self.pack.rule_provenance(rule, on)
        return self._provenance[key]

    def _base(self, rule: Rule, view: View, outcome: Outcome, **kw: Any) -> RuleResult:
        return RuleResult(
            rule=rule.id,
            concept=rule.concept,
            title_vi=rule.title_vi,
            title_en=rule.title_en,
            kind=rule.kind,
            group=rule.group,
            outcome=outcome,
            citation=rule.citation,
            provenance=self._rule_provenance(rule, view.on),
            effective_from=rule.effective.start.isoformat(),
            effective_to=rule.effective.end.isoformat() if rule.effective.end else None,
            op=rule.op,
            unit=rule.unit,
            **kw,
        )

    def _rule_result(self, rule: Rule, view: View) -> RuleResult:
        levels = self.pack.level_keys
        if not rule.in_force(view.on):
            return self._base(rule, view, Outcome.not_applicable, reason="not_in_force",
                              levels={lv: LevelResult(lv, Outcome.not_applicable) for lv in levels})
        if view.kind == "staff" and recruited_after(view.model, view.on.year):
            return self._base(rule, view, Outcome.not_applicable, reason="not_yet_recruited",
                              levels={lv: LevelResult(lv, Outcome.not_applicable) for lv in levels})
        steps: list[Step] = []
        if rule.applies_if is not None:
            applies, step = self.value_of(rule.applies_if.tree, view, rule.applies_if.text)
            steps.append(step)
            if applies is False:
                return self._base(rule, view, Outcome.not_applicable, reason="not_for_subject",
                                  explanation=Step("applies_if", False, steps),
                                  levels={lv: LevelResult(lv, Outcome.not_applicable) for lv in levels})
            if applies is UNKNOWN:
                return self._base(rule, view, Outcome.unknown, reason="applicability_unknown",
                                  explanation=Step("applies_if", UNKNOWN, steps), missing=step.missing_facts(),
                                  levels={lv: LevelResult(lv, Outcome.unknown) for lv in levels})
        if rule.kind == "condition":
            assert rule.condition is not None
            value, step = self.value_of(rule.condition.tree, view, rule.condition.text)
            steps.append(step)
            outcome = Outcome.of(value)
            required = rule.levels or levels
            level_results = {
                lv: LevelResult(lv, outcome if lv in required else Outcome.not_applicable) for lv in levels
            }
            return self._base(rule, view, outcome, value=plain(value), levels=level_results,
                              explanation=step if len(steps) == 1 else Step(rule.id, value, steps),
                              missing=step.missing_facts())
        assert rule.measure is not None and rule.op is not None
        value, step = self.value_of(rule.measure.tree, view, rule.measure.text, ranged=True)
        steps.append(step)
        level_results = {}
        for lv, threshold_name in rule.level_thresholds:
            if threshold_name is None:
                level_results[lv] = LevelResult(lv, Outcome.not_applicable)
                continue
            try:
                pv = self.pack.parameters.at(threshold_name, view.on)
            except ParameterError as exc:
                raise EvaluationError(f"rule '{rule.id}': {exc.message}", where=view.model.id) from None
            steps.append(Step(f"${threshold_name}", pv.value, detail={
                "level": lv, "from": pv.start, "source": pv.source, "provenance": pv.provenance.value}))
            if value is UNKNOWN:
                level_results[lv] = LevelResult(lv, Outcome.unknown, pv.value, None, pv.source, pv.provenance)
            else:  # a range (count or share with unknown elements) decides only when it falls on one side
                ok = compare(rule.op, value, pv.value)
                thr = pv.value
                margin = (margin_of(rule.op, value, thr) if isinstance(thr, int | float) and not isinstance(value, Range)
                          else None)
                level_results[lv] = LevelResult(lv, Outcome.of(ok), pv.value, margin, pv.source, pv.provenance)
        base = next((lr for lr in level_results.values() if lr.outcome is not Outcome.not_applicable), None)
        if base is None:
            return self._base(rule, view, Outcome.not_applicable, reason="no_threshold", levels=level_results)
        text = f"{rule.measure.text} {rule.op} threshold"
        parts = measure_parts(self.pack, rule, view.kind, step, lambda name: self.formula_step(view, name))
        return self._base(rule, view, base.outcome, value=plain(value), threshold=base.threshold,
                          margin=base.margin, levels=level_results, explanation=Step(text, value, steps),
                          missing=step.missing_facts() if base.outcome is Outcome.unknown else [], parts=parts)

    # -- expressions ---------------------------------------------------------------
    def value_of(self, node: ast.Node, view: View, text: str, ranged: bool = False) -> tuple[Any, Step]:
        """The node's value and trace, by the interpreter over the scalar algebra. A range (``Range``: a count
        or share with unknown elements) is kept only where ``ranged`` (the operands of a comparison, a
        measure, a variable's formula); everywhere else it reads as UNKNOWN, its trace still showing the range."""
        return evaluate_node(self, node, At(view, text), ranged)

    # -- name resolution -------------------------------------------------------------
    def lookup(self, view: View, name: str) -> tuple[Any, dict[str, Any]]:
        """Resolve a name in a view: pack variable (input or formula), year fact, entity fact, link."""
        var = self.pack.variables.get((view.kind, name))
        if var is not None:
            return self._variable(view, name)
        kind = view.kind
        if name in YEAR_FIELDS.get(kind, {}):
            rec = view.year_record()
            v = getattr(rec, name) if rec is not None else None
            if v is None and name in ENTITY_FIELDS.get(kind, {}):
                v = getattr(view.model, name)
            if v is None and name == "year":
                v = view.on.year
            return (UNKNOWN if v is None else v), {"fact": f"{kind}.{name}", "year": view.on.year}
        if name in ENTITY_FIELDS.get(kind, {}):
            v = getattr(view.model, name)
            return (UNKNOWN if v is None else v), {"fact": f"{kind}.{name}"}
        if name == "eval_year":
            return view.on.year, {}
        if name == "eval_date":
            return view.on, {}
        return view.link(name), {"link": name}

    def formula_step(self, view: View, name: str) -> Step | None:
        """The step of a variable's formula as this evaluation computed it; None when supplied as an input."""
        hit = self._vars.get((name, view.key))
        if hit is None or not hit[1].children:
            return None
        return hit[1].children[0]

    def _variable(self, view: View, name: str) -> tuple[Any, dict[str, Any]]:
        key = (name, view.key)
        hit = self._vars.get(key)
        if hit is None:
            hit = self._compute_variable(view, name)
            self._vars[key] = hit
        value, step = hit
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
            return value, Step(name, value, detail={"input": True})
        if var.formula is None:
            return UNKNOWN, Step(name, UNKNOWN, detail={"missing": f"{view.kind}.{name}", "input": True})
        value, step = self.value_of(var.formula.tree, view, var.formula.text, ranged=True)
        return value, Step(var.formula.text, value, [step])


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


_coerce_like = coerce_like  # the durable backend's name for it


# What runs on one entity's results with its evaluation at hand (e.g. the gap analysis).
Annotator = Callable[["Evaluation", View, list[RuleResult]], None]


def evaluate(pack: Plan, facts: Facts | Iterable[Any], on: dt.date, *, lang: str = "vi",
             annotate: Annotator | None = None) -> Report:
    """Evaluate every entity of the kinds the pack has rules for. One bad entity never loses the others.

    ``annotate`` runs on each entity's results while its evaluation is at hand (the API layer plugs the
    gap analysis in here); an error it raises is that entity's error, like the rules' own.
    """
    if not isinstance(facts, Facts):
        facts = Facts.of(facts)
    run = Evaluation(pack, facts)
    subjects = set(pack.subjects())
    entities: list[EntityReport] = []
    for kind, model, school in facts.entities():
        if kind not in subjects:
            continue
        view = View(kind, model, on, school, facts)
        results: list[RuleResult] = []
        error: str | None = None
        try:
            for rule in pack.rules_shown(on):  # one result per rule: the version in force on the date
                if rule.subject == kind:
                    results.append(run.rule_result(rule, view))
            if annotate is not None:
                annotate(run, view, results)
        except ChuanError as exc:
            error, results = exc.describe(), []
        entities.append(EntityReport.build(pack, kind, model, school, results, error, on))
    return Report(pack=pack, as_of=on, entities=entities, lang=lang)
