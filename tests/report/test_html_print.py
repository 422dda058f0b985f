"""The HTML report of the six fixture schools (fixtures/schools, pack qd11_2021, 30/06/2025) printed to PDF
on A4 in headless Chromium (Playwright driving /usr/bin/chromium): no column is clipped, explanations are
printed, each school after the first starts a page, and the page count stays within a budget per rule shown.

Budget: at most one page per 60 rules shown, the rules counted from the report's verdict tables
(330 rules: ceil(330 / 60) = 6 pages, one per school; the overview shares the first school's page).
"""

from __future__ import annotations

import io
import math
import os
import shutil
from pathlib import Path

import pytest

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES_PER_PAGE = 60
A4_WIDTH_PX = 210 / 25.4 * 96  # CSS pixels
MARGIN_PX = 8 / 25.4 * 96  # the side margin of @page in report/html.py


def _chromium() -> str:
    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("headless Chromium is required in CI (.ci/run installs it with apt-get)")
    pytest.skip("chromium not installed (install it: apt-get install chromium)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory):
    playwright = pytest.importorskip("playwright.sync_api")
    pypdf = pytest.importorskip("pypdf")
    html = tmp_path_factory.mktemp("print") / "schools.html"
    code = main(["evaluate", str(ROOT / "fixtures/schools"), "--pack", "qd11_2021", "--date", "2025-06-30",
                 "--format", "html", "--out", str(html)])
    assert code in (0, 1)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(html.as_uri())
        pdf = page.pdf(format="A4", print_background=True)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": int(A4_WIDTH_PX - 2 * MARGIN_PX), "height": 1000})
        geometry = page.evaluate("""() => {
            const cells = [...document.querySelectorAll('table.verdicts td, table.verdicts th')]
                .filter(c => getComputedStyle(c).display !== 'none');
            return {
              clipped: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 60)),
              tableWidths: [...document.querySelectorAll('table.verdicts')].map(t => t.getBoundingClientRect().right),
              pageWidth: document.documentElement.clientWidth,
              rules: document.querySelectorAll('table.verdicts tbody tr').length,
              explanations: [...document.querySelectorAll('details.why')].filter(d => d.open).length,
              allExplanations: document.querySelectorAll('details.why').length,
              citesShown: [...document.querySelectorAll('table.verdicts td.cite')]
                .filter(c => getComputedStyle(c).display !== 'none' && c.innerText.trim()).length,
            };
        }""")
        browser.close()
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return pages, geometry, html.read_text(encoding="utf-8")


def test_no_column_is_clipped_and_tables_fit_the_page(printed) -> None:
    _, g, _ = printed
    assert g["clipped"] == []
    assert max(g["tableWidths"]) <= g["pageWidth"] + 1
    assert g["citesShown"] == g["rules"]  # the citation column prints on every row


def test_explanations_print_and_each_school_starts_a_page(printed) -> None:
    _, g, html = printed
    assert g["allExplanations"] > 0 and g["explanations"] == g["allExplanations"]
    assert "@page{size:A4" in html
    assert "section.entity[data-kind='school']~section.entity[data-kind='school']{break-before:page}" in html
    assert html.count("<section id='e-school-") == 6


def test_page_count_within_budget(printed) -> None:
    pages, g, _ = printed
    assert g["rules"] == 330  # 6 schools × 55 QĐ 11 rules in force on 30/06/2025
    assert 6 <= pages <= math.ceil(g["rules"] / RULES_PER_PAGE)  # at least a page per school: 6 exactly
