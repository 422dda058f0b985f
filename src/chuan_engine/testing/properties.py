"""Reusable consistency properties of a rule pack, for a pack author's own pytest.

Each property takes ``(pack, facts, on)`` (and sometimes a ``pick`` that
hypothesis varies) and returns a list of ``Violation`` (empty = holds);
``assert_holds`` turns a non-empty list into a readable AssertionError. Or in
one line, with generated facts::

    from chuan_engine.testing.properties import check_pack_properties
    def test_my_pack_properties():
        check_pack_properties(load_pack("rules/my_pack"))

Properties (what each one promises):

- ``implications``: every ``implications: [{if, then}]`` of the pack header
  holds per entity (``if`` passes ⇒ ``then`` passes), and levels are nested:
  an entity (and each rule) passing mức k+1 passes mức k.
- ``monotonicity``: for each rule's ``monotone_in`` names, increasing the
  named quantity never turns pass into fail (rule or level). *Increasing*:
  a pack variable is supplied as an ``input`` with a larger value (number
  +1, ratio +0.1 capped at 1, bool false→true); the fact names ``rating`` and
  ``degree`` raise one enum rank, ``initiatives`` adds an initiative of the
  evaluation year, ``research`` adds an accepted provincial topic of the year.
  For a unit or school rule the fact mutation is applied to one member
  (chosen by ``pick``).
- ``unknown_removal``: removing one fact (an optional field set to ``null``,
  an input of an input-only variable dropped, a roster or research list made
  unknown, an entity's ``years``, a person's ``initiatives`` or ``research``, a
  year's ``titles``, ``rewards`` or ``prizes`` made unknown) never turns a known
  verdict into the opposite one: fail never becomes pass and pass never becomes
  fail; it may become unknown.
- ``unknown_supply``: supplying one missing fact never flips a known verdict;
  ``unknown_completion``: once every missing fact is supplied, no verdict is
  unknown because of a missing fact. Completion adds the evaluation year's
  record (school, unit, staff, cluster) when missing and fills every scalar
  field of every record (a recruitment date no later than the person's first
  year record, which says the person was staff then); it never invents links, so a share of an empty
  roster, a person's unknown unit (``staff.unit``), or a referenced rule
  with no regime in force, may remain unknown.
  Rules reading ``known()`` or ``coalesce()`` are exempt from these three:
  they look at knowledge itself; from a removal, only for the facts they read
  there (``known(x)``, the arguments of ``coalesce`` before its last), and
  ``filter(list, known(x))`` is no exemption: it counts unknown elements as
  none. Link fields (``id``, ``unit_id``) are not
  removed: they say who belongs where, not what is known of them.
- ``removal_round_trip``: on a complete fixture (every missing fact supplied), removing any single fact
  (including an initiative's or research item's field) never turns fail into pass or pass into fail, and
  supplying it again restores every verdict (issue 12's Done-when).
- ``determinism``: the same verdicts, values and summaries whatever the order
  of schools, clusters, units, staff, years, initiatives and research items.
- ``regime_boundary``: evaluated on the day before and the day of a regime
  change (default 2024-01-01) on a *steady* case (the year records of both
  years identical), a concept's verdict changes only if the law changed for
  it: a different version in force, a parameter it reads with a different
  value, or a time-dependent reading (``months_since``, ``years_since``,
  ``in_window``, ``streak``, ``history``, ``eval_year``, ``eval_date``); a staff
  member recruited in the new year is not yet staff the day before (not applicable,
  ``not_yet_recruited``), which is time, not law.

Limits (quotas never exceeded, the initiative ledger never counting an
initiative twice) are not here: those modules are not part of this branch.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from ..api import RulePack
from ..authoring.check import closure
from ..authoring.sampling import FACT_MUTATIONS
from ..facts.models import Cluster, Initiative, Research, School, SchoolYear, Staff, StaffYear, Unit, UnitYear
from ..facts.store import Facts
from ..facts.vocab import Level, OrderedVocab
from ..lang import ast
from ..lang.logic import UNKNOWN
from ..report.outcome import Outcome, RuleResult
from ..report.results import Report
from ..run.explain import Evaluation
from ..run.views import View, unit_of

KNOWLEDGE_FUNCS = {"known", "coalesce"}
TIME_FUNCS = {"months_since", "years_since", "in_window", "streak"}
TIME_NAMES = {"eval_year", "eval_date", "history"}
LINK_FIELDS = {"id", "kind", "unit_id", "school_ids", "name", "title", "year", "inputs", "years", "initiatives",
               "research", "staff", "units"}
# Links followed by a scope (a person's unit, an entity's school): unknown when the link itself is, which
# completion does not invent (it never assigns a person to a unit).
SCOPE_LINKS = {"unit", "school"}


@dataclass(frozen=True)
class Violation:
    property: str
    entity: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.property}] {self.entity} / {self.rule}: {self.message}"


def assert_holds(violations: list[Violation]) -> None:
    """Raise AssertionError listing the violations (at most 20)."""
    if violations:
        lines = [str(v) for v in violations[:20]]
        more = f"\n… and {len(violations) - 20} more" if len(violations) > 20 else ""
        raise AssertionError(f"{len(violations)} property violation(s):\n" + "\n".join(lines) + more)


# ---------------------------------------------------------------------------------------------
# Facts surgery: frozen models are copied, never mutated


def _rebuild(facts: Facts, schools: list[School], clusters: list[Cluster] | None = None) -> Facts:
    out = Facts(schools, list(facts.clusters if clusters is None else clusters))
    out.origin.update(facts.origin)
    return out


def replace_model(facts: Facts, old: Any, new: Any) -> Facts:
    """A copy of ``facts`` with one entity (school, unit, staff or cluster) replaced."""
    if isinstance(old, Cluster):
        return _rebuild(facts, list(facts.schools), [new if c is old else c for c in facts.clusters])
    return _rebuild(facts, [new if s is old else _replaced_member(s, old, new) for s in facts.schools])


def _replaced_member(school: School, old: Any, new: Any) -> School:
    """The school with its staff member or unit ``old`` replaced, or the school itself."""
    field = "staff" if isinstance(old, Staff) else "units" if isinstance(old, Unit) else None
    members = getattr(school, field) if field else None
    if field is None or not members or not any(m is old for m in members):
        return school
    return school.model_copy(update={field: [new if m is old else m for m in members]})


def _entities(facts: Facts, kind: str | None = None) -> list[tuple[str, Any, School | None]]:
    return [(k, m, s) for k, m, s in facts.entities() if kind is None or k == kind]


# A top-level or nested entity: each has ``inputs`` and year records (which have ``inputs`` too).
_Model = TypeVar("_Model", School, Cluster, Staff, Unit)
_Record = TypeVar("_Record", bound=BaseModel)


def _with_input(model: _Model, name: str, value: Any, year: int) -> _Model:
    years = getattr(model, "years", None) or []
    if any(name in r.inputs for r in years if r.year == year):
        years = [r.model_copy(update={"inputs": {**r.inputs, name: value}}) if r.year == year else r for r in years]
        return model.model_copy(update={"years": years})
    return model.model_copy(update={"inputs": {**model.inputs, name: value}})


def _signature(report: Report) -> dict[tuple[str, str, str, str], Any]:
    sig: dict[tuple[str, str, str, str], Any] = {}
    for e in report.entities:
        key = (e.school or "", e.kind, e.id)
        sig[(*key, "_summary")] = (e.error, e.summary.get("verdict"))
        for r in e.results:
            value = r.value
            if isinstance(value, float):
                value = round(value, 9)
            elif isinstance(value, list):
                value = sorted(map(str, value))
            sig[(*key, r.rule)] = (r.outcome, value, tuple(sorted((k, v.outcome) for k, v in r.levels.items())))
    return sig


def _results(report: Report) -> dict[tuple[str, str, str], RuleResult]:
    return {(e.school or "", e.id, r.rule): r for e in report.entities for r in e.results}


# ---------------------------------------------------------------------------------------------
# Implications and nested levels


def implications(pack: RulePack, facts: Facts, on: dt.date, report: Report | None = None) -> list[Violation]:
    """Declared implications (TTLĐXS ⇒ TTLĐTT…) and nested levels (mức 2 ⇒ mức 1) broken by a report."""
    report = report or pack.evaluate(facts, on)
    out: list[Violation] = []
    for imp in pack.header.implications:
        if imp.effective is None or imp.effective.covers(on):
            out.extend(_implication(pack, report, pack.resolve(imp.if_, on), pack.resolve(imp.then, on)))
    for e in report.entities:
        out.extend(_nested_levels(pack.level_ids, e))
    return out


def _implication(pack: RulePack, report: Report, a: Any, b: Any) -> Iterator[Violation]:
    """Entities passing ``a`` without passing ``b`` (rules of one subject in force on the date)."""
    if a is None or b is None or a.subject != b.subject:
        return
    for e in report.entities:
        if e.error is not None:
            continue
        ra = next((r for r in e.results if r.rule == a.id), None)
        rb = next((r for r in e.results if r.rule == b.id), None)
        if ra is not None and rb is not None and ra.outcome is Outcome.passed and rb.outcome is not Outcome.passed:
            yield Violation("implication", e.id, a.id, f"passes but '{b.id}' is {rb.outcome.value}")


def _nested_levels(levels: Sequence[str], e: Any) -> Iterator[Violation]:
    """A higher level met while the lower is not, in the entity's summary or in one of its rules."""
    summary = e.summary.get("levels") or {}
    for lo, hi in zip(levels, levels[1:], strict=False):
        if lo in summary and hi in summary and summary[hi]["status"] == "pass" and summary[lo]["status"] != "pass":
            yield Violation("levels", e.id, "_summary", f"meets {hi} but {lo} is {summary[lo]['status']}")
        for r in e.results:
            if (r.required_at(lo) and r.required_at(hi) and r.levels[hi].outcome is Outcome.passed
                    and r.levels[lo].outcome is not Outcome.passed):
                yield Violation("levels", e.id, r.rule, f"passes {hi} but {lo} is {r.levels[lo].outcome.value}")


# ---------------------------------------------------------------------------------------------
# Monotonicity


def _raise_enum(value: Any) -> Any:
    if not isinstance(value, OrderedVocab):
        return None
    members = list(type(value))
    i = members.index(value)
    return members[i + 1] if i + 1 < len(members) else None


def _mutate_person(person: Staff, name: str, on: dt.date, pick: int) -> Staff | None:
    match name:
        case "degree":
            new = _raise_enum(person.degree)
            return person.model_copy(update={"degree": new}) if new is not None else None
        case "rating":
            return _raise_rating(person, on.year)
        case "initiatives" if person.initiatives is not None:
            new_i = Initiative(id=f"_added_{len(person.initiatives)}", level=list(Level)[pick % 3], year=on.year,
                               applied=True)
            return person.model_copy(update={"initiatives": [*person.initiatives, new_i]})
        case _:
            return None


def _raise_rating(person: Staff, year: int) -> Staff | None:
    """The person with the year's rating one step up, None without a record or at the top."""
    rec = next((r for r in person.years or [] if r.year == year), None)
    new = _raise_enum(rec.rating) if rec is not None else None
    if rec is None or new is None:
        return None
    return person.model_copy(update={"years": [r.model_copy(update={"rating": new}) if r is rec else r
                                               for r in person.years or []]})


def _raised(value: Any, share: bool) -> Any:
    """A variable's value one step up (false → true, +1, a share +0.1 up to 1), None when it cannot rise."""
    if value is UNKNOWN or value is True:
        return None
    if value is False:
        return True
    if not isinstance(value, int | float):
        return None
    if share and 0 <= value <= 1 and isinstance(value, float):
        return None if value >= 1 else min(1.0, value + 0.1)
    return value + 1


def increase(pack: RulePack, facts: Facts, kind: str, model: Any, school: School | None, name: str,
             on: dt.date, pick: int = 0) -> Facts | None:
    """``facts`` with ``name`` increased for one entity, or None when it cannot increase (unknown, at top)."""
    if (kind, name) in pack.variables:
        value, _ = Evaluation(pack, facts).lookup(View(kind, model, on, school, facts), name)
        new = _raised(value, pack.variables[(kind, name)].type.kind == "num")
        return None if new is None else replace_model(facts, model, _with_input(model, name, new, on.year))
    if name == "research" and kind == "school" and model.research is not None:
        item = Research(id=f"_added_{len(model.research)}", level=Level.bo_tinh, year=on.year, accepted=True, applied=True)
        return replace_model(facts, model, model.model_copy(update={"research": [*model.research, item]}))
    person = model if kind == "staff" else _member(kind, model, school, name, on, pick)
    if person is None:
        return None
    new_p = _mutate_person(person, name, on, pick)
    return replace_model(facts, person, new_p) if new_p is not None else None


def _member(kind: str, model: Any, school: School | None, name: str, on: dt.date, pick: int) -> Staff | None:
    """The staff member of a unit or school whose fact is raised to raise the unit's or school's."""
    if kind not in ("unit", "school") or name not in FACT_MUTATIONS:
        return None
    roster = (school.staff if kind == "unit" and school else model.staff) or []
    if kind == "unit":
        roster = [p for p in roster if unit_of(p, on.year) == model.id]
    return roster[pick % len(roster)] if roster else None


def monotonicity(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> list[Violation]:
    out: list[Violation] = []
    base: Report | None = None
    for rule in pack.rules:
        if not rule.monotone_in or not rule.in_force(on):
            continue
        for name in rule.monotone_in:
            if (rule.subject, name) not in pack.variables and name not in FACT_MUTATIONS:
                out.append(Violation("monotone", "-", rule.id, f"monotone_in names '{name}', neither a "
                                     f"{rule.subject} variable nor one of {sorted(FACT_MUTATIONS)}"))
                continue
            candidates = _entities(facts, rule.subject)
            if not candidates:
                continue
            kind, model, school = candidates[pick % len(candidates)]
            mutated = increase(pack, facts, kind, model, school, name, on, pick)
            if mutated is None:
                continue
            base = base or pack.evaluate(facts, on)
            key = (school.id if school is not None and school.id != "_loose" else "", model.id, rule.id)
            b, a = _results(base).get(key), _results(pack.evaluate(mutated, on)).get(key)
            if b is not None and a is not None:
                out.extend(_lowered(b, a, model.id, rule.id, name))
    return out


def _lowered(b: RuleResult, a: RuleResult, entity: str, rule: str, name: str) -> Iterator[Violation]:
    """Pass turned into fail, for the rule and for each of its levels, by increasing ``name``."""
    if b.outcome is Outcome.passed and a.outcome is Outcome.failed:
        yield Violation("monotone", entity, rule, f"increasing '{name}' turned pass into fail")
    for lv, lr in b.levels.items():
        if lr.outcome is Outcome.passed and a.levels[lv].outcome is Outcome.failed:
            yield Violation("monotone", entity, rule, f"increasing '{name}' turned {lv} pass into fail")


# ---------------------------------------------------------------------------------------------
# Unknowns


def _exempt(pack: RulePack) -> set[str]:
    return {r.id for r in pack.rules if closure(pack, r.id).functions & KNOWLEDGE_FUNCS}


def _knowledge_reads(pack: RulePack, rule_id: str) -> set[str]:
    """The names a rule reads where it looks at knowledge itself: inside ``known()``, and in the arguments
    ``coalesce()`` prefers to its last (a recorded title before the computed one). Removing one of those facts may
    legitimately flip the rule; removing any other may not. ``known()`` as the condition of ``filter()`` is not
    such a reading: it drops the unknown elements and so counts them as none, which issue 12 forbids."""
    by_name: dict[str, list[tuple[str, str]]] = {}
    for key in pack.variables:
        by_name.setdefault(key[1], []).append(key)
    trees = [e.tree for r in pack.versions_of(rule_id) for _, e in r.expressions()]
    seen_vars: set[tuple[str, str]] = set()
    seen_rules: set[str] = {rule_id}
    out: set[str] = set()
    while trees:
        tree = trees.pop()
        dropping = _filter_conditions(tree)
        for node in ast.walk(tree):
            match node:
                case ast.Call() if node.func in KNOWLEDGE_FUNCS and id(node) not in dropping:
                    read = node.args if node.func == "known" else node.args[:-1]
                    out |= _names_read(pack, list(read), by_name)
                case ast.Name():
                    trees.extend(_unseen_formulas(pack, by_name.get(node.name, []), seen_vars))
                case ast.RuleRef() if node.name not in seen_rules:
                    seen_rules.add(node.name)
                    trees.extend(e.tree for r in pack.versions(node.name) for _, e in r.expressions())
    return out


def _filter_conditions(tree: ast.Node) -> set[int]:
    """The ``known(…)`` nodes that are the condition of a ``filter()`` (they drop unknowns, not read knowledge)."""
    return {id(n.args[1]) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func == "filter"
            and len(n.args) > 1 and isinstance(n.args[1], ast.Call) and n.args[1].func == "known"}


def _unseen_formulas(pack: RulePack, keys: list[tuple[str, str]], seen: set[tuple[str, str]]) -> Iterator[ast.Node]:
    """The formula trees of the variables not yet seen (marking them seen)."""
    for key in keys:
        formula = pack.variables[key].formula
        if key not in seen and formula is not None:
            seen.add(key)
            yield formula.tree


def _names_read(pack: RulePack, trees: list[ast.Node], by_name: dict[str, list[tuple[str, str]]]) -> set[str]:
    """Every name read by the expressions, through the formulas of the variables and the rules they read."""
    out: set[str] = set()
    seen: set[tuple[str, str]] = set()
    while trees:
        for n in ast.walk(trees.pop()):
            if isinstance(n, ast.Name | ast.Attr):
                out.add(n.name)
                trees.extend(_unseen_formulas(pack, by_name.get(n.name, []), seen))
            elif isinstance(n, ast.RuleRef):
                out |= closure(pack, n.name).names
    return out


def _removed_facts(pack: RulePack, what: str) -> set[str]:
    """The facts a removal's description names: its last word without the record or item before a dot
    (``staff p: 2021.rewards list`` -> ``rewards``, ``staff p: input x`` -> ``x``); a whole ``years`` list
    removes every year fact and the inputs its records carry."""
    words = what.removesuffix(" list").split()
    name = words[-1].rsplit(".", 1)[-1] if words else what
    if what.endswith(": years list"):
        fields = {f for m in (StaffYear, UnitYear, SchoolYear) for f in m.model_fields}
        return {name} | fields | {n for _, n in pack.variables}
    return {name}


def _flips(pack: RulePack, before: Report, after: Report, prop: str, what: str,
           removed: set[str] | None = None) -> list[Violation]:
    """Verdicts turned from pass to fail or back. Exempt: rules reading knowledge itself (``known``,
    ``coalesce``); when the facts ``removed`` are named, only the rules that read one of them there."""
    exempt = _exempt(pack) if removed is None else {
        r.id for r in pack.rules if removed & _knowledge_reads(pack, r.id)}
    a = _results(after)
    out = []
    for key, rb in _results(before).items():
        ra = a.get(key)
        if ra is None or key[2] in exempt:
            continue
        if {rb.outcome, ra.outcome} == {Outcome.passed, Outcome.failed}:
            out.append(Violation(prop, key[1], key[2], f"{what} turned {rb.outcome.value} into {ra.outcome.value}"))
    return out


def _input_only(pack: RulePack, kind: str) -> set[str]:
    return {name for (k, name), v in pack.variables.items() if k == kind and v.formula is None}


def _scalar_fields(model: Any) -> list[str]:
    return [f for f in type(model).model_fields if f not in LINK_FIELDS and getattr(model, f) is not None
            and not isinstance(getattr(model, f), list | dict)]


def _list_fields(model: Any) -> list[str]:
    """A year's titles, rewards, prizes."""
    return [f for f in type(model).model_fields if f not in LINK_FIELDS and isinstance(getattr(model, f), list)]


_Removal = tuple[str, Callable[[], Facts]]


def _own_removals(pack: RulePack, facts: Facts, kind: str, model: Any) -> Iterator[_Removal]:
    """The entity's own scalar fields and its input-only inputs."""
    for f in _scalar_fields(model):
        def clear(m: Any = model, f: str = f) -> Facts:
            return replace_model(facts, m, m.model_copy(update={f: None}))
        yield f"{kind} {model.id}: {f}", clear
    for name in sorted(set(model.inputs) & _input_only(pack, kind)):
        def drop_input(m: Any = model, n: str = name) -> Facts:
            return replace_model(facts, m, m.model_copy(update={"inputs": {k: v for k, v in m.inputs.items() if k != n}}))
        yield f"{kind} {model.id}: input {name}", drop_input


def _year_removals(facts: Facts, kind: str, model: Any) -> Iterator[_Removal]:
    """Each fact of each year record, a year's lists (titles, rewards, prizes) made unknown whole."""
    for rec in getattr(model, "years", []) or []:
        lists = _list_fields(rec)
        for f in _scalar_fields(rec) + lists:
            def drop(m: Any = model, r: Any = rec, f: str = f) -> Facts:
                years = [x.model_copy(update={f: None}) if x is r else x for x in m.years]
                return replace_model(facts, m, m.model_copy(update={"years": years}))
            yield f"{kind} {model.id}: {rec.year}.{f}" + (" list" if f in lists else ""), drop


def _whole_list_removals(facts: Facts, kind: str, model: Any) -> Iterator[_Removal]:
    """Whole lists made unknown (issue 12): omitted is not "none", so no verdict may flip."""
    match model:
        case Staff():
            lists: tuple[str, ...] = ("years", "initiatives", "research")
        case School():
            lists = ("years", "staff", "research")
        case _:
            lists = ("years",)
    for lst in lists:
        if getattr(model, lst, None) is not None and not (lst == "years" and _transfers(model)):
            def unknown_list(m: Any = model, lst: str = lst) -> Facts:
                return replace_model(facts, m, m.model_copy(update={lst: None}))
            yield f"{kind} {model.id}: {lst} list", unknown_list


def _transfers(model: Any) -> bool:
    """A year record placing the person in another unit than the current one: the record is also a link
    (``unit_id`` is a link field, never removed), so dropping the whole list would move the person, not make a
    fact unknown."""
    return isinstance(model, Staff) and any(r.unit_id is not None and r.unit_id != model.unit_id
                                            for r in model.years or [])


def _item_removals(facts: Facts, kind: str, model: Any) -> Iterator[_Removal]:
    """Each fact of a person's initiatives and research."""
    for lst in ("initiatives", "research") if isinstance(model, Staff) else ():
        for item in getattr(model, lst) or []:
            for f in _scalar_fields(item):
                def drop_item(m: Any = model, lst: str = lst, it: Any = item, f: str = f) -> Facts:
                    items = [x.model_copy(update={f: None}) if x is it else x for x in getattr(m, lst)]
                    return replace_model(facts, m, m.model_copy(update={lst: items}))
                yield f"{kind} {model.id}: {lst} {item.id}.{f}", drop_item


def removals(pack: RulePack, facts: Facts) -> Iterator[_Removal]:
    """Every single-fact removal: (description, function building the reduced facts)."""
    for kind, model, _school in _entities(facts):
        yield from _own_removals(pack, facts, kind, model)
        yield from _year_removals(facts, kind, model)
        yield from _whole_list_removals(facts, kind, model)
        yield from _item_removals(facts, kind, model)


def unknown_removal(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> list[Violation]:
    options = list(removals(pack, facts))
    if not options:
        return []
    what, build = options[pick % len(options)]
    return _flips(pack, pack.evaluate(facts, on), pack.evaluate(build(), on), "unknown_removal", f"removing {what}",
                  _removed_facts(pack, what))


def _restore(reduced: Facts, full: Facts) -> Facts:
    """``reduced`` with the one entity (or school) that differs from ``full`` put back: the removed fact
    supplied again, everything else taken from ``reduced``."""
    schools = [f if r != f else r for r, f in zip(reduced.schools, full.schools, strict=True)]
    clusters = [f if r != f else r for r, f in zip(reduced.clusters, full.clusters, strict=True)]
    return _rebuild(reduced, schools, clusters)


def removal_round_trip(pack: RulePack, facts: Facts, on: dt.date, *, sample: int | None = None,
                       pick: int = 0) -> list[Violation]:
    """Issue 12's Done-when on a *complete* fixture (``complete``: every missing fact supplied): removing any
    single fact never turns fail into pass or pass into fail (only into unknown), and supplying it again
    restores every verdict (rule, level and entity summary). ``sample`` checks that many removals, evenly
    spaced from ``pick`` (every removal when None)."""
    full = complete(pack, facts, on, pick)
    before = pack.evaluate(full, on)
    base = _signature(before)
    options = list(removals(pack, full))
    if sample is not None and len(options) > sample:
        step = len(options) / sample
        options = [options[(pick + int(i * step)) % len(options)] for i in range(sample)]
    out: list[Violation] = []
    for what, build in options:
        reduced = build()
        out += _flips(pack, before, pack.evaluate(reduced, on), "removal_round_trip", f"removing {what}",
                      _removed_facts(pack, what))
        again = _signature(pack.evaluate(_restore(reduced, full), on))
        for key in sorted(set(base) | set(again)):
            if base.get(key) != again.get(key):
                out.append(Violation("removal_round_trip", key[2], key[3],
                                     f"removing then supplying {what} again gave {again.get(key)}, "
                                     f"not {base.get(key)}"))
    return out


def _filler(field: str, annotation: Any, pick: int) -> Any:
    """A value for a missing field, chosen by its type (enums by ``pick``)."""
    import typing

    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    t = args[0]
    if typing.get_origin(t) is typing.Annotated:
        t = typing.get_args(t)[0]
    if typing.get_origin(t) is not None:  # list[str], dict[...]: not a scalar fact
        return None
    if isinstance(t, type) and issubclass(t, OrderedVocab):
        members = list(t)
        return members[pick % len(members)]
    if t is bool:
        return bool(pick % 2)
    if t is int:
        return pick % 7
    if t is float:
        return float(pick % 7)
    if t is dt.date:
        return dt.date(2000 + pick % 26, 1 + pick % 12, 1)
    if t is str:
        return "x"
    return None


def _fill(model: _Record, pick: int, skip: set[str] = LINK_FIELDS) -> _Record:
    update: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        if name in skip or getattr(model, name) is not None:
            continue
        v = _filler(name, info.annotation, pick)
        if v is not None:
            update[name] = v
    return model.model_copy(update=update) if update else model


def _recruited_by_records(person: Staff, value: dt.date, on: dt.date) -> dt.date:
    """A supplied recruitment date that agrees with the facts: not after the person's first year record (a
    record of a year says the person was staff then) nor after the evaluation year. A later date would not
    supply a missing fact but contradict the records, and take the person out of the unit's members in those
    years (``recruited_after``), which is who belongs where, not what is known of them."""
    latest = min([r.year for r in person.years or []] + [on.year])
    return value if value.year <= latest else value.replace(year=latest)


def _filled_recruitment(before: Staff, after: Staff, on: dt.date) -> Staff:
    if before.recruited_on is not None or after.recruited_on is None:
        return after
    return after.model_copy(update={"recruited_on": _recruited_by_records(before, after.recruited_on, on)})


def supplies(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> Iterator[tuple[str, Callable[[], Facts]]]:
    """Every single missing fact, supplied with a value."""
    for kind, model, _ in _entities(facts):
        for name, info in type(model).model_fields.items():
            if name in LINK_FIELDS or getattr(model, name) is not None:
                continue
            v = _filler(name, info.annotation, pick)
            if isinstance(model, Staff) and name == "recruited_on" and isinstance(v, dt.date):
                v = _recruited_by_records(model, v, on)
            if v is not None:
                def supply(m: Any = model, n: str = name, v: Any = v) -> Facts:
                    return replace_model(facts, m, m.model_copy(update={n: v}))
                yield f"{kind} {model.id}: {name}={v}", supply
        for name in sorted(_input_only(pack, kind) - set(model.inputs)):
            v = _input_value(pack.variables[(kind, name)], pick)
            if v is not None:
                def supply_input(m: Any = model, n: str = name, v: float = v) -> Facts:
                    return replace_model(facts, m, _with_input(m, n, v, on.year))
                yield f"{kind} {model.id}: input {name}={v}", supply_input


def unknown_supply(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> list[Violation]:
    options = list(supplies(pack, facts, on, pick))
    if not options:
        return []
    what, build = options[pick % len(options)]
    return _flips(pack, pack.evaluate(facts, on), pack.evaluate(build(), on), "unknown_supply", f"supplying {what}")


def complete(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> Facts:
    """Every optional fact supplied: scalar fields, a year record for the evaluation year, input-only variables."""

    def person(p: Staff) -> Staff:
        given = p
        p = p.model_copy(update={"initiatives": [_fill(i, pick) for i in p.initiatives or []],
                                 "research": [_fill(r, pick) for r in p.research or []]})
        filled = _filled_recruitment(given, _fill(_with_year(p, StaffYear, on.year, pick), pick), on)
        return _supply_inputs(pack, "staff", filled, on, pick)

    def unit(u: Unit) -> Unit:
        return _supply_inputs(pack, "unit", _fill(_with_year(u, UnitYear, on.year, pick), pick), on, pick)

    schools = []
    for s in facts.schools:
        schools.append(_supply_inputs(pack, "school", _fill(_with_year(s, SchoolYear, on.year, pick), pick), on,
                                      pick).model_copy(update={
            "staff": [person(p) for p in s.staff or []],
            "units": [unit(u) for u in s.units or []],
            "research": [_fill(r, pick) for r in s.research or []],
        }))
    clusters = [_supply_inputs(pack, "cluster", _with_year(c, SchoolYear, on.year, pick), on, pick)
                for c in facts.clusters]
    return _rebuild(facts, schools, clusters)


def _with_year(model: _Model, record: type[StaffYear | UnitYear | SchoolYear], year: int, pick: int) -> _Model:
    """``model`` with a record for ``year`` (added when missing) and every year record's scalar fields filled:
    without the record, every year fact (rating, discipline, ...) would stay unknown."""
    years: list[StaffYear | UnitYear | SchoolYear] = list(model.years or [])
    if not any(r.year == year for r in years):
        years.append(record(year=year))
    years = sorted((_fill(r, pick) for r in years), key=lambda r: r.year)
    return model.model_copy(update={"years": years})


def _input_value(var: Any, pick: int) -> bool | float | None:
    """A value the input check accepts: 0, 0.5 or 1 for a share or ratio, 0, 1 or 2 for a count."""
    number = float(pick % 3) if var.declared == "integer" else float(pick % 3) / 2
    out: bool | float | None = {"bool": bool(pick % 2), "num": number}.get(var.type.kind)
    return out


def _supply_inputs(pack: RulePack, kind: str, model: _Model, on: dt.date, pick: int) -> _Model:
    for name in sorted(_input_only(pack, kind) - set(model.inputs)):
        v = _input_value(pack.variables[(kind, name)], pick)
        if v is not None:
            model = _with_input(model, name, v, on.year)
    return model


_FACT_MISSING = re.compile(r"^(school|staff|unit|cluster|research|initiative)\.[a-z_]+$")


def unknown_completion(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> list[Violation]:
    full = complete(pack, facts, on, pick)
    report = pack.evaluate(full, on)
    out = _flips(pack, pack.evaluate(facts, on), report, "unknown_completion", "supplying every missing fact")
    exempt = _exempt(pack)
    for e in report.entities:
        for r in e.results:
            if r.outcome is Outcome.unknown and r.rule not in exempt:
                named = [m for m in r.missing if _FACT_MISSING.match(m)
                         and m.split(".", 1)[1] not in SCOPE_LINKS  # who belongs where is not supplied
                         and tuple(m.split(".", 1)) not in pack.variables]  # a computed variable is not a fact
                if named:
                    out.append(Violation("unknown_completion", e.id, r.rule,
                                         f"still unknown after every fact was supplied; missing {named}"))
    return out


# ---------------------------------------------------------------------------------------------
# Determinism


def shuffled(facts: Facts, seed: int) -> Facts:
    """The same facts with every list in another order."""
    rng = random.Random(seed)

    def mix(items: list[Any] | None) -> list[Any] | None:
        if items is None:
            return None
        items = list(items)
        rng.shuffle(items)
        return items

    def person(p: Staff) -> Staff:
        return p.model_copy(update={"years": mix(p.years), "initiatives": mix(p.initiatives),
                                    "research": mix(p.research)})

    schools = []
    for s in facts.schools:
        schools.append(s.model_copy(update={
            "staff": mix([person(p) for p in s.staff]) if s.staff is not None else None,
            "units": mix([u.model_copy(update={"years": mix(u.years)}) for u in s.units])
            if s.units is not None else None,
            "research": mix(s.research), "years": mix(s.years)}))
    clusters = [c.model_copy(update={"school_ids": mix(c.school_ids), "years": mix(c.years)}) for c in facts.clusters]
    return _rebuild(facts, mix(schools) or [], mix(clusters) or [])


def determinism(pack: RulePack, facts: Facts, on: dt.date, seed: int = 0) -> list[Violation]:
    a = _signature(pack.evaluate(facts, on))
    b = _signature(pack.evaluate(shuffled(facts, seed), on))
    out = []
    for key in sorted(set(a) | set(b), key=str):
        if a.get(key) != b.get(key):
            out.append(Violation("determinism", key[2], key[3], f"{a.get(key)} != {b.get(key)} after reordering"))
    return out


# ---------------------------------------------------------------------------------------------
# Regime boundary


def changed_by_law(pack: RulePack, day_before: dt.date, day: dt.date) -> set[str]:
    """Concepts whose verdict may legitimately differ between two days: what the law (or time) changed."""
    out: set[str] = set()
    for concept in sorted({r.concept for r in pack.rules}):
        v1, v2 = pack.resolve(concept, day_before), pack.resolve(concept, day)
        if v1 is not v2:
            out.add(concept)
            continue
        if v1 is None:
            continue
        c = closure(pack, v1.id)
        params = pack.parameters
        if (c.functions & TIME_FUNCS or c.names & TIME_NAMES
                or any(_param_at(params, p, day_before) != _param_at(params, p, day) for p in c.params)
                or any(pack.resolve(ref, day_before) is not pack.resolve(ref, day) for ref in c.rules)):
            out.add(concept)
    return out


def _param_at(params: Any, name: str, on: dt.date) -> Any:
    try:
        return params.at(name, on)
    except Exception:  # noqa: BLE001 - a missing value is itself a difference worth comparing
        return None


def steady(facts: Facts, y1: int, y2: int) -> Facts:
    """Year records of ``y1`` made identical to those of ``y2`` (or the reverse), so only the law differs."""

    def fix(model: Any) -> Any:
        years = getattr(model, "years", None)
        if not years:
            return model
        src = next((r for r in years if r.year == y2), None) or next((r for r in years if r.year == y1), None)
        if src is None:
            return model
        others = [r for r in years if r.year not in (y1, y2)]
        return model.model_copy(update={"years": sorted(
            [*others, src.model_copy(update={"year": y1}), src.model_copy(update={"year": y2})], key=lambda r: r.year)})

    schools = [fix(s).model_copy(update={
        "staff": [fix(p) for p in s.staff] if s.staff is not None else None,
        "units": [fix(u) for u in s.units] if s.units is not None else None}) for s in facts.schools]
    return _rebuild(facts, schools, [fix(c) for c in facts.clusters])


def regime_boundary(pack: RulePack, facts: Facts, boundary: dt.date = dt.date(2024, 1, 1)) -> list[Violation]:
    before = boundary - dt.timedelta(days=1)
    case = steady(facts, before.year, boundary.year)
    allowed = changed_by_law(pack, before, boundary)
    r1, r2 = pack.evaluate(case, before), pack.evaluate(case, boundary)
    out = []
    e2 = {(e.school, e.id): e for e in r2.entities}
    for e in r1.entities:
        other = e2.get((e.school, e.id))
        if other is None or e.error or other.error:
            continue
        for concept in sorted({r.concept for r in e.results} - allowed):
            res1, res2 = e.result(concept), other.result(concept)
            if "not_yet_recruited" in (res1.reason, res2.reason):
                continue  # recruited in the new year: not yet staff the day before, time itself changed it
            o1, o2 = res1.outcome, res2.outcome
            if o1 is not o2:
                out.append(Violation("regime_boundary", e.id, concept,
                                     f"{o1.value} on {before} but {o2.value} on {boundary}, though the law did not "
                                     "change for it"))
    return out


# ---------------------------------------------------------------------------------------------
# All at once


def check_all(pack: RulePack, facts: Facts, on: dt.date, pick: int = 0) -> list[Violation]:
    report = pack.evaluate(facts, on)
    return (implications(pack, facts, on, report) + monotonicity(pack, facts, on, pick)
            + unknown_removal(pack, facts, on, pick) + unknown_supply(pack, facts, on, pick)
            + unknown_completion(pack, facts, on, pick) + determinism(pack, facts, on, pick)
            + regime_boundary(pack, facts))


def check_pack_properties(pack: RulePack, *, max_examples: int | None = None) -> None:
    """Run every property on hypothesis-generated facts and dates (uses the active hypothesis profile)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from . import strategies  # hypothesis is a test dependency: loaded only when properties run

    @given(facts=strategies.facts(pack), on=strategies.dates(), pick=st.integers(0, 10_000))
    def run(facts: Facts, on: dt.date, pick: int) -> None:
        assert_holds(check_all(pack, facts, on, pick))

    if max_examples is not None:
        run = settings(max_examples=max_examples)(run)
    run()
