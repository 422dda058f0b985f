"""Pack side files (``_ledger.yaml``, ``_quotas.yaml``, ``_ranking.yaml``) and report extras.

The pack loader skips files whose name starts with ``_``; the post-evaluation
steps (initiative ledger, quotas, ranking) read them here. Expressions in
side files use the pack's expression language, are type-checked against the
pack, and are evaluated by the same explaining evaluator as the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Evaluation
from .errors import ChuanError, RuleError
from .expr.checker import CheckContext, Checker
from .expr.parser import parse
from .expr.types import Type
from .facts.store import Facts
from .logic import UNKNOWN
from .views import View
from .yamlio import read_data

if TYPE_CHECKING:
    from .pack import RulePack
    from .report import Report


def side_file(pack: RulePack, name: str) -> tuple[dict[str, Any], str] | None:
    """The mapping in ``<pack folder>/_<name>.yaml``, or None when the pack has none."""
    root = Path(pack.source)
    path = root / f"_{name}.yaml"
    if not root.is_dir() or not path.is_file():
        return None
    data = read_data(path, RuleError)
    if not isinstance(data, dict):
        raise RuleError(f"_{name}.yaml must be a mapping", file=str(path))
    return data, str(path)


@dataclass
class Probe:
    """Evaluates side-file expressions on facts at one date, caching parsed expressions."""

    pack: RulePack
    facts: Facts
    on: dt.date
    file: str
    _run: Evaluation = field(init=False)
    _parsed: dict[tuple[str, str], Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._run = Evaluation(self.pack, self.facts)

    def prepare(self, text: str, kind: str, what: str) -> Any:
        """Parse and type-check ``text`` for a record of ``kind``; errors name the side file."""
        key = (text, kind)
        if key in self._parsed:
            return self._parsed[key]
        pack = self.pack

        def variable_type(k: str, name: str, pos: int) -> Type | None:
            var = pack.variables.get((k, name))
            return var.type if var is not None else None

        def rule_subject(ref: str) -> str | None:
            versions = pack.versions(ref)
            return versions[0].subject if versions else None

        try:
            tree = parse(text)
            ctx = CheckContext(text, variable_type, lambda n: n in pack.parameters, rule_subject, set(), set(), set())
            Checker(ctx).check(tree, kind)
        except RuleError as exc:
            raise RuleError(f"{what}: {exc.message}", file=self.file) from None
        self._parsed[key] = tree
        return tree

    def value(self, text: str, view: View, what: str) -> Any:
        tree = self.prepare(text, view.kind, what)
        try:
            value, _ = self._run.value_of(tree, view, text)
        except ChuanError as exc:
            raise RuleError(f"{what}: {exc.message}", file=self.file, rule=None) from None
        return value

    def views(self, kind: str) -> Iterator[View]:
        for k, model, school in self.facts.entities():
            if k == kind:
                yield View(k, model, self.on, school, self.facts)

    def child_views(self, view: View, link: str) -> list[View]:
        items = view.link(link)
        return [] if items is UNKNOWN else list(items)


def attach_extras(report: Report, facts: Facts) -> Report:
    """Add the ledger, quota and ranking sections a pack declares (in place; returns the report)."""
    from .ledger import initiative_ledger
    from .quotas import quota_report
    from .ranking import cluster_ranking

    for name, build in (("ledger", initiative_ledger), ("quotas", quota_report), ("ranking", cluster_ranking)):
        section = build(report, facts)
        if section is not None:
            report.extras[name] = section
    return report


def extras_text(report: Report, lang: str = "vi") -> str:
    """A plain-text rendering of the ledger, quota and ranking sections, appended to the table."""
    vi = lang == "vi"
    lines: list[str] = []
    ledger = report.extras.get("ledger")
    if ledger is not None:
        lines += ["", "═" * 100, "Sổ theo dõi sáng kiến (CV 5007/BNV-TĐKT)" if vi else "Initiative ledger (CV 5007/BNV-TĐKT)"]
        for c in ledger["claims"]:
            basis = {"rating": "xếp loại HTXSNV" if vi else "HTXSNV rating",
                     "research": ", ".join(c["research"]),
                     "insufficient": ("không đủ sáng kiến: " if vi else "too few initiatives: ") + ", ".join(c["initiatives"]),
                     }.get(c["basis"], ", ".join(c["initiatives"]))
            lines.append(f"  {c['entity']:<28} {c['rule']:<45} ← {basis}")
        for f in ledger["flags"]:
            lines.append(f"  ⚠ {f['entity']}: {f['message_vi'] if vi else f['message_en']}")
    for q in report.extras.get("quotas") or []:
        lines += ["", "═" * 100, q["message_vi"] if vi else q["message_en"]]
        for c in q["candidates"]:
            mark = {"within_cap": "  trong tỷ lệ" if vi else "  within cap",
                    "over_cap": "  NGOÀI TỶ LỆ" if vi else "  OVER CAP",
                    "tied_at_cap": "  ĐỒNG HẠNG TẠI NGƯỠNG — hội đồng bỏ phiếu" if vi else "  TIED AT CAP — council votes",
                    }.get(c["status"], "")
            tie = f"  (đồng hạng: {', '.join(c['tied_with'])})" if c["tied_with"] and vi else \
                (f"  (tied: {', '.join(c['tied_with'])})" if c["tied_with"] else "")
            lines.append(f"  {c['rank']:>3}. {c['entity']:<28}{mark}{tie}")
    for r in report.extras.get("ranking") or []:
        lines += ["", "═" * 100, r["message_vi"] if vi else r["message_en"]]
        for row in r["rows"]:
            tie = "  (đồng hạng)" if row["tied_with"] and vi else ("  (tied)" if row["tied_with"] else "")
            lines.append(f"  {row['rank']:>3}. {row['school']:<28} {row['score']}{tie}")
    return "\n".join(lines)
