"""Charts of a report with matplotlib (imported only when a chart is drawn).

No pyplot and no global backend switch: each chart is a ``matplotlib.figure.Figure``
drawn on its own Agg canvas, so nothing leaks between notebooks or threads, and it
works offline and headless. A ``Chart`` shows itself in Jupyter as PNG and keeps
the numbers it plots in ``.data`` (a DataFrame), so a chart can be checked.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import pick, t

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

    from .results import EntityReport, Report

COLOURS = {"pass": "#5cb85c", "fail": "#d9534f", "unknown": "#f0ad4e"}
SERIES = ("pass", "fail", "unknown")


@dataclass
class Chart:
    """A drawn figure plus the data behind it."""

    figure: Figure
    data: pd.DataFrame

    def png(self, dpi: int = 100) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(self.figure)
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        return buf.getvalue()

    def data_uri(self, dpi: int = 100) -> str:
        """``data:image/png;base64,...`` for embedding in a self-contained HTML file."""
        return "data:image/png;base64," + base64.b64encode(self.png(dpi)).decode("ascii")

    def html(self, alt: str = "chart") -> str:
        return f"<img alt='{alt}' src='{self.data_uri()}'>"

    def save(self, path: str | Path, dpi: int = 100) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(self.png(dpi))
        tmp.replace(target)

    def _repr_png_(self) -> bytes:
        return self.png()


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _integer_ticks(axis: Axis) -> None:
    """Whole-number ticks on a count axis (its default locator, AutoLocator, is a MaxNLocator)."""
    from matplotlib.ticker import MaxNLocator

    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)


def group_counts(entity: EntityReport, lang: str = "vi") -> pd.DataFrame:
    """Pass/fail/unknown rules per criteria group of one entity (index: group label)."""
    groups: dict[str, Any] = entity.summary.get("groups", {})
    rows = [{"group": gid, "label": pick(g["label_vi"], g["label_en"], lang),
             **{k: int(g[k]) for k in SERIES}} for gid, g in groups.items()]
    return pd.DataFrame(rows, columns=["group", "label", *SERIES])


def group_chart(entity: EntityReport, lang: str = "vi", title: str | None = None) -> Chart:
    """Stacked horizontal bars: per criteria group, how many rules pass, fail, are unknown."""
    data = group_counts(entity, lang)
    fig = _figure(7.5, 0.55 * max(len(data), 1) + 1.4)
    ax = fig.subplots()
    left = [0] * len(data)
    labels = list(data["label"])[::-1]
    for key in SERIES:
        values = list(data[key])[::-1]
        ax.barh(labels, values, left=left, color=COLOURS[key], label=t(key, lang))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("số quy tắc" if lang == "vi" else "rules")
    _integer_ticks(ax.xaxis)
    name = f"{entity.id}" + (f" — {entity.name}" if entity.name else "")
    ax.set_title(title or name)
    fig.legend(loc="outside lower center", ncols=4, fontsize="small")
    return Chart(fig, data)


def progress_chart(data: pd.DataFrame, lang: str = "vi", title: str | None = None) -> Chart:
    """Counts of passing / failing / unknown level-1 indicators over the evaluation dates.

    ``data`` has columns ``label`` (x axis) and pass/fail/unknown, as made by
    ``chuan_engine.notebook.progress``.
    """
    fig = _figure(7.5, 3.6)
    ax = fig.subplots()
    x = [str(v) for v in data["label"]]
    bottom = [0] * len(data)
    for key in SERIES:
        values = [int(v) for v in data[key]]
        ax.bar(x, values, bottom=bottom, color=COLOURS[key], label=t(key, lang))
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    if "required" in data:
        ax.plot(x, [int(v) for v in data["required"]], "k--", linewidth=1,
                label="yêu cầu" if lang == "vi" else "required")
    ax.set_ylabel("số chỉ tiêu" if lang == "vi" else "indicators")
    top = max([*bottom, *(int(v) for v in data.get("required", []))], default=0)
    ax.set_ylim(0, max(top, 1) * 1.08)
    _integer_ticks(ax.yaxis)
    if title:
        ax.set_title(title)
    fig.legend(loc="outside lower center", ncols=4, fontsize="small")
    return Chart(fig, data)


def ranking_chart(data: pd.DataFrame, lang: str = "vi", title: str | None = None) -> Chart:
    """Horizontal stacked bars of schools in ranking order (``data`` from ``notebook.school_ranking``)."""
    fig = _figure(7.5, 0.45 * max(len(data), 1) + 1.4)
    ax = fig.subplots()
    labels = [str(v) for v in data["school"]][::-1]
    left = [0] * len(data)
    for key in SERIES:
        values = [int(v) for v in data[key]][::-1]
        ax.barh(labels, values, left=left, color=COLOURS[key], label=t(key, lang))
        left = [a + b for a, b in zip(left, values, strict=True)]
    _integer_ticks(ax.xaxis)
    if title:
        ax.set_title(title)
    fig.legend(loc="outside lower center", ncols=4, fontsize="small")
    return Chart(fig, data)


def report_group_charts(report: Report, kind: str = "school", lang: str | None = None) -> list[Chart]:
    """One group chart per entity of a kind (default: every school)."""
    return [group_chart(e, lang or report.lang) for e in report.entities if e.kind == kind and e.error is None]
