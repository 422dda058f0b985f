"""chuan_engine: Vietnamese regulations as declarative, dated, cited rules.

Public API::

    from chuan_engine import load_pack, load_facts
    pack = load_pack("rules/qd11_2021")
    report = pack.evaluate(load_facts("fixtures/schools"), on=date(2025, 6, 30))
    report.to_frame(); report.to_json(); report.to_html()
    report.extras            # initiative ledger, quotas, cluster ranking the pack's side files declare
    gaps_frame(report)       # the smallest change meeting each failing indicator
    check_pack("rules/qd11_2021").ok   # static check of a pack (chuan rules check)

Importing starts no thread and does no I/O; each name loads its module on first use (PEP 562), so
``import chuan_engine`` costs almost nothing and a program pays only for what it reads.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_HOME: dict[str, str] = {
    "ChuanError": ".errors",
    "Cluster": ".facts.models",
    "CycleError": ".errors",
    "EntityReport": ".report.results",
    "EvaluationError": ".errors",
    "ExpressionSyntaxError": ".errors",
    "ExpressionTypeError": ".errors",
    "Facts": ".facts.store",
    "FactsError": ".errors",
    "Initiative": ".facts.models",
    "LevelResult": ".report.outcome",
    "Outcome": ".report.outcome",
    "PackCheck": ".authoring.check",
    "PackNotFoundError": ".errors",
    "ParameterError": ".errors",
    "ParameterValue": ".pack.parameters",
    "Plan": ".pack.plan",
    "Provenance": ".pack.provenance",
    "Report": ".report.results",
    "Research": ".facts.models",
    "Rule": ".pack.plan",
    "RuleError": ".errors",
    "RulePack": ".api",
    "RuleResult": ".report.outcome",
    "SCHEMA_VERSION": ".report.results",
    "School": ".facts.models",
    "SchoolYear": ".facts.models",
    "Staff": ".facts.models",
    "StaffYear": ".facts.models",
    "UNKNOWN": ".lang.logic",
    "Unit": ".facts.models",
    "UnitYear": ".facts.models",
    "attach_extras": ".policy.extras",
    "check_pack": ".authoring.check",
    "check_path": ".authoring.check",
    "cluster_ranking": ".policy.ranking",
    "entity_gaps": ".analysis.gaps",
    "evaluate_batch": ".batch",
    "extras_text": ".report.extras_text",
    "facts_json_schema": ".facts.loader",
    "find_pack": ".pack.find",
    "gaps_dict": ".analysis.gaps",
    "gaps_frame": ".analysis.gaps",
    "initiative_ledger": ".policy.ledger",
    "load_facts": ".facts.loader",
    "load_pack": ".api",
    "open_pack": ".api",
    "quota_report": ".policy.quotas",
    "read_parameter_file": ".pack.find",
    "render_gaps": ".analysis.gaps",
}
"""Where each public name lives: the module is imported the first time the name is read."""

if TYPE_CHECKING:  # type checkers see the real names and signatures
    from .analysis.gaps import entity_gaps as entity_gaps
    from .analysis.gaps import gaps_dict as gaps_dict
    from .analysis.gaps import gaps_frame as gaps_frame
    from .analysis.gaps import render_gaps as render_gaps
    from .api import RulePack as RulePack
    from .api import load_pack as load_pack
    from .api import open_pack as open_pack
    from .authoring.check import PackCheck as PackCheck
    from .authoring.check import check_pack as check_pack
    from .authoring.check import check_path as check_path
    from .batch import evaluate_batch as evaluate_batch
    from .errors import ChuanError as ChuanError
    from .errors import CycleError as CycleError
    from .errors import EvaluationError as EvaluationError
    from .errors import ExpressionSyntaxError as ExpressionSyntaxError
    from .errors import ExpressionTypeError as ExpressionTypeError
    from .errors import FactsError as FactsError
    from .errors import PackNotFoundError as PackNotFoundError
    from .errors import ParameterError as ParameterError
    from .errors import RuleError as RuleError
    from .facts.loader import facts_json_schema as facts_json_schema
    from .facts.loader import load_facts as load_facts
    from .facts.models import Cluster as Cluster
    from .facts.models import Initiative as Initiative
    from .facts.models import Research as Research
    from .facts.models import School as School
    from .facts.models import SchoolYear as SchoolYear
    from .facts.models import Staff as Staff
    from .facts.models import StaffYear as StaffYear
    from .facts.models import Unit as Unit
    from .facts.models import UnitYear as UnitYear
    from .facts.store import Facts as Facts
    from .lang.logic import UNKNOWN as UNKNOWN
    from .pack.find import find_pack as find_pack
    from .pack.find import read_parameter_file as read_parameter_file
    from .pack.parameters import ParameterValue as ParameterValue
    from .pack.plan import Plan as Plan
    from .pack.plan import Rule as Rule
    from .pack.provenance import Provenance as Provenance
    from .policy.extras import attach_extras as attach_extras
    from .policy.ledger import initiative_ledger as initiative_ledger
    from .policy.quotas import quota_report as quota_report
    from .policy.ranking import cluster_ranking as cluster_ranking
    from .report.extras_text import extras_text as extras_text
    from .report.outcome import LevelResult as LevelResult
    from .report.outcome import Outcome as Outcome
    from .report.outcome import RuleResult as RuleResult
    from .report.results import SCHEMA_VERSION as SCHEMA_VERSION
    from .report.results import EntityReport as EntityReport
    from .report.results import Report as Report


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and then kept on the package."""
    home = _HOME.get(name)
    if home is None:  # a subpackage read as an attribute (chuan_engine.report), as before the names were lazy
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":  # the subpackage exists but needs a missing library: say so
                raise
            raise AttributeError(f"module 'chuan_engine' has no attribute '{name}'") from None
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "SCHEMA_VERSION", "UNKNOWN", "ChuanError", "Cluster", "CycleError", "EntityReport", "EvaluationError",
    "ExpressionSyntaxError", "ExpressionTypeError", "Facts", "FactsError", "Initiative", "LevelResult",
    "Outcome", "PackCheck", "Plan", "PackNotFoundError", "ParameterError", "ParameterValue", "Provenance", "Report",
    "Research", "Rule", "RuleError", "RulePack", "RuleResult", "School", "SchoolYear", "Staff", "StaffYear", "Unit",
    "UnitYear", "attach_extras", "check_pack", "check_path", "cluster_ranking", "entity_gaps", "evaluate_batch",
    "extras_text", "facts_json_schema", "find_pack", "gaps_dict", "gaps_frame", "initiative_ledger", "load_facts",
    "load_pack", "open_pack", "quota_report", "read_parameter_file", "render_gaps",
]
