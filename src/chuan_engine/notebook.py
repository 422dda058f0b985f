"""Rich views for Jupyter: where a school stands, how it got there, who is eligible for what.

Every helper returns plain data (a DataFrame) wrapped in an object that renders
itself as coloured HTML or PNG in a notebook; ``.frame`` / ``.data`` give the
numbers back for further analysis. Charts need matplotlib (``pip install
chuan-engine[notebook]``); tables do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .atomic import write_atomic
from .facts.store import Facts
from .i18n import pick, t
from .report.html import CSS, render_html
from .report.outcome import Outcome

if TYPE_CHECKING:
    from .api import RulePack
    from .report.charts import Chart
    from .report.results import EntityReport, Report

_OUTCOME_VALUES = {o.value for o in Outcome}


@dataclass
class HtmlTable:
    """A DataFrame shown with outcome colours (cells whose value is pass/fail/unknown/not_applicable)."""

    frame: pd.DataFrame
    lang: str = "vi"
    title: str | None = None
    row_classes: list[str] = field(default_factory=list)
    css_class: str = "chuan-table"

    def _cell(self, value: Any) -> str:
        if isinstance(value, str) and value in _OUTCOME_VALUES:
            return f"<td class='{value}'>{escape(t(value, self.lang))}</td>"
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "<td></td>"
        if isinstance(value, float):
            return f"<td class='num'>{value:g}</td>"
        if isinstance(value, int):
            return f"<td class='num'>{value}</td>"
        return f"<td>{escape(str(value))}</td>"

    def _repr_html_(self) -> str:
        heads = "".join(f"<th>{escape(str(c))}</th>" for c in [self.frame.index.name or "", *self.frame.columns])
        rows = []
        for i, (idx, row) in enumerate(self.frame.iterrows()):
            cls = f" class='{self.row_classes[i]}'" if i < len(self.row_classes) and self.row_classes[i] else ""
            rows.append(f"<tr{cls}><th>{escape(str(idx))}</th>" + "".join(self._cell(v) for v in row) + "</tr>")
        title = f"<h3>{escape(self.title)}</h3>" if self.title else ""
        return (f"<style>{CSS}</style><div class='chuan'>{title}<table class='{self.css_class}'>"
                f"<thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")

    def __repr__(self) -> str:
        return (f"{self.title}\n" if self.title else "") + self.frame.to_string()


# -- staff eligibility ---------------------------------------------------------------------------


def staff_matrix(report: Report, lang: str | None = None, school: str | None = None) -> pd.DataFrame:
    """People × titles: the outcome of every staff rule for every staff member (index: staff id)."""
    lang = lang or report.lang
    titles: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for e in report.entities:
        if e.kind != "staff" or (school is not None and e.school != school):
            continue
        row: dict[str, Any] = {"name": e.name or ""}
        for r in e.results:
            if r.outcome is Outcome.not_applicable and r.reason == "not_in_force":
                continue
            titles.setdefault(r.concept, pick(r.title_vi, r.title_en, lang))
            row[titles[r.concept]] = r.outcome.value
        rows[e.id] = row
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["name", *titles.values()])
    frame.index.name = t("staff", lang)
    frame = frame.rename(columns={"name": "Họ tên" if lang == "vi" else "Name"})
    return frame


def staff_table(report: Report, lang: str | None = None, school: str | None = None) -> HtmlTable:
    """The staff eligibility matrix, coloured; its rows say who is eligible for what."""
    lang = lang or report.lang
    frame = staff_matrix(report, lang, school)
    title = "Cán bộ × danh hiệu" if lang == "vi" else "Staff × titles"
    return HtmlTable(frame, lang, title, css_class="chuan-table staff-matrix")


# -- school ranking (cluster view) -----------------------------------------------------------------------------


def _level_counts(report: Report, e: EntityReport) -> dict[str, int]:
    """Pass/fail/unknown/required counts at the pack's first level (or over all rules without levels)."""
    levels = e.summary.get("levels")
    if levels:
        first = levels[report.pack.header.levels[0].id]
        return {"pass": first["passed"], "fail": first["failed"], "unknown": first["unknown"],
                "required": first["required"]}
    c = e.summary["counts"]
    return {"pass": c["pass"], "fail": c["fail"], "unknown": c["unknown"],
            "required": c["pass"] + c["fail"] + c["unknown"]}


def school_ranking(report: Report, lang: str | None = None, schools: Iterable[str] | None = None) -> pd.DataFrame:
    """Schools ranked: highest level reached, then most level-1 indicators met, fewest failed,
    most above the standard, fewest undetermined. Ties share a rank. For the schools of one emulation
    cluster, pass ``schools=cluster.school_ids``."""
    lang = lang or report.lang
    wanted = set(schools) if schools is not None else None
    order = {lvl.id: i + 1 for i, lvl in enumerate(report.pack.header.levels)}
    rows = []
    for e in report.entities:
        if e.kind != "school" or (wanted is not None and e.id not in wanted):
            continue
        if e.error is not None:
            rows.append({"school": e.id, "name": e.name, "verdict": t("error", lang), "level": 0, "pass": 0,
                         "fail": 0, "unknown": 0, "required": 0, "exceeded": 0, "provisional": 0})
            continue
        s = e.summary
        counts = _level_counts(report, e)
        rows.append({"school": e.id, "name": e.name, "verdict": s.get(f"verdict_{lang}", s.get("verdict_vi")),
                     "level": order.get(s.get("level_reached") or "", 0), **counts,
                     "exceeded": s["exceeded"], "provisional": s["provenance"]["provisional"]})
    columns = ["school", "name", "verdict", "level", "pass", "fail", "unknown", "required", "exceeded",
               "provisional"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        frame.insert(0, "rank", pd.Series(dtype=int))
        return frame
    key = ["level", "pass", "fail", "exceeded", "unknown"]
    frame = frame.sort_values(key + ["school"], ascending=[False, False, True, False, True, True])
    ranks = frame[key].apply(tuple, axis=1)
    frame.insert(0, "rank", [1 + sum(1 for other in ranks if _better(other, r)) for r in ranks])
    return frame.reset_index(drop=True)


def _better(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    level, passed, failed, exceeded, unknown = a
    return (level, passed, -failed, exceeded, -unknown) > (b[0], b[1], -b[2], b[3], -b[4])


def ranking_view(report: Report, lang: str | None = None, schools: Iterable[str] | None = None) -> HtmlTable:
    """The cluster ranking as a coloured table (green: a level reached, red: failing, amber: undetermined)."""
    lang = lang or report.lang
    frame = school_ranking(report, lang, schools).set_index("rank")
    classes = ["pass" if r.level else ("fail" if r.fail else "unknown") for r in frame.itertuples()]
    title = "Xếp hạng các trường" if lang == "vi" else "Schools ranked"
    return HtmlTable(frame, lang, title, classes, css_class="chuan-table ranking")


# -- charts --------------------------------------------------------------------------------------


def school_chart(report: Report, school: str, lang: str | None = None) -> Chart:
    """Stacked bars of pass/fail/unknown rules per criteria group for one school (or any entity)."""
    from .report.charts import group_chart  # matplotlib loads only when a chart is drawn

    return group_chart(report.entity(school), lang or report.lang)


def _dates(when: Sequence[int | dt.date]) -> list[dt.date]:
    return [w if isinstance(w, dt.date) else dt.date(int(w), 12, 31) for w in when]


def progress(pack: RulePack, facts: Facts, entity: str, when: Sequence[int | dt.date],
             lang: str = "vi") -> pd.DataFrame:
    """Evaluate one school at several dates (a year means 31/12 of that year) and count its
    level-1 indicators by outcome: one row per date, with the verdict of that date."""
    subset = facts
    if any(s.id == entity for s in facts.schools):
        subset = Facts([facts.school(entity)])
    rows = []
    for on in _dates(when):
        report = pack.evaluate(subset, on, lang=lang)
        e = report.entity(entity)
        if e.error is not None:
            rows.append({"label": on.year, "date": on, "pass": 0, "fail": 0, "unknown": 0, "required": 0,
                         "verdict": t("error", lang)})
            continue
        counts = _level_counts(report, e)
        rows.append({"label": on.year if on.month == 12 and on.day == 31 else on.isoformat(), "date": on,
                     **counts, "verdict": e.summary.get(f"verdict_{lang}", e.summary.get("verdict_vi"))})
    return pd.DataFrame(rows, columns=["label", "date", "pass", "fail", "unknown", "required", "verdict"])


def progress_chart(pack: RulePack, facts: Facts, entity: str, when: Sequence[int | dt.date],
                   lang: str = "vi") -> Chart:
    """Chart of ``progress``: level-1 indicators met, failed and undetermined at each date."""
    from .report.charts import progress_chart as draw  # matplotlib loads only when a chart is drawn

    data = progress(pack, facts, entity, when, lang)
    title = ("Tiến độ đạt chuẩn: " if lang == "vi" else "Progress: ") + entity
    return draw(data, lang, title)


def ranking_chart(report: Report, lang: str | None = None, schools: Iterable[str] | None = None) -> Chart:
    """Bars of level-1 indicators per school, in ranking order."""
    from .report.charts import ranking_chart as draw  # matplotlib loads only when a chart is drawn

    lang = lang or report.lang
    return draw(school_ranking(report, lang, schools), lang,
                "Xếp hạng các trường" if lang == "vi" else "Schools ranked")


def html_with_charts(report: Report, lang: str | None = None, kind: str = "school") -> str:
    """A self-contained HTML report with a group chart (PNG, base64) under each entity of ``kind``."""
    from .report.charts import group_chart  # matplotlib loads only when a chart is drawn
    lang = lang or report.lang
    images = {e.id: group_chart(e, lang).data_uri() for e in report.entities
              if e.kind == kind and e.error is None and e.summary.get("groups")}
    return render_html(report, lang, images=images)


def save_html(report: Report, path: str | Path, lang: str | None = None, charts: bool = True) -> Path:
    """Write the HTML report (with charts unless ``charts=False``) atomically; returns the path."""
    text = html_with_charts(report, lang) if charts else report.to_html(lang)
    write_atomic(path, text)
    return Path(path)


__all__ = ["HtmlTable", "html_with_charts", "progress", "progress_chart", "ranking_chart", "ranking_view", "school_chart",
           "save_html", "school_ranking", "staff_matrix", "staff_table"]
