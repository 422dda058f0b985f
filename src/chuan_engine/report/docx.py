"""The proposal lists as a Word document in the administrative layout councils file (python-docx).

National heading and the issuing unit side by side, the place-and-date line, the title, one table of names
per title (with the order and the council's vote for a title under a quota), and the signature block.
For a pack judged against levels (no titles), the table lists each entity's verdict instead.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import atomic_path
from ..errors import OutputError
from ..i18n import pick, t
from .formatting import long_date
from .proposals import TitleList, proposal_lists

if TYPE_CHECKING:
    from .results import Report

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_L: dict[str, dict[str, str]] = {
    "title_lists": {"vi": "DANH SÁCH ĐỀ NGHỊ XÉT TẶNG DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG NĂM {year}",
                    "en": "LIST OF PROPOSALS FOR EMULATION TITLES AND REWARDS, {year}"},
    "title_verdicts": {"vi": "DANH SÁCH KẾT QUẢ ĐÁNH GIÁ", "en": "LIST OF ASSESSMENT RESULTS"},
    "no": {"vi": "STT", "en": "No."},
    "name": {"vi": "Họ và tên", "en": "Full name"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "basis": {"vi": "Căn cứ đề nghị", "en": "Basis"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "vote": {"vi": "cần Hội đồng bình xét", "en": "council vote needed"},
    "rank": {"vi": "thứ tự {rank}", "en": "order {rank}"},
    "people": {"vi": "{n} người", "en": "{n} people"},
    "units": {"vi": "{n} tập thể", "en": "{n} collectives"},
    "cap": {"vi": "Tỷ lệ tối đa: {text}", "en": "Cap: {text}"},
    "maker": {"vi": "NGƯỜI LẬP DANH SÁCH", "en": "PREPARED BY"},
    "chair": {"vi": "CHỦ TỊCH HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", "en": "CHAIR OF THE EMULATION COUNCIL"},
    "sign": {"vi": "(Ký, ghi rõ họ tên)", "en": "(Signature and full name)"},
    "place": {"vi": "……………", "en": "……………"},
    "none": {"vi": "Không có tên nào đạt trong năm.", "en": "Nobody reaches a title this year."},
}


def _l(key: str, lang: str, **kw: Any) -> str:
    text = _L[key].get(lang, _L[key]["vi"])
    return text.format(**kw) if kw else text


def _docx() -> Any:
    try:
        import docx  # optional dependency, loaded only when a Word file is written
    except ModuleNotFoundError:
        raise OutputError("cần python-docx để ghi tệp Word / writing Word needs python-docx: "
                          "pip install 'chuan-engine[docx]'") from None
    return docx


def _para(cell_or_doc: Any, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False,
          center: bool = False, right: bool = False, size: float | None = None) -> Any:
    docx = _docx()
    p = cell_or_doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = docx.shared.Pt(size)
    align = docx.enum.text.WD_ALIGN_PARAGRAPH
    if center:
        p.alignment = align.CENTER
    elif right:
        p.alignment = align.RIGHT
    return p


def _heading_block(doc: Any, report: Report, lang: str, place: str | None) -> None:
    school = next((e.name or e.id for e in report.entities if e.kind == "school"), "")
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _para(left, school.upper(), bold=True, center=True, size=12)
    _para(right, NATION, bold=True, center=True, size=12)
    _para(right, MOTTO, bold=True, underline=True, center=True, size=13)
    _para(doc, f"{place or _l('place', lang)}, {long_date(report.as_of, lang)}", italic=True, right=True)


def _names_table(doc: Any, tl: TitleList, lang: str) -> None:
    heads = [_l("no", lang), _l("name", lang), _l("unit", lang), _l("basis", lang), _l("note", lang)]
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(h).bold = True
    for i, p in enumerate(tl.rows, start=1):
        note = []
        if tl.capped and p.rank is not None:
            note.append(_l("rank", lang, rank=p.rank))
        if p.status_text(lang) and tl.cap is not None:
            note.append(p.status_text(lang))
        if p.needs_vote:
            note.append(_l("vote", lang))
        values = [str(i), p.entity.name or p.entity.id, p.unit, p.basis, "; ".join(note)]
        for cell, v in zip(table.add_row().cells, values, strict=True):
            cell.text = v


def _verdicts_table(doc: Any, report: Report, lang: str) -> None:
    heads = [_l("no", lang), t("entity", lang), t("verdict", lang), _l("note", lang)]
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(h).bold = True
    for i, e in enumerate(report.entities, start=1):
        s = e.summary
        values = [str(i), e.name or e.id, str(s.get("verdict_" + lang, s.get("verdict_vi", ""))),
                  str(s.get("headline_" + lang, s.get("headline_vi", "")))]
        for cell, v in zip(table.add_row().cells, values, strict=True):
            cell.text = v


def _signatures(doc: Any, lang: str) -> None:
    _para(doc, "")
    table = doc.add_table(rows=1, cols=2)
    for cell, key in zip(table.rows[0].cells, ("maker", "chair"), strict=True):
        cell.paragraphs[0].text = ""
        _para(cell, _l(key, lang), bold=True, center=True)
        _para(cell, _l("sign", lang), italic=True, center=True)


def build_docx(report: Report, lang: str | None = None, place: str | None = None) -> Any:
    """The python-docx Document of the proposal lists (or the verdicts, for a pack judged against levels)."""
    lang = lang or report.lang
    docx = _docx()
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = docx.shared.Mm(210), docx.shared.Mm(297)
    section.left_margin = docx.shared.Mm(30)
    section.right_margin = section.top_margin = section.bottom_margin = docx.shared.Mm(20)
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = docx.shared.Pt(13)
    _heading_block(doc, report, lang, place)
    lists = proposal_lists(report, lang)
    graded = not lists and any(report.pack.graded(e.kind) for e in report.entities)
    title = _l("title_verdicts", lang) if graded else _l("title_lists", lang, year=report.as_of.year)
    _para(doc, title, bold=True, center=True, size=14)
    h = report.pack.header
    _para(doc, pick(h.title_vi, h.title_en, lang), italic=True, center=True)
    if graded:
        _verdicts_table(doc, report, lang)
    elif not lists:
        _para(doc, _l("none", lang))
    for n, tl in enumerate(lists, start=1):
        count = _l("people" if tl.kind == "staff" else "units", lang, n=len(tl.rows))
        doc.add_heading(f"{n}. {tl.title} ({count})", level=2)
        if tl.capped:
            _para(doc, _l("cap", lang, text=tl.cap_text), italic=True)
        _names_table(doc, tl, lang)
    _signatures(doc, lang)
    return doc


def docx_bytes(report: Report, lang: str | None = None, place: str | None = None) -> bytes:
    buf = io.BytesIO()
    build_docx(report, lang, place).save(buf)
    return buf.getvalue()


def write_docx(report: Report, path: str | Path, lang: str | None = None, place: str | None = None) -> None:
    """Write the Word file atomically (never half-written)."""
    doc = build_docx(report, lang, place)
    with atomic_path(path, suffix=".docx") as tmp:
        doc.save(str(tmp))
