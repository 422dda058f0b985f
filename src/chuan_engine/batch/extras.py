"""The ledger, quota and ranking sections of a batch run, from its verdicts.

The policy sections (policy/) read a ``Report``'s verdicts and probe the facts with the side
files' own expressions. Here the report is made from the batch results frame (one entity report
per entity of the facts, each rule's outcome as the batch computed it): the rules are not run
again. The facts are the batch input read back into fact models (``convert.chunk_models``), with
the clusters a caller passes (the tidy frames hold none), so the sections equal
``RulePack.evaluate(...).extras`` on the same facts.

Only the rows evaluated on the run's date are read: the sections are those of one evaluation date
(rows of earlier years, with ``every_year``, or schools with their own ``on`` date are left out).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..facts.models import Cluster
from ..facts.store import Facts
from ..pack.plan import Plan, Rule
from ..pack.provenance import Provenance
from ..policy.extras import attach_extras
from ..report.outcome import LevelResult, Outcome, RuleResult
from ..report.results import EntityReport, Report, summarize
from .convert import chunk_models
from .layout import SPECS, prepare
from .tables import Chunk


def input_facts(frames: dict[str, pd.DataFrame], on: dt.date, types: dict[str, Any],
                clusters: Iterable[Cluster] = ()) -> Facts:
    """The batch input as fact models (schools that fail validation are left out), with ``clusters``."""
    prepared = {name: prepare(name, df, types.get(SPECS[name][0], {})) for name, df in frames.items()}
    chunk = Chunk(prepared, on, history=False)
    facts, _, _ = chunk_models(chunk)
    chunk.close()
    return Facts(facts.schools, list(clusters))


def batch_extras(pack: Plan, results: pd.DataFrame, facts: Facts, on: dt.date, lang: str = "vi") -> dict[str, Any]:
    """The sections ``report.extras`` holds (ledger, quotas, ranking), from a batch results frame."""
    report = Report(pack=pack, as_of=on, entities=verdict_reports(pack, results, facts, on), lang=lang)
    return attach_extras(report, facts).extras


def verdict_reports(pack: Plan, results: pd.DataFrame, facts: Facts, on: dt.date) -> list[EntityReport]:
    """One entity report per entity of ``facts`` (in the facts' order) with the batch's verdicts on ``on``."""
    rows = results[results["on"] == on.isoformat()]
    by_entity: dict[tuple[Any, ...], list[Any]] = {}
    for rec in rows.itertuples(index=False):
        by_entity.setdefault((str(rec.kind), rec.school, rec.entity), []).append(rec)
    versions = {(r.id, r.effective.start.isoformat()): r for r in pack.rules}
    out = []
    for kind, model, school in facts.entities():
        school_id = school.id if school is not None and school.id != "_loose" else None
        recs = by_entity.get((kind, school_id, model.id))
        if recs is None:
            continue
        error = next((r.error for r in recs if r.error is not None), None)
        results_ = [] if error is not None else [_result(versions[(str(r.rule), str(r.effective_from))], r, pack)
                                                 for r in recs]
        out.append(EntityReport(model.id, kind, getattr(model, "name", None), school_id, results_,
                                summarize(pack, results_, error, kind), error))
    return out


def _result(rule: Rule, rec: Any, pack: Plan) -> RuleResult:
    levels = {lv: LevelResult(lv, Outcome(str(getattr(rec, f"level_{lv}"))))
              for lv in pack.level_ids if hasattr(rec, f"level_{lv}")}
    margin = rec.margin if isinstance(rec.margin, float) and not math.isnan(rec.margin) else None
    return RuleResult(rule=rule.id, concept=rule.concept, title_vi=rule.title_vi, title_en=rule.title_en,
                      kind=rule.kind, group=rule.group, outcome=Outcome(str(rec.outcome)), citation=rule.citation,
                      provenance=Provenance(str(rec.provenance)), effective_from=rule.effective.start.isoformat(),
                      effective_to=rule.effective.end.isoformat() if rule.effective.end else None,
                      value=rec.value, threshold=rec.threshold, margin=margin, op=rule.op, unit=rule.unit,
                      levels=levels)
