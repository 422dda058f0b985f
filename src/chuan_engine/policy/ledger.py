"""Initiative ledger (sổ theo dõi sáng kiến): one initiative, one use as a basis.

CV 5007/BNV-TĐKT (05/9/2023, REPORTED): an initiative may serve only once as the
standard for a title or reward. After evaluation, for every eligibility that a
pack's ``_ledger.yaml`` says may rest on initiatives, the ledger says what it
rests on (the rating, research, or which initiatives), and flags
- initiatives recorded as already used in an earlier year (``used_in_year``),
  which the rules do not count and which must not be proposed again;
- one initiative claimed by two eligibilities of the same evaluation, when the
  person has too few distinct initiatives for both;
- an initiative recorded as used for more than one title or reward.
Nothing here changes a verdict: the ledger informs the council.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RuleError
from ..pack.side_files import Probe, SideExpression, side_file
from ..report.outcome import Outcome

if TYPE_CHECKING:
    from ..facts.store import Facts
    from ..report.results import Report
    from ..run.views import View


@dataclass(frozen=True)
class Basis:
    """How one rule consumes initiatives: ``needs`` of those matching ``initiatives``."""

    rules: tuple[str, ...]
    needs: int
    initiatives: str
    research: str | None
    without_initiative_if: str | None
    # the period in which this basis holds (a rule whose versions consume initiatives differently has one
    # basis per version); None = always
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def _bases(data: dict[str, Any], file: str) -> list[Basis]:
    out = []
    for i, b in enumerate(data.get("bases") or []):
        if not isinstance(b, dict) or "rules" not in b or "initiatives" not in b:
            raise RuleError(f"bases[{i}] needs 'rules' and 'initiatives'", file=file)
        rules = b["rules"] if isinstance(b["rules"], list) else [b["rules"]]
        needs = b.get("needs", 1)
        if not isinstance(needs, int) or needs < 1:
            raise RuleError(f"bases[{i}].needs must be a positive integer", file=file)
        eff = b.get("effective") or {}
        if not isinstance(eff, dict) or set(eff) - {"from", "to"}:
            raise RuleError(f"bases[{i}].effective must be a mapping with 'from' and optional 'to'", file=file)
        out.append(Basis(tuple(map(str, rules)), needs, str(b["initiatives"]), b.get("research"),
                         b.get("without_initiative_if"), _date(eff.get("from"), i, file), _date(eff.get("to"), i, file)))
    return out


def _date(v: Any, i: int, file: str) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise RuleError(f"bases[{i}].effective: '{v}' is not a date (YYYY-MM-DD)", file=file) from None


def ledger_rules(data: dict[str, Any], file: str) -> list[str]:
    """Every rule id or concept the ledger's bases name (checked against the pack when it loads)."""
    return [r for b in _bases(data, file) for r in b.rules]


def ledger_expressions(data: dict[str, Any], file: str) -> list[SideExpression]:
    """The expressions of ``_ledger.yaml``, with the record each is read on (checked when the pack loads)."""
    out = []
    for b in _bases(data, file):
        what = f"ledger basis for {', '.join(b.rules)}"
        if b.without_initiative_if:
            out.append(SideExpression(str(b.without_initiative_if), "staff", what, boolean=True))
        if b.research:
            out.append(SideExpression(str(b.research), "research", what, boolean=True))
        out.append(SideExpression(b.initiatives, "initiative", what, boolean=True))
    return out


def _msg(kind: str, **kw: Any) -> tuple[str, str]:
    if kind == "earlier_use":
        return (f"Sáng kiến {kw['initiative']} đã dùng làm căn cứ năm {kw['year']}"
                f" ({', '.join(kw['used_for']) or 'không ghi'}); không được dùng lại cho {kw['rule']} (CV 5007/BNV-TĐKT).",
                f"Initiative {kw['initiative']} was already used as a basis in {kw['year']}"
                f" ({', '.join(kw['used_for']) or 'unrecorded'}); it cannot serve {kw['rule']} again (CV 5007/BNV-TĐKT).")
    if kind == "double_claim":
        return (f"Sáng kiến {kw['initiative']} được {' và '.join(kw['rules'])} cùng dùng làm căn cứ; "
                f"chỉ được dùng một lần — hội đồng chọn một.",
                f"Initiative {kw['initiative']} is claimed by both {' and '.join(kw['rules'])}; "
                f"it may serve only once — the council chooses one.")
    return (f"Sáng kiến {kw['initiative']} được ghi đã dùng cho nhiều danh hiệu, hình thức: {', '.join(kw['used_for'])}.",
            f"Initiative {kw['initiative']} is recorded as the basis of several titles/rewards: "
            f"{', '.join(kw['used_for'])}.")


def initiative_ledger(report: Report, facts: Facts) -> dict[str, Any] | None:
    """The ledger section for ``report.extras['ledger']``; None when the pack declares no ledger."""
    found = side_file(report.pack, "ledger")
    if found is None:
        return None
    data, file = found
    bases = _bases(data, file)
    probe = Probe(report.pack, facts, report.as_of, file)
    year = report.as_of.year
    by_id = {(e.school, e.id): e for e in report.entities if e.kind == "staff"}
    claims: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for view in probe.views("staff"):
        school_id = view.school.id if view.school is not None and view.school.id != "_loose" else None
        ent = by_id.get((school_id, view.model.id))
        if ent is None or ent.error:
            continue
        outcomes = {r.rule: r.outcome for r in ent.results}
        claimed: dict[str, list[str]] = {}
        for init in view.model.initiatives:
            if init.used_for and len(init.used_for) > 1:
                vi, en = _msg("recorded_multiple", initiative=init.id, used_for=init.used_for)
                flags.append({"kind": "recorded_multiple_use", "entity": view.model.id, "initiative": init.id,
                              "used_for": list(init.used_for), "message_vi": vi, "message_en": en})
        for basis in bases:
            if not basis.covers(report.as_of):
                continue
            for rule_id in basis.rules:
                outcome = outcomes.get(rule_id)
                if outcome is Outcome.passed:
                    claims.append(_claim(probe, view, rule_id, basis, year, claimed, flags))
                elif outcome in (Outcome.failed, Outcome.unknown):
                    # Not eligible (or undetermined): say which earlier-used initiatives were not counted.
                    _fresh_initiatives(probe, view, rule_id, basis, year, flags)
        for init_id, rules in claimed.items():
            if len(rules) > 1:
                vi, en = _msg("double_claim", initiative=init_id, rules=rules)
                flags.append({"kind": "double_claim", "entity": view.model.id, "initiative": init_id,
                              "claimed_by": rules, "message_vi": vi, "message_en": en})
    return {
        "rule_vi": data.get("rule_vi"),
        "rule_en": data.get("rule_en"),
        "citation": data.get("citation"),
        "provenance": data.get("provenance", "provisional"),
        "year": year,
        "claims": claims,
        "flags": flags,
    }


def _claim(probe: Probe, view: View, rule_id: str, basis: Basis, year: int,
           claimed: dict[str, list[str]], flags: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"entity": view.model.id, "rule": rule_id, "needs": basis.needs,
                           "basis": "initiatives", "initiatives": [], "research": []}
    what = f"ledger basis for {rule_id}"
    if basis.without_initiative_if and probe.value(basis.without_initiative_if, view, what) is True:
        out["basis"] = "rating"
        return out
    if basis.research:
        hits = [r.model.id for r in probe.child_views(view, "research")
                if probe.value(basis.research, r, what) is True]
        if len(hits) >= basis.needs:
            out.update(basis="research", research=hits[:basis.needs])
            return out
    fresh = _fresh_initiatives(probe, view, rule_id, basis, year, flags)
    free = [i for i in fresh if i not in claimed]
    chosen = (free + [i for i in fresh if i in claimed])[:basis.needs]
    for i in chosen:
        claimed.setdefault(i, []).append(rule_id)
    out["initiatives"] = chosen
    if len(chosen) < basis.needs:
        out["basis"] = "insufficient"
    return out


def _fresh_initiatives(probe: Probe, view: View, rule_id: str, basis: Basis, year: int,
                       flags: list[dict[str, Any]]) -> list[str]:
    """Initiatives that may serve ``rule_id`` this year; earlier-used ones are flagged and left out."""
    what = f"ledger basis for {rule_id}"
    fresh: list[str] = []
    for iv in probe.child_views(view, "initiatives"):
        if probe.value(basis.initiatives, iv, what) is not True:
            continue
        init = iv.model
        if init.used_in_year is not None and init.used_in_year < year:
            vi, en = _msg("earlier_use", initiative=init.id, year=init.used_in_year,
                          used_for=list(init.used_for or []), rule=rule_id)
            flags.append({"kind": "used_in_earlier_year", "entity": view.model.id, "initiative": init.id,
                          "used_in_year": init.used_in_year, "used_for": list(init.used_for or []),
                          "rule": rule_id, "message_vi": vi, "message_en": en})
            continue
        fresh.append(init.id)
    return fresh
