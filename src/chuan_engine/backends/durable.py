"""Run the per-entity subset of a pack on durable_rules (Rete), isolated, with the core's verdicts.

Why it exists: the design card names durable_rules. It is *not* the core:
it runs only rules that read an entity's own scalar facts (fields, year-record
fields, scalar inputs) and other rules' verdicts, and it says up front
(``DurableBackend(pack).unsupported``) which rules it cannot run and why.

How it stays correct on an engine with sharp edges (see docs/durable.md):

- one interpreter: each rule version's compiled tree is walked once by
  ``run.interpreter.evaluate`` with the durable algebra (rete_algebra.py), which
  refuses what it cannot run; each operator's meaning comes from the operator table;
- three-valued logic: every expression is compiled into two condition sets, one
  for *true* and one for *false* (Kleene, conditions.py); a verdict that neither
  set proves is *unknown*. Every fact property is always present with a ``k_`` "known" flag,
  so a missing fact never raises inside the engine and never matches;
- no ``|`` in ``when_all``: disjunctions become separate Rete rules writing the
  same verdict, and the action is idempotent, so a rule firing twice cannot
  change a result;
- typing: facts are encoded (enums as legal rank, booleans as 0/1, dates as
  ordinals) and validated by a strict pydantic model before they are asserted,
  so ``"abc" >= 0.9`` can never be asked;
- isolation: a private ``Host`` subclass (no module-global ``durable.lang``
  host, no background timer threads), ruleset names namespaced by pack id,
  version, date and a per-instance suffix, state deleted after each entity
  (one live session at a time, far below durable's 1,024-session cap), and
  ``close()`` frees the C rulesets.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import ChuanError, EvaluationError
from ..facts.store import Facts
from ..lang.logic import UNKNOWN
from ..pack.plan import Plan, Rule
from ..report.outcome import Outcome
from ..run.explain import Evaluation, _check_input, _input
from ..run.views import View, recruited_after
from .conditions import DNF, FALSE, TRUE, _and, _Conj, _Term
from .rete_algebra import _RuleIR, _Unsupported, _walk_rule

MAX_PROPERTIES = 240
"""durable_rules fails on facts over 253 properties; we stay below with room for our own keys."""


def _json_safe(x: float) -> float:
    """durable's C parser rejects '1e-09' (an exponent without a '.'): move such a float by one ulp.

    One ulp is ~1e-25 of the value, far below the core's 1e-9 tolerance, so no verdict changes.
    """
    text = repr(x)
    if "e" in text and "." not in text.split("e")[0]:
        return math.nextafter(x, 0.0)
    return x


class BackendUnavailableError(ChuanError):
    """The optional engine is not installed here (durable_rules needs Python < 3.13 and a C compiler)."""


@dataclass(frozen=True)
class EntityVerdicts:
    """Verdicts of the supported rules for one entity (the core's ``EntityReport`` carries the explanations)."""

    kind: str
    id: str
    school: str | None
    outcomes: dict[str, Outcome]
    levels: dict[str, dict[str, Outcome]]
    error: str | None = None


# ---------------------------------------------------------------------------------------------
# The backend


_OUTCOMES = {"pass": Outcome.passed, "fail": Outcome.failed, "na": Outcome.not_applicable}

def _bodies(ir: _RuleIR, levels: tuple[str, ...], on: dt.date) -> tuple[dict[str, tuple[DNF, DNF]], dict[str, str],
                                                                    dict[str, Outcome]]:
    """A rule in force on a date: its verdicts' condition sets by verdict key, the key of each level, and
    the levels decided without facts (not required at that level)."""
    rule = ir.rule
    if ir.body is not None:
        keys = {lv: rule.id for lv in levels if lv in (rule.levels or levels)}
        return {rule.id: ir.body.at(on)}, keys, {lv: Outcome.not_applicable for lv in levels if lv not in keys}
    bodies: dict[str, tuple[DNF, DNF]] = {}
    keys, statics = {}, {}
    for lv, pname in rule.level_thresholds:
        if pname is None:
            statics[lv] = Outcome.not_applicable
            continue
        keys[lv] = f"{rule.id}@{lv}"
        bodies[keys[lv]] = ir.levels[lv].at(on)
    return bodies, keys, statics


def _conjunctions(ir: _RuleIR, levels: tuple[str, ...], on: dt.date, keys: dict[str, dict[str, str]],
                  statics: dict[str, dict[str, Outcome]]) -> list[tuple[str, _Conj, str, str]]:
    """A rule in force as (subject, conjunction, verdict key, outcome) per Rete rule; its keys and static
    levels recorded only when the whole rule compiles."""
    at, af = ir.applies.at(on) if ir.applies is not None else (TRUE, FALSE)
    bodies, rule_keys, rule_statics = _bodies(ir, levels, on)
    out = [(ir.rule.subject, conj, key, outcome) for key, (bt, bf) in bodies.items()
           for outcome, dnf in (("pass", _and(at, bt)), ("fail", _and(at, bf)), ("na", af)) for conj in dnf]
    keys[ir.rule.id], statics[ir.rule.id] = rule_keys, rule_statics
    return out


@dataclass
class _Compiled:
    """One pack on one date, registered in the private host."""

    name: str | None
    statics: dict[str, dict[str, Outcome]]  # rule -> level -> outcome decided without facts
    keys: dict[str, dict[str, str]]  # rule -> level -> verdict key
    kind_errors: dict[str, str]
    rules_by_kind: dict[str, list[str]]
    n_rete_rules: int = 0


@dataclass
class _Collector:
    verdicts: dict[str, dict[str, str]] = field(default_factory=dict)  # sid -> key -> outcome
    fired: int = 0


def _noop(c: Any) -> None:
    return None


def _durable_engine() -> Any:
    try:
        from durable import engine
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise BackendUnavailableError(
            "durable_rules is not installed; install the extra: pip install 'chuan-engine[durable]' "
            f"(Python < 3.13, needs a C compiler): {exc}"
        ) from None
    return engine


def _private_host() -> Any:
    """A durable host of our own: never the module-global ``durable.lang`` host, no timer threads."""
    engine = _durable_engine()

    class _QuietHost(engine.Host):  # type: ignore[misc, name-defined]
        def _run(self) -> None:
            # durable's Host starts two self-rescheduling timer threads here; we drive it synchronously.
            return None

    return _QuietHost()


_Reads = list[tuple[dict[str, _Term], dict[str, str]]]


def _lowered(pack: Plan) -> tuple[dict[str, list[_RuleIR]], dict[str, _Reads], dict[str, str]]:
    """Each rule's versions lowered (with the terms and flags they read), and why each other rule is not: an
    operator the backend refuses, or the verdict of such a rule read."""
    irs_of: dict[str, list[_RuleIR]] = {}
    reads: dict[str, _Reads] = {}
    reasons: dict[str, str] = {}
    for rid in pack.rule_ids:
        irs, rule_reads = [], []
        try:
            for rule in pack.versions_of(rid):
                ir, reads_of = _walk_rule(pack, rule)
                irs.append(ir)
                rule_reads.append((reads_of.terms, reads_of.flags))
        except _Unsupported as exc:
            reasons[rid] = exc.reason
            continue
        irs_of[rid], reads[rid] = irs, rule_reads
    changed = True
    while changed:  # a rule reading an unsupported rule is unsupported
        changed = False
        for rid, irs in list(irs_of.items()):
            refs = {ref for ir in irs for ref in ir.refs}
            bad = sorted({v.id for ref in refs for v in pack.versions(ref) if v.id in reasons})
            if bad:
                reasons[rid] = f"reads the verdict of unsupported rule '{bad[0]}'"
                del irs_of[rid]
                changed = True
    return irs_of, reads, reasons


class DurableBackend:
    """The per-entity subset of one pack on a private durable_rules host.

    ``unsupported`` lists ``(rule id, reason)`` for every rule it cannot run, decided
    when the backend is built; ``supported`` lists the others. ``evaluate`` returns
    ``EntityVerdicts`` for the supported rules only. Not thread-safe across calls of
    one instance (a lock serialises them); use one instance per thread for speed.
    """

    def __init__(self, pack: Plan) -> None:
        self.pack = pack
        # One IR per version of each rule (oldest first); a rule runs here only if every version can.
        self._ir, reads, reasons = _lowered(pack)
        self.unsupported: list[tuple[str, str]] = [(rid, reasons[rid]) for rid in pack.rule_ids if rid in reasons]
        self.supported: list[str] = [rid for rid in pack.rule_ids if rid in self._ir]
        # Only facts read by supported rules reach the engine, one fact shape per subject kind.
        self._terms: dict[str, dict[str, _Term]] = {}
        self._flags: dict[str, dict[str, str]] = {}
        for rid in self.supported:
            kind = self._ir[rid][0].rule.subject
            for terms, flags in reads[rid]:
                self._terms.setdefault(kind, {}).update(terms)
                self._flags.setdefault(kind, {}).update(flags)
        self._fact_models: dict[str, type[BaseModel]] = {kind: self._fact_model(kind) for kind in self._terms}
        self._suffix = uuid.uuid4().hex[:12]
        self._host: Any = None
        self._compiled: dict[dt.date, _Compiled] = {}
        self._collector = _Collector()
        self._sids = itertools.count()
        self._lock = threading.Lock()
        self._closed = False

    # -- facts --------------------------------------------------------------------------
    def _fact_model(self, kind: str) -> type[BaseModel]:
        """The strict model of one kind's facts (durable_rules takes at most 253 properties)."""
        props = self._properties(kind)
        if len(props) > MAX_PROPERTIES:
            raise BackendUnavailableError(
                f"pack '{self.pack.id}' needs {len(props)} properties for a {kind}; durable_rules fails over 253"
            )
        return create_model(f"DurableFact_{kind}", __config__=ConfigDict(strict=True, extra="forbid"), **props)

    def _properties(self, kind: str) -> dict[str, Any]:
        py = {"num": float, "enum": int, "bool": int, "str": str, "date": int}
        props: dict[str, Any] = {"t": (str, ...), "id": (str, ...), "sid": (str, ...)}
        for prop, term in self._terms[kind].items():
            props[prop] = (py[term.domain], ...)
            props[f"k_{prop}"] = (int, ...)
        for flag in self._flags[kind]:
            props[flag] = (int, ...)
        return props

    @staticmethod
    def _encode(term: _Term, value: Any) -> Any:
        if term.domain == "num":
            if not math.isfinite(value):
                raise EvaluationError(f"'{term.name}' is not a finite number: {value!r}")
            return _json_safe(float(value))
        if term.domain == "enum":
            assert term.vocab is not None
            return term.vocab.rank(value)
        if term.domain == "bool":
            return 1 if value else 0
        if term.domain == "date":
            return value.toordinal()
        return value

    _PLACEHOLDER = {"num": 0.0, "enum": -1, "bool": 0, "str": "", "date": 0}

    def _fact(self, run: Evaluation, view: View, sid: str) -> dict[str, Any]:
        """The entity as one flat, fully-populated, typed fact (unknown = k_ flag 0 + placeholder)."""
        fact: dict[str, Any] = {"t": f"e:{view.kind}", "id": "e", "sid": sid}
        for prop, term in self._terms[view.kind].items():
            if term.source == "field":
                value, _ = run.lookup(view, term.name)
            else:
                supplied, found = _input(view, term.name)
                value = _check_input(term.var_kind or "", supplied, view, term.name) if found else UNKNOWN
            if value is UNKNOWN:
                fact[prop], fact[f"k_{prop}"] = self._PLACEHOLDER[term.domain], 0
            else:
                fact[prop], fact[f"k_{prop}"] = self._encode(term, value), 1
        for flag, name in self._flags[view.kind].items():
            fact[flag] = 1 if _input(view, name)[1] else 0
        try:
            self._fact_models[view.kind].model_validate(fact)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise EvaluationError(f"fact '{err['loc'][0]}' for the Rete engine: {err['msg']}",
                                  where=f"{view.kind} '{view.model.id}'") from None
        return fact

    # -- compilation --------------------------------------------------------------------
    def _action(self, key: str, outcome: str, consumed: bool) -> Callable[[Any], None]:
        collector = self._collector

        def action(c: Any) -> None:
            collector.fired += 1
            bucket = collector.verdicts[c.s.sid]
            previous = bucket.get(key)
            if previous is None:
                bucket[key] = outcome
                if consumed and outcome != "na":  # only verdicts another Rete rule reads become facts
                    c.assert_fact({"t": "v", "id": f"v:{key}", "r": key, "v": outcome})
            elif previous != outcome:  # pragma: no cover - the true and false sets are disjoint
                raise EvaluationError(f"rule verdict '{key}' derived both {previous} and {outcome}")

        return action

    def _compile(self, on: dt.date) -> _Compiled:
        pack = self.pack
        statics: dict[str, dict[str, Outcome]] = {}
        keys: dict[str, dict[str, str]] = {}
        kind_errors: dict[str, str] = {}
        rules_by_kind: dict[str, list[str]] = {}
        definition: dict[str, Any] = {}
        pending: list[tuple[str, _Conj, str, str]] = []
        for rid in self.supported:
            ir = self._ir_on(rid, on)
            rules_by_kind.setdefault(ir.rule.subject, []).append(rid)
            if not ir.rule.in_force(on):
                statics[rid] = {lv: Outcome.not_applicable for lv in pack.level_keys}
                continue
            try:
                pending.extend(_conjunctions(ir, pack.level_keys, on, keys, statics))
            except ChuanError as exc:
                kind_errors.setdefault(ir.rule.subject, f"rule '{rid}': {exc.message}")
        consumed = {vkey for _, conj, _, _ in pending for vkey, _ in conj.verdicts}
        for kind, conj, key, outcome in pending:
            definition[f"r{len(definition)}"] = self._rete_rule(kind, conj, key, outcome, key in consumed)
        # Catch-alls: every asserted fact is handled, so durable keeps a session we can delete
        # (deleting the session of an unhandled fact aborts the process in durable 2.0.28).
        for kind in sorted(rules_by_kind):
            definition[f"any_{kind}"] = {"all": [{"m_0": {"t": f"e:{kind}"}}], "run": _noop}
        if consumed:
            definition["any_verdict"] = {"all": [{"m_0": {"t": "v"}}], "run": _noop}
        name = None
        if definition:
            if self._host is None:
                self._host = _private_host()
            safe = re.sub(r"[^A-Za-z0-9_]", "_", f"{pack.id}_{pack.version}_{on.isoformat()}")
            name = f"chuan_{safe}_{self._suffix}"
            self._host.register_rulesets({name: definition})
        return _Compiled(name, statics, keys, kind_errors, rules_by_kind, len(definition))

    def _rete_rule(self, kind: str, conj: _Conj, key: str, outcome: str, consumed: bool) -> dict[str, Any]:
        ops = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
        tests: list[dict[str, Any]] = [{"t": f"e:{kind}"}]
        for prop, op, value in sorted(conj.tests, key=repr):
            if isinstance(value, float):
                value = _json_safe(value)
            tests.append({prop: value} if op == "==" else {ops[op]: {prop: value}})
        patterns: list[dict[str, Any]] = [{"m_0": {"$and": tests} if len(tests) > 1 else tests[0]}]
        for i, (vkey, vout) in enumerate(sorted(conj.verdicts), start=1):
            patterns.append({f"m_{i}": {"$and": [{"t": "v"}, {"r": vkey}, {"v": vout}]}})
        return {"all": patterns, "run": self._action(key, outcome, consumed)}

    def compiled(self, on: dt.date) -> _Compiled:
        if self._closed:
            raise EvaluationError("this DurableBackend is closed")
        hit = self._compiled.get(on)
        if hit is None:
            hit = self._compiled[on] = self._compile(on)
        return hit

    def _ir_on(self, rid: str, on: dt.date) -> _RuleIR:
        """The IR of the version of a rule a report shows on a date (the one in force, if any)."""
        shown = self.pack.version_shown(rid, on)
        return next(ir for ir in self._ir[rid] if ir.rule is shown)

    # -- evaluation ---------------------------------------------------------------------
    @property
    def fired(self) -> int:
        """How many Rete actions ran so far (a verdict derived twice still counts once in results)."""
        return self._collector.fired

    def subjects(self) -> list[str]:
        return sorted({self._ir[r][0].rule.subject for r in self.supported})

    def evaluate(self, facts: Facts | Iterable[Any], on: dt.date) -> list[EntityVerdicts]:
        """Verdicts of the supported rules for every entity of the kinds they are about."""
        if not isinstance(facts, Facts):
            facts = Facts.of(facts)
        with self._lock:
            compiled = self.compiled(on)
            run = Evaluation(self.pack, facts)
            subjects = set(self.subjects())
            out: list[EntityVerdicts] = []
            for kind, model, school in facts.entities():
                if kind in subjects:
                    out.append(self._one(compiled, run, View(kind, model, on, school, facts)))
            return out

    def _one(self, compiled: _Compiled, run: Evaluation, view: View) -> EntityVerdicts:
        school = view.school.id if view.school is not None and view.school.id != "_loose" else None
        rids = compiled.rules_by_kind.get(view.kind, [])

        def failed(message: str) -> EntityVerdicts:
            return EntityVerdicts(view.kind, view.model.id, school, {}, {}, message)

        if view.kind in compiled.kind_errors:
            return failed(compiled.kind_errors[view.kind])
        if view.kind == "staff" and recruited_after(view.model, view.on.year):
            # not yet staff in the year: no staff rule applies, decided from the facts as the core does (issue 12)
            na = {lv: Outcome.not_applicable for lv in self.pack.level_keys}
            return EntityVerdicts(view.kind, view.model.id, school, dict.fromkeys(rids, Outcome.not_applicable),
                                  {rid: dict(na) for rid in rids})
        sid = str(next(self._sids))
        try:
            fact = self._fact(run, view, sid)
        except ChuanError as exc:
            return failed(exc.describe())
        bucket = self._fire(compiled, fact, sid)
        outcomes: dict[str, Outcome] = {}
        levels: dict[str, dict[str, Outcome]] = {}
        for rid in rids:
            lv_out = dict(compiled.statics.get(rid, {}))
            for lv, key in compiled.keys.get(rid, {}).items():
                lv_out[lv] = _OUTCOMES[bucket[key]] if key in bucket else Outcome.unknown
            ordered = {lv: lv_out[lv] for lv in self.pack.level_keys}
            levels[rid] = ordered
            outcomes[rid] = self._rule_outcome(self._ir_on(rid, view.on).rule, ordered, bucket, view.on)
        return EntityVerdicts(view.kind, view.model.id, school, outcomes, levels)

    def _fire(self, compiled: _Compiled, fact: dict[str, Any], sid: str) -> dict[str, str]:
        """The verdicts the Rete network derives for one entity's fact (its session deleted after)."""
        bucket: dict[str, str] = {}
        if compiled.name is None:
            return bucket
        engine = _durable_engine()
        self._collector.verdicts[sid] = bucket
        try:
            self._host.assert_fact(compiled.name, fact)
        except engine.MessageNotHandledException:
            pass  # no Rete rule matched: every verdict stays unknown
        finally:
            self._host.delete_state(compiled.name, sid)
            del self._collector.verdicts[sid]
        return bucket

    def _rule_outcome(self, rule: Rule, levels: dict[str, Outcome], bucket: dict[str, str], on: dt.date) -> Outcome:
        if not rule.in_force(on):
            return Outcome.not_applicable
        if rule.kind == "condition":
            return _OUTCOMES[bucket[rule.id]] if rule.id in bucket else Outcome.unknown
        base = rule.base_level
        return Outcome.not_applicable if base is None else levels.get(base, Outcome.not_applicable)

    # -- lifetime -----------------------------------------------------------------------
    def close(self) -> None:
        """Free the C rulesets of this instance (durable never frees memory by itself)."""
        with self._lock:
            if self._host is not None:
                import durable_rules_engine  # type: ignore[import-not-found]  # durable_rules' C extension: no stubs

                for ruleset in list(self._host._ruleset_list):
                    durable_rules_engine.delete_ruleset(ruleset._handle)
                self._host = None
            self._compiled.clear()
            self._closed = True

    def __enter__(self) -> DurableBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def core_outcomes(report: Any, backend: DurableBackend) -> dict[tuple[str, str, str | None], Any]:
    """The core report's outcomes for the backend's rules, keyed like ``backend_outcomes``."""
    wanted = set(backend.supported)
    kinds = set(backend.subjects())
    out: dict[tuple[str, str, str | None], Any] = {}
    for ent in report.entities:
        if ent.kind not in kinds:
            continue
        key = (ent.kind, ent.id, ent.school)
        if ent.error is not None:
            out[key] = ("error", ent.error)
            continue
        out[key] = {
            r.rule: (r.outcome, {lv: lr.outcome for lv, lr in r.levels.items()})
            for r in ent.results if r.rule in wanted
        }
    return out


def backend_outcomes(verdicts: Iterable[EntityVerdicts]) -> dict[tuple[str, str, str | None], Any]:
    """The backend's verdicts in the shape of ``core_outcomes``."""
    out: dict[tuple[str, str, str | None], Any] = {}
    for v in verdicts:
        key = (v.kind, v.id, v.school)
        if v.error is not None:
            out[key] = ("error", v.error)
            continue
        out[key] = {rid: (o, v.levels[rid]) for rid, o in v.outcomes.items()}
    return out
