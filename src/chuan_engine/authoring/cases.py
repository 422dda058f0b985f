"""YAML rule cases without pytest: read, evaluate, compare with the hand-computed expectations.

The format is described in ``chuan_engine.testing.yaml_cases`` (the pytest plugin
built on this module). ``chuan rules check`` also uses the cases here, as witnesses
that a rule can pass and fail, so this module must not import pytest.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..api import RulePack, load_pack
from ..errors import ChuanError, FactsError
from ..facts.loader import _entities_in, load_facts, parse_entity
from ..facts.models import Cluster, School, Staff, Unit
from ..facts.store import Facts
from ..pack.parameters import ParameterValue
from ..pack.provenance import Provenance
from ..report.outcome import Outcome, RuleResult
from ..report.results import EntityReport
from ..report.trace import plain
from ..yamlio import read_data

OUTCOMES = {o.value for o in Outcome}


class CaseError(ChuanError):
    """A YAML case file is malformed (not a failing case: a case that cannot run)."""


@dataclass
class Case:
    name: str
    file: Path
    index: int
    pack_path: Path
    on: dt.date
    facts: list[dict[str, Any]]
    facts_from: list[Path]
    expect: dict[str, dict[str, Any]]
    params: dict[str, Any] = field(default_factory=dict)


class CaseFailure(AssertionError):
    """The engine's verdicts differ from the hand-computed expectations."""


def _date(value: Any, file: Path, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CaseError(f"case '{name}': not a date {value!r}", file=str(file)) from None


def load_cases(path: str | Path) -> list[Case]:
    """Read one case file; raise CaseError naming the file and case when it is malformed."""
    file = Path(path)
    data = read_data(file, CaseError)
    pack_path = file.parent.parent
    if isinstance(data, dict):
        if "pack" in data:
            pack_path = (file.parent / str(data["pack"])).resolve()
        data = data.get("cases")
    if not isinstance(data, list):
        raise CaseError("a case file holds a list of cases (or {pack, cases: [...]})", file=str(file))
    return [_case(file, i, raw, pack_path) for i, raw in enumerate(data)]


def _expectations(expect: Any, file: Path, name: str) -> dict[str, Any]:
    """A case's expectations: entity ids to non-empty mappings of rule to expected verdict."""
    if not isinstance(expect, dict) or not expect:
        raise CaseError(f"case '{name}': 'expect' must map entity ids to expected verdicts", file=str(file))
    for ent, rules in expect.items():
        if not isinstance(rules, dict) or not rules:
            raise CaseError(f"case '{name}': expectations of '{ent}' must be a non-empty mapping", file=str(file))
    return expect


def _case(file: Path, i: int, raw: Any, pack_path: Path) -> Case:
    """Case ``i`` of a file, its keys, date, expectations and facts checked."""
    if not isinstance(raw, dict):
        raise CaseError(f"case {i} is not a mapping", file=str(file))
    name = str(raw.get("name") or f"case {i}")
    unknown = set(raw) - {"name", "description", "date", "year", "facts", "facts_from", "expect", "params"}
    if unknown:
        raise CaseError(f"case '{name}': unknown keys {sorted(unknown)}", file=str(file))
    if ("date" in raw) == ("year" in raw):
        raise CaseError(f"case '{name}': give exactly one of 'date' or 'year'", file=str(file))
    on = _date(raw["date"], file, name) if "date" in raw else dt.date(int(raw["year"]), 12, 31)
    expect = _expectations(raw.get("expect"), file, name)
    facts = _entities_in(raw.get("facts") or [], str(file)) if raw.get("facts") is not None else []
    facts_from = [(file.parent / str(p)).resolve() for p in raw.get("facts_from") or []]
    if not facts and not facts_from:
        raise CaseError(f"case '{name}': no 'facts' and no 'facts_from'", file=str(file))
    return Case(name, file, i, pack_path, on, facts, facts_from, expect, dict(raw.get("params") or {}))


@lru_cache(maxsize=16)
def case_pack(path: str) -> RulePack:
    return load_pack(path)


def case_facts(case: Case) -> Facts:
    """The facts of a case: inline entities plus those of ``facts_from`` (ids unique)."""
    entities = [parse_entity(item, str(case.file)) for item in case.facts]
    if case.facts_from:
        loaded = load_facts(*case.facts_from)
        extra: list[School | Cluster | Staff | Unit] = [s for s in loaded.schools if s.id != "_loose"]
        extra += loaded.clusters
        for s in loaded.schools:
            if s.id == "_loose":
                extra += list(s.staff or []) + list(s.units or [])
        entities = extra + entities
    seen: set[str] = set()
    for e in entities:
        if e.id in seen:
            raise FactsError("duplicate entity id", file=str(case.file), entity=e.id)
        seen.add(e.id)
    return Facts.of(entities)


def overrides(case: Case) -> dict[str, tuple[ParameterValue, ...]]:
    out: dict[str, tuple[ParameterValue, ...]] = {}
    for name, value in case.params.items():
        if isinstance(value, dict) or isinstance(value, list):
            raise CaseError(f"case '{case.name}': give parameter overrides as plain values", file=str(case.file))
        out[str(name)] = (ParameterValue(dt.date.min, value, f"YAML case {case.file.name}", Provenance.override),)
    return out


def explain_text(r: RuleResult) -> str:
    """The text that ``explanation_contains`` searches."""
    parts = [r.title_vi, r.title_en, r.citation.short(), r.reason or "", " ".join(r.missing)]
    if r.explanation is not None:
        parts.append(json.dumps(r.explanation.to_dict(), ensure_ascii=False, default=str))
    if r.gap:
        parts += [str(r.gap.get("text_vi", "")), str(r.gap.get("text_en", ""))]
    return "\n".join(parts)


def _same(expected: Any, got: Any, tol: float) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got or bool(expected == got)
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return abs(float(expected) - float(got)) <= tol
    if isinstance(expected, dt.date):
        return bool(expected.isoformat() == got)
    return bool(expected == got)


def _check_result(ent: str, ref: str, r: RuleResult, want: Any, errors: list[str]) -> None:
    if isinstance(want, str):
        want = {"outcome": want}
    if not isinstance(want, dict):
        errors.append(f"{ent} / {ref}: expectation must be an outcome or a mapping, got {want!r}")
        return
    tol = float(want.get("tolerance", 1e-6))
    unknown = set(want) - {"outcome", "value", "threshold", "levels", "explanation_contains", "missing", "tolerance"}
    if unknown:
        errors.append(f"{ent} / {ref}: unknown expectation keys {sorted(unknown)}")
    if "outcome" in want:
        _check_outcome(f"{ent} / {ref}", r, want["outcome"], errors)
    for key, got in (("value", plain(r.value)), ("threshold", plain(r.threshold))):
        if key in want and not _same(want[key], got, tol):
            errors.append(f"{ent} / {ref}: expected {key} {want[key]!r}, got {got!r}")
    _check_details(f"{ent} / {ref}", r, want, errors)


def _check_outcome(where: str, r: RuleResult, outcome: Any, errors: list[str]) -> None:
    if outcome not in OUTCOMES:
        errors.append(f"{where}: outcome must be one of {sorted(OUTCOMES)}, not {outcome!r}")
    elif r.outcome.value != outcome:
        errors.append(f"{where}: expected {outcome}, got {r.outcome.value} (value {plain(r.value)!r})")


def _check_details(where: str, r: RuleResult, want: dict[str, Any], errors: list[str]) -> None:
    """Per-level outcomes, what the explanation mentions, the missing facts named."""
    for lv, lv_want in (want.get("levels") or {}).items():
        got = r.levels.get(lv)
        if got is None:
            errors.append(f"{where}: no level '{lv}' in the result")
        elif got.outcome.value != lv_want:
            errors.append(f"{where}: level {lv} expected {lv_want}, got {got.outcome.value}")
    text = explain_text(r)
    for snippet in want.get("explanation_contains") or []:
        if str(snippet) not in text:
            errors.append(f"{where}: explanation does not mention {snippet!r}")
    for m in want.get("missing") or []:
        if not any(str(m) in x for x in r.missing):
            errors.append(f"{where}: expected {m!r} among missing facts {r.missing}")


def _check_summary(ent: str, e: EntityReport, want: Any, errors: list[str]) -> None:
    if not isinstance(want, dict):
        errors.append(f"{ent} / summary: expectation must be a mapping")
        return
    for key, value in want.items():
        got = e.summary.get(key)
        if key == "levels" and isinstance(value, dict):
            for lv, status in value.items():
                got_status = (got or {}).get(lv, {}).get("status")
                if got_status != status:
                    errors.append(f"{ent} / summary: level {lv} expected {status}, got {got_status}")
        elif got != value:
            errors.append(f"{ent} / summary: expected {key} {value!r}, got {got!r}")


def run_case(case: Case) -> list[str]:
    """Evaluate a case; the list of mismatches (empty when the engine agrees with the hand computation)."""
    pack = case_pack(str(case.pack_path))
    if case.params:
        pack = pack.with_parameters(overrides(case))
    report = pack.evaluate(case_facts(case), case.on)
    errors: list[str] = []
    by_id = {e.id: e for e in report.entities}
    for ent, rules in case.expect.items():
        e = by_id.get(str(ent))
        if e is None:
            errors.append(f"{ent}: no such entity in the report (have {sorted(by_id)})")
            continue
        if e.error is not None and rules.get("error") is None:
            errors.append(f"{ent}: evaluation error: {e.error}")
            continue
        for ref, want in rules.items():
            if ref == "summary":
                _check_summary(str(ent), e, want, errors)
                continue
            if ref == "error":
                if want not in (e.error or ""):
                    errors.append(f"{ent}: expected an error mentioning {want!r}, got {e.error!r}")
                continue
            try:
                r = e.result(str(ref))
            except KeyError:
                errors.append(f"{ent} / {ref}: no such rule or concept in the report")
                continue
            _check_result(str(ent), str(ref), r, want, errors)
    return errors


def check_case(case: Case) -> None:
    errors = run_case(case)
    if errors:
        raise CaseFailure(f"{case.file.name} :: {case.name} ({case.on.isoformat()})\n  " + "\n  ".join(errors))


def case_files(rules_root: str | Path) -> list[Path]:
    """Every ``<pack>/tests/*.yaml`` below a rules folder."""
    return sorted(p for p in Path(rules_root).glob("*/tests/*.y*ml") if is_case_file(p))


def is_case_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and path.parent.name == "tests" and (
        (path.parent.parent / "pack.yaml").exists())
