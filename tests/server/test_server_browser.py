"""The page in a real browser: Playwright drives Debian's /usr/bin/chromium (no browser download).

Uploads a workbook of the demo facts, reads the verdict table of the report, downloads the Excel output.
Expected verdicts by hand: server_support.EXPECTED_A.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="server extra (pip install -e '.[server]')")
playwright = pytest.importorskip("playwright.sync_api")

from server_support import EXPECTED_A, ROOT, demo_workbook, live_server  # noqa: E402


def _chromium() -> str:
    found = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium")
    if found:
        return str(found)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("headless Chromium is required in CI (.ci/run installs it with apt-get)")
    pytest.skip("chromium not installed (install it: apt-get install chromium)")


def test_upload_workbook_read_verdicts_and_download_excel(tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "truong_demo.xlsx"
    book.write_bytes(demo_workbook())
    with live_server("demo", "qd11_2021") as base, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
            page.goto(base + "/")
            assert page.locator("h1").inner_text() == "Đánh giá theo quy định"
            page.select_option("#pack", "demo")
            page.fill("#date", "2025-12-31")
            page.set_input_files("#file", str(book))
            page.click("#go")
            page.wait_for_selector("#downloads:not([hidden])", timeout=60_000)
            assert "Đã đánh giá" in page.inner_text("#status")
            report = page.frame_locator("#report")
            cells = report.locator("#e-school-demo_a table.verdicts td[data-rule]")
            cells.first.wait_for()
            got = {}
            for i in range(cells.count()):
                cell = cells.nth(i)
                got[cell.get_attribute("data-rule")] = cell.evaluate("td => td.closest('tr').className")
            assert got == EXPECTED_A
            with page.expect_download() as info:
                page.click("button[data-format='xlsx']")
            saved = tmp_path / "bao_cao.xlsx"
            info.value.save_as(saved)
            assert info.value.suggested_filename == "bao_cao_demo_2025-12-31.xlsx"
            # the filed workbook of the CLI: the schools' sheet, header on row 3, outcomes as labels
            rows = list(openpyxl.load_workbook(saved, read_only=True)["Trường"].iter_rows(min_row=3,
                                                                                         values_only=True))
            head = rows[0]
            outcome = {r[head.index("Mã quy tắc")]: r[head.index("Kết quả")] for r in rows[1:]
                       if r[head.index("Mã")] == "demo_a"}
            assert outcome == {rule: {"pass": "Đạt", "fail": "Không đạt"}[o] for rule, o in EXPECTED_A.items()}
            out = ROOT / "out"
            out.mkdir(exist_ok=True)
            page.screenshot(path=str(out / "server_page.png"), full_page=False)
        finally:
            browser.close()
