"""The HTML report file renders in a real browser (headless Chromium) with its verdict table.

Expected outcomes for demo_a (fixtures/demo/truong_demo.yaml, rules/demo, 31/12/2025), by hand:
- demo.ty_le_giang_vien: 10 lecturers / 12 staff = 83.3% >= 75%               -> pass
- demo.giang_vien_thac_si: 9 of 10 lecturers (gv01 tiến sĩ, gv02–gv09 thạc sĩ;
  gv10 đại học) = 90% >= 90%                                                      -> pass
- demo.de_tai_cap_tinh: accepted provincial topics in 2021–2025: dt2022, dt2024 = 2
  (dt2019 outside the 5-year window, dt2025 is cơ sở); threshold 3 from 2024     -> fail
- demo.quy_tac_ung_xu: input has_code_of_conduct = true                          -> pass
- demo.khong_ky_luat: the only discipline is gv06 khiển trách < cảnh cáo         -> pass
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "out"
CHROMIUM = "/usr/bin/chromium"
EXPECTED_A = {
    "demo.ty_le_giang_vien": "pass",
    "demo.giang_vien_thac_si": "pass",
    "demo.de_tai_cap_tinh": "fail",
    "demo.quy_tac_ung_xu": "pass",
    "demo.khong_ky_luat": "pass",
}


class _Rows(HTMLParser):
    """Collects, per entity section, each row of table.verdicts: its class and whether it is provisional."""

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.in_verdicts = False
        self.row_class = ""
        self.rows: dict[str, dict[str, list[str]]] = {}
        self.tables: list[str] = []
        self.links: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
            self.sections.append(a.get("id") or "")
        elif tag == "table":
            self.tables.append(a.get("class") or "")
            self.in_verdicts = (a.get("class") or "") == "verdicts"
        elif tag == "tr" and self.in_verdicts:
            self.row_class = a.get("class") or ""
        elif tag == "td" and self.in_verdicts and a.get("data-rule") and self.section:
            classes = [self.row_class] + (["provisional"] if a.get("data-provenance") == "provisional" else [])
            self.rows.setdefault(self.section, {})[a["data-rule"] or ""] = classes
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_verdicts = False


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("headless Chromium is required in CI (.ci/run installs it with apt-get)")
    pytest.skip("chromium not installed (install it: apt-get install chromium)")


def _browser(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium-profile'}"]
    return subprocess.run([_chromium(), *flags, *args], capture_output=True, text=True, timeout=90,
                          check=False)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code = main(["evaluate", str(ROOT / "fixtures/demo"), "--pack", str(ROOT / "rules/demo"), "--date",
                 "2025-12-31", "--format", "html", "--out", str(out)])
    assert code == 0
    return out


def test_html_file_is_self_contained(report_file: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in text
    # No external resource: no scripts, stylesheets or images fetched from anywhere.
    for needle in ("<script", "<link", "src='http", 'src="http', "@import"):
        assert needle not in text
    parser = _Rows()
    parser.feed(text)
    assert parser.rows["e-school-demo_a"] == {k: [v, *(["provisional"] if k in {
        "demo.de_tai_cap_tinh", "demo.quy_tac_ung_xu", "demo.khong_ky_luat"} else [])]
        for k, v in EXPECTED_A.items()}
    # Overview links point at existing sections.
    anchors = [href[1:] for href in parser.links if href.startswith("#")]
    assert len(anchors) == 16  # 2 schools + 2 units + 12 staff in the overview
    assert sorted(anchors) == sorted(parser.sections)


def test_report_renders_in_headless_chromium(report_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    url = report_file.as_uri()
    dom = _browser(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    parser = _Rows()
    parser.feed(dom.stdout)
    assert "verdicts" in parser.tables and "groups" in parser.tables and "overview" in parser.tables
    got = {rule: classes[0] for rule, classes in parser.rows["e-school-demo_a"].items()}
    assert got == EXPECTED_A
    # demo_b gives aggregates only and no has_code_of_conduct: that rule is unknown, never fail.
    assert parser.rows["e-school-demo_b"]["demo.quy_tac_ung_xu"][0] == "unknown"

    res = _browser([f"--screenshot={shot}", "--window-size=1280,2000", url], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    (ARTIFACTS / "report.html").write_bytes(report_file.read_bytes())

    from PIL import Image

    with Image.open(shot) as img:
        assert img.size == (1280, 2000)
        colours = {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 24)}
    # The CSS colours of passing (#e3f5e1) and failing (#fbe0e0) rows are painted.
    assert (0xE3, 0xF5, 0xE1) in colours
    assert (0xFB, 0xE0, 0xE0) in colours


def test_citations_link_only_to_web_pages_and_text_is_escaped(demo_pack, demo_facts) -> None:
    import dataclasses
    import datetime as dt

    from chuan_engine.pack.spec import Citation

    report = demo_pack.evaluate(demo_facts, dt.date(2025, 12, 31))
    school = report.entity("demo_a")
    school.results[0] = dataclasses.replace(
        school.results[0], citation=Citation(document="<b>Quy định</b>", url="javascript:alert(1)"))
    school.results[1] = dataclasses.replace(
        school.results[1], citation=Citation(document="QĐ 11", url="https://vbpl.vn/qd11?a=1&b=2"))
    school.results[2] = dataclasses.replace(  # a commercial site's summary is not the cited text: no link
        school.results[2], citation=Citation(document="NĐ 98", url="https://lawnet.vn/nd98-tom-tat"))
    html = report.to_html()
    assert "javascript:" not in html and "<b>Quy định</b>" not in html and "&lt;b&gt;Quy định&lt;/b&gt;" in html
    assert "<a href='https://vbpl.vn/qd11?a=1&amp;b=2' rel='noopener'>QĐ 11</a>" in html
    assert "lawnet.vn" not in html and "<span>NĐ 98</span>" in html
