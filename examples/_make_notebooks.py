"""Write the example notebooks (without outputs) from the cell sources below.

    python examples/_make_notebooks.py

The notebooks are executed by tests/app/test_notebooks.py; their assert cells hold verdicts worked out by
hand from the demo pack (rules/demo) and facts (fixtures/demo).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

def setup(stdlib: str = "", third: str = "", chuan: str = "", charts: bool = True) -> str:
    """The first code cell: imports (sorted as ruff wants), the repository root, the date."""
    plain = sorted(["import datetime as dt", *filter(None, [stdlib])])
    std = [*plain, "from pathlib import Path"]
    ext = [third] if third else []
    names = ", ".join(sorted(["load_facts", "load_pack", *filter(None, chuan.split(", "))]))
    own = [f"from chuan_engine import {names}", *(["from chuan_engine import notebook as nb"] if charts else [])]
    blocks = ["\n".join(b) for b in (std, ext, own) if b]
    return "\n\n".join(blocks) + """

# The repository root, whether the notebook runs from examples/ or from the root.
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "rules" / "demo").is_dir())
ON = dt.date(2025, 12, 31)"""


SETUP = setup()


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip())


NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {
    "evaluate_one_school.ipynb": [
        md("""
# Đánh giá một trường / Evaluate one school

Đánh giá trường `demo_a` (tệp `fixtures/demo/truong_demo.yaml`) theo bộ quy tắc minh họa `rules/demo`
vào ngày 31/12/2025: kết luận, từng chỉ tiêu, biểu đồ theo nhóm tiêu chí, tiến độ qua các năm, và
danh hiệu thi đua của cán bộ.

Evaluate school `demo_a` against the demo pack on 31/12/2025: verdict, each indicator, a chart per
criteria group, progress over the years, and the staff's emulation titles.
"""),
        code(SETUP),
        code('''pack = load_pack(ROOT / "rules" / "demo")
facts = load_facts(ROOT / "fixtures" / "demo" / "truong_demo.yaml")
report = pack.evaluate(facts, ON)
report   # the full report: verdicts coloured pass / fail / unknown, groups, citations, TẠM THỜI flags'''),
        md("""
## Kết luận / Verdict

By hand: lecturers 10/12 = 83.3% ≥ 75% (pass); master's or higher 9/10 = 90% ≥ 90% (pass);
accepted provincial topics in 2021–2025 = 2 (2022, 2024) < 3 (fail); code of conduct: yes (pass).
One level-1 indicator fails, so the school does not meet the standard (*chưa đạt chuẩn*).
"""),
        code('''school = report.entity("demo_a")
print(school.summary["verdict_vi"], "—", school.summary["headline_vi"])
assert school.summary["verdict"] == "chua_dat"
assert school.summary["levels"]["muc_1"]["passed"] == 3 and school.summary["levels"]["muc_1"]["failed"] == 1'''),
        code('''r = school.result("demo.de_tai_cap_tinh")
print(r.outcome.value, r.value, r.op, r.threshold, "margin", r.margin, "|", r.citation.short(), "|", r.provenance.value)
assert (r.value, r.threshold, r.margin) == (2, 3, -1)
r.explanation.to_dict()   # why: the facts and the dated parameter value it read'''),
        md("## Theo nhóm tiêu chí / By criteria group"),
        code('''chart = nb.school_chart(report, "demo_a")
assert chart.data.set_index("group").loc["nckh", "fail"] == 1
chart'''),
        md("""
## Tiến độ qua các năm / Progress over the years

The school evaluated on 31/12 of each year. Only the research indicator changes: topics in the 5-year
window were 1 in 2021 (threshold 2), 2 in 2022–2023 (threshold 2), 2 in 2024–2025 (threshold 3 from 2024).
"""),
        code('''years = [2021, 2022, 2023, 2024, 2025]
progress = nb.progress(pack, facts, "demo_a", years)
assert progress["pass"].tolist() == [3, 4, 4, 3, 3]
progress'''),
        code('''nb.progress_chart(pack, facts, "demo_a", years)'''),
        md("""
## Cán bộ × danh hiệu / Staff × titles

LĐTT needs a rating of *hoàn thành tốt* or better, no discipline, and 6 months in post; CSTĐCS adds an
excellent rating or a grassroots initiative this year. gv09 has no 2025 rating: unknown, not fail.
"""),
        code('''table = nb.staff_table(report)
assert table.frame.loc["gv09", "Lao động tiên tiến"] == "unknown"
assert table.frame.loc["gv05", "Lao động tiên tiến"] == "fail"   # recruited 01/09/2025: 3 months < 6
table'''),
        md("## Báo cáo HTML có biểu đồ / HTML report with charts"),
        code('''import tempfile

out = nb.save_html(report, Path(tempfile.mkdtemp()) / "bao_cao_demo_a.html")
assert "data:image/png;base64," in out.read_text(encoding="utf-8")
out.name, out.stat().st_size'''),
    ],
    "batch_all_schools.ipynb": [
        md("""
# Tất cả các trường / All schools at once

Đánh giá mọi trường trong `fixtures/demo`, xếp hạng, và so sánh từng chỉ tiêu giữa các trường.
Evaluate every school in `fixtures/demo`, rank them, and compare indicators across schools.
"""),
        code(SETUP),
        code('''pack = load_pack(ROOT / "rules" / "demo")
facts = load_facts(ROOT / "fixtures" / "demo")
report = pack.evaluate(facts, ON)
summary = report.summary_frame()
schools = summary[summary.kind == "school"]
schools'''),
        md("""
## Xếp hạng / Ranking

By hand: `demo_b` (aggregates only) passes 3 level-1 indicators and 1 is unknown (no code-of-conduct
fact); `demo_a` passes 3 and fails 1. Neither reaches level 1; `demo_b` has no failure, so it ranks first.
"""),
        code('''ranking = nb.school_ranking(report)
assert ranking["school"].tolist() == ["demo_b", "demo_a"]
nb.ranking_view(report)'''),
        code('''nb.ranking_chart(report)'''),
        md("## Từng chỉ tiêu, từng trường / Each indicator, each school"),
        code('''frame = report.to_frame()
pivot = frame[frame.kind == "school"].pivot(index="rule", columns="entity", values="outcome")
assert pivot.loc["demo.quy_tac_ung_xu", "demo_b"] == "unknown"
pivot'''),
        code('''for chart in [nb.school_chart(report, s) for s in schools.entity]:
    display(chart)'''),
    ],
    "what_if_threshold.ipynb": [
        md("""
# Nếu ngưỡng thay đổi? / What if a threshold changes?

Ngưỡng tỷ lệ giảng viên 75% được ghi là *theo nguồn thứ cấp*. Nếu văn bản gốc ghi 85% thì sao? Ta tạo
một bản sao bộ quy tắc với giá trị mới (`pack.with_parameters`) — bộ gốc không đổi — rồi so sánh.

The 75% lecturer-share threshold is *reported*. What if the official text says 85%? Make a copy of the
pack with the new value (the original is unchanged) and compare.
"""),
        code(setup("import tempfile", "import pandas as pd", "ParameterValue, Provenance, read_parameter_file",
                   charts=False)),
        code('''pack = load_pack(ROOT / "rules" / "demo")
facts = load_facts(ROOT / "fixtures" / "demo")
name = "demo.lecturer_share_min"
patched = pack.with_parameters({name: (ParameterValue(dt.date(2021, 5, 19), 0.85, "giả định: văn bản gốc ghi 85%",
                                                      Provenance.override),)})
base, what_if = pack.evaluate(facts, ON), patched.evaluate(facts, ON)

def outcomes(report):
    return {e.id: e.outcome("demo.ty_le_giang_vien").value for e in report.entities if e.kind == "school"}

compare = pd.DataFrame({"75% (pack)": outcomes(base), "85% (what-if)": outcomes(what_if)})
compare'''),
        md("By hand: demo_a has 10/12 = 83.3% lecturers (passes 75%, fails 85%); demo_b reports 89.9% (passes both)."),
        code('''assert compare.loc["demo_a"].tolist() == ["pass", "fail"]
assert compare.loc["demo_b"].tolist() == ["pass", "pass"]
assert pack.parameters.at(name, ON).value == 0.75   # the original pack is unchanged
what_if.entity("demo_a").result("demo.ty_le_giang_vien").provenance.value'''),
        md("## Quét ngưỡng / Sweep the threshold"),
        code('''rows = []
for pct in (70, 75, 80, 85, 90):
    p = pack.with_parameters({name: (ParameterValue(dt.date(2021, 5, 19), pct / 100, "quét", Provenance.override),)})
    r = p.evaluate(facts, ON)
    rows.append({"threshold %": pct, **outcomes(r)})
sweep = pd.DataFrame(rows).set_index("threshold %")
# 83.3% passes up to 80%; 89.9% passes up to 85%.
assert sweep["demo_a"].tolist() == ["pass", "pass", "pass", "fail", "fail"]
assert sweep["demo_b"].tolist() == ["pass", "pass", "pass", "pass", "fail"]
sweep'''),
        md("Cùng điều đó bằng tệp tham số (như `chuan evaluate --params`) / The same with a parameter file:"),
        code('''with tempfile.TemporaryDirectory() as tmp:
    f = Path(tmp) / "tham_so.yaml"
    f.write_text("demo.lecturer_share_min: {value: 0.85, source: 'văn bản gốc (giả định)'}\\n", encoding="utf-8")
    from_file = pack.with_parameters(read_parameter_file(f))
assert outcomes(from_file.evaluate(facts, ON)) == outcomes(what_if)
from_file.evaluate(facts, ON)'''),
    ],
    "write_your_own_pack.ipynb": [
        md("""
# Tự viết bộ quy tắc / Write your own pack

Một bộ quy tắc là một thư mục các tệp YAML. Ở đây ta viết một bộ nhỏ vào thư mục tạm, nạp nó, đánh giá
vài cán bộ, và xem thông báo lỗi khi viết sai. Hướng dẫn đầy đủ: `docs/authoring.md`.

A pack is a folder of YAML files. We write a small one to a temporary folder, load it, evaluate a few
staff members, and see the error message for a typo. Full guide: `docs/authoring.md`.
"""),
        code(setup("import tempfile", "", "ChuanError, Outcome", charts=False) + '''

tmp = Path(tempfile.mkdtemp())
(tmp / "rules" / "cua_toi").mkdir(parents=True)'''),
        code('''PACK = """
pack:
  id: cua_toi
  version: "0.1.0"
  title_vi: Bộ quy tắc của tôi
  title_en: My pack
  groups:
    - {id: thi_dua, label_vi: Thi đua, label_en: Emulation}
parameters:
  cua_toi.so_thang_toi_thieu:
    label_vi: Số tháng công tác tối thiểu
    label_en: Minimum months in post
    unit: months
    values:
      - {from: 2024-01-01, value: 6, source: "TT 01/2024/TT-BNV", provenance: reported}
rules:
  - id: cua_toi.lao_dong_tien_tien
    concept: lao_dong_tien_tien
    title_vi: Lao động tiên tiến
    title_en: Advanced worker
    subject: staff
    group: thi_dua
    citation: {document: "Luật Thi đua, khen thưởng 06/2022/QH15", article: "Điều 24", clause: "1"}
    effective: {from: 2024-01-01}
    provenance: verified
    kind: condition
    condition: >-
      rating >= 'hoan_thanh_tot' and not (discipline >= 'khien_trach')
      and months_since(recruited_on) >= $cua_toi.so_thang_toi_thieu
"""
(tmp / "rules" / "cua_toi" / "pack.yaml").write_text(PACK, encoding="utf-8")
pack = load_pack(tmp / "rules" / "cua_toi")
[(r.id, r.concept, r.effective.start) for r in pack.rules]'''),
        code('''FACTS = """
- {kind: staff, id: a, name: Nguyễn Văn A, recruited_on: 2020-01-01, years: [{year: 2025, rating: HTTNV}]}
- {kind: staff, id: b, name: Trần Thị B, recruited_on: 2025-10-01, years: [{year: 2025, rating: HTXSNV}]}
- {kind: staff, id: c, name: Lê Văn C, recruited_on: 2018-01-01, years: [{year: 2025}]}
- {kind: staff, id: d, name: Phạm Thị D, recruited_on: 2018-01-01, years: [{year: 2025, rating: hoan_thanh_tot, discipline: khien_trach}]}
"""
(tmp / "nhan_su.yaml").write_text(FACTS, encoding="utf-8")
report = pack.evaluate(load_facts(tmp / "nhan_su.yaml"), ON)
report'''),
        md("""
By hand, on 31/12/2025: **a** rated HTT, 71 months in post → pass; **b** recruited 01/10/2025, 2 months < 6
→ fail; **c** has no rating for 2025 → unknown (never fail); **d** was reprimanded (*khiển trách*) → fail.
"""),
        code('''got = {e.id: e.outcome("lao_dong_tien_tien") for e in report.entities}
assert got == {"a": Outcome.passed, "b": Outcome.failed, "c": Outcome.unknown, "d": Outcome.failed}
report.entity("c").result("lao_dong_tien_tien").missing'''),
        md("## Viết sai thì sao? / What a mistake looks like"),
        code('''bad = PACK.replace("'hoan_thanh_tot'", "'hoan_thanh_tott'")
(tmp / "rules" / "cua_toi" / "pack.yaml").write_text(bad, encoding="utf-8")
try:
    load_pack(tmp / "rules" / "cua_toi")
except ChuanError as exc:
    message = exc.describe()
print(message)
assert "hoan_thanh_tott" in message and "cua_toi.lao_dong_tien_tien" in message'''),
    ],
}


def build() -> list[Path]:
    written = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"c{i:02d}"
        path = HERE / name
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(f"wrote {p.relative_to(HERE.parent)}")
