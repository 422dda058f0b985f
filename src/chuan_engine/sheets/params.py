"""The parameter sheet of a pack (``chuan params export``): every dated value with the indicators that read it.

The appraisal department writes the official value and its source in the last columns; ``--params
chi_tieu.xlsx`` reads them back (``pack.param_sheet``) as overrides, shown with provenance ``override``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..i18n import t
from ..pack.param_sheet import COLUMNS, SHEET
from ..pack.plan import Plan, Rule
from .template import DATE_FORMAT, openpyxl_module


def parameter_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per dated value of every parameter, with the rules (indicators) that read it."""
    rows = []
    for name in plan.parameters.names():
        param = plan.parameters.base[name]
        rules = [r for r in plan.rules if _reads(plan, r, name)]
        indicator = "; ".join(dict.fromkeys(r.title_vi for r in rules))
        citation = "; ".join(dict.fromkeys(r.citation.short() for r in rules))
        for v in param.values:
            rows.append({
                "name": name, "indicator": indicator, "citation": citation, "label": param.label_vi,
                "start": None if v.start == dt.date.min else v.start, "value": v.value, "unit": param.unit or "",
                "provenance": t(v.provenance.value, "vi"), "source": v.source,
            })
    return rows


def _reads(plan: Plan, rule: Rule, name: str) -> bool:
    """Whether a rule reads the parameter, itself or through a variable it reads."""
    if name in rule.params_read or any(f"${name}" in e.text for _, e in rule.expressions()):
        return True
    formulas = (plan.variables[k].formula for k in rule.variables_read if k in plan.variables)
    return any(f is not None and f"${name}" in f.text for f in formulas)


def write_parameter_sheet(plan: Plan, out: str | Path) -> None:
    """Write the "Chỉ tiêu" workbook (atomically)."""
    openpyxl = openpyxl_module()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = list(COLUMNS.values())
    ws.append(headers)
    fill = openpyxl.styles.PatternFill("solid", fgColor="FFF2CC")
    for j, _ in enumerate(headers):
        cell = ws.cell(1, j + 1)
        cell.font = openpyxl.styles.Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = 40 if j in (1, 2, 3, 8) else 16
        if list(COLUMNS)[j].startswith("new_"):
            cell.fill = fill
    for i, row in enumerate(parameter_rows(plan), start=2):
        for j, key in enumerate(COLUMNS):
            value = row.get(key)
            cell = ws.cell(i, j + 1, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text is never a formula, whatever it starts with
            if isinstance(value, dt.date) or key in ("new_from", "new_to"):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    with atomic_path(Path(out), suffix=".xlsx") as tmp:
        wb.save(tmp)
