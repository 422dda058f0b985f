"""The docs build without warnings: generated pages are current, links resolve, examples run.

``make docs`` regenerates the generated pages (docs/_gen.py) and runs this file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chuan_engine import Outcome, load_facts, load_pack, read_parameter_file

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md")) + [ROOT / "examples" / "README.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _page_id(p: Path) -> str:
    return str(p.relative_to(ROOT))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def test_docs_exist() -> None:
    names = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert {"README.md", "getting_started_vi.md", "getting_started_en.md", "authoring.md",
            "expression_language.md", "facts_schema.md", "json_contract.md", "regimes_timeline.md"} <= names


def test_generated_pages_are_current() -> None:
    proc = subprocess.run([sys.executable, str(DOCS / "_gen.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_generated_reference_covers_every_operator_function_and_vocabulary() -> None:
    from chuan_engine.facts.vocab import VOCABULARIES
    from chuan_engine.lang.ops import OPS

    text = (DOCS / "expression_language.md").read_text(encoding="utf-8")
    for op in OPS.values():
        assert f"`{op.signature.usage}`" in text and op.doc_vi in text and op.doc_en in text
    for name, vocab in VOCABULARIES.items():
        assert name in text and all(f"`{m.value}`" in text for m in vocab)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_resolve(page: Path) -> None:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto: are not checked offline
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_code_blocks_parse(page: Path) -> None:
    for lang, body in FENCE.findall(page.read_text(encoding="utf-8")):
        assert lang, f"{_page_id(page)}: a code block without a language"
        if lang == "yaml":
            yaml.safe_load(body)
        elif lang == "json":
            json.loads(body)


def _write_authoring_example(dest: Path) -> list[str]:
    written = []
    for lang, body in FENCE.findall((DOCS / "authoring.md").read_text(encoding="utf-8")):
        first = body.splitlines()[0]
        if lang == "yaml" and first.startswith("# file: "):
            rel = first[len("# file: "):].strip()
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_text(body, encoding="utf-8")
            written.append(rel)
    return written


def test_authoring_example_gives_the_stated_verdicts(tmp_path: Path) -> None:
    files = _write_authoring_example(tmp_path)
    assert files == ["rules/vi_du/pack.yaml", "rules/vi_du/truong.yaml", "rules/vi_du/thi_dua.yaml",
                     "facts/truong_vi_du.yaml", "params/sua_nguong.yaml", "rules/so_tay/so_tay.yaml"]
    pack = load_pack(tmp_path / "rules/vi_du")
    facts = load_facts(tmp_path / "facts")
    report = pack.evaluate(facts, dt.date(2025, 12, 31))
    school = report.entity("truong_vi_du")
    share = school.result("vi_du.ty_le_giang_vien")
    # 3 lecturers (s1, s2, s4) / 4 staff = 0.75 >= 0.75, margin 0.
    assert share.outcome is Outcome.passed and share.value == pytest.approx(0.75) and share.margin == 0
    # No co_quy_tac_ung_xu input: unknown, so the level verdict is "insufficient evidence", not "fail".
    assert school.outcome("vi_du.quy_tac_ung_xu") is Outcome.unknown
    assert school.summary["verdict"] == "chua_du_du_lieu"
    expected = {  # (LĐTT, CSTĐCS) on 31/12/2025, 2022 law
        "s1": (Outcome.passed, Outcome.passed),    # HTXS: enough for CSTĐCS from 2024
        "s2": (Outcome.failed, Outcome.failed),    # recruited 2025-08-01: 4 months < 6
        "s3": (Outcome.unknown, Outcome.unknown),  # 2025 record without a rating
        "s4": (Outcome.passed, Outcome.passed),    # HTT + grassroots initiative in 2025
    }
    for person, (ldtt, cstd) in expected.items():
        e = report.entity(person)
        assert (e.outcome("lao_dong_tien_tien"), e.outcome("chien_si_thi_dua_co_so")) == (ldtt, cstd), person
    cstd = report.entity("s1").result("chien_si_thi_dua_co_so")
    assert (cstd.rule, cstd.effective_from) == ("vi_du.chien_si_thi_dua_co_so", "2024-01-01")

    # 31/12/2023, 2013 law + NĐ 91/2017: s1 is LĐTT (HTXS, 8 years in post >= 10 months) but not CSTĐCS
    # (no initiative or research in 2023).
    old = pack.evaluate(facts, dt.date(2023, 12, 31)).entity("s1")
    assert old.outcome("lao_dong_tien_tien") is Outcome.passed
    assert (old.result("chien_si_thi_dua_co_so").rule, old.result("chien_si_thi_dua_co_so").effective_from) == (
        "vi_du.chien_si_thi_dua_co_so", "2017-10-01")
    assert old.outcome("chien_si_thi_dua_co_so") is Outcome.failed

    # Section 6: threshold 80% -> 75% < 80% fails, verdict "chưa đạt chuẩn".
    patched = pack.with_parameters(read_parameter_file(tmp_path / "params/sua_nguong.yaml"))
    school2 = patched.evaluate(facts, dt.date(2025, 12, 31)).entity("truong_vi_du")
    assert school2.outcome("vi_du.ty_le_giang_vien") is Outcome.failed
    assert school2.summary["verdict"] == "chua_dat"
    assert school2.result("vi_du.ty_le_giang_vien").provenance.value == "override"


def _keys(obj: object, out: set[str]) -> set[str]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(k)
            _keys(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _keys(v, out)
    return out


def test_json_contract_documents_every_key(demo_pack, demo_facts) -> None:
    data = demo_pack.evaluate(demo_facts, dt.date(2025, 12, 31)).to_dict()
    keys = _keys({k: v for k, v in data.items()}, set())
    # Level, group and entity ids are data, not contract keys.
    data_ids = {"muc_1", "muc_2", "doi_ngu", "nckh", "thi_dua"}
    text = (DOCS / "json_contract.md").read_text(encoding="utf-8")
    undocumented = sorted(k for k in keys - data_ids if f"`{k}`" not in text)
    assert undocumented == []
    assert '`schema_version` | string | `"1.1"`' in text


def test_authoring_cookbook_pack(tmp_path: Path, demo_facts) -> None:
    _write_authoring_example(tmp_path)
    pack = load_pack(tmp_path / "rules/so_tay")
    report = pack.evaluate(demo_facts, dt.date(2025, 12, 31))
    assert report.errors == []
    a = report.entity("demo_a")
    # 9 of the 10 lecturers hold a master's or a doctorate (gv10: đại học) -> 90% >= 90%.
    assert a.outcome("so_tay.thac_si") is Outcome.passed
    # Provincial topics accepted in 2021-2025: dt2022, dt2024 -> 2 < 3.
    assert a.outcome("so_tay.de_tai") is Outcome.failed
    # is_manager is not recorded: if(is_manager, ...) is unknown; the other conditions hold.
    assert report.entity("gv01").outcome("lao_dong_tien_tien") is Outcome.unknown
    # Recruited 2025-09-01: 3 months < 6, false whatever if() gives.
    assert report.entity("gv05").outcome("lao_dong_tien_tien") is Outcome.failed
    assert report.entity("cv01").outcome("so_tay.giang_vien_thao_giang") is Outcome.not_applicable
    assert report.entity("gv09").outcome("so_tay.da_xep_loai") is Outcome.failed
