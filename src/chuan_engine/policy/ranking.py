"""Ranking of a cluster's schools (xếp thứ tự trong cụm thi đua) from configurable, cited criteria.

A pack's ``_ranking.yaml`` names the criteria (expressions read on each school),
their direction, citation and provenance, and the method: ``lexicographic``
(criteria in order) or ``weighted`` (sum of weight × value). Equal schools are
flagged as tied, a tie for first place leaves the leader undetermined, and a
school with a missing criterion is listed last as undetermined. The ranking is
advisory: the cluster's conference votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RuleError
from ..facts.vocab import OrderedVocab
from ..lang.logic import UNKNOWN
from ..pack.side_files import Probe, SideExpression, side_file
from ..report.trace import plain

if TYPE_CHECKING:
    from ..facts.store import Facts
    from ..report.results import Report


@dataclass(frozen=True)
class Criterion:
    expr: str
    descending: bool
    weight: float | None
    label_vi: str
    label_en: str
    citation: str | None
    provenance: str


def _criteria(data: dict[str, Any], file: str) -> tuple[str, list[Criterion]]:
    method = data.get("method", "lexicographic")
    if method not in ("lexicographic", "weighted"):
        raise RuleError("method must be lexicographic or weighted", file=file)
    out = []
    for i, c in enumerate(data.get("criteria") or []):
        if not isinstance(c, dict) or "expr" not in c or "label_vi" not in c:
            raise RuleError(f"criteria[{i}] needs 'expr' and 'label_vi'", file=file)
        weight = c.get("weight")
        if method == "weighted" and not isinstance(weight, int | float):
            raise RuleError(f"criteria[{i}] needs a numeric 'weight' for the weighted method", file=file)
        out.append(Criterion(str(c["expr"]), c.get("direction", "desc") == "desc", weight, c["label_vi"],
                             c.get("label_en", c["label_vi"]), c.get("citation"), c.get("provenance", "provisional")))
    if not out:
        raise RuleError("a ranking needs at least one criterion", file=file)
    return method, out


def ranking_expressions(data: dict[str, Any], file: str) -> list[SideExpression]:
    """The criteria of ``_ranking.yaml``, read on each school of a cluster (checked when the pack loads)."""
    _, criteria = _criteria(data, file)
    return [SideExpression(c.expr, "school", f"ranking criterion '{c.expr}'") for c in criteria]


def _number(v: Any) -> float | None:
    if v is UNKNOWN or v is None:
        return None
    if isinstance(v, OrderedVocab):
        return float(type(v).rank(v))
    return float(v)


def cluster_ranking(report: Report, facts: Facts, config: dict[str, Any] | None = None) -> list[dict[str, Any]] | None:
    """Ranking sections for ``report.extras['ranking']``, one per cluster; None when not configured."""
    if config is None:
        found = side_file(report.pack, "ranking")
        if found is None:
            return None
        config, file = found
    else:
        file = "<ranking config>"
    method, criteria = _criteria(config, file)
    probe = Probe(report.pack, facts, report.as_of, file)
    out = []
    for cluster in probe.views("cluster"):
        rows = []
        for school in probe.child_views(cluster, "schools"):
            values = [probe.value(c.expr, school, f"ranking criterion '{c.expr}'") for c in criteria]
            nums = [_number(v) for v in values]
            known = all(n is not None for n in nums)
            signed = [(n if not c.descending else -n) if n is not None else 0.0 for c, n in zip(criteria, nums, strict=True)]
            if method == "weighted":
                score: Any = round(sum((c.weight or 0) * n for c, n in zip(criteria, nums, strict=True) if n is not None), 6)
                key: tuple[Any, ...] = (-score,)
            else:
                score = [plain(v) for v in values]
                key = tuple(signed)
            rows.append({"school": school.model.id, "name": school.model.name,
                         "values": {c.expr: plain(v) for c, v in zip(criteria, values, strict=True)},
                         "score": score if known else None, "undetermined": not known,
                         "_key": (0 if known else 1, key)})
        rows.sort(key=lambda r: (r["_key"], r["school"]))
        rank = 0
        for i, r in enumerate(rows):
            if i == 0 or r["_key"] != rows[i - 1]["_key"] or r["undetermined"]:
                rank = i + 1
            r["rank"] = rank
        for r in rows:
            r["tied_with"] = [o["school"] for o in rows
                              if o is not r and not r["undetermined"] and o["_key"] == r["_key"]]
        for r in rows:
            r.pop("_key")
        top = [r for r in rows if r["rank"] == 1 and not r["undetermined"]]
        leader = top[0]["school"] if len(top) == 1 else None
        ties = any(r["tied_with"] for r in rows)
        if leader:
            vi = f"Xếp thứ tự Cụm {cluster.model.name or cluster.model.id}: dẫn đầu {top[0]['name'] or leader}"
            en = f"Ranking of cluster {cluster.model.name or cluster.model.id}: led by {top[0]['name'] or leader}"
        else:
            vi = f"Xếp thứ tự Cụm {cluster.model.name or cluster.model.id}: chưa xác định trường dẫn đầu"
            en = f"Ranking of cluster {cluster.model.name or cluster.model.id}: no single leader"
        if ties:
            vi += "; có trường đồng hạng — Hội nghị Cụm bình xét"
            en += "; some schools are tied — the cluster conference votes"
        out.append({"cluster": cluster.model.id, "year": report.as_of.year, "method": method,
                    "criteria": [{"expr": c.expr, "direction": "desc" if c.descending else "asc", "weight": c.weight,
                                  "label_vi": c.label_vi, "label_en": c.label_en, "citation": c.citation,
                                  "provenance": c.provenance} for c in criteria],
                    "rows": rows, "leader": leader, "ties": ties, "message_vi": vi + ".", "message_en": en + "."})
    return out
