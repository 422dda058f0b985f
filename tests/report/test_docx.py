"""The Word proposal lists (``--format docx``), opened with python-docx.

Hand computation as in test_workbook.py (fixtures/thi_dua, 2023): 57 names for Lao động tiên tiến,
10 for Chiến sĩ thi đua cơ sở (cap floor(0.15 × 57) = 8, so the council votes), 1 for CSTĐ cấp bộ
(Lê Văn Kiên).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("docx") / "de_nghi_2023.docx"
    code = main(["evaluate", str(ROOT / "fixtures/thi_dua"), "--pack", "thi_dua", "--year", "2023",
                 "--format", "docx", "--out", str(out)])
    assert code == 0
    return docx.Document(str(out))


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_administrative_heading_place_and_date(document) -> None:
    left, right = document.tables[0].rows[0].cells
    assert "TRƯỜNG CHÍNH TRỊ TỈNH MẪU" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text and "Độc lập - Tự do - Hạnh phúc" in right.text
    texts = _texts(document)
    assert any(t.endswith(", ngày 31 tháng 12 năm 2023") for t in texts)
    assert "DANH SÁCH ĐỀ NGHỊ XÉT TẶNG DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG NĂM 2023" in texts


def test_a_table_of_names_per_title(document) -> None:
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    by_title = {h.split(". ", 1)[1].rsplit(" (", 1)[0]: h for h in headings}
    assert by_title["Lao động tiên tiến"].endswith("(57 người)")
    assert by_title["Chiến sĩ thi đua cơ sở"].endswith("(10 người)")
    tables = document.tables[1:-1]  # heading block first, signatures last
    assert len(tables) == len(headings)
    cstd = tables[[h.split(". ", 1)[1] for h in headings].index("Chiến sĩ thi đua cơ sở (10 người)")]
    rows = [[c.text for c in r.cells] for r in cstd.rows]
    assert rows[0] == ["STT", "Họ và tên", "Đơn vị", "Căn cứ đề nghị", "Ghi chú"]
    assert len(rows) == 11
    kien = next(r for r in rows if r[1] == "Lê Văn Kiên")
    assert kien[2] == "Khoa Lý luận cơ sở" and "SK-K1" in kien[3] and "cần Hội đồng bình xét" in kien[4]
    signatures = document.tables[-1].rows[0].cells
    assert "NGƯỜI LẬP DANH SÁCH" in signatures[0].text and "(Ký, ghi rõ họ tên)" in signatures[1].text
    assert "CHỦ TỊCH HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG" in signatures[1].text


def _date_line(tmp_path: Path, facts: Path, *extra: str) -> str:
    out = tmp_path / "de_nghi.docx"
    code = main(["evaluate", str(facts), "--pack", "thi_dua", "--year", "2023", "--format", "docx",
                 "--out", str(out), *extra])
    assert code == 0
    return next(p.text for p in docx.Document(str(out)).paragraphs if ", ngày " in p.text)


def test_place_on_the_date_line_from_option_facts_or_blank(tmp_path: Path) -> None:
    facts = ROOT / "fixtures/thi_dua/truong_chinh_tri_mau.yaml"
    # --place wins; the administrative line is "<place>, ngày dd tháng m năm yyyy" (31/12 for --year 2023)
    assert _date_line(tmp_path, facts, "--place", "Hà Nội") == "Hà Nội, ngày 31 tháng 12 năm 2023"
    # without it, the school's province in the facts (the fixture's school has province: Mẫu)
    assert _date_line(tmp_path, facts) == "Mẫu, ngày 31 tháng 12 năm 2023"
    # no province in the facts: a dotted blank the office fills by hand
    text = facts.read_text(encoding="utf-8")
    assert "\n  province: Mẫu\n" in text
    bare = tmp_path / "khong_tinh.yaml"
    bare.write_text(text.replace("\n  province: Mẫu\n", "\n"), encoding="utf-8")
    assert _date_line(tmp_path, bare) == "……………, ngày 31 tháng 12 năm 2023"
