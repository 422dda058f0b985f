"""Entities per second: the durable_rules backend vs the core per-entity evaluator, same rules, same facts.

Both run only the rules the backend supports (the core gets a copy of the pack cut down to them),
on the generated population of N staff-years (schools of 100 staff in 5 units, benchmarks/population.py);
the rate counts the entities of the kinds those rules judge. Backend compile time (rulesets for the date) is reported
apart from the per-entity rate. Run:

    .venv/bin/python benchmarks/bench_durable.py [--pack rules/thi_dua] [--n 5000] [--date 2025-12-31]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_explain import facts_of  # noqa: E402
from population import population  # noqa: E402

from chuan_engine import load_pack  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", default=str(ROOT / "rules" / "thi_dua"))
    ap.add_argument("--n", type=int, default=5000, help="staff-years of the generated population (benchmarks/population.py)")
    ap.add_argument("--date", default="2025-12-31")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    try:
        import durable.engine  # noqa: F401

        from chuan_engine.backends.durable import DurableBackend, backend_outcomes, core_outcomes
    except ImportError as exc:
        print(f"durable_rules not installed (extra 'durable', Python < 3.13): {exc}")
        return 0
    on = dt.date.fromisoformat(args.date)
    pack = load_pack(args.pack)
    facts = facts_of(pack, population(args.n, seed=7))

    t0 = time.perf_counter()
    backend = DurableBackend(pack)
    compiled = backend.compiled(on)
    compile_s = time.perf_counter() - t0
    subset = replace(pack, rules=tuple(r for r in pack.rules if r.id in backend.supported))
    subjects = {r.subject for r in subset.rules}
    entities = sum(1 for kind, _, _ in facts.entities() if kind in subjects)  # those the supported rules judge

    best_core = best_durable = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = subset.evaluate(facts, on)
        best_core = min(best_core, time.perf_counter() - t0)
        t0 = time.perf_counter()
        verdicts = backend.evaluate(facts, on)
        best_durable = min(best_durable, time.perf_counter() - t0)
    same = core_outcomes(report, backend) == backend_outcomes(verdicts)
    backend.close()

    core_rate, durable_rate = entities / best_core, entities / best_durable
    print(f"python {platform.python_version()} on {platform.machine()}; pack {pack.id} {pack.version}; "
          f"date {on}; {entities} entities; best of {args.repeat}")
    print(f"supported rules: {len(backend.supported)} of {len(pack.rules)} ({', '.join(backend.supported)})")
    print(f"durable compile: {compile_s * 1000:.1f} ms for {compiled.n_rete_rules} Rete rules")
    print(f"{'evaluator':<28}{'entities/s':>12}{'seconds':>10}")
    print(f"{'core (per-entity, traced)':<28}{core_rate:>12,.0f}{best_core:>10.3f}")
    print(f"{'durable_rules backend':<28}{durable_rate:>12,.0f}{best_durable:>10.3f}")
    print(f"ratio durable/core: {durable_rate / core_rate:.2f}x; identical verdicts: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
