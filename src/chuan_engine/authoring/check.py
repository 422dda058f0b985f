"""Static analysis of a rule pack: ``chuan rules check PATH``.

``load_pack`` already refuses what cannot run (syntax, types, cycles). The
check goes further and finds what runs but is wrong as law-as-code, each
finding with a stable code, a Vietnamese and an English message, the rule and
the file:

=========================  ==========================================================
code                       meaning
=========================  ==========================================================
citation_missing           a rule cites no document (error); ``citation_vague``: no
                           article, clause or url (warning)
undefined_parameter        an expression or threshold names a parameter not defined
unused_parameter           a parameter is defined but no rule, variable or side file
                           (``_ledger.yaml``, ``_quotas.yaml``, ``_ranking.yaml``) reads it
side_file                  a side file is malformed or one of its expressions does not
                           type-check against the pack
cycle                      rules/variables depend on each other in a loop
overlapping_versions       two rules with the same id are in force on a same day
overlapping_concept        two versions of one concept are in force on a same day
parameter_not_covering     on some day of a rule's effective period a parameter it
                           reads (directly, as threshold or through variables) has
                           no value
threshold_order            a higher level's threshold is laxer than a lower level's
                           (with ``>=``: mức 2 below mức 1), on some date
unsatisfiable              no witness passes the rule: neither the pack's YAML cases nor
                           the generated cases (bounded search)
unfalsifiable              no witness fails the rule (same witnesses)
case_error                 a YAML case of the pack (``<pack>/tests/*.yaml``) cannot run
graded_overlap/graded_gap  a graded family (below) has overlapping or missing grades
monotone_unknown_name      (warning) ``monotone_in`` names neither a variable of the
                           rule's subject nor a fact mutation the properties know
syntax_error, type_error,  the pack does not load
load_error
=========================  ==========================================================

Graded families (in the manner of DMN decision-table analysis, scope kept
modest): two or more *condition* rules with the same subject and group whose
conditions are each an interval on the same measure — ``m OP bound`` or
``m OP bound and m OP bound`` with OP in < <= > >= and bound a number or a
``$parameter`` — form a family. At every date where its members are in force,
their intervals must not overlap (hit policy *unique*) and must leave no gap
between the lowest and the highest bound (completeness within the graded range).

The satisfiable/falsifiable search takes its witnesses in order: first the
pack's own YAML cases (``<pack>/tests/*.yaml``, those without parameter
overrides, each evaluated on its own date: the engine's verdict on the case is
the witness, whatever the case expects), then seeded generated facts
(``chuan_engine.authoring.sampling``) at dates inside each rule's effective
period, only for the rules still lacking a passing or a failing witness. The
generated search is bounded, so a rule needing a rare combination may be
reported falsely: raise ``examples`` or, better, add a YAML case showing it
pass and fail.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..api import RulePack
from ..errors import (
    ChuanError,
    CycleError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    PackNotFoundError,
    ParameterError,
    RuleError,
    Text,
)
from ..facts.store import Facts
from ..lang import ast
from ..lang.parser import parse
from ..pack.parameters import Parameter, ParameterValue
from ..pack.plan import _compile, _pack_files, _read_pack_file
from ..pack.provenance import Provenance
from ..pack.side_files import compile_side_files, read_side_files, side_params
from ..pack.spec import PackHeader, RuleSpec, VariableSpec
from ..report.outcome import Outcome
from .cases import case_facts, load_cases
from .sampling import FACT_MUTATIONS, MODES, sample_facts

FAR = dt.date(9999, 12, 31)
ORDER_OPS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | warning
    message_vi: str
    message_en: str
    rule: str | None = None
    file: str | None = None

    def text(self, lang: str = "vi") -> str:
        msg = f"{self.message_vi} / {self.message_en}" if lang == "vi" else f"{self.message_en} / {self.message_vi}"
        where = ", ".join(p for p in (f"rule '{self.rule}'" if self.rule else "", self.file or "") if p)
        return f"[{self.code}] {msg}" + (f" ({where})" if where else "")


@dataclass
class PackCheck:
    """The outcome of checking one pack."""

    path: str
    pack_id: str | None = None
    version: str | None = None
    rules: int = 0
    findings: list[Finding] = field(default_factory=list)
    provisional_values: int = 0
    provisional_parameters: int = 0
    provisional_rules: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, code: str, vi: str, en: str, *, rule: str | None = None, file: str | None = None,
            severity: str = "error") -> None:
        self.findings.append(Finding(code, severity, vi, en, rule, file))

    def codes(self) -> set[str]:
        return {f.code for f in self.findings if f.severity == "error"}

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "pack": self.pack_id, "version": self.version, "ok": self.ok,
                "rules": self.rules, "provisional_values": self.provisional_values,
                "provisional_parameters": self.provisional_parameters, "provisional_rules": self.provisional_rules,
                "findings": [f.__dict__ for f in self.findings]}


# ---------------------------------------------------------------------------------------------
# Dependency closure (shared with chuan_engine.testing.properties)


@dataclass
class Closure:
    """Everything a rule reads, transitively through variables and referenced rules."""

    params: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    variables: set[tuple[str, str]] = field(default_factory=set)


def closure(pack: RulePack, rule_id: str, *, follow_rules: bool = True) -> Closure:
    """Parameters, functions, names and rules read by every version of ``rule_id`` (over-approximated:
    a name matching a variable of any subject counts as reading it)."""
    out = Closure()
    by_name: dict[str, list[tuple[str, str]]] = {}
    for key in pack.variables:
        by_name.setdefault(key[1], []).append(key)
    todo_rules = pack.versions_of(rule_id)
    seen_rules: set[tuple[str, dt.date]] = set()  # versions read: (id, start of the period)
    todo_trees: list[ast.Node] = []
    while todo_rules or todo_trees:
        if todo_rules:
            r = todo_rules.pop()
            if (r.id, r.effective.start) in seen_rules:
                continue
            seen_rules.add((r.id, r.effective.start))
            out.params |= set(r.thresholds.values())
            todo_trees.extend(e.tree for _, e in r.expressions())
            continue
        for node in ast.walk(todo_trees.pop()):
            todo_trees.extend(_note_read(out, node, pack, by_name))
            if follow_rules and isinstance(node, ast.RuleRef):
                todo_rules.extend(v for v in pack.versions(node.name) if (v.id, v.effective.start) not in seen_rules)
    return out


def _note_read(out: Closure, node: ast.Node, pack: RulePack,
               by_name: dict[str, list[tuple[str, str]]]) -> Iterator[ast.Node]:
    """Record what one node reads; yield the formulas of the variables it reads for the first time."""
    match node:
        case ast.Param():
            out.params.add(node.name)
        case ast.Call():
            out.functions.add(node.func)
        case ast.Name():
            out.names.add(node.name)
            for key in by_name.get(node.name, []):
                if key not in out.variables:
                    out.variables.add(key)
                    formula = pack.variables[key].formula
                    if formula is not None:
                        yield formula.tree
        case ast.RuleRef():
            out.rules.add(node.name)


# ---------------------------------------------------------------------------------------------
# Spec-level checks (before compiling, so one defect does not hide the others)


def _param_refs(text: str) -> tuple[set[str], str | None]:
    try:
        tree = parse(text)
    except ExpressionSyntaxError as exc:
        return set(), exc.message
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.Param)}, None


def _spec_checks(res: PackCheck, params: dict[str, Parameter], variables: dict[tuple[str, str], tuple[VariableSpec, str]],
                 rules: list[tuple[RuleSpec, str]], side_used: Iterable[str] = ()) -> None:
    """Checks on the specs before compiling: citations, parameters read but undefined or defined but unused,
    versions (of one rule, or one concept) in force on the same day."""
    used: set[str] = set(side_used)
    for (_, name), (v, f) in variables.items():
        if v.formula:
            formula_refs, _ = _param_refs(v.formula)
            used |= formula_refs
            for p in sorted(formula_refs - set(params)):
                res.add("undefined_parameter", f"biến '{name}' đọc tham số chưa định nghĩa '{p}'",
                        f"variable '{name}' reads undefined parameter '{p}'", file=f)
    for spec, f in rules:
        _citation_check(res, spec, f)
        refs = _rule_param_refs(spec)
        used |= refs
        for p in sorted(refs - set(params)):
            res.add("undefined_parameter", f"tham số '{p}' chưa được định nghĩa", f"parameter '{p}' is not defined",
                    rule=spec.id, file=f)
    for name in sorted(set(params) - used):
        res.add("unused_parameter", f"tham số '{name}' được định nghĩa nhưng không quy tắc nào dùng",
                f"parameter '{name}' is defined but never used", file=params[name].file)
    _overlap_checks(res, rules, "id", "overlapping_versions")
    _overlap_checks(res, rules, "concept", "overlapping_concept")


def _citation_check(res: PackCheck, spec: RuleSpec, f: str) -> None:
    if not spec.citation.document.strip():
        res.add("citation_missing", "quy tắc không trích dẫn văn bản nào", "rule cites no document",
                rule=spec.id, file=f)
    elif not (spec.citation.article or spec.citation.clause or spec.citation.url):
        res.add("citation_vague", "trích dẫn thiếu điều, khoản hoặc đường dẫn",
                "citation names no article, clause or url", rule=spec.id, file=f, severity="warning")


def _rule_param_refs(spec: RuleSpec) -> set[str]:
    """The parameters a rule's expressions and thresholds name."""
    refs: set[str] = set((spec.thresholds or {}).values())
    for text in (spec.applies_if, spec.measure, spec.condition):
        if text:
            refs |= _param_refs(text)[0]
    return refs


def _overlap_checks(res: PackCheck, rules: list[tuple[RuleSpec, str]], key: str, label: str) -> None:
    """Versions with the same id (or, for ``concept``, different rules of one concept) in force on one day."""
    groups: dict[str, list[tuple[RuleSpec, str]]] = {}
    for spec, f in rules:
        groups.setdefault(spec.id if key == "id" else (spec.concept or spec.id), []).append((spec, f))
    for k, items in groups.items():
        items = sorted(items, key=lambda x: x[0].effective.start)
        for i, (a, _) in enumerate(items):
            for b, fb in items[i + 1:]:
                if (key == "concept" and a.id == b.id) or (a.effective.end or FAR) < b.effective.start:
                    continue
                res.add(label, f"hai phiên bản của '{k}' cùng có hiệu lực từ {b.effective.start}",
                        f"two versions of '{k}' are both in force from {b.effective.start}", rule=b.id, file=fb)


def _uncovered(param: Parameter, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first stretch of [start, end] on which the parameter has no value, or None."""
    spans = sorted((v.start, v.end or FAR) for v in param.values)
    day = start
    for s, e in spans:
        if s > day:
            break
        if e >= day:
            if e >= end:
                return None
            day = e + dt.timedelta(days=1)
    nxt = min((s for s, _ in spans if s > day), default=None)
    gap_end = min(end, nxt - dt.timedelta(days=1)) if nxt else end
    return day, gap_end


def _breakpoints(params: Iterable[Parameter], start: dt.date, end: dt.date) -> list[dt.date]:
    days = {start}
    for p in params:
        for v in p.values:
            for d in (v.start, (v.end + dt.timedelta(days=1)) if v.end and v.end < FAR else None):
                if d is not None and start <= d <= end:
                    days.add(d)
    return sorted(days)


def _pack_checks(res: PackCheck, pack: RulePack) -> None:

    base = pack.parameters.base
    for rule in pack.rules:
        for name in rule.monotone_in:
            if (rule.subject, name) not in pack.variables and name not in FACT_MUTATIONS:
                res.add("monotone_unknown_name",
                        f"monotone_in nêu '{name}': không phải biến của {rule.subject} cũng không phải "
                        f"{sorted(FACT_MUTATIONS)}",
                        f"monotone_in names '{name}': neither a {rule.subject} variable nor one of "
                        f"{sorted(FACT_MUTATIONS)}", rule=rule.id, file=rule.file, severity="warning")
        start, end = rule.effective.start, rule.effective.end or FAR
        for name in sorted(closure(pack, rule.id, follow_rules=False).params):
            p = base.get(name)
            if p is None:
                continue
            gap = _uncovered(p, start, end)
            if gap is not None:
                to = "…" if gap[1] == FAR else gap[1].isoformat()
                res.add("parameter_not_covering",
                        f"tham số '{name}' không có giá trị từ {gap[0]} đến {to}, trong thời gian hiệu lực của quy tắc",
                        f"parameter '{name}' has no value from {gap[0]} to {to}, inside the rule's effective period",
                        rule=rule.id, file=rule.file)
        _threshold_order(res, pack, rule)


def _laxer(op: str, lo: float, hi: float) -> bool:
    """The higher level's threshold is easier to meet than the lower's under ``op``."""
    match op:
        case ">=" | ">":
            return hi < lo
        case "<=" | "<":
            return hi > lo
        case _:
            return hi != lo


def _threshold_order(res: PackCheck, pack: RulePack, rule: Any) -> None:
    if rule.kind != "indicator" or len(rule.thresholds) < 2 or rule.op not in (">=", ">", "<=", "<", "=="):
        return
    base = pack.parameters.base
    chain = [(lv, name) for lv, name in rule.level_thresholds if name is not None]
    start, end = rule.effective.start, rule.effective.end or FAR
    for (lo_lv, lo_p), (hi_lv, hi_p) in zip(chain, chain[1:], strict=False):
        if lo_p == hi_p or lo_p not in base or hi_p not in base:
            continue
        found = _first_laxer_day(rule.op, base[lo_p], base[hi_p], start, end)
        if found is not None:
            day, a, b = found
            res.add("threshold_order",
                    f"ngưỡng {hi_lv} ({hi_p} = {b}) lỏng hơn ngưỡng {lo_lv} ({lo_p} = {a}) "
                    f"với phép so sánh '{rule.op}' vào ngày {day}",
                    f"threshold of {hi_lv} ({hi_p} = {b}) is laxer than {lo_lv} ({lo_p} = {a}) "
                    f"under '{rule.op}' on {day}", rule=rule.id, file=rule.file)


def _first_laxer_day(op: str, lower: Any, higher: Any, start: dt.date, end: dt.date) -> tuple[dt.date, Any, Any] | None:
    """The first day on which the higher level's threshold is laxer than the lower's, with both values."""
    for day in _breakpoints([lower, higher], start, end):
        a, b = lower.at(day), higher.at(day)
        if a is None or b is None or not all(isinstance(x.value, int | float) for x in (a, b)):
            continue
        if _laxer(op, float(a.value), float(b.value)):
            return day, a.value, b.value
    return None


# ---------------------------------------------------------------------------------------------
# Graded families (DMN-style gaps and overlaps)


@dataclass(frozen=True)
class _Bound:
    value: float
    closed: bool


def _interval(rule: Any, on: dt.date, pack: RulePack) -> tuple[str, _Bound | None, _Bound | None] | None:
    """(measure text, lower, upper) when the rule's condition is an interval on one measure."""
    if rule.kind != "condition" or rule.condition is None or rule.applies_if is not None:
        return None
    text, tree = rule.condition.text, rule.condition.tree
    parts = [tree.left, tree.right] if isinstance(tree, ast.Binary) and tree.op == "and" else [tree]
    measure: str | None = None
    lo: _Bound | None = None
    hi: _Bound | None = None
    for part in parts:
        oriented = _measure_first(part, on, pack)
        if oriented is None:
            return None
        op, left, value = oriented
        m = text[left.pos:left.end].strip()
        if measure is not None and m != measure:
            return None
        measure = m
        if op in (">", ">="):
            lo = _Bound(value, op == ">=")
        else:
            hi = _Bound(value, op == "<=")
    assert measure is not None
    return measure, lo, hi


def _measure_first(part: ast.Node, on: dt.date, pack: RulePack) -> tuple[str, ast.Node, float] | None:
    """A comparison of a measure with a bound, as (operator, measure, bound) with the measure on the left."""
    if not (isinstance(part, ast.Binary) and part.op in ORDER_OPS):
        return None
    op, left, right = part.op, part.left, part.right
    if _bound_value(left, on, pack) is not None and _bound_value(right, on, pack) is None:
        left, right = right, left
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    value = _bound_value(right, on, pack)
    if value is None or _bound_value(left, on, pack) is not None:
        return None
    return op, left, value


def _bound_value(node: ast.Node, on: dt.date, pack: RulePack) -> float | None:
    if isinstance(node, ast.Literal) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Param) and node.name in pack.parameters:
        pv = pack.parameters.base[node.name].at(on)
        if pv is not None and isinstance(pv.value, int | float) and not isinstance(pv.value, bool):
            return float(pv.value)
    return None


def _graded_checks(res: PackCheck, pack: RulePack) -> None:
    families: dict[tuple[str, str | None, str], list[Any]] = {}
    days: set[dt.date] = set()
    for rule in pack.rules:
        iv = _interval(rule, rule.effective.start, pack)
        if iv is not None:
            families.setdefault((rule.subject, rule.group, iv[0]), []).append(rule)
            days.add(rule.effective.start)
    for p in pack.parameters.base.values():
        days |= {v.start for v in p.values}
    for (_, _, measure), members in sorted(families.items(), key=lambda kv: str(kv[0])):
        if len(members) < 2:
            continue
        reported: set[str] = set()
        for day in sorted(days):
            live = [r for r in members if r.in_force(day)]
            ivs = []
            for r in live:
                iv = _interval(r, day, pack)
                if iv is not None and iv[0] == measure:
                    ivs.append((r, iv[1], iv[2]))
            if len(ivs) < 2:
                continue
            _family_day(res, measure, ivs, day, reported)


def _family_day(res: PackCheck, measure: str, ivs: list[Any], day: dt.date, reported: set[str]) -> None:
    """Overlaps and gaps between the grades of one measure on one day (each reported once)."""
    ivs = sorted(ivs, key=_lower_key)
    for i, (ra, _, ha) in enumerate(ivs):
        for rb, lb, _ in ivs[i + 1:]:
            key = f"overlap {ra.id} {rb.id}"
            if _overlaps(ha, lb) and key not in reported:
                reported.add(key)
                res.add("graded_overlap",
                        f"hai mức '{ra.id}' và '{rb.id}' chồng lên nhau trên '{measure}' (ngày {day})",
                        f"grades '{ra.id}' and '{rb.id}' overlap on '{measure}' (on {day})", rule=rb.id, file=rb.file)
    reach: _Bound | None = ivs[0][2]
    reach_rule = ivs[0][0]
    for rb, lb, hb in ivs[1:]:
        if reach is None:
            break
        key = f"gap {reach_rule.id} {rb.id}"
        if lb is not None and _above(lb, reach) and key not in reported:
            reported.add(key)
            res.add("graded_gap",
                    f"giữa '{reach_rule.id}' và '{rb.id}' có khoảng giá trị của '{measure}' không thuộc mức nào "
                    f"({reach.value:g} – {lb.value:g}, ngày {day})",
                    f"between '{reach_rule.id}' and '{rb.id}' some values of '{measure}' get no grade "
                    f"({reach.value:g} – {lb.value:g}, on {day})", rule=rb.id, file=rb.file)
        if hb is None or hb.value > reach.value or (hb.value == reach.value and hb.closed):
            reach, reach_rule = hb, rb


def _lower_key(item: Any) -> tuple[float, int]:
    lo = item[1]
    return (-float("inf"), 0) if lo is None else (lo.value, 0 if lo.closed else 1)


def _overlaps(high: _Bound | None, low: _Bound | None) -> bool:
    """An interval ending at ``high`` overlaps one starting at ``low`` (which starts at or after it)."""
    top = float("inf") if high is None else high.value
    bottom = -float("inf") if low is None else low.value
    return bottom < top or (bottom == top and (high is None or high.closed) and (low is None or low.closed))


def _above(low: _Bound, reach: _Bound) -> bool:
    """A lower bound beyond what the grades so far reach: the values between belong to no grade."""
    return low.value > reach.value or (low.value == reach.value and not low.closed and not reach.closed)


# ---------------------------------------------------------------------------------------------
# Satisfiable / falsifiable (bounded search)


def _search_dates(pack: RulePack) -> list[dt.date]:
    days: set[dt.date] = set()
    for r in pack.rules:
        s = r.effective.start
        e = r.effective.end or max(dt.date(2025, 12, 31), s)
        days |= {s, min(e, dt.date(s.year, 12, 31)), e}
    return sorted(days)


def case_witnesses(res: PackCheck, pack: RulePack, root: Path) -> list[tuple[Facts, dt.date]]:
    """The facts and date of each YAML case of the pack run as shipped (no parameter override)."""

    folder = root / "tests"
    if not folder.is_dir():
        return []
    out = []
    for f in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")):
        try:
            cases = load_cases(f)
            for case in cases:
                if case.params or case.pack_path.resolve() != root.resolve():
                    continue  # a witness must be of this pack, with its own parameter values
                out.append((case_facts(case), case.on))
        except ChuanError as exc:
            res.add("case_error", f"ca kiểm thử YAML không chạy được: {exc.describe()}",
                    f"a YAML case cannot run: {exc.describe()}", file=str(f))
    return out


def _vkey(rule: Any) -> tuple[str, str]:
    return rule.id, rule.effective.start.isoformat()


def _search(res: PackCheck, pack: RulePack, examples: int, seed: int,
            witnesses: Sequence[tuple[Facts, dt.date]] = ()) -> None:

    rng = random.Random(seed)
    # keyed by version: (rule id, start of the version's period, as a result gives it)
    seen: dict[tuple[str, str], set[Outcome]] = {_vkey(r): set() for r in pack.rules}
    level_passed: dict[tuple[str, str], set[str]] = {_vkey(r): set() for r in pack.rules}

    def record(facts: Facts, day: dt.date) -> None:
        for e in pack.evaluate(facts, day, extras=False).entities:
            for r in e.results:
                key = (r.rule, r.effective_from)
                seen[key].add(r.outcome)
                level_passed[key] |= {lv for lv, lr in r.levels.items() if lr.outcome is Outcome.passed}

    def shown(rule: Any) -> bool:
        outs = seen[_vkey(rule)]
        levels = set(rule.threshold_levels) if rule.kind == "indicator" else set()
        return {Outcome.passed, Outcome.failed} <= outs and levels <= level_passed[_vkey(rule)]

    for facts, day in witnesses:
        record(facts, day)
    dates = _search_dates(pack)
    for i in range(examples):
        pending = [r for r in pack.rules if not shown(r)]
        if not pending:
            break
        mode = MODES[i] if i < len(MODES) else "random"
        facts = sample_facts(pack, rng, mode)
        for day in dates:
            if any(r.in_force(day) for r in pending):
                record(facts, day)
    _report_search(res, pack, seen, level_passed, len(witnesses), examples)


def _report_search(res: PackCheck, pack: RulePack, seen: dict[tuple[str, str], set[Outcome]],
                   level_passed: dict[tuple[str, str], set[str]], cases: int, examples: int) -> None:
    """Rules (and levels) that no case passed, and rules that no case failed."""
    after_vi = f"sau {cases} ca kiểm thử YAML và {examples} bộ dữ kiện sinh ngẫu nhiên"
    after_en = f"after {cases} YAML cases and {examples} generated fact sets"
    for rule in pack.rules:
        outs = seen[_vkey(rule)]
        if Outcome.passed not in outs:
            res.add("unsatisfiable", f"không tìm được trường hợp nào đạt quy tắc ({after_vi})",
                    f"no case passes the rule ({after_en})", rule=rule.id, file=rule.file)
        elif rule.kind == "indicator":
            for lv in sorted(set(rule.threshold_levels) - level_passed[_vkey(rule)]):
                res.add("unsatisfiable", f"không tìm được trường hợp nào đạt {lv} ({after_vi})",
                        f"no case passes level {lv} ({after_en})", rule=rule.id, file=rule.file)
        if Outcome.failed not in outs:
            res.add("unfalsifiable", f"không tìm được trường hợp nào không đạt quy tắc ({after_vi})",
                    f"no case fails the rule ({after_en})", rule=rule.id, file=rule.file)


# ---------------------------------------------------------------------------------------------
# Entry points


_COMPILE_CODES: list[tuple[type[ChuanError], str]] = [
    (CycleError, "cycle"),
    (ParameterError, "undefined_parameter"),
    (ExpressionSyntaxError, "syntax_error"),
    (ExpressionTypeError, "type_error"),
]


@dataclass
class _Specs:
    """What the pack's files say, read without compiling: the static checks run on it before the plan."""

    files: list[Path] = field(default_factory=list)
    header: PackHeader | None = None
    params: dict[str, Parameter] = field(default_factory=dict)
    variables: dict[tuple[str, str], tuple[VariableSpec, str]] = field(default_factory=dict)
    rules: list[tuple[RuleSpec, str]] = field(default_factory=list)
    side: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)


def _read_specs(root: Path) -> _Specs:
    out = _Specs(files=_pack_files(root), side=read_side_files(root))
    for f in out.files:
        pf = _read_pack_file(f)
        out.header = out.header or pf.pack
        for name, p in pf.parameters.items():
            values = tuple(sorted((ParameterValue(v.start, v.value, v.source, v.provenance, v.end)
                                   for v in p.values), key=lambda v: v.start))
            out.params[name] = Parameter(name, p.label_vi, p.label_en, p.unit, values, str(f))
        for name, v in pf.variables.items():
            out.variables[(v.subject, name)] = (v, str(f))
        out.rules.extend((r, str(f)) for r in pf.rules)
    return out


def _count(res: PackCheck, specs: _Specs) -> None:
    """Rules and provisional values, as the summary line shows them (a rule with several versions counts once)."""
    params, rules = specs.params.values(), specs.rules
    res.rules = len({spec.id for spec, _ in rules})
    res.provisional_values = sum(v.provenance is Provenance.provisional for p in params for v in p.values)
    res.provisional_parameters = sum(any(v.provenance is Provenance.provisional for v in p.values) for p in params)
    res.provisional_rules = len({spec.id for spec, _ in rules if spec.provenance is Provenance.provisional})


def _compile_code(exc: ChuanError) -> str:
    """The finding code of a compile error: by its class, else by what its message says."""
    code = next((c for t, c in _COMPILE_CODES if isinstance(exc, t)), None)
    if "unknown parameter" in exc.message:
        return "undefined_parameter"
    if code is None:
        return "overlapping_versions" if "overlap" in exc.message else "load_error"
    return code


def _compiled(res: PackCheck, specs: _Specs, root: Path) -> RulePack | None:
    """The compiled pack with its side files, or None (with the finding) when it does not compile."""
    assert specs.header is not None
    try:
        pack = RulePack.of(_compile(specs.header, specs.params, specs.variables, specs.rules, str(root),
                                    tuple(str(f) for f in specs.files)))
    except ChuanError as exc:
        code = _compile_code(exc)
        if code not in res.codes():
            res.add(code, f"bộ quy tắc không nạp được: {exc.message}", f"the pack does not load: {exc.message}",
                    rule=getattr(exc, "rule", None), file=exc.file)
        return None
    try:
        return replace(pack, sidecars=compile_side_files(pack, specs.side))
    except ChuanError as exc:
        res.add("side_file", f"tệp phụ của bộ quy tắc không hợp lệ: {exc.message}",
                f"a side file of the pack is invalid: {exc.message}", file=exc.file)
        return pack


def check_pack(path: str | Path, *, examples: int = 40, seed: int = 0) -> PackCheck:
    """Check one pack folder (or file); never raises for a defect of the pack, only reports it."""
    root = Path(path)
    res = PackCheck(str(root))
    try:
        specs = _read_specs(root)
    except ChuanError as exc:
        res.add("load_error", f"không đọc được bộ quy tắc: {exc.describe()}", f"cannot read the pack: {exc.describe()}")
        return res
    if specs.header is not None:
        res.pack_id, res.version = specs.header.id, specs.header.version
    _count(res, specs)
    _spec_checks(res, specs.params, specs.variables, specs.rules, side_params(specs.side))
    if specs.header is None:
        res.add("load_error", "không tệp nào có phần đầu 'pack:'", "no file has the 'pack:' header", file=str(root))
        return res
    pack = _compiled(res, specs, root)
    if pack is None:
        return res
    _pack_checks(res, pack)
    _graded_checks(res, pack)
    if examples > 0:
        try:
            _search(res, pack, examples, seed, case_witnesses(res, pack, root) if root.is_dir() else [])
        except ChuanError as exc:
            res.add("load_error", f"lỗi khi đánh giá thử: {exc.describe()}", f"error while trial-evaluating: {exc.describe()}")
    return res


def pack_dirs(path: str | Path) -> list[Path]:
    """A pack folder itself, or every pack folder (holding a pack.yaml) below a folder."""
    root = Path(path)
    if root.is_file() or (root / "pack.yaml").exists():
        return [root]
    if not root.is_dir():
        raise PackNotFoundError(Text(f"không có bộ quy tắc hay thư mục nào tại {root}", f"no pack or folder at {root}"))
    found = sorted({p.parent for p in root.rglob("pack.yaml")
                    if not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)})
    if not found:
        raise RuleError(Text("không có pack.yaml trong thư mục này", "no pack.yaml under this folder"), file=str(root))
    return found


def check_path(path: str | Path, *, examples: int = 40, seed: int = 0) -> list[PackCheck]:
    return [check_pack(d, examples=examples, seed=seed) for d in pack_dirs(path)]


def render(results: list[PackCheck], lang: str = "vi") -> str:
    lines: list[str] = []
    for r in results:
        mark = "✔" if r.ok else "✘"
        name = f"{r.pack_id} {r.version}" if r.pack_id else "?"
        n_err = len(r.errors)
        n_warn = len(r.findings) - n_err
        if lang == "vi":
            lines.append(f"{mark} {r.path} ({name}): {r.rules} quy tắc / rules, {n_err} lỗi / errors, "
                         f"{n_warn} cảnh báo / warnings; tạm thời / provisional: {r.provisional_values} giá trị "
                         f"ngưỡng / threshold values ({r.provisional_parameters} tham số / parameters), "
                         f"{r.provisional_rules} quy tắc / rules")
        else:
            lines.append(f"{mark} {r.path} ({name}): {r.rules} rules, {n_err} errors, {n_warn} warnings; "
                         f"provisional: {r.provisional_values} threshold values ({r.provisional_parameters} "
                         f"parameters), {r.provisional_rules} rules")
        for f in r.findings:
            tag = "lỗi/error" if f.severity == "error" else "cảnh báo/warning"
            lines.append(f"    {tag} {f.text(lang)}")
    ok = sum(r.ok for r in results)
    lines.append(f"{ok}/{len(results)} bộ quy tắc đạt kiểm tra / packs pass the check")
    return "\n".join(lines)


def render_json(results: list[PackCheck]) -> str:
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2)
