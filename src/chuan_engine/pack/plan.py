"""A compiled rule pack: validated YAML, parsed and type-checked expressions, no global registry.

``load_pack(path)`` returns an immutable ``Plan``; two packs, or two
versions of one, live side by side in one process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CycleError, ExpressionTypeError, PackNotFoundError, ParameterError, RuleError, Text, at
from ..facts.messages import validation_text
from ..lang import ast
from ..lang.checker import CheckContext, Checker
from ..lang.ops import BINARY, FUNCTIONS, GapShape
from ..lang.parser import parse
from ..lang.types import BOOL, DECLARED_TYPES, NUM, Type
from ..yamlio import pydantic_location, read_data
from .find import did_you_mean
from .parameters import Parameter, ParameterSet, ParameterValue, value_problem
from .provenance import Provenance, weakest
from .side_files import SideFile, compile_side_files, inside_pack, read_side_files
from .spec import Citation, GapSpec, PackFile, PackHeader, Period, RuleSpec, VariableSpec, expand_versions

# The one level of a pack that defines none: every result carries it, so a condition has a level verdict.
DEFAULT_LEVEL = "default"


@dataclass(frozen=True, slots=True)
class Expression:
    text: str
    tree: ast.Node


@dataclass(frozen=True, slots=True)
class MeasureShape:
    """What an indicator's measure computes, for gaps: ``kind`` is read from the operator table (share, count,
    ratio or value); ``node`` is the formula reached through variables and ``text`` the text its positions refer to."""

    kind: GapShape
    node: ast.Node
    text: str


@dataclass(frozen=True, slots=True)
class Basis:
    """What a rule's verdict rests on, for its provenance: the parameters it reads (its base threshold, those of
    its expressions and of the variables they read) and the rules it reads (directly or through variables)."""

    params: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Variable:
    name: str
    subject: str
    type: Type
    formula: Expression | None
    label_vi: str
    label_en: str
    unit: str | None
    file: str
    declared: str | None = None  # the type the pack declares (number, integer, ratio…), None when inferred


@dataclass(frozen=True)
class Rule:
    """One legal rule, as data: what it reads, what it cites, when it is in force."""

    id: str
    concept: str
    title_vi: str
    title_en: str
    subject: str
    group: str | None
    citation: Citation
    effective: Period
    wording_provenance: Provenance
    kind: str
    applies_if: Expression | None
    measure: Expression | None
    op: str | None
    thresholds: Mapping[str, str]
    unit: str | None
    gap: GapSpec | None
    condition: Expression | None
    levels: tuple[str, ...] | None
    monotone_in: tuple[str, ...]
    note_vi: str | None
    note_en: str | None
    file: str
    params_read: frozenset[str] = frozenset()
    rules_read: frozenset[str] = frozenset()
    variables_read: frozenset[tuple[str, str]] = frozenset()
    # Per level of the pack (``Plan.level_keys``), the threshold parameter, carried forward: a level without
    # its own threshold reuses the previous level's; None before the first threshold (and for a condition).
    level_thresholds: tuple[tuple[str, str | None], ...] = ()
    shape: MeasureShape | None = None  # an indicator's measure, for gaps
    basis: Basis = Basis()

    @property
    def threshold_levels(self) -> tuple[str, ...]:
        """The levels at which the rule has a threshold, its own or carried forward."""
        return tuple(lv for lv, name in self.level_thresholds if name is not None)

    @property
    def base_level(self) -> str | None:
        """The first level with a threshold: an indicator's own verdict is its verdict there."""
        return next(iter(self.threshold_levels), None)

    @property
    def base_threshold(self) -> str | None:
        """The threshold parameter of the base level."""
        return next((name for _, name in self.level_thresholds if name is not None), None)

    def in_force(self, on: dt.date) -> bool:
        return self.effective.covers(on)

    def expressions(self) -> list[tuple[str, Expression]]:
        out = [("applies_if", self.applies_if), ("measure", self.measure), ("condition", self.condition)]
        return [(k, e) for k, e in out if e is not None]


@dataclass(frozen=True)
class Plan:
    """A pack compiled once: rules, variables, dated parameters and side files, read by every evaluator."""

    header: PackHeader
    rules: tuple[Rule, ...]
    variables: Mapping[tuple[str, str], Variable]
    parameters: ParameterSet
    source: str
    files: tuple[str, ...] = field(default=())
    # Side files (_ledger.yaml, _quotas.yaml, _ranking.yaml) by name, read and type-checked with the pack.
    sidecars: Mapping[str, SideFile] = field(default_factory=dict)

    # -- lookup ---------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> str:
        return self.header.version

    @property
    def level_ids(self) -> list[str]:
        return [lvl.id for lvl in self.header.levels]

    def graded(self, kind: str) -> bool:
        """Whether entities of this kind are judged against the pack's levels (``level_subjects``)."""
        subjects = self.header.level_subjects
        return bool(self.header.levels) and (subjects is None or kind in subjects)

    @property
    def level_keys(self) -> tuple[str, ...]:
        """The levels every result carries: the pack's, or ``DEFAULT_LEVEL`` for a pack without levels."""
        return _level_keys(self.header)

    def _no_rule(self, rule_id: str) -> RuleError:
        hint = did_you_mean(rule_id, list(self.rule_ids))
        return RuleError(Text(f"không có quy tắc '{rule_id}' trong bộ '{self.id}'{hint.vi}",
                              f"no rule '{rule_id}' in pack '{self.id}'{hint.en}"))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; of a rule with several versions, the latest."""
        found = self.versions_of(rule_id)
        if not found:
            raise self._no_rule(rule_id)
        return found[-1]

    # -- versions ---------------------------------------------------------------
    # A rule with ``versions:`` compiles to one Rule per version, all with the rule's id, told apart by the
    # start of their period (periods of one id never overlap: the loader refuses it).
    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule id once, in pack order."""
        return tuple(dict.fromkeys(r.id for r in self.rules))

    def versions_of(self, rule_id: str) -> list[Rule]:
        """The versions of one rule (by id only), oldest first."""
        return sorted((r for r in self.rules if r.id == rule_id), key=lambda r: r.effective.start)

    def version_on(self, rule_id: str, on: dt.date) -> Rule | None:
        """The version of a rule in force on a date; None when no version covers it."""
        return next((r for r in self.versions_of(rule_id) if r.in_force(on)), None)

    def version_shown(self, rule_id: str, on: dt.date) -> Rule:
        """The version a report shows for a date: the one in force, else the last started before the date
        (it is reported as not in force), else the first."""
        found = self.versions_of(rule_id)
        if not found:
            raise self._no_rule(rule_id)
        hit = self.version_on(rule_id, on)
        if hit is not None:
            return hit
        started = [r for r in found if r.effective.start <= on]
        return started[-1] if started else found[0]

    def rules_on(self, on: dt.date) -> list[Rule]:
        """The versions in force on a date, one per id at most, in pack order."""
        return [r for r in (self.version_on(rid, on) for rid in self.rule_ids) if r is not None]

    def rules_shown(self, on: dt.date) -> list[Rule]:
        """One Rule per id, the version a report shows on that date (see ``version_shown``), in pack order."""
        return [self.version_shown(rid, on) for rid in self.rule_ids]

    def versions(self, ref: str) -> list[Rule]:
        """Every rule answering to ``ref`` as id or as concept, in any regime."""
        return [r for r in self.rules if r.id == ref or r.concept == ref]

    def resolve(self, ref: str, on: dt.date) -> Rule | None:
        """The rule for ``ref`` (id or concept) in force on a date; None when no regime covers it."""
        for r in self.versions(ref):
            if r.in_force(on):
                return r
        return None

    def subjects(self) -> list[str]:
        return sorted({r.subject for r in self.rules})

    def rule_provenance(self, rule: Rule, on: dt.date) -> Provenance:
        """A rule is as sure as its wording, the weakest parameter it reads on that date (``Rule.basis``) and
        the rules it reads, in their versions in force on that date (LEGAL_SOURCES §8a.11): a rule resting on a
        provisional rule is provisional."""
        items = [rule.wording_provenance]
        for name in sorted(rule.basis.params):
            try:
                items.append(self.parameters.at(name, on).provenance)
            except ParameterError:
                items.append(Provenance.provisional)
        for ref in sorted(rule.basis.rules):
            read = self.resolve(ref, on)  # as the evaluators read ``@ref``; none in force: nothing read
            if read is not None:
                items.append(self.rule_provenance(read, on))
        return weakest(items)

    # -- derived packs ----------------------------------------------------------
    def with_parameters(self, overrides: Mapping[str, tuple[ParameterValue, ...]]) -> Plan:
        """A copy of this pack with user parameter values layered on top (the pack is unchanged)."""
        return replace(self, parameters=self.parameters.with_overrides(overrides))


# ---------------------------------------------------------------------------------------------
# Loading


def _pack_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and not p.name.startswith("_"))
    files = [p for p in files if "tests" not in p.relative_to(path).parts]
    if not files:
        raise PackNotFoundError(Text(f"không có tệp YAML nào của bộ quy tắc trong {path} (cần *.yaml)",
                                     f"no pack YAML files in {path} (expected *.yaml)"))
    for p in files:
        inside_pack(path, p)
    return files


def _read_pack_file(path: Path) -> PackFile:
    data = read_data(path, RuleError)
    if not isinstance(data, dict):
        raise RuleError(Text("tệp bộ quy tắc phải là một bản ghi với pack/parameters/variables/rules",
                             "a pack file must be a mapping with pack/parameters/variables/rules"), file=str(path))
    rules = data.get("rules")
    origin: list[tuple[int, int | None]] = []
    if isinstance(rules, list):
        flat, origin = _flat_rules(path, rules)
        data = {**data, "rules": flat}
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and loc[1] < len(origin):
            i, j = origin[loc[1]]
            raw = rules[i] if isinstance(rules, list) else None
            if isinstance(raw, dict):
                rule_id = raw.get("id")
            loc[1:2] = [i] if j is None else [i, "versions", j]
        raise RuleError(at(pydantic_location(tuple(loc)), validation_text(dict(err))), file=str(path),
                        rule=rule_id) from None


def _flat_rules(path: Path, rules: list[Any]) -> tuple[list[Any], list[tuple[int, int | None]]]:
    """A rule with ``versions:`` becomes one flat rule per version (sharing the rule's id); ``origin`` maps
    each flat rule back to the rule (and version) written in the file, for error messages."""
    flat: list[Any] = []
    origin: list[tuple[int, int | None]] = []
    for i, raw in enumerate(rules):
        if not isinstance(raw, dict):
            flat.append(raw)
            origin.append((i, None))
            continue
        try:
            expanded = expand_versions(raw)
        except ValueError as exc:
            raise RuleError(at(f"rules[{i}]", _said(exc)), file=str(path), rule=raw.get("id")) from None
        flat.extend(expanded)
        origin.extend((i, j if "versions" in raw else None) for j in range(len(expanded)))
    return flat, origin


def _said(exc: ValueError) -> Text | str:
    """A validator's message: both languages when it carries them (``spec.Invalid``)."""
    text = getattr(exc, "text", None)
    return text if isinstance(text, Text) else str(exc)





def _parse(text: str, file: str, rule: str) -> Expression:
    try:
        return Expression(text, parse(text))
    except RuleError as exc:
        raise type(exc)(exc.text or exc.message, file=file, rule=rule, position=exc.position,
                        expression=text) from None


def _checked(param: Parameter) -> Parameter:
    """The pack's own values fit their unit as an override must (a ``ratio`` of 90 is 90 %, written 0.9)."""
    for v in param.values:
        problem = value_problem(param.kind(), v.value)
        if problem is not None:
            raise ParameterError(Text(f"giá trị tham số không hợp lệ (từ {v.start.isoformat()}): {problem.vi}",
                                      f"bad parameter value (from {v.start.isoformat()}): {problem.en}"),
                                 file=param.file, parameter=param.name)
    return param


def load_plan(path: str | Path) -> Plan:
    """Load and compile a pack folder (or single YAML file). Raises RuleError with file, rule and column."""
    root = Path(path)
    if not root.exists():
        raise PackNotFoundError(Text(f"không có bộ quy tắc tại {root}", f"no pack at {root}"))
    header: PackHeader | None = None
    params: dict[str, Parameter] = {}
    var_specs: dict[tuple[str, str], tuple[VariableSpec, str]] = {}
    rule_specs: list[tuple[RuleSpec, str]] = []
    files = _pack_files(root)
    for f in files:
        pf = _read_pack_file(f)
        if pf.pack is not None:
            if header is not None:
                raise RuleError(Text("tiêu đề 'pack:' thứ hai; chỉ một tệp mang tiêu đề bộ quy tắc",
                                     "a second 'pack:' header; only one file carries the pack header"), file=str(f))
            header = pf.pack
        for name, p in pf.parameters.items():
            if name in params:
                raise ParameterError(Text(f"tham số '{name}' được khai báo hai lần", f"parameter '{name}' defined twice"),
                                     file=str(f))
            values = tuple(
                sorted(
                    (ParameterValue(v.start, v.value, v.source, v.provenance, v.end) for v in p.values),
                    key=lambda v: v.start,
                )
            )
            params[name] = _checked(Parameter(name, p.label_vi, p.label_en, p.unit, values, str(f)))
        for name, v in pf.variables.items():
            key = (v.subject, name)
            if key in var_specs:
                raise RuleError(Text(f"biến '{name}' của {v.subject} được khai báo hai lần",
                                     f"variable '{name}' for {v.subject} defined twice"), file=str(f))
            var_specs[key] = (v, str(f))
        rule_specs.extend((r, str(f)) for r in pf.rules)
    if header is None:
        raise RuleError(Text("không tệp nào có tiêu đề 'pack:' (id, title_vi, levels…)",
                             "no file has the 'pack:' header (id, title_vi, levels…)"), file=str(root))
    pack = _compile(header, params, var_specs, rule_specs, str(root), tuple(str(f) for f in files))
    return with_side_files(pack, root)


def with_side_files(pack: Plan, root: Path) -> Plan:
    """The pack with its folder's side files read and checked (errors name the side file)."""
    found = read_side_files(root)
    return replace(pack, sidecars=compile_side_files(pack, found)) if found else pack


def _compile(
    header: PackHeader,
    params: dict[str, Parameter],
    var_specs: dict[tuple[str, str], tuple[VariableSpec, str]],
    rule_specs: list[tuple[RuleSpec, str]],
    source: str,
    files: tuple[str, ...],
) -> Plan:
    """Specs to a plan: references checked, variables typed (cycles found), rules compiled, in that order."""
    by_ref = _rule_refs(header, params, rule_specs)
    _check_versions(rule_specs)
    typing = _Typing(var_specs, params, by_ref)
    variables = typing.variables()
    level_keys = _level_keys(header)
    rules = [_rule(spec, f, *_rule_expressions(spec, f, typing), level_keys, variables, typing.graph)
             for spec, f in rule_specs]
    pack = Plan(header, tuple(rules), variables, ParameterSet(params), source, files)
    _check_cycles(pack, typing.var_reads, typing.var_rule_reads)
    for imp in header.implications:
        for ref in (imp.if_, imp.then):
            if not pack.versions(ref):
                raise RuleError(Text(f"phép suy ra (implications) gọi quy tắc hay khái niệm không có '{ref}'",
                                     f"implication names unknown rule or concept '{ref}'"), file=source)
    return pack


def _rule_refs(header: PackHeader, params: Mapping[str, Parameter],
               rule_specs: list[tuple[RuleSpec, str]]) -> dict[str, list[RuleSpec]]:
    """The specs each rule id or concept names, once each rule's group, levels and thresholds are known
    names and every name stands for rules about one subject."""
    level_ids = [lvl.id for lvl in header.levels]
    group_ids = {g.id for g in header.groups}
    by_ref: dict[str, list[RuleSpec]] = {}
    for spec, f in rule_specs:
        by_ref.setdefault(spec.id, []).append(spec)
        if spec.concept and spec.concept != spec.id:
            by_ref.setdefault(spec.concept, []).append(spec)
        _check_names(spec, f, level_ids, group_ids, params)
    for ref, specs in by_ref.items():
        subjects = {s.subject for s in specs}
        if len(subjects) > 1:
            raise RuleError(Text(f"'{ref}' gọi tên các quy tắc về những đối tượng khác loại {sorted(subjects)}",
                                 f"'{ref}' names rules about different subjects {sorted(subjects)}"), rule=ref)
    return by_ref


def _check_names(spec: RuleSpec, f: str, level_ids: list[str], group_ids: set[str],
                 params: Mapping[str, Parameter]) -> None:
    """A rule's group, levels and threshold parameters are the pack's own."""
    if spec.group is not None and group_ids and spec.group not in group_ids:
        raise RuleError(Text(f"nhóm không rõ '{spec.group}' (các nhóm: {sorted(group_ids)})",
                             f"unknown group '{spec.group}' (the groups: {sorted(group_ids)})"), file=f, rule=spec.id)
    for lvl in list(spec.thresholds or {}) + list(spec.levels or []):
        if lvl not in level_ids:
            raise RuleError(Text(f"mức không rõ '{lvl}'; các mức của bộ quy tắc là {level_ids}",
                                 f"unknown level '{lvl}'; the pack's levels are {level_ids}"), file=f, rule=spec.id)
    for name in (spec.thresholds or {}).values():
        if name not in params:
            raise ParameterError(Text(f"ngưỡng ghi tham số không có trong bộ quy tắc '{name}'",
                                      f"threshold names unknown parameter '{name}'"), file=f, rule=spec.id)


def _check_versions(rule_specs: list[tuple[RuleSpec, str]]) -> None:
    """The versions of one rule id follow each other in time: no two in force on the same day."""
    same_id: dict[str, list[tuple[RuleSpec, str]]] = {}
    for spec, f in rule_specs:
        same_id.setdefault(spec.id, []).append((spec, f))
    for rid, items in same_id.items():
        items = sorted(items, key=lambda x: x[0].effective.start)
        for (a, _), (b, fb) in zip(items, items[1:], strict=False):
            if a.effective.end is None or a.effective.end >= b.effective.start:
                raise RuleError(Text(
                    "hai phiên bản của quy tắc chồng nhau về giai đoạn hiệu lực "
                    f"(từ {a.effective.start} và từ {b.effective.start})",
                    "two versions of the rule overlap in their effective periods "
                    f"(from {a.effective.start} and from {b.effective.start})"), file=fb, rule=rid)


class _Typing:
    """The pack's variables typed on demand (a formula's type is inferred when first read, so a cycle is
    found where it closes), with what each reads: variables, parameters, rules."""

    def __init__(self, var_specs: dict[tuple[str, str], tuple[VariableSpec, str]],
                 params: Mapping[str, Parameter], by_ref: Mapping[str, list[RuleSpec]]) -> None:
        self.var_specs, self.params, self.by_ref = var_specs, params, by_ref
        self.parsed: dict[tuple[str, str], Expression | None] = {
            key: _parse(v.formula, f, f"variable {key[1]}") if v.formula is not None else None
            for key, (v, f) in var_specs.items()}
        self.types: dict[tuple[str, str], Type] = {}
        self.var_reads: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self.var_param_reads: dict[tuple[str, str], set[str]] = {}
        self.var_rule_reads: dict[tuple[str, str], set[str]] = {}
        self.visiting: list[tuple[str, str]] = []

    @property
    def graph(self) -> _VarGraph:
        return self.var_reads, self.var_param_reads, self.var_rule_reads

    def rule_subject(self, ref: str) -> str | None:
        specs = self.by_ref.get(ref)
        return specs[0].subject if specs else None

    def context(self, text: str, reads: _Reads) -> CheckContext:
        return CheckContext(text, self.variable_type, lambda n: n in self.params, self.rule_subject, *reads)

    def variables(self) -> dict[tuple[str, str], Variable]:
        out: dict[tuple[str, str], Variable] = {}
        for key, (v, f) in self.var_specs.items():
            t = self.variable_type(key[0], key[1], 0)
            assert t is not None
            out[key] = Variable(key[1], key[0], t, self.parsed[key], v.label_vi, v.label_en, v.unit, f, v.type)
        return out

    def variable_type(self, kind: str, name: str, pos: int) -> Type | None:
        key = (kind, name)
        if key not in self.var_specs:
            return None
        if key in self.types:
            return self.types[key]
        spec, f = self.var_specs[key]
        if key in self.visiting:
            chain = " -> ".join(n for _, n in self.visiting[self.visiting.index(key):] + [key])
            raise CycleError(Text(f"các biến phụ thuộc nhau thành vòng: {chain}",
                                  f"variables depend on each other in a cycle: {chain}"), file=f, rule=f"variable {name}")
        declared = DECLARED_TYPES[spec.type] if spec.type else None
        expr = self.parsed[key]
        if expr is None:
            assert declared is not None
            self.types[key] = declared
            return declared
        reads: _Reads = (set(), set(), set())
        inferred = self._infer(expr, kind, f, name, reads)
        if declared is not None and inferred.kind not in ("any", declared.kind):
            raise ExpressionTypeError(Text(f"khai báo kiểu {spec.type} nhưng công thức cho {inferred}",
                                           f"declared {spec.type} but the formula gives {inferred}"),
                                      file=f, rule=f"variable {name}")
        self.types[key] = declared or inferred
        self.var_reads[key], self.var_param_reads[key], self.var_rule_reads[key] = reads
        return self.types[key]

    def _infer(self, expr: Expression, kind: str, f: str, name: str, reads: _Reads) -> Type:
        self.visiting.append((kind, name))
        try:
            return Checker(self.context(expr.text, reads)).check(expr.tree, kind)
        except ExpressionTypeError as exc:
            if exc.file is None:
                raise ExpressionTypeError(
                    exc.text or exc.message, file=f, rule=f"variable {name}", position=exc.position,
                    expression=expr.text) from None
            raise
        finally:
            self.visiting.pop()


# What an expression reads: variables (by (subject, name)), parameters, rules.
_Reads = tuple[set[tuple[str, str]], set[str], set[str]]


def _rule_expressions(spec: RuleSpec, f: str, typing: _Typing) -> tuple[dict[str, Expression | None], _Reads]:
    """A rule's applies_if, measure and condition parsed and type-checked, and what they read."""
    reads: _Reads = (set(), set(), set())
    compiled: dict[str, Expression | None] = {}
    for attr, want in (("applies_if", BOOL), ("measure", NUM), ("condition", BOOL)):
        text = getattr(spec, attr)
        if text is None:
            compiled[attr] = None
            continue
        expr = _parse(text, f, spec.id)
        try:
            got = Checker(typing.context(text, reads)).check(expr.tree, spec.subject)
        except ExpressionTypeError as exc:
            raise ExpressionTypeError(
                exc.text or exc.message, file=f, rule=spec.id, position=exc.position, expression=text
            ) from None
        except CycleError as exc:
            raise CycleError(exc.text or exc.message, file=f, rule=spec.id) from None
        if got.kind not in ("any", want.kind):
            raise ExpressionTypeError(Text(f"{attr} phải có kiểu {want}, nhưng là {got}",
                                           f"{attr} must be {want}, but it is {got}"), file=f, rule=spec.id,
                                      position=0, expression=text)
        compiled[attr] = expr
    return compiled, reads


# What each variable reads: variables, parameters, rules (by (subject, name)), from type checking.
_VarGraph = tuple[dict[tuple[str, str], set[tuple[str, str]]], dict[tuple[str, str], set[str]],
                  dict[tuple[str, str], set[str]]]


def _rule(
    spec: RuleSpec,
    f: str,
    compiled: dict[str, Expression | None],
    read: _Reads,
    level_keys: tuple[str, ...],
    variables: Mapping[tuple[str, str], Variable],
    var_graph: _VarGraph,
) -> Rule:
    """One compiled rule (version): its expressions checked, its per-level thresholds carried forward, its
    measure's shape and what it rests on resolved once."""
    reads, preads, rreads = read
    rule = Rule(
        id=spec.id,
        concept=spec.concept or spec.id,
        title_vi=spec.title_vi,
        title_en=spec.title_en,
        subject=spec.subject,
        group=spec.group,
        citation=spec.citation,
        effective=spec.effective,
        wording_provenance=spec.provenance,
        kind=spec.kind,
        applies_if=compiled["applies_if"],
        measure=compiled["measure"],
        op=spec.op,
        thresholds=dict(spec.thresholds or {}),
        unit=spec.unit,
        gap=spec.gap,
        condition=compiled["condition"],
        levels=tuple(spec.levels) if spec.levels is not None else None,
        monotone_in=tuple(spec.monotone_in),
        note_vi=spec.note_vi,
        note_en=spec.note_en,
        file=f,
        params_read=frozenset(preads),
        rules_read=frozenset(rreads),
        variables_read=frozenset(reads),
        level_thresholds=_carried_thresholds(level_keys, spec.thresholds or {}),
        shape=_measure_shape(variables, spec.subject, compiled["measure"]),
    )
    return replace(rule, basis=_basis(rule, var_graph))


def _level_keys(header: PackHeader) -> tuple[str, ...]:
    return tuple(lvl.id for lvl in header.levels) or (DEFAULT_LEVEL,)


def _carried_thresholds(level_keys: tuple[str, ...],
                        thresholds: Mapping[str, str]) -> tuple[tuple[str, str | None], ...]:
    """Each level's threshold parameter: a level without its own threshold reuses the previous level's."""
    out: list[tuple[str, str | None]] = []
    name: str | None = None
    for lv in level_keys:
        name = thresholds.get(lv, name)
        out.append((lv, name))
    return tuple(out)


def _measure_shape(variables: Mapping[tuple[str, str], Variable], subject: str,
                   measure: Expression | None) -> MeasureShape | None:
    """The shape of a measure, following variables to the formula that computes it (the operator table's gap)."""
    if measure is None:
        return None
    node, text = measure.tree, measure.text
    seen: set[str] = set()
    while isinstance(node, ast.Name) and node.name not in seen:
        seen.add(node.name)
        var = variables.get((subject, node.name))
        if var is None or var.formula is None:
            break
        node, text = var.formula.tree, var.formula.text
    match node:
        case ast.Call(func=func):
            op = FUNCTIONS.get(func)
        case ast.Binary(op=name):
            op = BINARY.get(name)
        case _:
            op = None
    shaped = op is not None and op.gap in (GapShape.SHARE, GapShape.COUNT, GapShape.RATIO)
    return MeasureShape(op.gap if shaped and op is not None else GapShape.VALUE, node, text)


def _basis(rule: Rule, var_graph: _VarGraph) -> Basis:
    """The parameters and rules a rule reads: its base threshold, its own and those read through the
    variables it reads, transitively."""
    var_reads, var_param_reads, var_rule_reads = var_graph
    params, rules = set(rule.params_read), set(rule.rules_read)
    if rule.base_threshold is not None:
        params.add(rule.base_threshold)
    todo, seen = list(rule.variables_read), set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        params |= var_param_reads.get(key, set())
        rules |= var_rule_reads.get(key, set())
        todo.extend(var_reads.get(key, set()))
    return Basis(frozenset(params), frozenset(rules))


def _check_cycles(
    pack: Plan,
    var_reads: dict[tuple[str, str], set[tuple[str, str]]],
    var_rule_reads: dict[tuple[str, str], set[str]],
) -> None:
    """Reject rules that depend on themselves through rule references or variables."""
    graph: dict[str, set[str]] = {}

    def var_node(key: tuple[str, str]) -> str:
        return f"variable {key[1]} ({key[0]})"

    for key in pack.variables:
        edges = {var_node(k) for k in var_reads.get(key, set())}
        for ref in var_rule_reads.get(key, set()):
            edges |= {r.id for r in pack.versions(ref)}
        graph[var_node(key)] = edges
    for r in pack.rules:
        edges = {var_node(k) for k in r.variables_read}
        for ref in r.rules_read:
            edges |= {v.id for v in pack.versions(ref)}
        graph.setdefault(r.id, set()).update(edges)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                owner = next((r for r in pack.rules if r.id == nxt), None)
                chain = " -> ".join(cycle)
                raise CycleError(Text(f"các quy tắc phụ thuộc nhau thành vòng: {chain}",
                                      f"rules depend on each other in a cycle: {chain}"),
                                 file=owner.file if owner else None, rule=nxt)
            if state.get(nxt) is None:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def dependency_order(pack: Plan) -> list[Rule]:
    """Rules ordered so that every rule comes after the rules it references."""
    order: list[Rule] = []
    seen: set[tuple[str, dt.date]] = set()  # a version is (id, start of its period)

    def visit(rule: Rule) -> None:
        key = (rule.id, rule.effective.start)
        if key in seen:
            return
        seen.add(key)
        deps = set(rule.rules_read)
        for var_key in rule.variables_read:
            deps |= _variable_rule_refs(pack, var_key, set())
        for ref in sorted(deps):
            for dep in pack.versions(ref):
                visit(dep)
        order.append(rule)

    for r in pack.rules:
        visit(r)
    return order


def _variable_rule_refs(pack: Plan, key: tuple[str, str], seen: set[tuple[str, str]]) -> set[str]:
    var = pack.variables.get(key)
    if var is None or var.formula is None or key in seen:
        return set()
    seen.add(key)
    refs: set[str] = set()
    for node in ast.walk(var.formula.tree):
        if isinstance(node, ast.RuleRef):
            refs.add(node.name)
        elif isinstance(node, ast.Name) and (key[0], node.name) in pack.variables:
            refs |= _variable_rule_refs(pack, (key[0], node.name), seen)
    return refs
