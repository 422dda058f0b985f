"""``chuan facts --pack P``: what the pack reads of each kind of entity, so a new user knows what to fill in."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..api import open_pack
from ..i18n import pick
from ..lang import ast
from ..lang.types import ENTITY_FIELDS, YEAR_FIELDS, Type
from ..pack.plan import Plan


def register(sub: Any) -> None:
    cmd = sub.add_parser("facts", help="bộ quy tắc đọc những dữ kiện nào / which facts a pack reads")
    cmd.add_argument("--pack", required=True, help="pack name (under rules/) or path")
    cmd.add_argument("--format", choices=["table", "json"], default="table")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")


def _names(node: ast.Node) -> set[str]:
    return {n.name for n in ast.walk(node) if isinstance(n, ast.Name)}


def _vocabulary(t: Type) -> list[str] | None:
    return [m.value for m in t.vocab] if t.kind == "enum" and t.vocab is not None else None


def pack_facts(pack: Plan, lang: str) -> list[dict[str, Any]]:
    """One row per fact the rules read, by kind of entity: where it is written, its type and vocabulary, and
    whether it is given (``inputs.x`` or a field) or computed by the pack (then from what)."""
    rows: list[dict[str, Any]] = []
    for kind in pack.subjects():
        for name in sorted(_read_names(pack, kind) - {"year"}):  # the year of a record is its key, not a fact
            row = _fact_row(pack, kind, name, lang)
            if row is not None:
                rows.append(row)
    return rows


def _read_names(pack: Plan, kind: str) -> set[str]:
    """The names the rules about ``kind`` and the formulas of its variables read."""
    read: set[str] = set()
    for rule in pack.rules:
        if rule.subject == kind:
            for _, expression in rule.expressions():
                read |= _names(expression.tree)
    for (vkind, _), formula_var in pack.variables.items():
        if vkind == kind and formula_var.formula is not None:
            read |= _names(formula_var.formula.tree)
    return read


def _fact_row(pack: Plan, kind: str, name: str, lang: str) -> dict[str, Any] | None:
    """A pack variable (an input or computed) or a field of the facts; None for another name (a link)."""
    var = pack.variables.get((kind, name))
    field = YEAR_FIELDS.get(kind, {}).get(name) or ENTITY_FIELDS[kind].get(name)
    if var is not None:
        computed = var.formula is not None
        return {
            "kind": kind, "name": name, "write_as": None if computed else f"inputs.{name}",
            "type": var.declared or str(var.type), "unit": var.unit, "vocabulary": _vocabulary(var.type),
            "label": pick(var.label_vi, var.label_en, lang),
            "given": not computed, "computed_from": var.formula.text if var.formula else None}
    if field is not None:
        where = f"years[].{name}" if name in YEAR_FIELDS.get(kind, {}) else name
        return {"kind": kind, "name": name, "write_as": where, "type": str(field), "unit": None,
                "vocabulary": _vocabulary(field), "label": None, "given": True, "computed_from": None}
    return None


def cmd_facts(args: argparse.Namespace) -> int:
    rows = pack_facts(open_pack(args.pack), args.lang)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    given, computed = pick("ghi trực tiếp", "given as", args.lang), pick("tính từ", "computed from", args.lang)
    kind = None
    for r in rows:
        if r["kind"] != kind:
            kind = r["kind"]
            print(f"\n{pick('Loại', 'Kind', args.lang)}: {kind}")
        unit = f" ({r['unit']})" if r["unit"] else ""
        how = f"{given} {r['write_as']}" if r["given"] else f"{computed}: {r['computed_from']}"
        vocab = f"  [{', '.join(r['vocabulary'])}]" if r["vocabulary"] else ""
        label = f"  — {r['label']}" if r["label"] else ""
        print(f"  {r['name']:<32} {r['type'] + unit:<16} {how}{vocab}{label}")
    return 0
