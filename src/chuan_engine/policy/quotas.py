"""Quotas (chỉ tiêu, tỷ lệ tối đa): list everyone eligible, the cap, an advisory order, the vote.

A cap is a dated pack parameter (overridable with ``--params`` by a ministry, the
Academy or the school); no value in force means no cap. When eligible candidates
exceed the cap the section lists *all* of them with the cap, a documented order
built from ``_quotas.yaml`` (each key cited, each dated), marks ties, and marks the
case for the council's vote (bình xét). Nobody is dropped and no verdict changes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError, RuleError, Text
from ..facts.vocab import OrderedVocab
from ..lang.logic import UNKNOWN
from ..lang.ops import EPS
from ..pack.side_files import side_file
from ..pack.side_specs import OrderKey, QuotaSpec, quota_specs
from ..report.outcome import Outcome
from ..report.trace import plain
from ..run.views import View, unit_of
from .probe import Probe

if TYPE_CHECKING:
    from ..facts.store import Facts
    from ..report.results import EntityReport, Report


def _cap(report: Report, spec: QuotaSpec, base_count: int, file: str) -> dict[str, Any] | None:
    params = report.pack.parameters
    if spec.cap_parameter not in params:
        raise RuleError(Text(f"chỉ tiêu '{spec.id}' gọi tham số không có '{spec.cap_parameter}'",
                             f"quota '{spec.id}' names unknown parameter '{spec.cap_parameter}'"), file=file)
    try:
        pv = params.at(spec.cap_parameter, report.as_of)
    except ParameterError:
        return None
    share = float(pv.value)
    raw = share * base_count
    count = _rounded(raw, spec.rounding)
    return {"share": share, "count": int(count), "arithmetic": f"{spec.rounding}({share:g} × {base_count}) = {count}",
            "source": pv.source, "provenance": pv.provenance.value, "from": pv.start.isoformat(),
            "rounding": _rounding(spec)}


_ROUNDED = {"floor": ("làm tròn xuống", "rounded down"), "ceil": ("làm tròn lên", "rounded up"),
            "round": ("làm tròn gần nhất", "rounded to the nearest")}


def _rounding(spec: QuotaSpec) -> dict[str, Any]:
    """How the cap became a head count, and on whose word: no source states how 15 % of a headcount is
    rounded (LEGAL_SOURCES §8a.16), so unless the quota names one, the rounding is labelled the pack's convention."""
    vi, en = _ROUNDED[spec.rounding]
    if spec.rounding_source:
        return {"method": spec.rounding, "convention": False, "source": spec.rounding_source,
                "note_vi": f"Số người được {vi} theo {spec.rounding_source}.",
                "note_en": f"The head count is {en} as {spec.rounding_source} provides."}
    return {"method": spec.rounding, "convention": True, "source": None,
            "note_vi": f"Số người được {vi}: đây là quy ước của bộ quy tắc, văn bản không quy định cách làm tròn.",
            "note_en": f"The head count is {en}: this is the pack's convention; the law does not say how to round."}


def _rounded(raw: float, rounding: str) -> int:
    """The cap as a head count: floor (with a hair of slack for float error), ceil or round."""
    match rounding:
        case "floor":
            return math.floor(raw + EPS)
        case "ceil":
            return math.ceil(raw)
        case "round":
            return round(raw)
    raise ValueError(f"unknown rounding {rounding!r}")


def _sort_value(v: Any) -> tuple[int, float | str]:
    """Known values first; enums by legal rank, booleans as 0/1."""
    if v is UNKNOWN or v is None:
        return (1, 0)
    if isinstance(v, OrderedVocab):
        return (0, float(type(v).rank(v)))
    if isinstance(v, bool):
        return (0, float(v))
    if isinstance(v, int | float):
        return (0, float(v))
    return (0, str(v))


def quota_report(report: Report, facts: Facts) -> list[dict[str, Any]] | None:
    """Quota sections for ``report.extras['quotas']``; None when the pack declares no quotas."""
    found = side_file(report.pack, "quotas")
    if found is None:
        return None
    data, file = found
    probe = Probe(report.pack, facts, report.as_of, file)
    views = {(v.school.id if v.school else None, v.model.id): v for v in probe.views("staff")}
    out = []
    for spec in quota_specs(data, file):
        groups: dict[str, list[tuple[EntityReport, View]]] = {}
        for e in report.entities:
            if e.kind != "staff" or e.error:
                continue
            view = views.get((e.school or "_loose", e.id))
            if view is None:
                continue
            scope_id = (e.school or "_loose") if spec.scope == "school" else unit_of(view.model, report.as_of.year)
            groups.setdefault(str(scope_id), []).append((e, view))
        for scope_id, members in groups.items():
            section = _section(report, spec, scope_id, members, probe, file)
            if section is not None:
                out.append(section)
    return out


def _outcome(e: EntityReport, ref: str) -> Outcome:
    try:
        return e.outcome(ref)
    except KeyError:
        return Outcome.not_applicable


def _section(report: Report, spec: QuotaSpec, scope_id: str, members: list[tuple[EntityReport, View]],
             probe: Probe, file: str) -> dict[str, Any] | None:
    base_pass, base_unknown, eligible, undetermined = _tally(spec, members)
    if not eligible and not undetermined:
        return None
    keys = [k for k in spec.ordering if k.in_force(report.as_of)]
    rows = _candidates(probe, spec, keys, eligible)
    cap = _cap(report, spec, base_pass, file)
    limit = cap["count"] if cap else None
    tie_at_cap = _mark_cap(rows, limit)
    over = limit is not None and len(rows) > limit
    vi, en = _message(spec, len(rows), cap, over, len(undetermined), tie_at_cap)
    return {
        "id": spec.id, "concept": spec.concept, "base": spec.base, "scope": spec.scope, "scope_id": scope_id,
        "base_count": base_pass, "base_unknown": base_unknown, "cap": cap, "eligible_count": len(rows),
        "oversubscribed": over, "requires_vote": over or tie_at_cap, "tie_at_cap": tie_at_cap,
        "ordering": [_key_dict(k) for k in keys],
        "candidates": rows, "undetermined": undetermined, "message_vi": vi, "message_en": en,
    }


def _tally(spec: QuotaSpec, members: list[tuple[EntityReport, View]]
           ) -> tuple[int, int, list[tuple[EntityReport, View]], list[str]]:
    """Base passed and unknown counts; who is eligible for the concept, and whose eligibility is unknown."""
    base = [_outcome(e, spec.base) for e, _ in members]
    concept = [_outcome(e, spec.concept) for e, _ in members]
    eligible = [m for m, o in zip(members, concept, strict=True) if o is Outcome.passed]
    undetermined = [e.id for (e, _), o in zip(members, concept, strict=True) if o is Outcome.unknown]
    return base.count(Outcome.passed), base.count(Outcome.unknown), eligible, undetermined


def _key_dict(k: OrderKey) -> dict[str, Any]:
    return {"expr": k.expr, "direction": "desc" if k.descending else "asc", "label_vi": k.label_vi,
            "label_en": k.label_en, "citation": k.citation, "provenance": k.provenance}


def _candidates(probe: Probe, spec: QuotaSpec, keys: list[OrderKey],
                eligible: list[tuple[EntityReport, View]]) -> list[dict[str, Any]]:
    """The eligible, in the advisory order (unknown values last, then the keys, then the id)."""
    rows: list[dict[str, Any]] = []  # JSON objects of the report section
    for e, v in eligible:
        values = [probe.value(k.expr, v, Text(f"thứ tự xét của chỉ tiêu '{spec.id}' '{k.expr}'",
                                          f"quota '{spec.id}' ordering '{k.expr}'")) for k in keys]
        sort_key = tuple((-1 if k.descending else 1) * s[1] if s[0] == 0 and isinstance(s[1], float) else s[1]
                         for k, s in zip(keys, (_sort_value(x) for x in values), strict=True))
        unknown_first = tuple(_sort_value(x)[0] for x in values)
        rows.append({"entity": e.id, "name": e.name, "keys": {k.expr: plain(x) for k, x in zip(keys, values, strict=True)},
                     "_sort": (unknown_first, sort_key, e.id), "_tie": (unknown_first, sort_key)})
    rows.sort(key=lambda r: r["_sort"])
    return rows


def _mark_cap(rows: list[dict[str, Any]], limit: int | None) -> bool:
    """Rank, ties and cap status on each row (in place); True when the order ties at the cap."""
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
        r["tied_with"] = [o["entity"] for o in rows if o is not r and o["_tie"] == r["_tie"]]
        r["within_cap"] = None if limit is None else i <= limit
    tie_at_cap = limit is not None and 0 < limit < len(rows) and rows[limit - 1]["_tie"] == rows[limit]["_tie"]
    for r in rows:
        if limit is None:
            r["status"] = "no_cap"
        elif tie_at_cap and r["_tie"] == rows[limit - 1]["_tie"]:
            r["status"], r["within_cap"] = "tied_at_cap", None  # the order cannot decide: the council does
        else:
            r["status"] = "within_cap" if r["within_cap"] else "over_cap"
    for r in rows:
        r.pop("_sort")
        r.pop("_tie")
    return tie_at_cap


def _message(spec: QuotaSpec, n: int, cap: dict[str, Any] | None, over: bool, undetermined: int,
             tie_at_cap: bool) -> tuple[str, str]:
    if cap is None:
        vi = (f"{spec.label_vi}: {n} người đủ tiêu chuẩn; không có tỷ lệ tối đa đang có hiệu lực "
              f"(tham số {spec.cap_parameter}).")
        en = f"{spec.label_en}: {n} eligible; no cap in force (parameter {spec.cap_parameter})."
    elif over:
        vi = (f"{spec.label_vi}: {n} người đủ tiêu chuẩn, vượt tỷ lệ tối đa {cap['count']} "
              f"({cap['arithmetic']}); liệt kê tất cả theo thứ tự gợi ý — hội đồng thi đua, khen thưởng bình xét, bỏ phiếu.")
        en = (f"{spec.label_en}: {n} eligible exceed the cap of {cap['count']} ({cap['arithmetic']}); "
              f"all are listed in the advisory order — the council votes.")
    else:
        vi = f"{spec.label_vi}: {n} người đủ tiêu chuẩn, trong tỷ lệ tối đa {cap['count']} ({cap['arithmetic']})."
        en = f"{spec.label_en}: {n} eligible, within the cap of {cap['count']} ({cap['arithmetic']})."
    if cap is not None:
        vi += " " + cap["rounding"]["note_vi"]
        en += " " + cap["rounding"]["note_en"]
    if undetermined:
        vi += f" {undetermined} người chưa đủ dữ liệu để xét."
        en += f" {undetermined} undetermined (missing data)."
    if tie_at_cap:
        vi += " Có đồng hạng tại ngưỡng tỷ lệ."
        en += " There is a tie at the cap."
    return vi, en

