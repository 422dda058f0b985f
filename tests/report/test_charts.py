"""Charts and notebook views: the numbers they draw are the law applied by hand to the demo facts.

Demo facts (fixtures/demo) under rules/demo; see tests/report/test_html_browser.py for demo_a's five
school verdicts on 31/12/2025. Groups of demo_a: doi_ngu = ty_le_giang_vien, giang_vien_thac_si,
quy_tac_ung_xu, khong_ky_luat (all pass -> 4/0/0); nckh = de_tai_cap_tinh (fail -> 0/1/0).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from chuan_engine import notebook as nb
from chuan_engine.report.charts import Chart, group_chart, group_counts

ON = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def report(demo_pack, demo_facts):
    return demo_pack.evaluate(demo_facts, ON)


def test_importing_views_does_not_import_matplotlib() -> None:
    code = ("import sys, chuan_engine, chuan_engine.notebook, chuan_engine.report.charts; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_group_counts_and_bars(report) -> None:
    a = report.entity("demo_a")
    data = group_counts(a).set_index("group")
    assert data.loc["doi_ngu", ["pass", "fail", "unknown"]].tolist() == [4, 0, 0]
    assert data.loc["nckh", ["pass", "fail", "unknown"]].tolist() == [0, 1, 0]
    chart = group_chart(a, "vi")
    ax = chart.figure.axes[0]
    # Three series (pass, fail, unknown) × two groups; bars are drawn bottom-up (nckh first).
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0, 4, 1, 0, 0, 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Nghiên cứu khoa học", "Đội ngũ cán bộ, viên chức"]
    png = chart.png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert chart._repr_png_()[:4] == b"\x89PNG"
    assert chart.data_uri().startswith("data:image/png;base64,")


def test_chart_save_is_complete(report, tmp_path) -> None:
    target = tmp_path / "charts" / "a.png"
    nb.school_chart(report, "demo_a", "en").save(target)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in target.parent.iterdir()] == ["a.png"]


def test_progress_over_years(demo_pack, demo_facts) -> None:
    # Level-1 indicators of demo_a are 4 (ty_le, thac_si, de_tai, quy_tac). Only de_tai changes:
    # accepted provincial topics in the 5 years up to Y vs threshold (2 until 2023, 3 from 2024):
    # 2021: {2019}=1 <2 fail; 2022: {2019,2022}=2 >=2 pass; 2023: same 2 >=2 pass;
    # 2024: {2022,2024}=2 <3 fail; 2025: {2022,2024}=2 <3 fail.
    data = nb.progress(demo_pack, demo_facts, "demo_a", [2021, 2022, 2023, 2024, 2025])
    assert data["label"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert data["pass"].tolist() == [3, 4, 4, 3, 3]
    assert data["fail"].tolist() == [1, 0, 0, 1, 1]
    assert data["unknown"].tolist() == [0, 0, 0, 0, 0]
    assert data["required"].tolist() == [4] * 5
    assert data["verdict"].tolist()[1] == "đạt chuẩn mức 1"
    chart = nb.progress_chart(demo_pack, demo_facts, "demo_a", [2021, 2025])
    assert isinstance(chart, Chart) and chart.data["pass"].tolist() == [3, 3]
    heights = [p.get_height() for p in chart.figure.axes[0].patches]
    assert heights == [3, 3, 1, 1, 0, 0]


def test_school_ranking(report) -> None:
    # demo_b: level-1 = 3 pass (0.899 >= 0.75, 0.91 >= 0.9, 4 >= 3) + 1 unknown (no code of conduct fact);
    # demo_a: 3 pass + 1 fail. Same level (none) and passes; demo_b has fewer failures -> first.
    frame = nb.school_ranking(report)
    assert frame[["rank", "school", "pass", "fail", "unknown"]].values.tolist() == [
        [1, "demo_b", 3, 0, 1], [2, "demo_a", 3, 1, 0]]
    html = nb.ranking_view(report)._repr_html_()
    assert "class='chuan-table ranking'" in html and "<tr class='unknown'>" in html
    only_a = nb.school_ranking(report, schools=["demo_a"])
    assert only_a["school"].tolist() == ["demo_a"] and only_a["rank"].tolist() == [1]
    assert nb.ranking_chart(report).data["school"].tolist() == ["demo_b", "demo_a"]


def test_staff_matrix(report) -> None:
    # LĐTT: rating >= HTT, no discipline from khiển trách, >= 6 months since recruitment (TT 01/2024).
    # CSTĐCS: LĐTT and (HTXS or a cơ sở initiative in 2025).
    m = nb.staff_matrix(report)
    cols = ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"]
    expected = {
        "gv01": ["pass", "pass"],        # HTXS
        "gv02": ["pass", "pass"],        # HTT + initiative (cơ sở, 2025)
        "gv03": ["pass", "fail"],        # HTT, no initiative
        "gv04": ["fail", "fail"],        # rated hoàn thành only
        "gv05": ["fail", "fail"],        # recruited 01/09/2025: 3 months < 6
        "gv06": ["fail", "fail"],        # khiển trách
        "gv09": ["unknown", "unknown"],  # no rating recorded
        "cv02": ["fail", "fail"],        # không hoàn thành
    }
    for person, outcomes in expected.items():
        assert m.loc[person, cols].tolist() == outcomes, person
    assert len(m) == 12 and m.loc["gv01", "Họ tên"] == "Nguyễn Văn An"
    html = nb.staff_table(report)._repr_html_()
    assert html.count("<td class='unknown'>") == 2 and "Cán bộ × danh hiệu" in html
    assert nb.staff_matrix(report, "en").columns.tolist() == ["Name", "Advanced worker",
                                                               "Grassroots emulation fighter"]


def test_repr_html_in_notebook(report) -> None:
    html = report._repr_html_()
    assert "<html" not in html and "<table class='verdicts'>" in html and "<table class='groups'>" in html
    assert "<table class='levels'>" in html and "TẠM THỜI" in html
    en = report.to_html("en")
    assert "PROVISIONAL" in en and "By criteria group" in en


def test_html_with_embedded_charts(report, tmp_path) -> None:
    import base64

    html = nb.html_with_charts(report)
    # One chart per school (demo_a, demo_b), embedded: the file needs nothing else to display.
    assert html.count("<img class='chart'") == 2
    uri = html.split("src='data:image/png;base64,", 1)[1].split("'", 1)[0]
    assert base64.b64decode(uri).startswith(b"\x89PNG")
    path = nb.save_html(report, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == html
    # Only PNG data URIs are embedded.
    from chuan_engine.report.html import render_html

    assert "<img" not in render_html(report, images={"demo_a": "https://example.org/x.png"})
