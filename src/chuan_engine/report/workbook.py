"""The Excel workbook an office files: a summary, one sheet per title proposed, one per kind of entity.

Only rules in force on the date appear. Cells keep numbers and dates (shown as 87,5 % and 30/06/2025 by
their number formats), each table has a title row, a frozen header with a filter, column widths and an A4
print setup. Text is always text: a name starting with ``=``, ``+``, ``-`` or ``@`` is stored as a string
with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import atomic_path
from ..errors import OutputError
from ..facts.vocab import SHORT_TITLES, vocab_label_any
from ..i18n import pick, t
from .common import fmt_margin, fmt_threshold, indicator_number
from .formatting import EXCEL_DATE, EXCEL_INTEGER, EXCEL_NUMBER, EXCEL_PERCENT
from .outcome import Outcome, RuleResult
from .proposals import TitleList, in_force, proposal_lists
from .reasons import reasons
from .sentences import Speaker

if TYPE_CHECKING:
    from .results import EntityReport, Report

_L: dict[str, dict[str, str]] = {
    "summary": {"vi": "Tổng hợp", "en": "Summary"},
    "propose": {"vi": "Đề nghị", "en": "Proposed"},
    "no": {"vi": "STT", "en": "No."},
    "name": {"vi": "Họ và tên / Tên", "en": "Name"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "basis": {"vi": "Căn cứ đề nghị", "en": "Basis"},
    "rank": {"vi": "Thứ tự xét", "en": "Order"},
    "cap": {"vi": "Tỷ lệ tối đa (người)", "en": "Cap (people)"},
    "status": {"vi": "So với tỷ lệ", "en": "Against the cap"},
    "vote": {"vi": "Cần Hội đồng bình xét", "en": "Council vote needed"},
    "id": {"vi": "Mã", "en": "Id"},
    "rule_id": {"vi": "Mã quy tắc", "en": "Rule id"},
    "number": {"vi": "Số chỉ tiêu", "en": "Indicator no."},
    "gap": {"vi": "Còn thiếu", "en": "Gap"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "titles": {"vi": "Danh hiệu, hình thức đạt", "en": "Titles reached"},
    "yes": {"vi": "Có", "en": "Yes"},
    "list_of": {"vi": "Danh sách đề nghị", "en": "Proposed for"},
    "rules_of": {"vi": "Kết quả từng quy tắc", "en": "Result of each rule"},
    "cap_line": {"vi": "Tỷ lệ tối đa", "en": "Cap"},
}

_KIND_SHEET = {"staff": {"vi": "Cán bộ", "en": "Staff"}, "unit": {"vi": "Đơn vị", "en": "Units"},
               "school": {"vi": "Trường", "en": "Schools"}, "cluster": {"vi": "Cụm thi đua", "en": "Clusters"},
               "invalid": {"vi": "Lỗi dữ liệu", "en": "Input errors"}}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _l(key: str, lang: str) -> str:
    return _L[key].get(lang, _L[key]["vi"])


def _openpyxl() -> Any:
    try:
        import openpyxl  # optional heavy dependency, loaded only when a workbook is written
    except ModuleNotFoundError:
        raise OutputError("cần openpyxl để ghi tệp Excel / writing Excel needs openpyxl: "
                          "pip install 'chuan-engine[excel]'") from None
    return openpyxl


def sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = " ".join(text.translate(_BAD_SHEET_CHARS).split()) or "Sheet"
    name = base if len(base) <= 31 else base[:30].rstrip() + "…"
    i = 2
    while name.lower() in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        i += 1
    used.add(name.lower())
    return name


class _Sheet:
    """One table on one sheet: title, subtitle, header, rows; formats, widths, filter and printing.

    The workbook is write-only (a sheet's columns precede its rows in the file), so the rows are held until
    ``close``: the column widths are measured over every row (a long name in row 500 widens its column),
    capped at ``MAX_WIDTH`` characters (longer text wraps).
    """

    def __init__(self, wb: Any, name: str, title: str, subtitle: str, headers: Sequence[str],
                 on: dt.date, lang: str, landscape: bool = True) -> None:
        self.openpyxl = _openpyxl()
        styles = self.openpyxl.styles
        self.ws = wb.create_sheet(title=name)
        self.headers = list(headers)
        self.widths = [len(h) + 2 for h in headers]
        self.styles: dict[tuple[Any, ...], Any] = {}  # (number format, style objects) -> openpyxl StyleArray
        self.wrap = styles.Alignment(wrap_text=True, vertical="top")
        self.top: list[list[Any]] = [
            [self._cell(title, font=styles.Font(bold=True, size=13))],
            [self._cell(t("as_of", lang) + ":", font=styles.Font(italic=True)),
             self._cell(on, EXCEL_DATE, alignment=styles.Alignment(horizontal="left")),
             self._cell(subtitle, font=styles.Font(italic=True))],
            [self._cell(h, font=styles.Font(bold=True), fill=styles.PatternFill("solid", fgColor="DDE6F0"),
                        alignment=self.wrap) for h in headers],
        ]
        self.pending: list[list[Any]] | None = []  # rows held until the widths are known
        self.row = 3
        ws = self.ws
        ws.freeze_panes = "A4"
        ws.print_title_rows = "3:3"
        ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4; a write-only sheet has no such name)
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.page_margins.left = ws.page_margins.right = 0.5

    def _cell(self, value: Any, number_format: str | None = None, **style: Any) -> Any:
        cell = self.openpyxl.cell.WriteOnlyCell(self.ws, value=value)
        quote = False
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            quote = value.startswith(_FORMULA_START)  # Excel keeps it text when the cell is edited
        key = (number_format, quote, tuple(sorted((k, id(v)) for k, v in style.items())))
        known = self.styles.get(key)
        if known is not None:  # registering a style is slow: a cell with the same look shares its style ids
            cell._style = copy.copy(known)
            return cell
        if quote:
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        for k, v in style.items():
            setattr(cell, k, v)
        self.styles[key] = copy.copy(cell._style)
        return cell

    def add(self, values: Sequence[Any], formats: Sequence[str | None] | None = None) -> None:
        self.row += 1
        cells = []
        for i, v in enumerate(values, start=1):
            fmt = (formats[i - 1] if formats and i <= len(formats) else None) or _default_format(v)
            cells.append(self._cell(v, fmt, alignment=self.wrap))
            if self.pending is not None:
                shown = 10 if isinstance(v, dt.date) else len(str(v)) if v is not None else 0
                self.widths[i - 1] = max(self.widths[i - 1], min(shown + 2, MAX_WIDTH))
        if self.pending is None:
            self.ws.append(cells)
            return
        self.pending.append(cells)

    def _flush(self) -> None:
        """Fix the column widths, then write the title rows and the rows held so far."""
        if self.pending is None:
            return
        letter = self.openpyxl.utils.get_column_letter
        for i, w in enumerate(self.widths, start=1):
            self.ws.column_dimensions[letter(i)].width = max(8, min(w, MAX_WIDTH))
        for cells in self.top + self.pending:
            self.ws.append(cells)
        self.pending = None

    def close(self) -> None:
        self._flush()
        last = self.openpyxl.utils.get_column_letter(len(self.headers))
        self.ws.auto_filter.ref = f"A3:{last}{max(self.row, 3)}"


MAX_WIDTH = 60
"""Widest column, in characters: a longer reason or citation wraps in its cell."""


def _default_format(v: Any) -> str | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, dt.date):
        return EXCEL_DATE
    if isinstance(v, int):
        return EXCEL_INTEGER
    if isinstance(v, float):
        return EXCEL_NUMBER
    return None


def _cell_value(v: Any, lang: str = "vi") -> Any:
    """A rule's value as a cell: numbers and dates stay numbers and dates; a vocabulary code is its wording in
    the language; the rest is text."""
    if v is None or isinstance(v, bool):
        return None if v is None else v
    if isinstance(v, int | float | dt.date):
        return v
    return vocab_label_any(v, lang) or str(getattr(v, "value", v))


def _share_format(r: RuleResult) -> str | None:
    return EXCEL_PERCENT if r.unit in ("ratio", "share") else None


def _reason(r: RuleResult, lang: str, speaker: Speaker | None = None, kind: str = "") -> str:
    if r.outcome is Outcome.failed:  # in sentences ('Xếp loại năm 2024: …; cần … — chưa đạt')
        said = speaker.why(r, kind) if speaker is not None else reasons(r.explanation)
        if not said and speaker is not None:  # a batch row keeps no tree: what the rule asks, in words
            said = speaker.requirement(r, kind)
        return "; ".join(said)
    if r.outcome is Outcome.unknown and r.missing:
        return f"{t('missing', lang)}: {', '.join(r.missing)}"
    if r.reason:
        return t(r.reason, lang)
    return ""


def _gap(r: RuleResult, lang: str, speaker: Speaker | None = None, kind: str = "") -> str:
    """What is missing: an indicator's gap ('thiếu 1 người'), or what a title not reached still needs
    ('cần thêm 1 sáng kiến …'), from its explanation."""
    if r.outcome is Outcome.not_applicable:
        return ""
    if r.gap:
        return str(r.gap.get("text_" + lang, r.gap.get("text_vi", "")))
    if r.outcome is Outcome.failed and speaker is not None and r.kind != "indicator":
        return "; ".join(speaker.lacking(r, kind))
    return ""


def _name(e: EntityReport) -> str:
    return e.name or e.id


def _summary(wb: Any, report: Report, lang: str, subtitle: str, used: set[str]) -> None:
    heads = [_l("no", lang), _l("name", lang), t("kind", lang), _l("unit", lang), t("verdict", lang),
             _l("titles", lang), t("pass", lang), t("fail", lang), t("unknown", lang), _l("id", lang)]
    h = report.pack.header
    sh = _Sheet(wb, sheet_title(_l("summary", lang), used), pick(h.title_vi, h.title_en, lang), subtitle, heads,
                report.as_of, lang)
    names = {(e.kind, e.id): _name(e) for e in report.entities}
    for i, e in enumerate(report.entities, start=1):
        s = e.summary
        shown = [r for r in e.results if in_force(r)]
        titles = ", ".join(pick(r.title_vi, r.title_en, lang) for r in shown if r.outcome is Outcome.passed)
        if report.pack.graded(e.kind) or e.error:
            titles = str(s.get("headline_" + lang, s.get("headline_vi", "")))
        unit = names.get(("unit", e.unit), e.unit) if e.unit else (names.get(("school", e.school or ""), "")
                                                                    if e.school else "")
        count = {o: sum(r.outcome is o for r in shown) for o in Outcome}
        sh.add([i, _name(e), t(e.kind, lang), unit, str(s.get("verdict_" + lang, s.get("verdict_vi", ""))),
                titles, count[Outcome.passed], count[Outcome.failed], count[Outcome.unknown], e.id])
    sh.close()


def _title_sheet(wb: Any, tl: TitleList, lang: str, subtitle: str, used: set[str], on: dt.date) -> None:
    heads = [_l("no", lang), _l("name", lang), _l("unit", lang), _l("basis", lang), t("citation", lang)]
    if tl.capped:
        heads += [_l("rank", lang), _l("cap", lang), _l("status", lang), _l("vote", lang)]
    heads.append(_l("id", lang))
    sub = f"{_l('cap_line', lang)}: {tl.cap_text}" if tl.capped else subtitle
    short = SHORT_TITLES.get(tl.concept, {}).get(lang, tl.title)  # the full title is the sheet's title row
    sh = _Sheet(wb, sheet_title(f"{_l('propose', lang)} {short}", used),
                f"{_l('list_of', lang)}: {tl.title}", sub, heads, on, lang)
    for i, p in enumerate(tl.rows, start=1):
        row: list[Any] = [i, _name(p.entity), p.unit, p.basis, p.citation]
        if tl.capped:
            row += [p.rank, tl.cap, p.status_text(lang), _l("yes", lang) if p.needs_vote else ""]
        row.append(p.entity.id)
        sh.add(row)
    sh.close()


def _kind_sheet(wb: Any, report: Report, kind: str, entities: list[EntityReport], lang: str, subtitle: str,
                used: set[str]) -> None:
    graded = report.pack.graded(kind)
    heads = [_l("name", lang)] + ([_l("number", lang)] if graded else [_l("unit", lang)])
    heads += [t("title", lang), t("outcome", lang), t("value", lang), t("threshold", lang), t("margin", lang),
              _l("gap", lang), _l("reason", lang), t("provenance", lang), t("citation", lang), _l("id", lang),
              _l("rule_id", lang)]
    label = _KIND_SHEET.get(kind, {}).get(lang, kind)
    sh = _Sheet(wb, sheet_title(label, used), f"{_l('rules_of', lang)} — {label}", subtitle, heads,
                report.as_of, lang)
    names = {(e.kind, e.id): _name(e) for e in report.entities}
    speaker = Speaker(report.pack, report.as_of, lang)
    for e in entities:
        if e.error is not None:
            sh.add([_name(e), "", "", t("error", lang), None, None, None, "", e.error, "", "", e.id, ""])
            continue
        second = "" if graded else (names.get(("unit", e.unit), e.unit) if e.unit else "")
        for r in e.results:
            if not in_force(r):
                continue
            pct = _share_format(r)
            value = _cell_value(r.value, lang) if r.kind == "indicator" else None
            threshold = _cell_value(r.threshold, lang)
            first = indicator_number(r) if graded else second
            sh.add([_name(e), first, pick(r.title_vi, r.title_en, lang), t(r.outcome.value, lang), value,
                    threshold if isinstance(threshold, int | float) else fmt_threshold(r, lang),
                    r.margin if r.margin is not None and pct else (fmt_margin(r, lang) or None),
                    _gap(r, lang, speaker, e.kind), _reason(r, lang, speaker, e.kind), t(r.provenance.value, lang), r.citation.short(),
                    e.id, r.rule],
                   [None, None, None, None, pct, pct, pct])
    sh.close()


def build_workbook(report: Report, lang: str | None = None) -> Any:
    """The openpyxl workbook of ``report`` (summary, a sheet per title proposed, a sheet per kind)."""
    lang = lang or report.lang
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook(write_only=True)
    used: set[str] = set()
    h = report.pack.header
    subtitle = f"{t('pack', lang)}: {pick(h.title_vi, h.title_en, lang)} ({h.id} {h.version})"
    _summary(wb, report, lang, subtitle, used)
    for tl in proposal_lists(report, lang):
        _title_sheet(wb, tl, lang, subtitle, used, report.as_of)
    kinds: dict[str, list[EntityReport]] = {}
    for e in report.entities:
        kinds.setdefault(e.kind, []).append(e)
    for kind, entities in kinds.items():
        _kind_sheet(wb, report, kind, entities, lang, subtitle, used)
    return wb


def workbook_bytes(report: Report, lang: str | None = None) -> bytes:
    buf = io.BytesIO()
    build_workbook(report, lang).save(buf)
    return buf.getvalue()


def write_workbook(report: Report, path: str | Path, lang: str | None = None) -> None:
    """Write the workbook atomically (never half-written)."""
    wb = build_workbook(report, lang)
    with atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
