"""The library's front door: a loaded pack that evaluates, with its gaps and side-file sections.

The compiled plan (``pack.plan.Plan``) is data read by every evaluator; this
layer composes the steps a user asks for in one call: the explaining run of
the rules, the gap to each threshold, then the ledger, quotas and ranking the
pack's side files declare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from .analysis.gaps import attach_gaps
from .facts.store import Facts
from .pack.find import find_pack, read_parameter_file
from .pack.parameters import ParameterValue
from .pack.plan import Plan, load_plan
from .policy.extras import attach_extras
from .report.results import Report
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

    def evaluate(self, facts: Facts | Iterable[Any], on: dt.date, *, lang: str = "vi", extras: bool = True) -> Report:
        """Evaluate every entity the pack has rules for, on a date, with the gap to each failed threshold.

        With ``extras`` (the default) the report also carries the sections the pack's side files declare
        (initiative ledger, quotas, cluster ranking) in ``report.extras``.
        """
        if not isinstance(facts, Facts):
            facts = Facts.of(facts)
        report = attach_gaps(run_rules(self, facts, on, lang=lang))
        if extras and self.sidecars:
            attach_extras(report, facts)
        return report


def load_pack(path: str | Path) -> RulePack:
    """Load and compile a pack folder (or single YAML file). Raises RuleError with file, rule and column."""
    return RulePack.of(load_plan(path))


def open_pack(name_or_path: str, params_file: str | Path | None = None) -> RulePack:
    """A pack by name (searched on the pack path) or path, with a user parameter file layered on top."""
    pack = load_pack(find_pack(name_or_path))
    if params_file is not None:
        pack = pack.with_parameters(read_parameter_file(params_file))
    return pack
