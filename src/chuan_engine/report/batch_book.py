"""A batch run's frames read back as a Report, so the batch export is the same filed workbook (one writer).

``report`` sits below ``batch`` in the layers, so this module takes the frames of a ``BatchResult``
(results: one row per entity × rule; summary: one per entity) without importing the batch package. The
batch frames carry no explanation trees: a title's basis is what the initiative ledger says, and a failure's
reason is the rule's gap text instead of the explaining path's sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from ..errors import ChuanError, OutputError
from ..lang import ast
from ..lang.ops import EPS, excess
from ..pack.provenance import Provenance
from .outcome import LevelResult, Outcome, RuleResult
from .results import EntityReport, Report, summarize
from .trace import Step

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from ..pack.plan import Plan

EXCEL_MAX_ROWS = 1_048_576
_OUTCOMES = {o.value: o for o in Outcome}
_GAP_KEYS = {"gap_level": "level", "gap_amount": "amount", "gap_unit": "unit", "gap_mode": "mode"}


def _none(v: Any) -> Any:
    """NaN and pandas' missing markers as None (a batch cell left empty is unknown, not zero)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ModuleNotFoundError:  # pragma: no cover - frames imply pandas
        pass
    return v


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _gap(row: dict[Any, Any], lang: str) -> dict[str, Any] | None:
    text = _none(row.get("gap_text"))
    if text is None:
        return None
    gap = {key: _none(row.get(col)) for col, key in _GAP_KEYS.items()}
    gap["text_" + lang] = str(text)
    return gap


def _level_margin(op: str | None, value: Any, threshold: Any) -> float | None:
    """As run.explain.margin_of: how far above (positive) or below (negative) a level's threshold."""
    if op is None or not isinstance(value, int | float) or not isinstance(threshold, int | float) \
            or isinstance(value, bool) or isinstance(threshold, bool):
        return None
    m = excess(op, value, threshold)  # the one meaning of the margin (lang.ops), as both evaluation paths
    return 0.0 if abs(m) < EPS else round(m, 9)


def _levels(pack: Plan, rule: Any, row: dict[Any, Any], on: dt.date) -> dict[str, LevelResult]:
    """Each level's outcome from the frame; an indicator's threshold and margin at each level from its
    dated parameter (the headline counts 'vượt chuẩn' at the first level)."""
    out: dict[str, LevelResult] = {}
    names = dict(rule.level_thresholds) if rule.kind == "indicator" else {}
    value = _none(row.get("value"))
    for lv in pack.level_ids:
        if f"level_{lv}" not in row:
            continue
        outcome = _OUTCOMES.get(str(_none(row.get(f"level_{lv}"))), Outcome.not_applicable)
        name = names.get(lv)
        if name is None or outcome is Outcome.not_applicable:
            out[lv] = LevelResult(lv, outcome)
            continue
        try:
            pv = pack.parameters.at(name, on)
        except ChuanError:
            out[lv] = LevelResult(lv, outcome)
            continue
        margin = None if outcome is Outcome.unknown else _level_margin(rule.op, value, pv.value)
        out[lv] = LevelResult(lv, outcome, pv.value, margin, pv.source, pv.provenance)
    return out


def _result(pack: Plan, row: dict[Any, Any], on: dt.date, lang: str) -> RuleResult:
    rule = pack.version_shown(str(row["rule"]), on)
    outcome = _OUTCOMES.get(str(row["outcome"]), Outcome.unknown)
    reason = "not_in_force" if outcome is Outcome.not_applicable and not rule.in_force(on) else None
    margin = _none(row.get("margin"))
    levels = _levels(pack, rule, row, on)
    prov = _none(row.get("provenance"))
    return RuleResult(rule.id, rule.concept, rule.title_vi, rule.title_en, rule.kind, rule.group, outcome,
                      rule.citation, Provenance(prov) if prov else pack.rule_provenance(rule, on), rule.effective.start.isoformat(),
                      rule.effective.end.isoformat() if rule.effective.end else None, _none(row.get("value")),
                      _none(row.get("threshold")), float(margin) if margin is not None else None, rule.op, rule.unit,
                      levels, reason=reason, gap=_gap(row, lang))


_ID = {"school_years": ("school", "school_id"), "unit_years": ("unit", "unit_id"),
       "staff_years": ("staff", "staff_id")}


def _reads_rating(node: ast.Node) -> bool:
    """Whether an expression reads the year's ``rating`` itself (not a past year's, inside a history call):
    then the explaining path's trace holds the rating the title rests on."""
    match node:
        case ast.Name(name="rating"):
            return True
        case ast.Call(args=args):
            if any(isinstance(a, ast.Name) and a.name == "history" for a in args):
                return False
            return any(_reads_rating(a) for a in args)
        case ast.Attr(obj=obj):
            return _reads_rating(obj)
        case ast.Unary(operand=operand):
            return _reads_rating(operand)
        case ast.Binary(left=left, right=right):
            return _reads_rating(left) or _reads_rating(right)
        case ast.ListLit(items=items):
            return any(_reads_rating(i) for i in items)
        case _:
            return False


def _year(value: Any) -> int | None:
    """A year cell as a number: 2024, 2024.0 or "2024" (CSV cells are text)."""
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def filing_facts(frames: Mapping[str, pd.DataFrame], on: dt.date) -> dict[str, dict[str, str]]:
    """What the filed lists show beside a name and the result frames do not keep: each person's unit
    (``units``: staff id -> unit id) and the year's rating of each entity (``ratings``: 'kind:id' -> code)."""
    units: dict[str, str] = {}
    staff = frames.get("staff")
    if staff is not None and "unit_id" in staff.columns:
        for sid, uid in zip(staff["staff_id"], staff["unit_id"], strict=True):
            if _none(uid) is not None:
                units[str(sid)] = str(uid)
    ratings: dict[str, str] = {}
    for name, (kind, col) in _ID.items():
        df = frames.get(name)
        if df is None or not {"year", "rating", col} <= set(df.columns):
            continue
        year = df[[_year(y) == on.year for y in df["year"]]]
        for eid, rating in zip(year[col], year["rating"], strict=True):
            if _none(rating) is not None:
                ratings[f"{kind}:{eid}"] = str(getattr(rating, "value", rating))
    return {"units": units, "ratings": ratings}


def report_of_frames(pack: Plan, results: pd.DataFrame, summary: pd.DataFrame, extras: dict[str, Any],
                     lang: str = "vi", filing: Mapping[str, Mapping[str, str]] | None = None) -> Report:
    """The Report a batch run's frames stand for, on the run's latest date (one row per entity).

    ``filing`` (``filing_facts``) adds each person's unit and, to a title reached, the year's rating it rests
    on (as the one step of its explanation), which the result frames do not keep.
    """
    units = (filing or {}).get("units", {})
    ratings = (filing or {}).get("ratings", {})
    if len(results) + len(summary) + 10 > EXCEL_MAX_ROWS:
        raise OutputError(f"{len(results)} dòng vượt giới hạn của Excel; hãy xuất Parquet / "
                          "too many rows for Excel, write Parquet instead")
    dates = [_date(v) for v in summary["on"] if _none(v) is not None] if len(summary) else []
    as_of = max(dates) if dates else dt.date.today()
    by_entity: dict[tuple[str, str], list[RuleResult]] = {}
    reads: dict[str, bool] = {}  # rule id -> whether it reads the year's rating
    keep = results[results["on"].map(lambda v: _none(v) is not None and _date(v) == as_of)] if len(results) \
        else results
    for row in keep.to_dict("records"):
        kind, eid = str(row["kind"]), str(row["entity"])
        r = _result(pack, row, as_of, lang)
        rating = ratings.get(f"{kind}:{eid}")
        if r.outcome is Outcome.passed and rating is not None and reads.setdefault(
                r.rule, any(_reads_rating(e.tree) for _, e in pack.version_shown(r.rule, as_of).expressions())):
            r.explanation = Step(f"{kind}.rating", rating, detail={"fact": f"{kind}.rating"})
        by_entity.setdefault((kind, eid), []).append(r)
    entities = []
    for s in summary.to_dict("records"):
        if _none(s.get("on")) is None or _date(s["on"]) != as_of:
            continue
        kind, eid = str(s["kind"]), str(s["entity"])
        error = _none(s.get("error"))
        rules = [] if error is not None else by_entity.get((kind, eid), [])
        name = _none(s.get("name"))
        school = _none(s.get("school"))
        unit = units.get(eid) if kind == "staff" else None
        entities.append(EntityReport(eid, kind, str(name) if name is not None else None,
                                     str(school) if school is not None else None, rules,
                                     summarize(pack, rules, str(error) if error is not None else None, kind),
                                     str(error) if error is not None else None, unit))
    return Report(pack, as_of, entities, lang, dict(extras))
