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
The rule's ``gap:`` block (noun_vi, noun_en, mode) gives the wording.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..i18n import pick
from ..lang import ast
from ..lang.logic import UNKNOWN
from ..lang.ops import EPS
from ..report.outcome import Outcome, RuleResult
from ..report.results import SCHEMA_VERSION
from ..report.trace import Step
from ..run.explain import compare

if TYPE_CHECKING:
    import pandas as pd

    from ..pack.plan import Plan, Rule
    from ..report.results import Report
    from ..run.explain import Evaluation
    from ..run.views import View

MAX_SEARCH = 100_000
INCREASING = (">=", ">")


# -- structure of a measure -------------------------------------------------------------------
def measure_shape(pack: Plan, rule: Rule) -> tuple[str, ast.Node | None, str]:
    """(shape, node, text) of an indicator's measure, as the plan compiled it (``Rule.shape``).

    shape is ``share``, ``count``, ``ratio_of`` or ``value``; ``node``/``text`` are the formula
    node, reached through variables, and the text its positions refer to.
    """
    assert rule.measure is not None and rule.shape is not None
    return rule.shape.kind.value, rule.shape.node, rule.shape.text


def _measure_step(rule: Rule, result: RuleResult) -> Step | None:
    if result.explanation is None or rule.measure is None:
        return None
    for child in result.explanation.children:
        if child.text == rule.measure.text:
            return child
    return None


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


def _num(x: float | int | None) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and abs(x - round(x)) < EPS:
        return str(int(round(x)))
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _points(x: float) -> str:
    return f"{round(x * 100, 2):g}"


# -- one level of one rule ----------------------------------------------------------------------
def level_gap(pack: Plan, rule: Rule, result: RuleResult, level: str,
              operands: tuple[Any, Any] | None = None) -> dict[str, Any] | None:
    """The smallest change meeting ``level`` for a failing indicator, or None if not computable."""
    lr = result.levels.get(level)
    if rule.kind != "indicator" or lr is None or lr.outcome is not Outcome.failed or rule.op is None:
        return None
    value, t = result.value, lr.threshold
    if not isinstance(value, int | float) or not isinstance(t, int | float) or isinstance(value, bool):
        return None
    op = rule.op
    up = op in INCREASING
    spec = rule.gap
    noun_vi = spec.noun_vi if spec else rule.title_vi
    noun_en = spec.noun_en if spec else rule.title_en
    mode = spec.mode if spec else "convert"
    shape, _, _ = measure_shape(pack, rule)
    step = _measure_step(rule, result)
    detail = step.detail if step is not None else {}
    n, d = detail.get("numerator"), detail.get("denominator")
    has_counts = isinstance(n, int) and isinstance(d, int) and not detail.get("input")
    out: dict[str, Any] = {"level": level, "shape": shape, "mode": mode, "op": op, "value": value,
                           "threshold": t, "noun_vi": noun_vi, "noun_en": noun_en}
    sign = 1 if up else -1
    if shape == "share" and has_counts and d:
        assert isinstance(n, int) and isinstance(d, int)
        convert = _smallest(lambda x: (n + sign * x) <= d and n + sign * x >= 0
                            and _meets(op, (n + sign * x) / d, t), sign * (t * d - n))
        add: int | None = None
        if up and t < 1:
            add = _smallest(lambda x: _meets(op, (n + x) / (d + x), t), (t * d - n) / (1 - t))
        elif not up and t > 0:
            add = _smallest(lambda x: _meets(op, n / (d + x), t), n / t - d)
        used = "add" if mode == "add" and add is not None else "convert"
        x = add if used == "add" else convert
        out.update(numerator=n, denominator=d, alternatives={"convert": convert, "add": add}, mode=used,
                   amount=x, amount_unit="members")
        if x is None:
            out.update(text_vi=f"không thể đạt ngưỡng {op} {_pct(t)} với {n}/{d} hiện có",
                       text_en=f"the threshold {op} {_pct(t)} cannot be reached from {n}/{d}")
            return out
        if used == "add":
            nn, dd = (n + x, d + x) if up else (n, d + x)
            out["after"] = nn / dd
            out["text_vi"] = (f"cần bổ sung {x} {noun_vi} mới (hiện {n}/{d} = {_pct(n / d)}; "
                              f"sau khi bổ sung {nn}/{dd} = {_pct(nn / dd)} {op} {_pct(t)})")
            out["text_en"] = (f"needs {x} new {noun_en} (now {n}/{d} = {_pct(n / d)}; "
                              f"then {nn}/{dd} = {_pct(nn / dd)} {op} {_pct(t)})")
            if up and convert is not None and convert != x:
                out["text_vi"] += f"; hoặc {convert} người hiện có đạt thêm"
                out["text_en"] += f"; or {convert} existing members newly meeting it"
        else:
            nn = n + sign * x
            out["after"] = nn / d
            if up:
                out["text_vi"] = (f"cần thêm {x} {noun_vi} (hiện {n}/{d} = {_pct(n / d)}; "
                                  f"đạt khi {nn}/{d} = {_pct(nn / d)} {op} {_pct(t)})")
                out["text_en"] = (f"needs {x} more {noun_en} (now {n}/{d} = {_pct(n / d)}; "
                                  f"met at {nn}/{d} = {_pct(nn / d)} {op} {_pct(t)})")
            else:
                out["text_vi"] = (f"cần giảm {x} {noun_vi} (hiện {n}/{d} = {_pct(n / d)}; "
                                  f"đạt khi {nn}/{d} = {_pct(nn / d)} {op} {_pct(t)})")
                out["text_en"] = (f"needs {x} fewer {noun_en} (now {n}/{d} = {_pct(n / d)}; "
                                  f"met at {nn}/{d} = {_pct(nn / d)} {op} {_pct(t)})")
        return out
    if shape == "count" or (rule.unit == "count" and shape != "ratio_of"):
        v = n if has_counts else value
        x = _smallest(lambda k: _meets(op, v + sign * k, t), sign * (t - v))
        out.update(amount=x, amount_unit="items", mode="add" if up else "remove")
        if has_counts:
            out["numerator"] = n
        if x is None:
            return None
        out["after"] = v + sign * x
        if up:
            out["text_vi"] = f"thiếu {x} {noun_vi} (hiện {_num(v)}, cần {op} {_num(t)})"
            out["text_en"] = f"{x} more {noun_en} needed (now {_num(v)}, needs {op} {_num(t)})"
        else:
            out["text_vi"] = f"cần giảm {x} {noun_vi} (hiện {_num(v)}, cần {op} {_num(t)})"
            out["text_en"] = f"{x} fewer {noun_en} needed (now {_num(v)}, needs {op} {_num(t)})"
        return out
    if shape == "ratio_of" and operands is not None:
        a, b = operands
        if isinstance(a, int | float) and isinstance(b, int | float) and b:
            x = _smallest(lambda k: _meets(op, (a + sign * k) / b, t), sign * (t * b - a))
            if x is not None:
                out.update(amount=x, amount_unit="items", numerator=a, denominator=b, after=(a + sign * x) / b,
                           mode="add" if up else "remove")
                word_vi, word_en = ("cần thêm", "more") if up else ("cần giảm", "fewer")
                out["text_vi"] = (f"{word_vi} {x} {noun_vi} (hiện {_num(a)}/{_num(b)} = {_num(a / b)}, "
                                  f"cần {op} {_num(t)})")
                out["text_en"] = (f"needs {x} {word_en} {noun_en} (now {_num(a)}/{_num(b)} = {_num(a / b)}, "
                                  f"needs {op} {_num(t)})")
                return out
    if rule.unit == "ratio":
        pts = (t - value) if up else (value - t)
        out.update(amount=round(pts * 100, 6), amount_unit="points", mode="points", after=t)
        word_vi, word_en = ("tăng", "rise") if up else ("giảm", "fall")
        out["text_vi"] = (f"tỷ lệ {noun_vi} cần {word_vi} thêm {_points(pts)} điểm phần trăm "
                          f"(hiện {_pct(value)}, cần {op} {_pct(t)})")
        out["text_en"] = (f"the share of {noun_en} must {word_en} by {_points(pts)} percentage points "
                          f"(now {_pct(value)}, needs {op} {_pct(t)})")
        return out
    diff = (t - value) if up else (value - t)
    out.update(amount=round(diff, 6), amount_unit="value", mode="value", after=t)
    word_vi, word_en = ("còn thiếu", "short by") if up else ("vượt quá", "over by")
    out["text_vi"] = f"{word_vi} {_num(diff)} {noun_vi} (hiện {_num(value)}, cần {op} {_num(t)})"
    out["text_en"] = f"{word_en} {_num(diff)} {noun_en} (now {_num(value)}, needs {op} {_num(t)})"
    return out


def _operands(run: Evaluation, view: View, rule: Rule) -> tuple[Any, Any] | None:
    shape, node, text = measure_shape(run.pack, rule)
    if shape != "ratio_of" or not isinstance(node, ast.Binary):
        return None
    a, _ = run.value_of(node.left, view, text)
    b, _ = run.value_of(node.right, view, text)
    if a is UNKNOWN or b is UNKNOWN:
        return None
    return a, b


def attach_gaps(run: Evaluation, view: View, results: list[RuleResult]) -> None:
    """Fill ``RuleResult.gap`` for every indicator failing at some level (called by the engine).

    ``gap`` holds the gap at the first failing level at top level, and every failing level
    under ``levels``.
    """
    # a result names its rule by id and its version by the start of the version's period
    by_version = {(r.id, r.effective.start.isoformat()): r for r in run.pack.rules}
    for res in results:
        rule = by_version.get((res.rule, res.effective_from))
        if rule is None or rule.kind != "indicator":
            continue
        failing = [lv for lv, lr in res.levels.items() if lr.outcome is Outcome.failed]
        if not failing:
            continue
        operands = _operands(run, view, rule)
        per_level = {lv: g for lv in failing if (g := level_gap(run.pack, rule, res, lv, operands)) is not None}
        if not per_level:
            continue
        first = per_level[next(iter(per_level))]
        res.gap = dict(first) | {"levels": per_level}


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


def gaps_dict(report: Report, lang: str | None = None) -> dict[str, Any]:
    """JSON-ready gap report for every entity evaluated against levels (schools under 11-QĐ/TW)."""

    lang = lang or report.lang
    h = report.pack.header
    entities = [_entity_gaps(report, e, lang) for e in report.entities
                if e.error is not None or report.pack.graded(e.kind)]
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
             f"{data['pack']['version']})", f"{'Ngày đánh giá' if vi else 'Evaluated on'}: {data['as_of']}", ""]
    for ent in data["entities"]:
        lines.append("═" * 100)
        lines.append(f"{ent['id']}" + (f" — {ent['name']}" if ent["name"] else ""))
        if ent["error"]:
            lines.append(f"  ⚠ {ent['error']}")
            continue
        lines.append(f"  {ent['verdict_text']}: {ent['headline']}")
        for info in ent["levels"].values():
            head = "Để đạt" if vi else "To reach"
            if not info["items"]:
                lines.append(f"  {head} {info['label'].lower()}: " + ("đã đạt, không còn thiếu" if vi else "met"))
                continue
            lines.append(f"  {head} {info['label'].lower()}: "
                         + (f"còn {info['remaining']} chỉ tiêu" if vi else f"{info['remaining']} remaining"))
            for it in info["items"]:
                mark = "?" if it["outcome"] == "unknown" else "✘"
                flag = (" [TẠM THỜI]" if vi else " [PROVISIONAL]") if it["provenance"] == "provisional" else ""
                lines.append(f"    {mark} {it['title']}{flag}")
                lines.append(f"        → {it['text']}")
        lines.append("")
    return "\n".join(lines)
