"""Helpers of the server tests: the CLI's JSON for an input, a workbook of the demo facts, a live uvicorn."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chuan_engine.cli import main

ROOT = Path(__file__).resolve().parents[2]

# demo_a (fixtures/demo/truong_demo.yaml, rules/demo) on 31/12/2025, by hand (as in test_html_browser.py):
# - ty_le_giang_vien: 10 lecturers / 12 staff = 83.3% >= 75%                    -> pass
# - giang_vien_thac_si: 9 of 10 lecturers thạc sĩ or above = 90% >= 90%        -> pass
# - de_tai_cap_tinh: accepted provincial topics 2021–2025: dt2022, dt2024 = 2;
#   threshold 3 from 2024                                                      -> fail
# - quy_tac_ung_xu: input has_code_of_conduct = true                            -> pass
# - khong_ky_luat: the only discipline is gv06 khiển trách < cảnh cáo          -> pass
EXPECTED_A = {
    "demo.ty_le_giang_vien": "pass",
    "demo.giang_vien_thac_si": "pass",
    "demo.de_tai_cap_tinh": "fail",
    "demo.quy_tac_ung_xu": "pass",
    "demo.khong_ky_luat": "pass",
}


def cli_json(tmp: Path, *args: str) -> dict[str, Any]:
    """What ``chuan ARGS --format json`` prints, parsed."""
    out = tmp / f"cli_{abs(hash(args))}.json"
    code = main([*args, "--format", "json", "--out", str(out)])
    assert code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def outcomes(report: dict[str, Any], entity: str) -> dict[str, str]:
    ent = next(e for e in report["entities"] if e["id"] == entity)
    return {r["rule"]: r["outcome"] for r in ent["results"]}


def demo_frames() -> dict[str, Any]:
    """The demo facts as the batch layout's frames; true/false cells as text in columns with blanks.

    (pandas reads a boolean column with empty cells back as 1.0/NaN, which the batch reader refuses.)
    """
    from chuan_engine import load_facts
    from chuan_engine.batch.convert import facts_to_frames

    out = {}
    for name, df in facts_to_frames(load_facts(ROOT / "fixtures" / "demo")).items():
        if not len(df):
            continue
        for col in df.columns:
            if df[col].isna().any() and df[col].map(lambda v: isinstance(v, bool)).any():
                df[col] = df[col].map(lambda v: str(v).lower() if isinstance(v, bool) else v)
        out[name] = df
    return out


def demo_workbook() -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in demo_frames().items():
            df.to_excel(xl, sheet_name=name, index=False)
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(*packs: str) -> Iterator[str]:
    """``chuan serve`` in a subprocess on a free loopback port; yields its base URL, stops it after."""
    port = free_port()
    cmd = [sys.executable, "-m", "chuan_engine.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    for p in packs:
        cmd += ["--pack", p]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
