"""Initiative ledger (sổ theo dõi sáng kiến): one initiative, one use as a basis.

CV 5007/BNV-TĐKT (05/9/2023, REPORTED): an initiative may serve only once as the
standard for a title or reward. After evaluation, for every eligibility that a
pack's ``_ledger.yaml`` says may rest on initiatives, the ledger says what it
rests on (the rating, research, or which initiatives), and flags
- initiatives recorded as already used in an earlier year (``used_in_year``),
  which the rules do not count and which must not be proposed again;
- initiatives whose use is not known (neither ``used: false`` nor a year of use:
  issue 12), possibly used, so not offered as a basis until the records say;
- one initiative claimed by two eligibilities of the same evaluation, when the
  person has too few distinct initiatives for both;
- an initiative recorded as used for more than one title or reward.
Nothing here changes a verdict: the ledger informs the council.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Text
from ..pack.side_files import side_file
from ..pack.side_specs import Basis, ledger_bases
from ..report.outcome import Outcome
from .probe import Probe

if TYPE_CHECKING:
    from ..facts.store import Facts
    from ..report.results import Report
    from ..run.views import View


def _msg(kind: str, **kw: Any) -> tuple[str, str]:
    if kind == "earlier_use":
        return (f"Sáng kiến {kw['initiative']} đã dùng làm căn cứ năm {kw['year']}"
                f" ({', '.join(kw['used_for']) or 'không ghi'}); không được dùng lại cho {kw['rule']} (CV 5007/BNV-TĐKT).",
                f"Initiative {kw['initiative']} was already used as a basis in {kw['year']}"
                f" ({', '.join(kw['used_for']) or 'unrecorded'}); it cannot serve {kw['rule']} again (CV 5007/BNV-TĐKT).")
    if kind == "use_unknown":
        return (f"Sáng kiến {kw['initiative']} chưa rõ đã dùng làm căn cứ khen thưởng năm nào"
                f" ({', '.join(kw['used_for']) or 'chưa ghi used hoặc used_in_year'}): có thể đã dùng, không lấy làm"
                f" căn cứ cho {kw['rule']} cho đến khi sổ theo dõi ghi rõ (CV 5007/BNV-TĐKT).",
                f"Initiative {kw['initiative']}: whether and when it was used as a basis is not recorded"
                f" ({', '.join(kw['used_for']) or 'no used or used_in_year'}): possibly used, not offered as a basis"
                f" for {kw['rule']} until the records say (CV 5007/BNV-TĐKT).")
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
    bases = ledger_bases(data, file)
    probe = Probe(report.pack, facts, report.as_of, file)
    year = report.as_of.year
    in_force = [b for b in bases if b.covers(report.as_of)]
    by_id = {(e.school, e.id): e for e in report.entities if e.kind == "staff"}
    claims: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for view in probe.views("staff"):
        school_id = view.school.id if view.school is not None and view.school.id != "_loose" else None
        ent = by_id.get((school_id, view.model.id))
        if ent is not None and not ent.error:
            _person(probe, view, {r.rule: r.outcome for r in ent.results}, in_force, year, claims, flags)
    return {
        "rule_vi": data.get("rule_vi"),
        "rule_en": data.get("rule_en"),
        "citation": data.get("citation"),
        "provenance": data.get("provenance", "provisional"),
        "year": year,
        "claims": claims,
        "flags": flags,
    }


def _person(probe: Probe, view: View, outcomes: dict[str, Outcome], bases: list[Basis], year: int,
            claims: list[dict[str, Any]], flags: list[dict[str, Any]]) -> None:
    """One person's claims and flags (appended): what each eligibility rests on, and what may not be reused."""
    claimed: dict[str, list[str]] = {}
    for init in view.model.initiatives or []:  # not given: the ledger has nothing to list
        if init.used_for and len(init.used_for) > 1:
            vi, en = _msg("recorded_multiple", initiative=init.id, used_for=init.used_for)
            flags.append({"kind": "recorded_multiple_use", "entity": view.model.id, "initiative": init.id,
                          "used_for": list(init.used_for), "message_vi": vi, "message_en": en})
    for basis in bases:
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


def _claim(probe: Probe, view: View, rule_id: str, basis: Basis, year: int,
           claimed: dict[str, list[str]], flags: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"entity": view.model.id, "rule": rule_id, "needs": basis.needs,
                           "basis": "initiatives", "initiatives": [], "research": []}
    what = Text(f"cơ sở sổ sáng kiến của {rule_id}", f"ledger basis for {rule_id}")
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
    """Initiatives that may serve ``rule_id`` this year; earlier-used ones and those of unknown use (possibly
    used, issue 12) are flagged and left out."""
    what = Text(f"cơ sở sổ sáng kiến của {rule_id}", f"ledger basis for {rule_id}")
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
        if init.used_in_year is None and init.use_known is not False:  # used, year not known; or not known
            vi, en = _msg("use_unknown", initiative=init.id, used_for=list(init.used_for or []), rule=rule_id)
            flags.append({"kind": "use_unknown", "entity": view.model.id, "initiative": init.id,
                          "used_for": list(init.used_for or []), "rule": rule_id,
                          "message_vi": vi, "message_en": en})
            continue
        fresh.append(init.id)
    return fresh
