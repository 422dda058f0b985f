"""Regenerate the screenshots of docs/screenshots from the bundled fixtures (issue 14's closing evidence).

    python docs/screenshots/make.py            # needs /usr/bin/chromium, libreoffice and pdftoppm (Debian packages)

Each picture is the page a council or an appraiser would print: the Excel template and the exported workbook
printed through LibreOffice (one sheet shown at a time, the others hidden in a copy), the HTML report printed
on A4 by headless Chromium (print media, as a user's Ctrl+P), and the Word proposal list through LibreOffice.
A page is chosen by the text it holds (pdftotext), never by a fixed number, so a longer report still gives
the right page. Not a test: it writes PNG files and prints their paths.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def chuan(*args: str | Path) -> None:
    run(Path(sys.executable).parent / "chuan", *args)


def office_pdf(src: Path, work: Path) -> Path:
    run("libreoffice", "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", "pdf",
        "--outdir", work, src)
    return work / (src.stem + ".pdf")


def page_with(pdf: Path, text: str) -> int:
    """The first page (1-based) whose text holds ``text``."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    for i, page in enumerate(pages, 1):
        if text in page:
            return i
    raise SystemExit(f"{pdf.name}: no page holds {text!r}")


def png(pdf: Path, page: int, name: str) -> Path:
    out = HERE / name
    run("pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", pdf, out.with_suffix(""))
    print(out.relative_to(ROOT))
    return out


def only_sheet(book: Path, sheet: str, work: Path) -> Path:
    """A copy of the workbook where ``sheet`` alone is visible (LibreOffice prints every visible sheet)."""
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == sheet else "hidden"
    wb.active = wb.sheetnames.index(sheet)
    out = work / f"{book.stem}_{wb.sheetnames.index(sheet)}.xlsx"
    wb.save(out)
    return out


def template(work: Path) -> None:
    book = work / "mau.xlsx"
    chuan("template", "--pack", "thi_dua", "--out", book)
    png(office_pdf(only_sheet(book, "Hướng dẫn", work), work), 1, "template_huong_dan.png")
    wb = openpyxl.load_workbook(book)
    ws = wb["Năm của cán bộ"]
    header = [c.value for c in ws[1]]
    typed = [  # four rows as an official types them: Vietnamese words from the drop-downs, dd/mm/yyyy dates
        {"Mã trường": "tct_thu", "Mã cán bộ": "an", "Năm": 2024, "Xếp loại": "Hoàn thành xuất sắc nhiệm vụ",
         "Hình thức kỷ luật": "Không", "Đang bị xem xét kỷ luật": "Không"},
        {"Mã trường": "tct_thu", "Mã cán bộ": "binh", "Năm": 2024, "Xếp loại": "Hoàn thành tốt nhiệm vụ",
         "Hình thức kỷ luật": "Không", "Đang bị xem xét kỷ luật": "Không"},
        {"Mã trường": "tct_thu", "Mã cán bộ": "cuong", "Năm": 2024, "Xếp loại": "Hoàn thành nhiệm vụ",
         "Hình thức kỷ luật": "Khiển trách", "Ngày hết thời hạn kỷ luật": dt.datetime(2025, 3, 31)},
        {"Mã trường": "tct_thu", "Mã cán bộ": "an", "Năm": 2023, "Xếp loại": "Hoàn thành xuất sắc nhiệm vụ",
         "Hình thức kỷ luật": "Không", "Danh hiệu được tặng": "Lao động tiên tiến; Chiến sĩ thi đua cơ sở"},
    ]
    for r, row in enumerate(typed, start=2):
        for name, value in row.items():
            ws.cell(r, header.index(name) + 1, value)
    wb.save(book)
    png(office_pdf(only_sheet(book, "Năm của cán bộ", work), work), 1, "template_nam_can_bo.png")


def workbook(work: Path) -> None:
    book = work / "thi_dua_2023.xlsx"
    chuan("evaluate", ROOT / "fixtures" / "thi_dua", "--pack", "thi_dua", "--year", "2023", "--format", "xlsx",
          "--out", book)
    png(office_pdf(only_sheet(book, "Tổng hợp", work), work), 1, "workbook_tong_hop.png")
    png(office_pdf(only_sheet(book, "Đề nghị Chiến sĩ thi đua cơ sở", work), work), 1, "workbook_de_nghi_cstdcs.png")


def html(work: Path) -> None:
    for facts, args, name, marker in (
            ("schools", ["--pack", "qd11_2021", "--date", "2025-06-30"], "html_in_a4_truong.png", "Tiêu chí"),
            ("thi_dua", ["--pack", "thi_dua", "--year", "2023"], "html_in_a4_thi_dua.png", "Lao động tiên tiến"),
            ("thi_dua", ["--pack", "thi_dua", "--year", "2023"], "html_in_a4_so_sang_kien_chi_tieu.png",
             "Sổ theo dõi sáng kiến")):
        page = work / f"{facts}.html"
        chuan("evaluate", ROOT / "fixtures" / facts, *args, "--format", "html", "--out", page)
        pdf = work / f"{facts}.pdf"
        run("/usr/bin/chromium", *CHROMIUM_FLAGS, f"--user-data-dir={work / 'chromium'}", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}", page.as_uri())
        png(pdf, page_with(pdf, marker), name)


def docx(work: Path) -> None:
    doc = work / "de_nghi_2023.docx"
    chuan("evaluate", ROOT / "fixtures" / "thi_dua", "--pack", "thi_dua", "--year", "2023", "--format", "docx",
          "--place", "Thử", "--out", doc)
    pdf = office_pdf(doc, work)
    png(pdf, 1, "docx_de_nghi_trang_1.png")
    png(pdf, page_with(pdf, "Chiến sĩ thi đua cơ sở"), "docx_de_nghi_cstdcs.png")


def main() -> None:
    missing = [t for t in ("libreoffice", "pdftoppm", "pdftotext") if shutil.which(t) is None]
    if missing or not Path("/usr/bin/chromium").exists():
        raise SystemExit(f"needs Debian's chromium, libreoffice and poppler-utils; missing: {missing or ['chromium']}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template(work)
        workbook(work)
        html(work)
        docx(work)


if __name__ == "__main__":
    main()
