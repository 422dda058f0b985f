"""The report sections a pack's side files declare, added after the rules have run."""

from __future__ import annotations

from ..facts.store import Facts
from ..report.results import Report
from .ledger import initiative_ledger
from .quotas import quota_report
from .ranking import cluster_ranking


def attach_extras(report: Report, facts: Facts) -> Report:
    """Add the ledger, quota and ranking sections a pack declares (in place; returns the report)."""
    for name, build in (("ledger", initiative_ledger), ("quotas", quota_report), ("ranking", cluster_ranking)):
        section = build(report, facts)
        if section is not None:
            report.extras[name] = section
    return report
