"""Cold start (issue 13): ``import chuan_engine`` and a one-school ``chuan evaluate``, wall time, fresh processes.

Prints medians and minima of N runs each (a script that prints figures, not a timed test), and the slowest
imports of ``python -X importtime``. The one school is timed with every module's bytecode cached (an installed
package), with chuan_engine's own modules compiled at each start (a source checkout under
PYTHONDONTWRITEBYTECODE, as in the sandbox) and with nothing cached (the standard library compiled too). Targets on 2 cores: import ≤ 0.15 s, one school ≤ 0.35 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("CHUAN_BENCH_RUNS", "10"))
# An installed package has its bytecode compiled (pip does it at install time); this sandbox sets
# PYTHONDONTWRITEBYTECODE, which would recompile every module on every run. Both figures are printed:
# the bytecode cache lives in a private folder, so the checkout stays clean.
BARE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV = {**BARE_ENV, "PYTHONPATH": str(ROOT / "src"),
       "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "chuan_bench_pycache")}
NO_CACHE_ENV = {**ENV, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "chuan_none")}
# A source checkout run with PYTHONDONTWRITEBYTECODE (this sandbox): the standard library and the installed
# libraries read their own bytecode, chuan_engine's modules are compiled at every start (no __pycache__ in src).
SOURCE_ENV = {k: v for k, v in ENV.items() if k != "PYTHONPYCACHEPREFIX"} | {"PYTHONDONTWRITEBYTECODE": "1"}
ONE_SCHOOL = [sys.executable, "-m", "chuan_engine.cli", "evaluate", str(ROOT / "fixtures" / "schools" / "ha_tinh.yaml"),
              "--pack", "qd11_2021", "--date", "2025-06-30"]


def wall(cmd: list[str], env: dict[str, str] = ENV) -> list[float]:
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # warm: bytecode, disk cache
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def slowest_imports(n: int = 8) -> list[tuple[int, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import chuan_engine"], env=ENV, cwd=ROOT,
                          check=True, capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    bare = wall([sys.executable, "-c", "pass"])
    figures = [("python -c pass", bare, None),
               ("import chuan_engine", wall([sys.executable, "-c", "import chuan_engine"]), 0.15),
               ("chuan evaluate (one school)", wall(ONE_SCHOOL), 0.35),
               ("  same, own modules compiled", wall(ONE_SCHOOL, SOURCE_ENV), None),
               ("  same, nothing cached", wall(ONE_SCHOOL, NO_CACHE_ENV), None)]
    print(f"cold start, {RUNS} fresh processes each (s), load average {os.getloadavg()[0]:.2f}:")
    for name, times, target in figures:
        goal = f"  target ≤ {target:.2f}" if target else ""
        print(f"  {name:<30} median {statistics.median(times):.3f}  min {min(times):.3f}{goal}")
    print("slowest imports under import chuan_engine (cumulative µs):")
    for us, name in slowest_imports():
        print(f"  {us:>9}  {name.strip()}")


if __name__ == "__main__":
    main()
