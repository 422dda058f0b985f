"""Ranking of a cluster's schools (xếp thứ tự trong cụm thi đua) from configurable, cited criteria.

A pack's ``_ranking.yaml`` names the criteria (expressions read on each school),
their direction, citation and provenance, and the method: ``lexicographic``
(criteria in order) or ``weighted`` (sum of weight × value). Equal schools are
flagged as tied, a tie for first place leaves the leader undetermined, and a
school with a missing criterion is listed last as undetermined. The ranking is
advisory: the cluster's conference votes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Text
from ..facts.vocab import OrderedVocab
from ..lang.logic import UNKNOWN
from ..pack.side_files import side_file
from ..pack.side_specs import Criterion, ranking_criteria
from ..report.trace import plain
from ..run.views import View
from .probe import Probe

if TYPE_CHECKING:
    from ..facts.store import Facts
    from ..report.results import Report


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
    method, criteria = ranking_criteria(config, file)
    probe = Probe(report.pack, facts, report.as_of, file)
    out = []
    for cluster in probe.views("cluster"):
        rows = _ranked([_row(probe, school, method, criteria) for school in probe.child_views(cluster, "schools")])
        top = [r for r in rows if r["rank"] == 1 and not r["undetermined"]]
        leader = top[0]["school"] if len(top) == 1 else None
        ties = any(r["tied_with"] for r in rows)
        vi, en = _message(cluster.model.name or cluster.model.id, top[0]["name"] or leader if leader else None, ties)
        out.append({"cluster": cluster.model.id, "year": report.as_of.year, "method": method,
                    "criteria": [_criterion_dict(c) for c in criteria],
                    "rows": rows, "leader": leader, "ties": ties, "message_vi": vi, "message_en": en})
    return out


def _row(probe: Probe, school: View, method: str, criteria: list[Criterion]) -> dict[str, Any]:
    """One school's values, score and sort key; a school with any unknown value is undetermined."""
    values = [probe.value(c.expr, school, Text(f"tiêu chí xếp hạng '{c.expr}'", f"ranking criterion '{c.expr}'")) for c in criteria]
    nums = [_number(v) for v in values]
    known = all(n is not None for n in nums)
    score, key = _score(method, criteria, values, nums)
    return {"school": school.model.id, "name": school.model.name,
            "values": {c.expr: plain(v) for c, v in zip(criteria, values, strict=True)},
            "score": score if known else None, "undetermined": not known, "_key": (0 if known else 1, key)}


def _score(method: str, criteria: list[Criterion], values: list[Any],
           nums: list[float | None]) -> tuple[Any, tuple[Any, ...]]:
    """The score shown and the sort key: a weighted sum, or the values in criterion order."""
    pairs = list(zip(criteria, nums, strict=True))
    if method == "weighted":
        score = round(sum((c.weight or 0) * n for c, n in pairs if n is not None), 6)
        return score, (-score,)
    return [plain(v) for v in values], tuple((-n if c.descending else n) if n is not None else 0.0 for c, n in pairs)


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in rank order with ``rank`` (ties share one; undetermined schools are not tied) and ``tied_with``."""
    rows.sort(key=lambda r: (r["_key"], r["school"]))
    rank = 0
    for i, r in enumerate(rows):
        if i == 0 or r["_key"] != rows[i - 1]["_key"] or r["undetermined"]:
            rank = i + 1
        r["rank"] = rank
    for r in rows:
        r["tied_with"] = [o["school"] for o in rows if o is not r and not r["undetermined"] and o["_key"] == r["_key"]]
    for r in rows:
        r.pop("_key")
    return rows


def _message(cluster: str, leader: str | None, ties: bool) -> tuple[str, str]:
    if leader:
        vi = f"Xếp thứ tự Cụm {cluster}: dẫn đầu {leader}"
        en = f"Ranking of cluster {cluster}: led by {leader}"
    else:
        vi = f"Xếp thứ tự Cụm {cluster}: chưa xác định trường dẫn đầu"
        en = f"Ranking of cluster {cluster}: no single leader"
    if ties:
        vi += "; có trường đồng hạng — Hội nghị Cụm bình xét"
        en += "; some schools are tied — the cluster conference votes"
    return vi + ".", en + "."


def _criterion_dict(c: Criterion) -> dict[str, Any]:
    return {"expr": c.expr, "direction": "desc" if c.descending else "asc", "weight": c.weight,
            "label_vi": c.label_vi, "label_en": c.label_en, "citation": c.citation, "provenance": c.provenance}
