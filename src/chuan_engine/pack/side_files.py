"""Pack side files (``_ledger.yaml``, ``_quotas.yaml``, ``_ranking.yaml``) and report extras.

Side files are part of the pack: ``load_pack`` reads them (``read_side_files``),
checks their shape and parses and type-checks every expression they hold
(``compile_side_files``; errors name the side file), and keeps them on
``RulePack.sidecars``, so evaluation does no file I/O. ``RulePack.evaluate``
then runs the post-evaluation steps (initiative ledger, quotas, ranking) that
the pack declares (``attach_extras``). Expressions in side files use the
pack's expression language and are evaluated by the same explaining evaluator
as the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ChuanError, RuleError
from ..facts.store import Facts
from ..lang import ast
from ..lang.checker import CheckContext, Checker
from ..lang.logic import UNKNOWN
from ..lang.parser import parse
from ..lang.types import Type
from ..run.explain import Evaluation
from ..run.views import View
from ..yamlio import read_data

if TYPE_CHECKING:
    from ..report.results import Report
    from .plan import RulePack

SIDE_FILES = ("ledger", "quotas", "ranking")


@dataclass(frozen=True)
class SideExpression:
    """One expression of a side file: its text, the record kind it is read on, what it is for."""

    text: str
    kind: str
    what: str
    boolean: bool = False


@dataclass(frozen=True)
class SideFile:
    """A side file as loaded with its pack: the mapping, its path, its expressions type-checked."""

    name: str
    data: Mapping[str, Any]
    file: str
    trees: Mapping[tuple[str, str], ast.Node] = field(default_factory=dict)  # (text, kind) -> parsed tree
    params_read: frozenset[str] = frozenset()


def read_side_files(root: str | Path) -> dict[str, tuple[dict[str, Any], str]]:
    """The mappings in ``<pack folder>/_<name>.yaml`` for each known side file present (name -> (data, path))."""
    root = Path(root)
    out: dict[str, tuple[dict[str, Any], str]] = {}
    if not root.is_dir():
        return out
    for name in SIDE_FILES:
        path = root / f"_{name}.yaml"
        if not path.is_file():
            continue
        data = read_data(path, RuleError)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise RuleError(f"_{name}.yaml must be a mapping", file=str(path))
        out[name] = (data, str(path))
    return out


def side_expressions(name: str, data: dict[str, Any], file: str) -> list[SideExpression]:
    """Every expression of one side file (its shape checked on the way; errors name the file)."""
    from ..policy.ledger import ledger_expressions
    from ..policy.quotas import quota_expressions
    from ..policy.ranking import ranking_expressions

    build = {"ledger": ledger_expressions, "quotas": quota_expressions, "ranking": ranking_expressions}[name]
    return build(data, file)


def check_expression(pack: RulePack, text: str, kind: str, what: str, file: str,
                     params_read: set[str] | None = None, boolean: bool = False) -> ast.Node:
    """Parse and type-check ``text`` for a record of ``kind`` against ``pack``; errors name the side file."""

    def variable_type(k: str, name: str, pos: int) -> Type | None:
        var = pack.variables.get((k, name))
        return var.type if var is not None else None

    def rule_subject(ref: str) -> str | None:
        versions = pack.versions(ref)
        return versions[0].subject if versions else None

    preads: set[str] = set() if params_read is None else params_read
    try:
        tree = parse(text)
        ctx = CheckContext(text, variable_type, lambda n: n in pack.parameters, rule_subject, set(), preads, set())
        got = Checker(ctx).check(tree, kind)
    except RuleError as exc:
        raise type(exc)(f"{what}: {exc.message}", file=file, position=exc.position, expression=text) from None
    if boolean and got.kind not in ("any", "bool"):
        raise RuleError(f"{what}: '{text}' must be true or false, but it is {got}", file=file)
    return tree


def compile_side_files(pack: RulePack, found: Mapping[str, tuple[dict[str, Any], str]]) -> dict[str, SideFile]:
    """Side files checked against a compiled pack: shape, parameters named, every expression typed."""
    out: dict[str, SideFile] = {}
    for name, (data, file) in found.items():
        trees: dict[tuple[str, str], ast.Node] = {}
        params: set[str] = set()
        for e in side_expressions(name, data, file):
            if (e.text, e.kind) not in trees:
                trees[(e.text, e.kind)] = check_expression(pack, e.text, e.kind, e.what, file, params, e.boolean)
        if name == "ledger":
            from ..policy.ledger import ledger_rules

            for ref in ledger_rules(data, file):
                if not pack.versions(ref):
                    raise RuleError(f"ledger basis names unknown rule or concept '{ref}'", file=file)
        if name == "quotas":
            for q in data.get("quotas") or []:
                cap = q["cap_parameter"]
                if cap not in pack.parameters:
                    raise RuleError(f"quota '{q['id']}' names unknown parameter '{cap}'", file=file)
                params.add(cap)
                for key in ("concept", "base"):
                    if not pack.versions(str(q[key])):
                        raise RuleError(f"quota '{q['id']}': {key} '{q[key]}' names no rule or concept of the pack",
                                        file=file)
        out[name] = SideFile(name, data, file, trees, frozenset(params))
    return out


def side_params(found: Mapping[str, tuple[dict[str, Any], str]]) -> set[str]:
    """Parameters named by side files, read from their text alone (for the static check, before compiling)."""
    out: set[str] = set()
    for name, (data, file) in found.items():
        try:
            items = side_expressions(name, data, file)
        except ChuanError:
            continue
        for e in items:
            try:
                tree = parse(e.text)
            except ChuanError:
                continue
            out |= {n.name for n in ast.walk(tree) if isinstance(n, ast.Param)}
        if name == "quotas":
            out |= {str(q["cap_parameter"]) for q in data.get("quotas") or [] if isinstance(q, dict)
                    and "cap_parameter" in q}
    return out


def side_file(pack: RulePack, name: str) -> tuple[dict[str, Any], str] | None:
    """The mapping of the pack's ``_<name>.yaml`` (loaded with the pack), or None when the pack has none."""
    sf = pack.sidecars.get(name)
    return None if sf is None else (dict(sf.data), sf.file)


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
        for sf in self.pack.sidecars.values():  # checked when the pack was loaded
            if sf.file == self.file:
                self._parsed.update(sf.trees)

    def prepare(self, text: str, kind: str, what: str) -> Any:
        """The checked tree of ``text`` for a record of ``kind`` (an ad-hoc configuration is checked here)."""
        key = (text, kind)
        if key not in self._parsed:
            self._parsed[key] = check_expression(self.pack, text, kind, what, self.file)
        return self._parsed[key]

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
    from ..policy.ledger import initiative_ledger
    from ..policy.quotas import quota_report
    from ..policy.ranking import cluster_ranking

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
