"""chuan_engine: Vietnamese regulations as declarative, dated, cited rules.

Public API::

    from chuan_engine import load_pack, load_facts
    pack = load_pack("rules/qd11_2021")
    report = pack.evaluate(load_facts("fixtures/schools"), on=date(2025, 6, 30))
    report.to_frame(); report.to_json(); report.to_html()
    report.extras            # initiative ledger, quotas, cluster ranking the pack's side files declare
    gaps_frame(report)       # the smallest change meeting each failing indicator
    check_pack("rules/qd11_2021").ok   # static check of a pack (chuan rules check)

Importing starts no thread and does no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .analysis.gaps import entity_gaps, gaps_dict, gaps_frame, render_gaps
from .api import RulePack, load_pack, open_pack
from .errors import (
    ChuanError,
    CycleError,
    EvaluationError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    FactsError,
    PackNotFoundError,
    ParameterError,
    RuleError,
)
from .facts.loader import facts_json_schema, load_facts
from .facts.models import Cluster, Initiative, Research, School, SchoolYear, Staff, StaffYear, Unit, UnitYear
from .facts.store import Facts
from .lang.logic import UNKNOWN
from .pack.find import find_pack, read_parameter_file
from .pack.parameters import ParameterValue
from .pack.plan import Plan, Rule
from .pack.provenance import Provenance
from .policy.extras import attach_extras
from .policy.ledger import initiative_ledger
from .policy.quotas import quota_report
from .policy.ranking import cluster_ranking
from .report.extras_text import extras_text
from .report.outcome import LevelResult, Outcome, RuleResult
from .report.results import SCHEMA_VERSION, EntityReport, Report

__version__ = "0.1.0"

if TYPE_CHECKING:  # type checkers see the real signatures of the lazily loaded attributes
    from .authoring.check import PackCheck as PackCheck
    from .authoring.check import check_pack as check_pack
    from .authoring.check import check_path as check_path
    from .batch import evaluate_batch as evaluate_batch


def __getattr__(name: str) -> object:
    """``evaluate_batch`` and the pack check without importing them until used (cold start of ``chuan``)."""
    match name:
        case "evaluate_batch":
            from .batch import evaluate_batch  # numpy, pandas and the columns load only when asked for

            return evaluate_batch
        case "PackCheck" | "check_pack" | "check_path":
            from .authoring import check  # the static check and its example search, for pack authors

            return getattr(check, name)
        case _:
            pass
    raise AttributeError(f"module 'chuan_engine' has no attribute '{name}'")


__all__ = [
    "SCHEMA_VERSION", "UNKNOWN", "ChuanError", "Cluster", "CycleError", "EntityReport", "EvaluationError",
    "ExpressionSyntaxError", "ExpressionTypeError", "Facts", "FactsError", "Initiative", "LevelResult",
    "Outcome", "PackCheck", "Plan", "PackNotFoundError", "ParameterError", "ParameterValue", "Provenance", "Report",
    "Research", "Rule", "RuleError", "RulePack", "RuleResult", "School", "SchoolYear", "Staff", "StaffYear", "Unit",
    "UnitYear", "attach_extras", "check_pack", "check_path", "cluster_ranking", "entity_gaps", "evaluate_batch",
    "extras_text", "facts_json_schema", "find_pack", "gaps_dict", "gaps_frame", "initiative_ledger", "load_facts",
    "load_pack", "open_pack", "quota_report", "read_parameter_file", "render_gaps",
]
