"""Pack side files (``_ledger.yaml``, ``_quotas.yaml``, ``_ranking.yaml``) and report extras.

Side files are part of the pack: ``load_pack`` reads them (``read_side_files``),
checks their shape and parses and type-checks every expression they hold
(``compile_side_files``; errors name the side file), and keeps them on
``Plan.sidecars``, so evaluation does no file I/O. The policy layer
(``chuan_engine.policy``) runs them after the rules (initiative ledger,
quotas, ranking). Expressions in side files use the pack's expression
language and are evaluated by the same explaining evaluator as the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ChuanError, RuleError, Text, at
from ..lang import ast
from ..lang.checker import CheckContext, Checker
from ..lang.parser import parse
from ..lang.types import Type
from ..yamlio import read_data
from .side_specs import (
    SideExpression,
    ledger_expressions,
    ledger_rules,
    quota_expressions,
    ranking_expressions,
)

if TYPE_CHECKING:
    from .plan import Plan

SIDE_FILES = ("ledger", "quotas", "ranking")


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
        inside_pack(root, path)
        data = read_data(path, RuleError)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise RuleError(Text(f"_{name}.yaml phải là một bản ghi (khóa: giá trị)",
                                 f"_{name}.yaml must be a mapping (key: value)"), file=str(path))
        out[name] = (data, str(path))
    return out


def inside_pack(root: Path, file: Path) -> None:
    """A pack is its folder: a link to a YAML file elsewhere would load rules nobody reviewed with it (issue 12)."""
    if not file.resolve().is_relative_to(root.resolve()):
        raise RuleError(Text(f"tệp là liên kết tới một tệp ngoài thư mục bộ quy tắc: {file.resolve()}",
                             f"the file links to a file outside the pack folder: {file.resolve()}"), file=str(file))


def side_expressions(name: str, data: dict[str, Any], file: str) -> list[SideExpression]:
    """Every expression of one side file (its shape checked on the way; errors name the file)."""
    build = {"ledger": ledger_expressions, "quotas": quota_expressions, "ranking": ranking_expressions}[name]
    return build(data, file)


def check_expression(pack: Plan, text: str, kind: str, what: str | Text, file: str,
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
        raise type(exc)(at(what, exc.text or exc.message), file=file, position=exc.position,
                        expression=text) from None
    if boolean and got.kind not in ("any", "bool"):
        raise RuleError(at(what, Text(f"'{text}' phải đúng hoặc sai (true/false), nhưng là {got}",
                                      f"'{text}' must be true or false, but it is {got}")), file=file)
    return tree


def compile_side_files(pack: Plan, found: Mapping[str, tuple[dict[str, Any], str]]) -> dict[str, SideFile]:
    """Side files checked against a compiled pack: shape, parameters named, every expression typed."""
    out: dict[str, SideFile] = {}
    for name, (data, file) in found.items():
        trees: dict[tuple[str, str], ast.Node] = {}
        params: set[str] = set()
        for e in side_expressions(name, data, file):
            if (e.text, e.kind) not in trees:
                trees[(e.text, e.kind)] = check_expression(pack, e.text, e.kind, e.what, file, params, e.boolean)
        if name == "ledger":
            for ref in ledger_rules(data, file):
                if not pack.versions(ref):
                    raise RuleError(Text(f"cơ sở sổ sáng kiến gọi quy tắc hay khái niệm không có '{ref}'",
                                         f"ledger basis names unknown rule or concept '{ref}'"), file=file)
        if name == "quotas":
            for q in data.get("quotas") or []:
                cap = q["cap_parameter"]
                if cap not in pack.parameters:
                    raise RuleError(Text(f"chỉ tiêu '{q['id']}' gọi tham số không có '{cap}'",
                                         f"quota '{q['id']}' names unknown parameter '{cap}'"), file=file)
                params.add(cap)
                for key in ("concept", "base"):
                    if not pack.versions(str(q[key])):
                        raise RuleError(Text(f"chỉ tiêu '{q['id']}': {key} '{q[key]}' không phải quy tắc hay khái "
                                             "niệm nào của bộ quy tắc",
                                             f"quota '{q['id']}': {key} '{q[key]}' names no rule or concept of the pack"),
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


def side_file(pack: Plan, name: str) -> tuple[dict[str, Any], str] | None:
    """The mapping of the pack's ``_<name>.yaml`` (loaded with the pack), or None when the pack has none."""
    sf = pack.sidecars.get(name)
    return None if sf is None else (dict(sf.data), sf.file)
