"""The library's front door: a loaded pack that evaluates, with its gaps and side-file sections.

The compiled plan (``pack.plan.Plan``) is data read by every evaluator; this
layer composes the steps a user asks for in one call: the explaining run of
the rules, the gap to each threshold, then the ledger, quotas and ranking the
pack's side files declare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from .analysis.gaps import attach_gaps
from .errors import FactsError
from .facts.inputs import input_errors
from .facts.models import School
from .facts.store import Facts
from .pack.find import find_pack, read_parameter_file
from .pack.parameters import ParameterValue
from .pack.plan import Plan, load_plan
from .policy.extras import attach_extras
from .report.results import Report
from .run.explain import Annotator
from .run.explain import evaluate as run_rules


class RulePack(Plan):
    """A compiled pack that evaluates facts; immutable, so two packs or two versions live side by side."""

    @classmethod
    def of(cls, plan: Plan) -> RulePack:
        """The same compiled plan, with the evaluation methods."""
        if isinstance(plan, RulePack):
            return plan
        return cls(**{f.name: getattr(plan, f.name) for f in fields(Plan)})

    def with_parameters(self, overrides: Mapping[str, tuple[ParameterValue, ...]]) -> RulePack:
        """A copy of this pack with user parameter values layered on top (the pack is unchanged)."""
        return RulePack.of(super().with_parameters(overrides))

    def input_errors(self, facts: Facts) -> list[tuple[str, FactsError]]:
        """Inputs the pack does not declare or whose value its declared type refuses (a share of 85, a negative
        count), each with the id of the top-level entity it belongs to."""
        declared = {key: v.declared or _INFERRED.get(v.type.kind) for key, v in self.variables.items()}
        return input_errors(facts, declared)

    def evaluate(self, facts: Facts | Iterable[Any], on: dt.date, *, lang: str = "vi", extras: bool = True,
                 keep_going: bool = False, progress: Callable[[], None] | None = None, explain: bool = True) -> Report:
        """Evaluate every entity the pack has rules for, on a date, with the gap to each failed threshold.

        A bad input raises ``FactsError`` before any rule runs; with ``keep_going`` the entities holding one
        are set aside and listed in the report instead. With ``extras`` (the default) the report also
        carries the sections the pack's side files declare (initiative ledger, quotas, cluster ranking) in
        ``report.extras``. ``progress``, when given, is called once per entity as its rules are done (the
        CLI's progress bar). With ``explain=False`` nothing is traced (several times faster): the same
        verdicts, values, thresholds, margins and provenance, but no explanation and no missing facts, and
        gaps without the numbers of a measure's parts.
        """
        if not isinstance(facts, Facts):
            facts = Facts.of(facts)
        bad = self.input_errors(facts)
        if bad and not keep_going:
            raise bad[0][1]
        if bad:
            facts, set_aside = _without(facts, {top for top, _ in bad})
        tick = None if progress is None else _ticker(progress)
        report = attach_gaps(run_rules(self, facts, on, lang=lang, annotate=tick, explain=explain))
        if extras and self.sidecars:
            attach_extras(report, facts)
        if bad:
            report.add_input_errors([e for _, e in bad] + set_aside)
        return report


def _ticker(progress: Callable[[], None]) -> Annotator:
    def tick(*_: object) -> None:  # an entity's run, view and results are not needed to count it
        progress()

    return tick


# The declared type an input of a formula variable without ``type:`` is checked against.
_INFERRED = {"num": "number", "bool": "bool", "str": "text", "date": "date"}


def _without(facts: Facts, bad: set[str]) -> tuple[Facts, list[FactsError]]:
    """The facts without the top-level entities (or loose staff and units) named, and a cluster that names
    a school set aside is set aside too."""
    schools = [left for s in facts.schools if (left := _school_without(s, bad)) is not None]
    clusters, notes = [], []
    for c in facts.clusters:
        if c.id in bad:
            continue
        gone = sorted(set(c.school_ids) & bad)
        if gone:
            notes.append(FactsError(f"cụm có trường bị loại vì dữ kiện sai / a school of the cluster was set "
                                    f"aside for bad input: {', '.join(gone)}", file=facts.origin.get(c.id),
                                    entity=c.id))
        else:
            clusters.append(c)
    kept = Facts(schools, clusters)
    kept.origin.update(facts.origin)
    return kept, notes


def _school_without(s: School, bad: set[str]) -> School | None:
    """A school kept, or the loose staff and units not named (None when nothing is left)."""
    if s.id != "_loose":
        return None if s.id in bad else s
    staff = [p for p in s.staff or [] if p.id not in bad]
    units = [u for u in s.units or [] if u.id not in bad]
    return s.model_copy(update={"staff": staff, "units": units or None}) if staff or units else None


def load_pack(path: str | Path) -> RulePack:
    """Load and compile a pack folder, a single YAML file, or a bundled pack by name (``load_pack("qd11_2021")``).

    Raises RuleError with file, rule and column; PackNotFoundError names every folder searched.
    """
    return RulePack.of(load_plan(find_pack(str(path))))  # an existing path is taken as it is


def open_pack(name_or_path: str, params_file: str | Path | None = None) -> RulePack:
    """A pack by name (searched on the pack path) or path, with a user parameter file layered on top."""
    pack = load_pack(find_pack(name_or_path))
    if params_file is not None:
        pack = pack.with_parameters(read_parameter_file(params_file))
    return pack
