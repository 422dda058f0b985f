"""Validated frames back to fact models, for the rules the column compiler hands to the explaining evaluator."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import ValidationError

from ..facts.models import Initiative, Research, School, SchoolYear, Staff, StaffYear, Unit, UnitYear
from ..facts.store import Facts
from .layout import SPECS, Frame
from .tables import Chunk


def _py(col: Any, i: int) -> Any:
    if not col.k[i]:
        return None
    v = col.v[i]
    kind = col.t.kind
    if kind == "enum":
        return list(col.t.vocab)[int(v)].value
    if kind == "date":
        return v.astype("datetime64[D]").item()
    if kind == "num":
        f = float(v)
        return int(f) if f.is_integer() else f
    if kind == "bool":
        return bool(v)
    return v


def _record(frame: Frame, i: int) -> dict[str, Any]:
    out: dict[str, Any] = {name: _py(c, i) for name, c in frame.cols.items()}
    if frame.year is not None:
        out["year"] = int(frame.year[i])
    inputs = {name: _py(c, i) for name, c in frame.inputs.items() if c.k[i]}
    if frame.name not in ("initiatives", "research"):
        out["inputs"] = inputs
    return out


def _rows_by(frame: Frame | None, *cols: str) -> dict[tuple[Any, ...], list[int]]:
    out: dict[tuple[Any, ...], list[int]] = {}
    if frame is None:
        return out
    keys = [frame.keys[c] for c in cols]
    for i in range(frame.n):
        out.setdefault(tuple(k[i] for k in keys), []).append(i)
    return out


class _Builder:
    """The models of one chunk's schools, built from the frame rows of each school, unit and person."""

    def __init__(self, chunk: Chunk) -> None:
        fr = self.fr = chunk.frames
        self.chunk = chunk
        self.school_years = _rows_by(fr.get("school_years"), "school_id")
        self.staff_years = _rows_by(fr.get("staff_years"), "school_id", "staff_id")
        self.unit_years = _rows_by(fr.get("unit_years"), "school_id", "unit_id")
        self.inits = _rows_by(fr.get("initiatives"), "school_id", "staff_id")
        self.research = _rows_by(fr.get("research"), "school_id", "staff_id")

    def _entity(self, kind: str, frame: str, i: int) -> dict[str, Any]:
        erow = self.chunk.ent[kind].erow[i]
        return _record(self.fr[frame], erow) if erow >= 0 else {}

    def _research(self, key: tuple[Any, ...]) -> list[Research]:
        fr = self.fr["research"]
        return [Research(id=fr.keys["research_id"][i], **_record(fr, i)) for i in self.research.get(key, [])]

    def unit(self, sid: str, u: int) -> Unit:
        uid = self.chunk.ids["unit"][u]
        years = [UnitYear(**_record(self.fr["unit_years"], i)) for i in self.unit_years.get((sid, uid), [])
                 ] if "unit_years" in self.fr else None  # no frame: the year records are not known
        return Unit(id=uid, years=years, **self._entity("unit", "units", u))

    def person(self, sid: str, p: int) -> Staff:
        fr = self.fr
        pid = self.chunk.ids["staff"][p]
        years = [StaffYear(**_record(fr["staff_years"], i)) for i in self.staff_years.get((sid, pid), [])
                 ] if "staff_years" in fr else None
        its = [Initiative(id=fr["initiatives"].keys["initiative_id"][i], **_record(fr["initiatives"], i))
               for i in self.inits.get((sid, pid), [])] if "initiatives" in fr else None  # no frame: unknown
        res = self._research((sid, pid)) if "research" in fr else None
        return Staff(id=pid, years=years, initiatives=its, research=res, **self._entity("staff", "staff", p))

    def school(self, s_idx: int, sid: str) -> School:
        chunk, fr = self.chunk, self.fr
        units = [self.unit(sid, int(u)) for u in np.flatnonzero(chunk.ent["unit"].school == s_idx)]
        staff = [self.person(sid, int(p)) for p in np.flatnonzero(chunk.ent["staff"].school == s_idx)]
        srow = chunk.schools.erow[s_idx]
        data = _record(fr["schools"], srow) if srow >= 0 else {}
        years = [SchoolYear(**_record(fr["school_years"], i)) for i in self.school_years.get((sid,), [])
                 ] if "school_years" in fr else None
        research = self._research((sid, None)) if chunk.known["research"][s_idx] else None
        return School(id=sid, years=years, research=research,
                      units=units if chunk.known["units"][s_idx] else None,
                      staff=staff if chunk.known["staff"][s_idx] else None, **data)


def chunk_models(chunk: Chunk) -> tuple[Facts, dict[tuple[str, str, str], Any], dict[str, str]]:
    """School models of a chunk keyed (kind, school id, entity id); schools that fail validation are listed."""
    build = _Builder(chunk)
    models: dict[tuple[str, str, str], Any] = {}
    failed: dict[str, str] = {}
    schools: list[School] = []
    for s_idx, sid in enumerate(chunk.ids["school"]):
        try:
            school = build.school(s_idx, sid)
        except (ValidationError, ValueError, TypeError) as exc:
            failed[sid] = f"trường '{sid}': dữ kiện không hợp lệ / invalid facts: {str(exc).splitlines()[0]}"
            continue
        schools.append(school)
        models[("school", sid, sid)] = school
        for unit in school.units or []:
            models[("unit", sid, unit.id)] = unit
        for person in school.staff or []:
            models[("staff", sid, person.id)] = person
    return Facts(schools), models, failed


_COMMON = {"inputs", "years", "kind", "id"}


def _plain(model: Any, skip: set[str]) -> dict[str, Any]:
    """A model's fields as frame cells (vocabulary members by their code), then its inputs."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name in skip:
            continue
        v = getattr(model, name)
        out[name] = v.value if hasattr(v, "value") and not isinstance(v, bool | int | float) else v
    out.update(getattr(model, "inputs", {}) or {})
    return out


def _school_rows(rows: dict[str, list[dict[str, Any]]], s: School) -> None:
    sid = s.id
    rows["schools"].append({"school_id": sid, **_plain(s, _COMMON | {"units", "staff", "research"})})
    for y in s.years or []:
        rows["school_years"].append({"school_id": sid, **_plain(y, {"inputs"})})
    for r in s.research or []:
        rows["research"].append({"school_id": sid, "staff_id": None, "research_id": r.id, **_plain(r, {"id"})})
    for u in s.units or []:
        rows["units"].append({"school_id": sid, "unit_id": u.id, **_plain(u, _COMMON)})
        for uy in u.years or []:
            rows["unit_years"].append({"school_id": sid, "unit_id": u.id, **_plain(uy, {"inputs"})})
    for p in s.staff or []:
        _person_rows(rows, sid, p)


def _person_rows(rows: dict[str, list[dict[str, Any]]], sid: str, p: Staff) -> None:
    rows["staff"].append({"school_id": sid, "staff_id": p.id, **_plain(p, _COMMON | {"initiatives", "research"})})
    for py in p.years or []:
        rows["staff_years"].append({"school_id": sid, "staff_id": p.id, **_plain(py, {"inputs"})})
    for it in p.initiatives or []:
        rows["initiatives"].append({"school_id": sid, "staff_id": p.id, "initiative_id": it.id,
                                    **_plain(it, {"id"})})
    for r in p.research or []:
        rows["research"].append({"school_id": sid, "staff_id": p.id, "research_id": r.id, **_plain(r, {"id"})})


def facts_to_frames(facts: Facts) -> dict[str, Any]:
    """The tidy frames of loaded facts (schools with their units, staff, years, items); clusters are left out."""
    import pandas as pd

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SPECS}
    for s in facts.schools:
        _school_rows(rows, s)
    staff = [p for s in facts.schools for p in s.staff or []]
    known = {"initiatives": any(p.initiatives is not None for p in staff),
             "research": any(p.research is not None for p in staff),
             "staff_years": any(p.years is not None for p in staff),
             "unit_years": any(u.years is not None for s in facts.schools for u in s.units or []),
             "school_years": any(s.years is not None for s in facts.schools)}
    out: dict[str, Any] = {}
    for name, recs in rows.items():
        if recs:
            out[name] = pd.DataFrame(recs)
        elif known.get(name):  # an empty frame says "none", no frame says "not known"
            out[name] = pd.DataFrame(columns=list(dict.fromkeys(("school_id", SPECS[name][2], *SPECS[name][3]))))
    return out
