"""The web API through FastAPI's TestClient: every endpoint, answers checked by hand and against the CLI.

Expected demo verdicts are computed by hand in server_support.EXPECTED_A.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="server extra (pip install -e '.[server]')")

import jsonschema  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from server_support import EXPECTED_A, ROOT, cli_json, demo_frames, demo_workbook, outcomes  # noqa: E402

from chuan_engine import facts_json_schema  # noqa: E402
from chuan_engine.server import create_app  # noqa: E402
from chuan_engine.server.schemas import report_schema  # noqa: E402

DEMO_YAML = ROOT / "fixtures" / "demo" / "truong_demo.yaml"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(packs=["demo", "qd11_2021", "thi_dua"]))


@pytest.fixture(scope="module")
def cli_demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return cli_json(tmp_path_factory.mktemp("cli"), "evaluate", str(ROOT / "fixtures" / "demo"), "--pack", "demo",
                    "--date", "2025-12-31")


def _problem(res, status: int, error: str) -> dict:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith(PROBLEM)
    body = res.json()
    assert body["status"] == status and body["error"] == error and body["detail"]
    return body


def test_app_factory_keeps_its_packs_on_its_own_state() -> None:
    a, b = create_app(packs=["demo"]), create_app(packs=["thi_dua"])
    assert list(a.state.packs) == ["demo"] and list(b.state.packs) == ["thi_dua"]


def test_healthz_and_packs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "packs": ["demo", "qd11_2021", "thi_dua"]}
    packs = {p["id"]: p for p in client.get("/v1/packs").json()}
    # rules/demo/pack.yaml: two levels, muc_1 "Chuẩn mức 1" and muc_2 "Chuẩn mức 2".
    assert [lvl["id"] for lvl in packs["demo"]["levels"]] == ["muc_1", "muc_2"]
    assert packs["demo"]["levels"][0]["label_vi"] == "Chuẩn mức 1"
    assert packs["demo"]["version"] == "1.0.0"


def test_pack_rules_and_one_rule(client: TestClient) -> None:
    rules = {r["id"]: r for r in client.get("/v1/packs/demo/rules").json()}
    assert set(EXPECTED_A) <= set(rules)
    # rules/demo/school.yaml, demo.de_tai_cap_tinh: cited to Chương II (tiêu chí 4), in force from
    # 19/5/2021 with no end, wording provisional.
    one = client.get("/v1/rules/demo.de_tai_cap_tinh").json()
    assert one["citation"] == {"document": "Quy định 11-QĐ/TW", "article": "Chương II (tiêu chí 4)"}
    assert one["effective"] == {"from": "2021-05-19", "to": None}
    assert one["provenance"] == "provisional" and one["pack"] == "demo"
    assert one["thresholds"] == {"muc_1": "demo.provincial_topics_min"}
    assert [v["id"] for v in one["versions"]] == ["demo.de_tai_cap_tinh"]
    assert rules["demo.de_tai_cap_tinh"]["effective"] == one["effective"]


def test_unknown_pack_and_rule_are_404_problems(client: TestClient) -> None:
    body = _problem(client.get("/v1/packs/dem/rules"), 404, "PackNotFoundError")
    assert "'demo'" in body["detail"]  # the nearest name is suggested
    _problem(client.get("/v1/rules/demo.no_such_rule"), 404, "RuleNotFound")
    _problem(client.get("/v1/nothing"), 404, "NotFound")


def test_schemas(client: TestClient, cli_demo: dict) -> None:
    assert client.get("/v1/schema/facts").json() == facts_json_schema()
    schema = client.get("/v1/schema/report").json()
    assert schema == report_schema()
    jsonschema.validate(cli_demo, schema)


def test_evaluate_json_example_equals_cli(client: TestClient, cli_demo: dict) -> None:
    res = client.post("/v1/evaluate", json={"pack": "demo", "date": "2025-12-31", "example": "demo"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/json")
    assert outcomes(res.json(), "demo_a") == EXPECTED_A
    assert res.json() == cli_demo


def test_evaluate_json_facts_and_uploaded_yaml_equal_cli(client: TestClient, tmp_path: Path) -> None:
    import yaml

    expected = cli_json(tmp_path, "evaluate", str(DEMO_YAML), "--pack", "demo", "--date", "2025-12-31")
    facts = json.loads(json.dumps(yaml.safe_load(DEMO_YAML.read_text(encoding="utf-8")), default=str))
    as_json = client.post("/v1/evaluate", json={"pack": "demo", "date": "2025-12-31", "facts": facts})
    assert as_json.status_code == 200, as_json.text
    assert as_json.json() == expected
    upload = client.post("/v1/evaluate", data={"pack": "demo", "date": "31/12/2025"},
                         files={"file": ("truong_demo.yaml", DEMO_YAML.read_bytes())})
    assert upload.status_code == 200, upload.text
    assert upload.json() == expected


def test_evaluate_workbook_and_csv_upload(client: TestClient, cli_demo: dict) -> None:
    res = client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31"},
                      files={"file": ("truong_demo.xlsx", demo_workbook())})
    assert res.status_code == 200, res.text
    assert outcomes(res.json(), "demo_a") == EXPECTED_A
    assert res.json() == cli_demo  # the workbook holds the same facts as fixtures/demo
    files = []
    for name, df in demo_frames().items():
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        files.append(("file", (f"{name}.csv", buf.getvalue().encode("utf-8"))))
    csv = client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31"}, files=files)
    assert csv.status_code == 200, csv.text
    assert outcomes(csv.json(), "demo_a") == EXPECTED_A


def test_bad_workbook_cell_names_sheet_and_row(client: TestClient) -> None:
    import pandas as pd

    frames = demo_frames()
    staff = frames["staff"].copy()
    staff.loc[2, "degree"] = "giao_su"  # not a degree of the vocabulary; data row 3 = spreadsheet row 4
    frames["staff"] = staff
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in frames.items():
            df.to_excel(xl, sheet_name=name, index=False)
    body = _problem(client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31"},
                                files={"file": ("sai.xlsx", buf.getvalue())}), 422, "FactsError")
    assert body["file"] == "sai.xlsx"
    assert "'staff'" in body["detail"] and "4" in body["detail"] and "giao_su" in body["detail"]


def test_parameter_override_and_no_state_between_requests(client: TestClient) -> None:
    # Lowering demo.provincial_topics_min to 2: demo_a has 2 topics, 2 >= 2 -> pass. The rule's wording is
    # provisional, weaker than the override, so the result stays provisional.
    req = {"pack": "demo", "date": "2025-12-31", "example": "demo",
           "parameters": {"demo.provincial_topics_min": {"value": 2, "source": "thử nghiệm"}}}
    res = client.post("/v1/evaluate", json=req).json()
    rule = next(r for r in res["entities"][0]["results"] if r["rule"] == "demo.de_tai_cap_tinh")
    assert (rule["outcome"], rule["threshold"], rule["provenance"]) == ("pass", 2, "provisional")
    again = client.post("/v1/evaluate", json={"pack": "demo", "date": "2025-12-31", "example": "demo"}).json()
    assert outcomes(again, "demo_a")["demo.de_tai_cap_tinh"] == "fail"
    uploaded = client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31", "example": "demo"},
                           files={"parameters": ("chi_tieu.yaml", b"demo.provincial_topics_min: 2\n")}).json()
    assert outcomes(uploaded, "demo_a")["demo.de_tai_cap_tinh"] == "pass"


def test_request_errors_are_problems(client: TestClient) -> None:
    base = {"pack": "demo", "example": "demo"}
    body = _problem(client.post("/v1/evaluate", json=base), 422, "RequestError")
    assert "date" in body["detail"]
    body = _problem(client.post("/v1/evaluate", json=base | {"date": "30/02/2025"}), 422, "FactsError")
    assert body["field"] == "date" and "dd/mm/yyyy" in body["detail"]
    body = _problem(client.post("/v1/evaluate", json=base | {"date": "2025-12-31", "pack": "dem"}), 404,
                    "PackNotFoundError")
    assert "'demo'" in body["detail"]
    bad = {"entities": [{"kind": "school", "id": "x", "staff": [{"id": "a", "degree": "giao_su"}]}]}
    body = _problem(client.post("/v1/evaluate", json={"pack": "demo", "date": "2025-12-31", "facts": bad}),
                    422, "FactsError")
    assert body["entity"] == "x/a" and body["field"] == "staff[0].degree"
    empty = {"pack": "demo", "date": "2025-12-31", "parameters": {"demo.provincial_topics_min": {}}, "example": "demo"}
    body = _problem(client.post("/v1/evaluate", json=empty), 422, "ParameterError")
    assert "thiếu 'value'" in body["detail"] and "no value" not in body["detail"]  # Vietnamese by default
    body = _problem(client.post("/v1/evaluate", json=empty | {"lang": "en"}), 422, "ParameterError")
    assert "has no value" in body["detail"] and "thiếu" not in body["detail"]
    _problem(client.post("/v1/evaluate", content=b"pack=demo", headers={"content-type": "text/plain"}), 415,
             "UnsupportedMediaType")
    _problem(client.post("/v1/evaluate", content=b"{", headers={"content-type": "application/json"}), 422,
             "FactsError")
    _problem(client.post("/v1/evaluate", data={"pack": "demo", "date": "2025-12-31"},
                         files={"file": ("x.txt", b"hello")}), 422, "FactsError")


def test_body_size_and_time_limits() -> None:
    small = TestClient(create_app(packs=["demo"], max_body_bytes=2000))
    big = {"pack": "demo", "date": "2025-12-31", "facts": {"entities": []}, "example": "x" * 5000}
    _problem(small.post("/v1/evaluate", json=big), 413, "RequestTooLarge")
    hasty = TestClient(create_app(packs=["qd11_2021"], time_limit=0.001))
    _problem(hasty.post("/v1/evaluate", json={"pack": "qd11_2021", "date": "2025-06-30", "example": "schools"}),
             503, "Timeout")


def test_gaps_equal_cli(client: TestClient, tmp_path: Path) -> None:
    expected = cli_json(tmp_path, "gaps", str(ROOT / "fixtures" / "demo"), "--pack", "demo", "--date", "2025-12-31")
    res = client.post("/v1/gaps", json={"pack": "demo", "date": "2025-12-31", "example": "demo"})
    assert res.status_code == 200 and res.json() == expected
    # demo_a at level 1: 2 provincial topics, 3 needed -> 1 more.
    item = res.json()["entities"][0]["levels"]["muc_1"]["items"][0]
    assert (item["rule"], item["amount"], item["mode"]) == ("demo.de_tai_cap_tinh", 1, "add")


def test_html_and_excel_outputs(client: TestClient) -> None:
    import openpyxl

    req = {"pack": "demo", "date": "2025-12-31", "example": "demo"}
    html = client.post("/v1/evaluate", json=req | {"format": "html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "<table class='verdicts'>" in html.text and "data-rule='demo.de_tai_cap_tinh'" in html.text
    xlsx = client.post("/v1/evaluate", json=req | {"format": "xlsx"})
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    # the same filed workbook as `chuan evaluate --format xlsx`: summary first, a sheet per kind (schools, staff)
    # (title row, subtitle row, header on row 3); demo_a by hand: 2 provincial topics < 3 -> Không đạt,
    # 9 of 10 lecturers with a master's = 90 % >= 90 % -> Đạt
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert wb.sheetnames[0] == "Tổng hợp" and "Trường" in wb.sheetnames
    rows = list(wb["Trường"].iter_rows(min_row=3, values_only=True))
    header = rows[0]
    found = {(r[header.index("Mã")], r[header.index("Mã quy tắc")]): r[header.index("Kết quả")] for r in rows[1:]}
    assert found[("demo_a", "demo.de_tai_cap_tinh")] == "Không đạt"
    assert found[("demo_a", "demo.giang_vien_thac_si")] == "Đạt"


def test_page_is_vietnamese_and_lists_packs_and_examples(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "<html lang='vi'>" in page.text
    for text in ("Bộ quy tắc", "Ngày đánh giá", "Tệp dữ kiện", "Đánh giá", "value='qd11_2021'",
                 "value='schools'"):
        assert text in page.text
    examples = json.loads(page.text.split("id='examples'>")[1].split("</script>")[0])
    assert examples["schools"] == {"pack": "qd11_2021", "date": "2025-06-30"}


def test_serve_without_the_extra_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import sys

    from chuan_engine.cli import main

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    assert main(["serve"]) == 2
    assert "pip install 'chuan-engine[server]'" in capsys.readouterr().err


def test_report_schema_holds_for_every_bundled_example(qd11_report, tmp_path: Path) -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(qd11_report.to_json()), schema)
    for pack, folder, day in (("thi_dua", "thi_dua", "2024-12-31"), ("ke_hoach_cum_btb_2023", "clusters", "2023-12-31"),
                              ("tieu_bieu_nam_dinh", "tieu_bieu_nam_dinh", "2024-12-31")):
        doc = cli_json(tmp_path, "evaluate", str(ROOT / "fixtures" / folder), "--pack", pack, "--date", day)
        jsonschema.validate(doc, schema)
    # A report whose results do not follow the contract is refused by the schema.
    broken = json.loads(qd11_report.to_json())
    broken["entities"][0]["results"][0]["outcome"] = "passed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
