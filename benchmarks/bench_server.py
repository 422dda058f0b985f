"""Latency of the web API on loopback: ``chuan serve`` in a subprocess, N requests from C concurrent clients.

    python benchmarks/bench_server.py [--requests 200] [--clients 8]

Prints p50 and p95 per input (one demo school uploaded as YAML; one QĐ 11 school, Hà Tĩnh; the six QĐ 11
schools as the bundled example, a tenth of the requests). Nothing is asserted: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from server_support import live_server  # noqa: E402


def _multipart(fields: dict[str, str], path: Path) -> tuple[bytes, str]:
    b = "chuanbench9c1e"
    parts = [f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n\r\n'.encode()
                 + path.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"


INPUTS = {
    "demo, 1 school (YAML upload)": _multipart({"pack": "demo", "date": "2025-12-31"},
                                               ROOT / "fixtures/demo/truong_demo.yaml"),
    "qd11, Hà Tĩnh (YAML upload)": _multipart({"pack": "qd11_2021", "date": "2025-06-30"},
                                              ROOT / "fixtures/schools/ha_tinh.yaml"),
    "qd11, 6 schools (example, JSON)": (json.dumps({"pack": "qd11_2021", "date": "2025-06-30",
                                                    "example": "schools"}).encode(), "application/json"),
}


def _timed(url: str, body: bytes, ctype: str) -> float:
    req = urllib.request.Request(url, data=body, headers={"content-type": ctype}, method="POST")
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        r.read()
        assert r.status == 200
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    with live_server("demo", "qd11_2021") as base:
        url = base + "/v1/evaluate"
        print(f"{args.requests} requests, {args.clients} concurrent clients, loopback")
        print(f"{'input':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
        for name, (body, ctype) in INPUTS.items():
            _timed(url, body, ctype)  # warm-up
            n = args.requests if "6 schools" not in name else max(args.clients, args.requests // 10)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                lat = sorted(pool.map(_timed, [url] * n, [body] * n, [ctype] * n))
            wall = time.perf_counter() - t0
            p50 = statistics.median(lat) * 1000
            p95 = lat[min(len(lat) - 1, int(round(0.95 * len(lat))) - 1)] * 1000
            print(f"{name:<34} {n:>5} {p50:8.1f} {p95:8.1f} {n / wall:7.1f}")


if __name__ == "__main__":
    main()
