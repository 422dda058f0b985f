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


def chunk_models(chunk: Chunk) -> tuple[Facts, dict[tuple[str, str, str], Any], dict[str, str]]:
    """School models of a chunk keyed (kind, school id, entity id); schools that fail validation are listed."""
    fr = chunk.frames
    by = {name: _rows_by(fr.get(name), "school_id") for name in SPECS}
    staff_years = _rows_by(fr.get("staff_years"), "school_id", "staff_id")
    unit_years = _rows_by(fr.get("unit_years"), "school_id", "unit_id")
    inits = _rows_by(fr.get("initiatives"), "school_id", "staff_id")
    research = _rows_by(fr.get("research"), "school_id", "staff_id")
    models: dict[tuple[str, str, str], Any] = {}
    failed: dict[str, str] = {}
    schools: list[School] = []
    ids = chunk.ids
    for s_idx, sid in enumerate(ids["school"]):
        try:
            units: list[Unit] = []
            for u in np.flatnonzero(chunk.ent["unit"].school == s_idx):
                uid = ids["unit"][u]
                erow = chunk.ent["unit"].erow[u]
                data = _record(fr["units"], erow) if erow >= 0 else {}
                uyears = [UnitYear(**_record(fr["unit_years"], i)) for i in unit_years.get((sid, uid), [])
                          ] if "unit_years" in fr else None  # no frame: the year records are not known
                units.append(Unit(id=uid, years=uyears, **data))
            staff: list[Staff] = []
            for p in np.flatnonzero(chunk.ent["staff"].school == s_idx):
                pid = ids["staff"][p]
                erow = chunk.ent["staff"].erow[p]
                data = _record(fr["staff"], erow) if erow >= 0 else {}
                pyears = [StaffYear(**_record(fr["staff_years"], i)) for i in staff_years.get((sid, pid), [])
                          ] if "staff_years" in fr else None
                its = [Initiative(id=fr["initiatives"].keys["initiative_id"][i], **_record(fr["initiatives"], i))
                       for i in inits.get((sid, pid), [])] if "initiatives" in fr else None  # no frame: unknown
                res = [Research(id=fr["research"].keys["research_id"][i], **_record(fr["research"], i))
                       for i in research.get((sid, pid), [])] if "research" in fr else None
                staff.append(Staff(id=pid, years=pyears, initiatives=its, research=res, **data))
            srow = chunk.schools.erow[s_idx]
            data = _record(fr["schools"], srow) if srow >= 0 else {}
            syears = [SchoolYear(**_record(fr["school_years"], i)) for i in by["school_years"].get((sid,), [])
                      ] if "school_years" in fr else None
            sres = None
            if chunk.known["research"][s_idx]:
                sres = [Research(id=fr["research"].keys["research_id"][i], **_record(fr["research"], i))
                        for i in research.get((sid, None), [])]
            school = School(id=sid, years=syears, research=sres,
                            units=units if chunk.known["units"][s_idx] else None,
                            staff=staff if chunk.known["staff"][s_idx] else None, **data)
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


def facts_to_frames(facts: Facts) -> dict[str, Any]:
    """The tidy frames of loaded facts (schools with their units, staff, years, items); clusters are left out."""
    import pandas as pd

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SPECS}

    def plain(model: Any, skip: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in type(model).model_fields:
            if name in skip:
                continue
            v = getattr(model, name)
            out[name] = v.value if hasattr(v, "value") and not isinstance(v, bool | int | float) else v
        out.update(getattr(model, "inputs", {}) or {})
        return out

    common = {"inputs", "years", "kind", "id"}
    for s in facts.schools:
        sid = s.id
        rows["schools"].append({"school_id": sid, **plain(s, common | {"units", "staff", "research"})})
        for y in s.years or []:
            rows["school_years"].append({"school_id": sid, **plain(y, {"inputs"})})
        for r in s.research or []:
            rows["research"].append({"school_id": sid, "staff_id": None, "research_id": r.id, **plain(r, {"id"})})
        for u in s.units or []:
            rows["units"].append({"school_id": sid, "unit_id": u.id, **plain(u, common)})
            for uy in u.years or []:
                rows["unit_years"].append({"school_id": sid, "unit_id": u.id, **plain(uy, {"inputs"})})
        for p in s.staff or []:
            rows["staff"].append({"school_id": sid, "staff_id": p.id,
                                  **plain(p, common | {"initiatives", "research"})})
            for py in p.years or []:
                rows["staff_years"].append({"school_id": sid, "staff_id": p.id, **plain(py, {"inputs"})})
            for it in p.initiatives or []:
                rows["initiatives"].append({"school_id": sid, "staff_id": p.id, "initiative_id": it.id,
                                            **plain(it, {"id"})})
            for r in p.research or []:
                rows["research"].append({"school_id": sid, "staff_id": p.id, "research_id": r.id,
                                         **plain(r, {"id"})})
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
