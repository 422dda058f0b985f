"""Seeded random facts for a pack, without hypothesis (used by ``chuan rules check``).

Three modes steer the search for a passing and a failing case of each rule:
``good`` (every fact at its best), ``bad`` (every fact at its worst) and
``random`` (in which one school in three has every member at their best, so a
collective title resting on all its members can be reached); titles, rewards and prizes are drawn from the text literals
of the pack's own expressions; in every mode the pack's variables are sometimes supplied
directly as ``inputs``, drawn from extremes and from the pack's own
parameter values (so ``==`` and boundary thresholds are hit).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from ..facts.models import Cluster, Initiative, Research, School, SchoolYear, Staff, StaffYear, Unit, UnitYear
from ..facts.store import Facts
from ..facts.vocab import Degree, DisciplineForm, Level, PoliticalTheory, Rating
from ..lang import ast

if TYPE_CHECKING:
    from ..pack.plan import Plan

# Facts a property or check may vary on a school or unit record beyond its declared variables.
FACT_MUTATIONS = frozenset({"rating", "degree", "initiatives", "research"})

MODES = ("good", "bad", "random")


def _pick(rng: random.Random, mode: str, values: list[Any]) -> Any:
    """Best (last) value in good mode, worst (first) in bad mode, any value or None in random mode."""
    if mode == "good":
        return values[-1]
    if mode == "bad":
        return values[0]
    return rng.choice(values + [None])


def numeric_candidates(pack: Plan) -> list[float]:
    """Extremes plus every numeric parameter value of the pack and its neighbours."""
    out = {0, 1, 2, 3, 5, 10, 20, 0.5, 0.95}
    for name in pack.parameters.names():
        for v in pack.parameters.base[name].values:
            if isinstance(v.value, int | float) and not isinstance(v.value, bool):
                out |= {v.value, v.value + 1, max(0, v.value - 1)}
                if 0 <= v.value <= 1:
                    out |= {min(1.0, v.value + 0.01), max(0.0, v.value - 0.01)}
    return sorted(out)


def string_literals(pack: Plan) -> list[str]:
    """Every text literal of the pack's expressions: the titles, rewards and prizes its rules look for."""
    trees = [e.tree for r in pack.rules for _, e in r.expressions()]
    trees += [v.formula.tree for v in pack.variables.values() if v.formula is not None]
    return sorted({n.value for t in trees for n in ast.walk(t) if isinstance(n, ast.Literal) and isinstance(n.value, str)})


def _labels(rng: random.Random, mode: str, words: list[str]) -> list[str]:
    if mode == "good":
        return list(words)
    if mode == "bad":
        return []
    return [w for w in words if rng.random() < 0.5]


def _inputs(pack: Plan, subject: str, rng: random.Random, mode: str, numbers: list[float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (kind, name), var in sorted(pack.variables.items()):
        if kind != subject:
            continue
        supply = var.formula is None or rng.random() < 0.5
        if not supply or (mode == "random" and rng.random() < 0.15):
            continue
        match var.type.kind:
            case "bool":
                out[name] = {"good": True, "bad": False}.get(mode, rng.random() < 0.5)
            case "num":
                pool = _number_pool(var.declared, name, numbers)
                out[name] = {"good": pool[-1], "bad": pool[0]}.get(mode, rng.choice(pool))
            case "date":
                out[name] = {"good": dt.date(2000, 1, 1), "bad": dt.date(2026, 12, 31)}.get(
                    mode, dt.date(rng.randint(2000, 2026), rng.randint(1, 12), 1))
            case _:
                pass  # text and other inputs are left out
    return out


def _number_pool(declared: str | None, name: str, numbers: list[float]) -> list[float]:
    """The candidate values of a numeric input: shares within [0, 1], counts whole and at least 0."""
    if declared == "share" or "share" in name or "ty_le" in name:
        return [x for x in numbers if 0 <= x <= 1]
    if declared == "integer":  # a count: a whole number of at least 0, as the input check demands
        return sorted({max(0, round(x)) for x in numbers})
    return numbers


def _staff(pack: Plan, sid: str, unit_ids: list[str], years: list[int], rng: random.Random, mode: str,
           numbers: list[float], words: list[str]) -> Staff:
    m = mode if mode != "mixed" else rng.choice(MODES)
    recs = [
        StaffYear(
            year=y,
            rating=_pick(rng, m, list(Rating)),
            party_rating=_pick(rng, m, list(Rating)),
            discipline=_pick(rng, m, list(reversed(DisciplineForm))),
            discipline_pending=_pick(rng, m, [True, False]),
            absent_days=_pick(rng, m, [90, 10, 0]),
            maternity_leave_days=0,
            training_months=_pick(rng, m, [0, 6, 24]),
            emulation_registered=_pick(rng, m, [False, True]),
            titles=_labels(rng, m, words), rewards=_labels(rng, m, words), prizes=_labels(rng, m, words),
            inputs=_inputs(pack, "staff", rng, m, numbers),
        )
        for y in years
    ]
    inits = [Initiative(id=f"{sid}_sk{y}", level=_pick(rng, m, list(Level)), year=y, applied=_pick(rng, m, [False, True]))
             for y in years if m != "bad" and (m == "good" or rng.random() < 0.5)]
    return Staff(
        id=sid,
        unit_id=rng.choice(unit_ids) if unit_ids else None,
        is_manager=_pick(rng, m, [False, True]),
        is_lecturer=_pick(rng, m, [False, True]),
        degree=_pick(rng, m, list(Degree)),
        degree_relevant=_pick(rng, m, [False, True]),
        political_theory=_pick(rng, m, list(PoliticalTheory)),
        pedagogy_cert=_pick(rng, m, [False, True]),
        active_teaching=_pick(rng, m, [False, True]),
        teaching_years_at_school=_pick(rng, m, [0.0, 3.0, 20.0]),
        recruited_on=_pick(rng, m, [dt.date(2026, 12, 1), dt.date(2023, 9, 1), dt.date(1995, 1, 1)]),
        years=recs,
        initiatives=inits,
        inputs=_inputs(pack, "staff", rng, m, numbers),
    )


def _school(pack: Plan, sid: str, rng: random.Random, mode: str, years_l: list[int], numbers: list[float],
            words: list[str]) -> School:
    """One school with two units, its staff and research, in the given mode (drawn per school when random)."""
    unit_ids = [f"{sid}_u{i}" for i in range(2)]
    n_staff = rng.randint(1, 5) if mode == "random" else 3
    staff_mode = mode if mode != "random" else ("good" if rng.random() < 1 / 3 else "mixed")
    staff = [_staff(pack, f"{sid}_s{i}", unit_ids, years_l, rng, staff_mode, numbers, words)
             for i in range(n_staff)]
    m = mode if mode != "random" else rng.choice(MODES)
    research = [Research(id=f"{sid}_dt{y}", level=_pick(rng, m, list(Level)), year=y,
                         accepted=_pick(rng, m, [False, True]), applied=_pick(rng, m, [False, True]))
                for y in years_l if m == "good" or (m == "random" and rng.random() < 0.4)]
    units = [Unit(id=u, years=[UnitYear(year=y, rating=_pick(rng, m, list(Rating)),
                                        discipline_pending=_pick(rng, m, [True, False]),
                                        titles=_labels(rng, m, words), rewards=_labels(rng, m, words),
                                        inputs=_inputs(pack, "unit", rng, m, numbers)) for y in years_l],
                  inputs=_inputs(pack, "unit", rng, m, numbers)) for u in unit_ids]
    return School(
        id=sid, name=f"Trường {sid}", staff=staff, units=units, research=research,
        years=[SchoolYear(year=y, rating=_pick(rng, m, list(Rating)), discipline_pending=_pick(rng, m, [True, False]),
                          titles=_labels(rng, m, words),
                          rewards=_labels(rng, m, words), inputs=_inputs(pack, "school", rng, m, numbers))
               for y in years_l],
        inputs=_inputs(pack, "school", rng, m, numbers),
    )


def sample_facts(pack: Plan, rng: random.Random, mode: str = "random", years: tuple[int, ...] = ()) -> Facts:
    """Two schools with units and staff, and a cluster of both, in the given mode."""
    years_l = list(years) or list(range(2016, 2027))
    numbers = numeric_candidates(pack)
    words = string_literals(pack)
    schools = [_school(pack, f"t{s}", rng, mode, years_l, numbers, words) for s in range(2)]
    cluster = Cluster(id="c0", school_ids=[s.id for s in schools],
                      inputs=_inputs(pack, "cluster", rng, mode, numbers))
    return Facts.of([*schools, cluster])
