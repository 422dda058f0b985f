"""Entities per second: the durable_rules backend vs the core per-entity evaluator, same rules, same facts.

Both run only the rules the backend supports (the core gets a copy of the pack cut down to them),
on one school of N generated staff. Backend compile time (rulesets for the date) is reported
apart from the per-entity rate. Run:

    .venv/bin/python benchmarks/bench_durable.py [--pack rules/demo] [--n 5000] [--date 2025-12-31]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

from chuan_engine import School, Staff, StaffYear, load_pack
from chuan_engine.facts.vocab import Degree, DisciplineForm, Rating

ROOT = Path(__file__).resolve().parents[1]


def population(n: int, on: dt.date, seed: int = 7) -> School:
    """N staff with a year record for the evaluation year; some facts missing, as in real rosters."""
    rnd = random.Random(seed)
    people = []
    for i in range(n):
        rating = rnd.choice([*Rating, None])
        discipline = rnd.choice([DisciplineForm.khong] * 6 + [DisciplineForm.khien_trach, None])
        recruited = on - dt.timedelta(days=rnd.randint(0, 30 * 365)) if rnd.random() > 0.05 else None
        people.append(Staff(
            id=f"p{i}", recruited_on=recruited, is_lecturer=rnd.random() < 0.8, degree=rnd.choice(list(Degree)),
            years=[StaffYear(year=on.year, rating=rating, discipline=discipline)] if rnd.random() > 0.05 else [],
        ))
    return School(id="bench", staff=people, inputs={"has_code_of_conduct": True})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", default=str(ROOT / "rules" / "demo"))
    ap.add_argument("--n", type=int, default=5000)
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
    school = population(args.n, on)

    t0 = time.perf_counter()
    backend = DurableBackend(pack)
    compiled = backend.compiled(on)
    compile_s = time.perf_counter() - t0
    subset = replace(pack, rules=tuple(r for r in pack.rules if r.id in backend.supported))
    entities = 1 + len(school.staff or [])

    best_core = best_durable = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = subset.evaluate([school], on)
        best_core = min(best_core, time.perf_counter() - t0)
        t0 = time.perf_counter()
        verdicts = backend.evaluate([school], on)
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
