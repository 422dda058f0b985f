"""The real server on loopback: the README's curl example as printed, and a load check.

Load: 200 requests from 8 concurrent clients against ``chuan serve`` in a subprocess; every answer equals
the CLI's JSON for the same input (latency figures: benchmarks/bench_server.py).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="server extra (pip install -e '.[server]')")

from server_support import EXPECTED_A, ROOT, cli_json, live_server, outcomes  # noqa: E402

DEMO_YAML = ROOT / "fixtures" / "demo" / "truong_demo.yaml"
HA_TINH = ROOT / "fixtures" / "schools" / "ha_tinh.yaml"


@pytest.fixture(scope="module")
def base_url():
    with live_server("demo", "qd11_2021") as base:
        yield base


def _readme_curl() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- curl-example -->\n```sh\n(.+?)\n```", text, re.S)
    assert block, "README has no curl example"
    return shlex.split(block.group(1))


def test_readme_curl_example_works_as_printed(base_url: str, tmp_path: Path) -> None:
    if not shutil.which("curl"):
        pytest.skip("curl not installed")
    cmd = _readme_curl()
    assert cmd[0] == "curl" and cmd[-1] == "http://127.0.0.1:8000/v1/evaluate"
    cmd[-1] = base_url + "/v1/evaluate"  # the same request, on this test's free port
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=60, check=True)
    got = json.loads(res.stdout)
    assert outcomes(got, "demo_a") == EXPECTED_A
    assert got == cli_json(tmp_path, "evaluate", str(DEMO_YAML), "--pack", "demo", "--date", "2025-12-31")


def _multipart(fields: dict[str, str], path: Path) -> tuple[bytes, str]:
    boundary = "chuanboundary7f3a"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _post(url: str, body: bytes, ctype: str) -> dict:
    req = urllib.request.Request(url, data=body, headers={"content-type": ctype}, method="POST")
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return json.loads(r.read())


def test_200_requests_from_8_clients_equal_the_cli(base_url: str, tmp_path: Path) -> None:
    inputs = [
        (_multipart({"pack": "demo", "date": "2025-12-31"}, DEMO_YAML),
         ("evaluate", str(DEMO_YAML), "--pack", "demo", "--date", "2025-12-31")),
        (_multipart({"pack": "qd11_2021", "date": "30/06/2025"}, HA_TINH),
         ("evaluate", str(HA_TINH), "--pack", "qd11_2021", "--date", "2025-06-30")),
        ((json.dumps({"pack": "demo", "date": "2025-12-31", "example": "demo", "lang": "en"}).encode(),
          "application/json"),
         ("evaluate", str(ROOT / "fixtures" / "demo"), "--pack", "demo", "--date", "2025-12-31", "--lang", "en")),
    ]
    expected = [cli_json(tmp_path, *args) for _, args in inputs]
    jobs = [i % len(inputs) for i in range(200)]

    def one(k: int) -> bool:
        (body, ctype), _ = inputs[k]
        return _post(base_url + "/v1/evaluate", body, ctype) == expected[k]

    with ThreadPoolExecutor(max_workers=8) as pool:
        same = list(pool.map(one, jobs))
    assert len(same) == 200
    assert same.count(True) == 200
