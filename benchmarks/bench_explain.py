"""The explaining evaluator (issue 13): entities/s and rule evaluations/s of ``pack.evaluate`` on thi_dua and
qd11_2021, with explanations recorded (the default) and without (``explain=False``).

A script that prints figures, not a timed test. The populations are the generated ones of bench_batch.py
(benchmarks/population.py), turned into models once (not timed). A rule evaluation is one entity × one rule
version in force on the date for the entity's kind. Each figure is the median of ``--repeat`` runs, the
modes interleaved; the load average is printed, since the machine is shared. Target: ≥ 64,000 rule
evaluations/s with explanations recorded.

    python benchmarks/bench_explain.py [--staff-years 5000] [--schools 40] [--repeat 5] [--profile thi_dua]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from population import ON, population  # noqa: E402

from chuan_engine import load_pack  # noqa: E402

PACKS = {"thi_dua": ROOT / "rules" / "thi_dua", "qd11_2021": ROOT / "rules" / "qd11_2021"}
TARGET = 64_000


def facts_of(pack: Any, frames: dict[str, Any]) -> Any:
    """The generated frames as the models ``pack.evaluate`` reads (the batch path's conversion, not timed)."""
    from chuan_engine.batch.convert import chunk_models
    from chuan_engine.batch.layout import SPECS, prepare
    from chuan_engine.batch.tables import Chunk

    if ("school", "has_code_of_conduct") not in pack.variables:  # a pack rejects inputs it does not declare
        frames = {**frames, "schools": frames["schools"].drop(columns=["has_code_of_conduct"])}
    types: dict[str, Any] = {}
    for (kind, var), v in pack.variables.items():
        types.setdefault(kind, {})[var] = v.type
    chunk = Chunk({k: prepare(k, v, types.get(SPECS[k][0], {})) for k, v in frames.items()}, ON)
    facts, _, failed = chunk_models(chunk)
    assert not failed, failed
    return facts


def counts(pack: Any, facts: Any) -> tuple[int, int]:
    """(entities, entities × rule versions in force for their kind) on ON."""
    in_force = pack.rules_on(ON)
    per_kind: dict[str, int] = {}
    for kind, _, _ in facts.entities():
        per_kind[kind] = per_kind.get(kind, 0) + 1
    subjects = {r.subject for r in in_force}
    return (sum(n for k, n in per_kind.items() if k in subjects),
            sum(per_kind.get(r.subject, 0) for r in in_force))


def timed(pack: Any, facts: Any, explain: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one run: the CPU time is less sensitive to other processes on a shared machine."""
    t0, c0 = time.perf_counter(), time.process_time()
    pack.evaluate(facts, ON, explain=explain)
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff-years", type=int, default=5_000, help="thi_dua population (5 years per staff)")
    ap.add_argument("--schools", type=int, default=40, help="qd11_2021 population (schools of 30 staff)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", choices=sorted(PACKS), help="print a cProfile of one explaining run instead")
    args = ap.parse_args()
    print(f"explaining evaluator, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; "
          f"median of {args.repeat} interleaved runs (s)")
    populations = {"thi_dua": lambda: population(args.staff_years, seed=3),
                   "qd11_2021": lambda: population(30 * args.schools, years=1, staff_per_school=30, seed=3)}
    met = []
    for name, make in populations.items():
        if args.profile and name != args.profile:
            continue
        pack = load_pack(PACKS[name])
        facts = facts_of(pack, make())
        ents, evals = counts(pack, facts)
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(pack.evaluate, facts, ON)
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            return
        timed(pack, facts, True)  # warm: first-use imports and caches of the process
        times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for _ in range(args.repeat):
            for explain in (True, False):
                times[explain].append(timed(pack, facts, explain))
        print(f"  {name}: {ents:,} entities, {evals:,} rule evaluations (rule versions in force on "
              f"{ON:%d/%m/%Y} × entities of their kind)")
        for explain in (True, False):
            secs = statistics.median(w for w, _ in times[explain])
            cpu = statistics.median(c for _, c in times[explain])
            label = "explanations recorded" if explain else "no explanation       "
            print(f"    {label}  wall {secs:.3f} s  {ents / secs:>8,.0f} entities/s  {evals / secs:>8,.0f} rule "
                  f"evaluations/s  | CPU {cpu:.3f} s  {evals / cpu:>8,.0f} rule evaluations/s")
        rate = evals / statistics.median(w for w, _ in times[True])
        met.append((name, rate))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    for name, rate in met:
        print(f"  {'MET    ' if rate >= TARGET else 'NOT MET'} explaining ≥ {TARGET:,} rule evaluations/s on "
              f"{name} ({rate:,.0f}/s)")


if __name__ == "__main__":
    main()
