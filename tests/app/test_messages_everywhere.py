"""Issue 15 item 4: every message in Vietnamese by default and in English with ``--lang en`` (``lang: en`` for
the server), naming the file, the entity or rule once, the field and the form expected.

One error of each family: the pack loader, the plan compiler, a side file, a ``--params`` file, a batch input
and a server request. The needles are the words each message is written with (pack/plan.py, side_specs.py,
find.py, batch/io.py, batch/run.py, server/app.py): the Vietnamese one must be in the default message and not
the English one, and the other way round with English asked for.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from chuan_engine.batch.io import read_inputs
from chuan_engine.batch.run import evaluate_batch
from chuan_engine.cli import main
from chuan_engine.errors import FactsError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "rules" / "demo"
FACTS = str(ROOT / "fixtures" / "demo")


def both(capsys, *argv: str) -> tuple[str, str]:
    """The CLI's error in the default language and with ``--lang en``: exit 2, no traceback, nothing on stdout."""
    errs = []
    for extra in ([], ["--lang", "en"]):
        code = main([*argv, *extra])
        out, err = capsys.readouterr()
        assert code == 2, err
        assert out == "" and "Traceback" not in err
        errs.append(err)
    return errs[0], errs[1]


def evaluate_with(capsys, pack: Path, *more: str) -> tuple[str, str]:
    return both(capsys, "evaluate", FACTS, "--pack", str(pack), "--date", "2025-12-31", "--format", "json", *more)


def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("tests"))
    return target


def test_pack_loader_file_not_a_mapping(capsys, tmp_path):
    pack = demo_copy(tmp_path)
    (pack / "zz_bad.yaml").write_text("- chỉ một danh sách\n", encoding="utf-8")
    vi, en = evaluate_with(capsys, pack)
    assert "zz_bad.yaml" in vi and "zz_bad.yaml" in en  # the file, in both
    assert "tệp bộ quy tắc phải là một bản ghi với pack/parameters/variables/rules" in vi
    assert "a pack file must be a mapping" not in vi
    assert "a pack file must be a mapping with pack/parameters/variables/rules" in en
    assert "bản ghi" not in en


def test_pack_loader_pydantic_field_error(capsys, tmp_path):
    # A rule without its citation: the field named by its path, the wording ours (not pydantic's English).
    pack = demo_copy(tmp_path)
    (pack / "zz_rule.yaml").write_text(
        "rules:\n  - id: demo.zz\n    title_vi: Thử\n    title_en: Test\n    subject: staff\n"
        "    effective: {from: 2024-01-01}\n    provenance: verified\n    kind: condition\n"
        "    condition: 'true'\n", encoding="utf-8")
    vi, en = evaluate_with(capsys, pack)
    assert "quy tắc 'demo.zz'" in vi and "rules[0].citation: thiếu trường bắt buộc" in vi
    assert "rule 'demo.zz'" in en and "rules[0].citation: required field missing" in en
    assert "Field required" not in vi + en


def test_plan_compile_unknown_level(capsys, tmp_path):
    # A condition rule listing a level the pack does not declare: refused when the plan is compiled.
    pack = demo_copy(tmp_path)
    (pack / "zz_level.yaml").write_text(
        "rules:\n  - id: demo.zz_level\n    title_vi: Thử\n    title_en: Test\n    subject: staff\n"
        "    citation: {document: 'Quy định 11-QĐ/TW'}\n    effective: {from: 2024-01-01}\n"
        "    provenance: verified\n    kind: condition\n    condition: 'true'\n    levels: [khong_co_muc]\n",
        encoding="utf-8")
    vi, en = evaluate_with(capsys, pack)
    assert "quy tắc 'demo.zz_level'" in vi and "mức không rõ 'khong_co_muc'; các mức của bộ quy tắc là" in vi
    assert "rule 'demo.zz_level'" in en and "unknown level 'khong_co_muc'; the pack's levels are" in en
    assert "unknown level" not in vi and "mức không rõ" not in en


def test_side_file_quota_lacks_fields(capsys, tmp_path):
    pack = demo_copy(tmp_path)
    (pack / "_quotas.yaml").write_text("quotas:\n  - id: q1\n", encoding="utf-8")
    vi, en = evaluate_with(capsys, pack)
    assert "_quotas.yaml" in vi and "_quotas.yaml" in en
    assert "quotas[0] thiếu concept, base, cap_parameter" in vi and "quotas[0] lacks" not in vi
    assert "quotas[0] lacks concept, base, cap_parameter" in en and "thiếu" not in en


def test_params_file_unknown_key(capsys, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("demo.provincial_topics_min: {value: 4, form: 2025-01-01}\n", encoding="utf-8")
    vi, en = evaluate_with(capsys, DEMO, "--params", str(params))
    assert str(params) in vi and str(params) in en
    assert "tham số 'demo.provincial_topics_min'" in vi and "parameter 'demo.provincial_topics_min'" in en
    assert "khóa không hợp lệ ['form'] (chỉ value, source, from, to)" in vi and "unknown keys" not in vi
    assert "unknown keys ['form'] (only value, source, from, to)" in en and "khóa" not in en


def test_batch_input_folder_without_frames(tmp_path):
    (tmp_path / "ghi_chu.txt").write_text("không phải khung\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        read_inputs(tmp_path)
    err = info.value
    assert err.file == str(tmp_path)
    assert "thư mục không có khung nào (cần tệp mang tên: schools" in err.describe("vi")
    assert "no frame files" not in err.describe("vi")
    assert "no frame files in the folder (expected files named: schools" in err.describe("en")
    assert "khung" not in err.describe("en")


def test_batch_input_unknown_frame(tmp_path):
    import pandas as pd

    from chuan_engine import load_pack

    with pytest.raises(FactsError) as info:
        evaluate_batch(load_pack(DEMO), {"truong": pd.DataFrame({"school_id": ["a"]})}, dt.date(2025, 12, 31))
    assert "khung không rõ 'truong' (các khung: schools" in info.value.describe("vi")
    assert "unknown frame 'truong' (the frames: schools" in info.value.describe("en")


def test_server_request_follows_lang():
    pytest.importorskip("fastapi", reason="server extra (pip install -e '.[server]')")
    from fastapi.testclient import TestClient

    from chuan_engine.server import create_app

    client = TestClient(create_app(packs=["demo"]))
    req = {"pack": "dem", "date": "2025-12-31", "example": "demo"}
    vi = client.post("/v1/evaluate", json=req)
    en = client.post("/v1/evaluate", json=req | {"lang": "en"})
    assert vi.status_code == en.status_code == 404
    assert vi.json()["detail"] == "không có bộ quy tắc 'dem' (có: demo); có phải 'demo'?"
    assert en.json()["detail"] == "no pack 'dem' (there are: demo); did you mean 'demo'?"
    # the problem's title too (server/problems.py TITLES: "Không có bộ quy tắc / no such pack")
    assert vi.json()["title"] == "Không có bộ quy tắc" and en.json()["title"] == "no such pack"
    form = client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31", "lang": "en", "bogus": "1"})
    assert form.status_code == 422 and form.json()["field"] == "bogus"
    assert form.json()["detail"].startswith("field 'bogus': unknown form fields ['bogus'] (expected pack, date, lang")
    form_vi = client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31", "bogus": "1"})
    assert form_vi.json()["detail"].startswith("trường 'bogus': trường biểu mẫu không rõ ['bogus'] (cần pack, date")
    # A body that is no JSON at all: only ?lang= can say the language.
    bad = client.post("/v1/evaluate?lang=en", content=b"{", headers={"content-type": "application/json"})
    assert bad.status_code == 422 and "not valid JSON" in bad.json()["detail"]
    bad_vi = client.post("/v1/evaluate", content=b"{", headers={"content-type": "application/json"})
    assert "không phải JSON hợp lệ" in bad_vi.json()["detail"]
