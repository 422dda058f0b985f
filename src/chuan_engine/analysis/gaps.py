"""Gap analysis: the smallest change that meets each failing indicator.

The gap is read from the *structure* of the measure, never written per rule:

- ``share(coll, cond) >= t`` with ``n`` of ``d`` meeting: *convert* ``x = ceil(t·d − n)`` existing
  members, or *add* ``x = ceil((t·d − n) / (1 − t))`` new members that meet the condition;
- ``count(coll, cond) >= t``: ``t − n`` more items;
- ``a / b >= t`` (e.g. articles per lecturer): ``ceil(t·b − a)`` more of ``a``;
- a share supplied as one figure (aggregate school without roster): the gap in percentage points;
- any other number: ``t − v``.

Each closed formula is only an estimate: the amount is then confirmed with the engine's own
comparison (same float tolerance), so 0.6 × 35 = 21.000000000000004 never asks for one person too many.
The numbers come from the measure's parts as the evaluation recorded them (``RuleResult.parts``, or the
batch's part columns): ``gap_amount`` is a pure function returning a ``Gap`` of numbers; the sentences
are written by report/gap_text.py, with the nouns of the rule's ``gap:`` block (noun_vi, noun_en, mode).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..i18n import pick
from ..lang import ast
from ..lang.ops import EPS, compare
from ..report.common import fmt_date
from ..report.gap_text import INCREASING, Gap
from ..report.outcome import MeasureParts, Outcome, RuleResult
from ..report.results import SCHEMA_VERSION
from ..report.sentences import Speaker

if TYPE_CHECKING:
    import pandas as pd

    from ..pack.plan import Plan, Rule
    from ..report.results import Report

MAX_SEARCH = 100_000


# -- structure of a measure -------------------------------------------------------------------
def measure_shape(pack: Plan, rule: Rule) -> tuple[str, ast.Node | None, str]:
    """(shape, node, text) of an indicator's measure, as the plan compiled it (``Rule.shape``).

    shape is ``share``, ``count``, ``ratio_of`` or ``value``; ``node``/``text`` are the formula
    node, reached through variables, and the text its positions refer to.
    """
    assert rule.measure is not None and rule.shape is not None
    return rule.shape.kind.value, rule.shape.node, rule.shape.text



# -- arithmetic ---------------------------------------------------------------------------------
def _smallest(pred: Callable[[int], bool], estimate: float, limit: int = MAX_SEARCH) -> int | None:
    """Smallest integer x >= 0 with pred(x), searching upward from just below the estimate."""
    start = max(0, math.ceil(estimate - EPS) - 2)
    for x in range(start, min(limit, start + MAX_SEARCH) + 1):
        if pred(x):
            return x
    return None


def _meets(op: str, value: float, threshold: float) -> bool:
    return compare(op, value, threshold) is True


def _counts(parts: MeasureParts | None) -> tuple[int, int] | None:
    """(n, d) of a share or count whose numbers the evaluation recorded."""
    if parts is None or parts.shape not in ("share", "count"):
        return None
    n, d = parts.numerator, parts.denominator
    if isinstance(n, int) and isinstance(d, int) and not isinstance(n, bool):
        return n, d
    return None


def _share(level: str, n: int, d: int, op: str, t: float, value: float, mode: str) -> Gap:
    """n of d meet: convert existing members, or add new members that meet the condition."""
    up = op in INCREASING
    sign = 1 if up else -1
    convert = _smallest(lambda x: (n + sign * x) <= d and n + sign * x >= 0
                        and _meets(op, (n + sign * x) / d, t), sign * (t * d - n))
    add: int | None = None
    if up and t < 1:
        add = _smallest(lambda x: _meets(op, (n + x) / (d + x), t), (t * d - n) / (1 - t))
    elif not up and t > 0:
        add = _smallest(lambda x: _meets(op, n / (d + x), t), n / t - d)
    used = "add" if mode == "add" and add is not None else "convert"
    x = add if used == "add" else convert
    after: float | None = None
    if x is not None:
        after = ((n + x) / (d + x) if up else n / (d + x)) if used == "add" else (n + sign * x) / d
    return Gap(level, "share", used, op, value, t, x, "members", n, d, {"convert": convert, "add": add}, after)


def _count(level: str, shape: str, v: float, n: int | None, op: str, t: float, value: float) -> Gap | None:
    sign = 1 if op in INCREASING else -1
    x = _smallest(lambda k: _meets(op, v + sign * k, t), sign * (t - v))
    if x is None:
        return None
    return Gap(level, shape, "add" if sign > 0 else "remove", op, value, t, x, "items", n, None, None,
               v + sign * x)


def _ratio(level: str, parts: MeasureParts, op: str, t: float, value: float) -> Gap | None:
    """a / b: more (or fewer) of a; None when the operands are not both numbers with b ≠ 0."""
    a, b = parts.numerator, parts.denominator
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b:
        return None
    sign = 1 if op in INCREASING else -1
    x = _smallest(lambda k: _meets(op, (a + sign * k) / b, t), sign * (t * b - a))
    if x is None:
        return None
    return Gap(level, "ratio_of", "add" if sign > 0 else "remove", op, value, t, x, "items", a, b, None,
               (a + sign * x) / b)


def _difference(level: str, shape: str, op: str, t: float, value: float, unit: str | None) -> Gap:
    """A share given as one figure (percentage points), or any other number (t − v)."""
    diff = (t - value) if op in INCREASING else (value - t)
    if unit == "ratio":
        return Gap(level, shape, "points", op, value, t, round(diff * 100, 6), "points", after=t)
    return Gap(level, shape, "value", op, value, t, round(diff, 6), "value", after=t)


def gap_amount(level: str, parts: MeasureParts, op: str, value: float, threshold: float, mode: str,
               unit: str | None) -> Gap | None:
    """The gap to ``threshold`` of a measure computed from ``parts``, as numbers (None if not computable).

    ``mode`` is the rule's preference for a share of members (``convert`` or ``add``); ``unit`` the rule's
    unit (``count`` and ``ratio`` change how a value without parts is read).
    """
    shape, t = parts.shape, threshold
    counts = _counts(parts)
    if shape == "share" and counts is not None and counts[1]:
        return _share(level, counts[0], counts[1], op, t, value, mode)
    if shape == "count" or (unit == "count" and shape != "ratio_of"):
        n = counts[0] if counts is not None else None
        return _count(level, shape, n if n is not None else value, n, op, t, value)
    g = _ratio(level, parts, op, t, value) if shape == "ratio_of" else None
    return g if g is not None else _difference(level, shape, op, t, value, unit)


# -- one level of one rule ----------------------------------------------------------------------
def level_gap(rule: Rule, result: RuleResult, level: str) -> dict[str, Any] | None:
    """The smallest change meeting ``level`` for a failing indicator (JSON form), or None if not computable."""
    lr = result.levels.get(level)
    if rule.kind != "indicator" or lr is None or lr.outcome is not Outcome.failed or rule.op is None:
        return None
    value, t = result.value, lr.threshold
    if not _is_number(value) or not _is_number(t) or result.parts is None:
        return None
    spec = rule.gap
    g = gap_amount(level, result.parts, rule.op, value, t, spec.mode if spec else "convert", rule.unit)
    if g is None:
        return None
    return g.as_dict(spec.noun_vi if spec else rule.title_vi, spec.noun_en if spec else rule.title_en)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def rule_gap(rule: Rule, result: RuleResult) -> dict[str, Any] | None:
    """``RuleResult.gap``: the gap at the first failing level, with every failing level under ``levels``."""
    if rule.kind != "indicator":
        return None
    failing = [lv for lv, lr in result.levels.items() if lr.outcome is Outcome.failed]
    per_level = {lv: g for lv in failing if (g := level_gap(rule, result, lv)) is not None}
    if not per_level:
        return None
    return dict(per_level[next(iter(per_level))]) | {"levels": per_level}


def attach_gaps(report: Report) -> Report:
    """Fill ``RuleResult.gap`` for every indicator failing at some level (in place; returns the report)."""
    # a result names its rule by id and its version by the start of the version's period
    by_version = {(r.id, r.effective.start.isoformat()): r for r in report.pack.rules}
    for e in report.entities:
        for res in e.results:
            rule = by_version.get((res.rule, res.effective_from))
            if rule is not None:
                res.gap = rule_gap(rule, res)
    return report


# -- reports ---------------------------------------------------------------------------------
def _item(r: RuleResult, level: str, lang: str) -> dict[str, Any]:
    lr = r.levels[level]
    item: dict[str, Any] = {
        "rule": r.rule, "title": pick(r.title_vi, r.title_en, lang), "title_vi": r.title_vi,
        "title_en": r.title_en, "group": r.group, "kind": r.kind, "level": level,
        "outcome": lr.outcome.value, "value": r.value if not isinstance(r.value, list) else None,
        "threshold": lr.threshold, "provenance": r.provenance.value, "citation": r.citation.short(),
        "amount": None, "amount_unit": None, "mode": None,
    }
    g = (r.gap or {}).get("levels", {}).get(level)
    if lr.outcome is Outcome.unknown:
        missing = ", ".join(r.missing[:6]) or "—"
        item["text_vi"] = f"chưa đủ dữ liệu: {r.title_vi} (thiếu {missing})"
        item["text_en"] = f"undetermined: {r.title_en} (missing {missing})"
    elif g is not None:
        item.update(amount=g.get("amount"), amount_unit=g.get("amount_unit"), mode=g.get("mode"),
                    text_vi=g["text_vi"], text_en=g["text_en"])
    else:
        item["text_vi"] = f"chưa đáp ứng: {r.title_vi}"
        item["text_en"] = f"not met: {r.title_en}"
    item["text"] = item["text_" + lang] if lang in ("vi", "en") else item["text_vi"]
    return item


def entity_gaps(report: Report, entity_id: str, lang: str | None = None) -> dict[str, Any]:
    """For one entity: per level, what remains (failing or undetermined rules) and by how much."""
    lang = lang or report.lang
    e = report.entity(entity_id)
    return _entity_gaps(report, e, lang)


def _entity_gaps(report: Report, e: Any, lang: str) -> dict[str, Any]:
    s = e.summary
    levels: dict[str, Any] = {}
    for lvl in report.pack.header.levels:
        items = [_item(r, lvl.id, lang) for r in e.results
                 if r.required_at(lvl.id) and r.levels[lvl.id].outcome in (Outcome.failed, Outcome.unknown)]
        info = s.get("levels", {}).get(lvl.id, {})
        levels[lvl.id] = {"label": pick(lvl.label_vi, lvl.label_en, lang), "status": info.get("status"),
                          "required": info.get("required"), "passed": info.get("passed"),
                          "remaining": len(items), "items": items}
    return {"id": e.id, "kind": e.kind, "name": e.name, "error": e.error, "verdict": s.get("verdict"),
            "verdict_text": s.get("verdict_" + lang, s.get("verdict_vi")),
            "headline": s.get("headline_" + lang, s.get("headline_vi")), "levels": levels}


def _title_gaps(report: Report, e: Any, lang: str, speaker: Speaker) -> dict[str, Any]:
    """For a person or unit (no levels): per title or reward not reached, what it still lacks, in words."""
    s = e.summary
    items = []
    for r in e.results:
        if r.outcome not in (Outcome.failed, Outcome.unknown):
            continue
        items.append({"rule": r.rule, "title": pick(r.title_vi, r.title_en, lang), "group": r.group,
                      "outcome": r.outcome.value, "provenance": r.provenance.value, "citation": r.citation.short(),
                      "lacks": speaker.lacking(r, e.kind)})
    return {"id": e.id, "kind": e.kind, "name": e.name, "error": e.error, "verdict": s.get("verdict"),
            "verdict_text": s.get("verdict_" + lang, s.get("verdict_vi")),
            "headline": s.get("headline_" + lang, s.get("headline_vi")), "levels": {}, "titles": items}


def gaps_dict(report: Report, lang: str | None = None) -> dict[str, Any]:
    """JSON-ready gap report: per level for entities graded against levels (schools under 11-QĐ/TW), per title
    not reached for the others (people and units under thi đua: ``titles``, each with what it ``lacks``)."""

    lang = lang or report.lang
    h = report.pack.header
    speaker = Speaker(report.pack, report.as_of, lang)
    entities = [_entity_gaps(report, e, lang) if e.error is not None or report.pack.graded(e.kind)
                else _title_gaps(report, e, lang, speaker) for e in report.entities]
    return {"schema_version": SCHEMA_VERSION, "kind": "gaps",
            "pack": {"id": h.id, "version": h.version, "title": pick(h.title_vi, h.title_en, lang)},
            "as_of": report.as_of.isoformat(), "lang": lang, "entities": entities}


GAP_COLUMNS = ["entity", "name", "level", "rule", "title", "group", "kind", "outcome", "value", "threshold",
               "amount", "amount_unit", "mode", "provenance", "text"]


def gaps_frame(report: Report, lang: str | None = None) -> pd.DataFrame:
    """One row per entity × level × rule still to meet, with the amount missing."""
    import pandas as pd

    rows = []
    for ent in gaps_dict(report, lang)["entities"]:
        for lv, info in ent["levels"].items():
            for it in info["items"]:
                rows.append({"entity": ent["id"], "name": ent["name"], "level": lv} |
                            {k: it.get(k) for k in GAP_COLUMNS if k not in ("entity", "name", "level")})
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def render_gaps(report: Report, lang: str | None = None) -> str:
    """Plain-text gap report: per school, what remains for each level."""
    data = gaps_dict(report, lang)
    lang = data["lang"]
    vi = lang == "vi"
    lines = [f"{'Bộ quy tắc' if vi else 'Rule pack'}: {data['pack']['title']} ({data['pack']['id']} "
             f"{data['pack']['version']})", f"{'Ngày đánh giá' if vi else 'Evaluated on'}: {fmt_date(report.as_of, lang)}", ""]
    for ent in data["entities"]:
        lines.append("═" * 100)
        lines.append(f"{ent['id']}" + (f" — {ent['name']}" if ent["name"] else ""))
        if ent["error"]:
            lines.append(f"  ⚠ {ent['error']}")
            continue
        lines += _entity_gap_lines(ent, vi)
        lines.append("")
    return "\n".join(lines)


def _mark(it: dict[str, Any], vi: bool) -> tuple[str, str]:
    """'?' or '✘', and the provisional flag of a gap item."""
    flag = (" [TẠM THỜI]" if vi else " [PROVISIONAL]") if it["provenance"] == "provisional" else ""
    return ("?" if it["outcome"] == "unknown" else "✘"), flag


def _entity_gap_lines(ent: dict[str, Any], vi: bool) -> list[str]:
    """An entity's headline, what each title still lacks, and what remains at each level."""
    lines = [f"  {ent['headline']}" if "titles" in ent else f"  {ent['verdict_text']}: {ent['headline']}"]
    head = "Để đạt" if vi else "To reach"
    for it in ent.get("titles", []):
        mark, flag = _mark(it, vi)
        lines.append(f"  {mark} {head} {it['title']}{flag}:")
        lines.extend(f"        → {x}" for x in it["lacks"])
    for info in ent["levels"].values():
        if not info["items"]:
            lines.append(f"  {head} {info['label'].lower()}: " + ("đã đạt, không còn thiếu" if vi else "met"))
            continue
        lines.append(f"  {head} {info['label'].lower()}: "
                     + (f"còn {info['remaining']} chỉ tiêu" if vi else f"{info['remaining']} remaining"))
        for it in info["items"]:
            mark, flag = _mark(it, vi)
            lines.append(f"    {mark} {it['title']}{flag}")
            lines.append(f"        → {it['text']}")
    return lines
