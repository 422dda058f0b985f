"""The facts template of a pack: a workbook an office fills in, read back by ``chuan evaluate mau.xlsx``.

One sheet per kind of record the pack reads (``reads.frames_read``), Vietnamese names and headers; the
columns the pack's rules mention are marked required (bold, "(bắt buộc)" in the guide), the other model
fields and the pack's inputs are optional. Every vocabulary is a drop-down list (from the "Danh mục"
sheet), date columns are formatted dd/mm/yyyy, headers are frozen, and "Hướng dẫn" explains it all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..facts.headers import GUIDE_SHEET, LISTS_SHEET, Column, Frame, fact_columns, input_header, key_columns
from ..facts.sheets import EXCEL_INSTALL, MissingDependencyError
from ..facts.sheets import column_letter as _letter
from ..facts.vocab import LABELS_VI, OrderedVocab
from ..pack.plan import Plan
from .reads import frames_read, input_variables, names_read

DATA_ROWS = 2000  # rows prepared with the dd/mm/yyyy format (a large school's staff-years)
VALIDATED_ROWS = 20_000  # rows the drop-down lists cover (an office fills hundreds of staff-years)
DATE_FORMAT = "DD/MM/YYYY"


def template_columns(plan: Plan, frame: Frame) -> list[tuple[Column, bool]]:
    """(column, required) of a sheet: keys, then the fields the pack reads, then the others and its inputs."""
    read = names_read(plan)
    keys = [(c, c.field != "school_id") for c in key_columns(frame)]
    fields = fact_columns(frame)
    used = [(c, True) for c in fields if c.field in read]
    unused = [(c, False) for c in fields if c.field not in read]
    inputs = [] if frame.name in ("initiatives", "research") or frame.year else [
        (Column(v.name, input_header(v.label_vi, v.name), "auto", input=True), False)
        for v in input_variables(plan, frame.kind)]
    return keys + used + unused + inputs


def openpyxl_module() -> Any:
    try:
        import openpyxl
    except ModuleNotFoundError:
        raise MissingDependencyError(f"cần thư viện openpyxl để ghi tệp Excel; cài: {EXCEL_INSTALL} / "
                                     "writing .xlsx needs openpyxl") from None
    return openpyxl


def _lists_sheet(wb: Any) -> dict[type[OrderedVocab], str]:
    """The vocabularies, one column each, and the range each drop-down reads."""
    ws = wb.create_sheet(LISTS_SHEET)
    ranges = {}
    for j, (vocab, labels) in enumerate(LABELS_VI.items()):
        letter = _letter(j)
        ws.cell(1, j + 1, (vocab.__doc__ or vocab.__name__).split(":")[0].split("(")[0].strip()[:60])
        for i, text in enumerate(labels.values()):
            ws.cell(i + 2, j + 1, text)
        ranges[vocab] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
        ws.column_dimensions[letter].width = 38
    return ranges


def _width(col: Column) -> int:
    """Wide enough for the header and for the longest choice of its drop-down (capped), so a chosen
    "Hoàn thành xuất sắc nhiệm vụ" is read whole, not cut by the next cell."""
    choices = LABELS_VI.get(col.vocab, {}).values() if col.cell == "vocab" and col.vocab is not None else ()
    longest = max([len(col.header), *(len(c) for c in choices)])
    return max(14, min(40, longest + 4))


def _data_sheet(wb: Any, frame: Frame, cols: list[tuple[Column, bool]], ranges: dict[type[OrderedVocab], str]) -> None:
    openpyxl = openpyxl_module()
    ws = wb.create_sheet(frame.sheet_vi)
    bold = openpyxl.styles.Font(bold=True)
    fill = openpyxl.styles.PatternFill("solid", fgColor="FFF2CC")
    for j, (col, required) in enumerate(cols):
        cell = ws.cell(1, j + 1, col.header)
        cell.font = bold if required else openpyxl.styles.Font(italic=True)
        if required:
            cell.fill = fill
        letter = _letter(j)
        ws.column_dimensions[letter].width = _width(col)
        area = f"{letter}2:{letter}{VALIDATED_ROWS + 1}"
        match col.cell:
            case "vocab" if col.vocab is not None:
                dv = openpyxl.worksheet.datavalidation.DataValidation(
                    type="list", formula1=ranges[col.vocab], allow_blank=True, showErrorMessage=True,
                    errorTitle="Giá trị không hợp lệ", error="Chọn một giá trị trong danh sách")
                ws.add_data_validation(dv)
                dv.add(area)
            case "bool":
                dv = openpyxl.worksheet.datavalidation.DataValidation(type="list", formula1='"Có,Không"',
                                                                      allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(area)
            case "date":
                for i in range(2, DATA_ROWS + 2):
                    ws.cell(i, j + 1).number_format = DATE_FORMAT
            case _:
                pass
    ws.freeze_panes = "A2"


def _guide(wb: Any, plan: Plan, sheets: list[tuple[Frame, list[tuple[Column, bool]]]]) -> None:
    ws = wb.create_sheet(GUIDE_SHEET, 0)
    lines = [
        f"Mẫu nhập dữ kiện cho bộ quy tắc: {plan.header.title_vi} (mã {plan.id}, phiên bản {plan.version})",
        "",
        "Cách điền:",
        "• Mỗi trang là một loại hồ sơ; mỗi dòng là một người, một đơn vị hoặc một năm. Không đổi tên trang, "
        "tiêu đề cột.",
        "• Cột tô vàng, chữ đậm: bộ quy tắc có dùng (nên điền). Cột chữ nghiêng: không bắt buộc.",
        "• Ô để trống nghĩa là CHƯA BIẾT (không phải 'không'). Kết quả khi đó là 'chưa đủ dữ liệu'.",
        "• Ngày viết dd/mm/yyyy (ví dụ 01/09/2012). Số viết kiểu Việt Nam: 1.234,5; tỷ lệ 87,5 %.",
        "• Có/Không: chọn trong danh sách (hoặc gõ x cho Có). Danh mục: chọn trong danh sách thả xuống.",
        "• Nhiều danh hiệu, khen thưởng trong một ô: cách nhau bằng dấu chấm phẩy (;).",
        "• Chỉ có một trường: có thể để trống cột Mã trường ở các trang khác.",
        "• Có thể thêm một dòng tên bảng phía trên dòng tiêu đề, và một dòng 'Tổng cộng' ở cuối (sẽ được bỏ qua).",
        "",
        "Các trang và cột:",
    ]
    for frame, cols in sheets:
        lines.append(f"Trang '{frame.sheet_vi}':")
        for col, required in cols:
            lines.append(f"    {col.header}{' (bắt buộc)' if required else ''} — {_kind_vi(col)}")
    for i, text in enumerate(lines):
        ws.cell(i + 1, 1, text)
    ws.column_dimensions["A"].width = 120


def _kind_vi(col: Column) -> str:
    match col.cell:
        case "date":
            return "ngày dd/mm/yyyy"
        case "bool":
            return "Có / Không"
        case "int":
            return "số nguyên"
        case "number":
            return "số"
        case "vocab":
            return "chọn trong danh sách"
        case "list":
            return "danh sách, cách nhau bằng ;"
        case "auto":
            return "số liệu nhập trực tiếp cho bộ quy tắc"
        case "text":
            return "văn bản"


def write_template(plan: Plan, out: str | Path) -> None:
    """Write the pack's facts template to ``out`` (atomically: never a half-written workbook)."""
    openpyxl = openpyxl_module()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ranges = _lists_sheet(wb)
    sheets = [(f, template_columns(plan, f)) for f in frames_read(plan)]
    for frame, cols in sheets:
        _data_sheet(wb, frame, cols, ranges)
    _guide(wb, plan, sheets)
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    with atomic_path(Path(out), suffix=".xlsx") as tmp:
        wb.save(tmp)
