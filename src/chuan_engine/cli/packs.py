"""``chuan packs``: the packs found by name, with version, title, effective period and number of rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..api import load_pack
from ..errors import ChuanError
from ..i18n import pick
from ..pack.find import pack_names
from ..pack.plan import Plan


def register(sub: Any) -> None:
    cmd = sub.add_parser("packs", help="các bộ quy tắc có sẵn / the packs available by name")
    cmd.add_argument("--format", choices=["table", "json"], default="table")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")


def pack_row(pack: Plan, lang: str) -> dict[str, Any]:
    """What a reader chooses a pack by: name, version, title, the period its rules cover, how many rules."""
    start = min(r.effective.start for r in pack.rules)
    ends = [r.effective.end for r in pack.rules]
    end = None if None in ends else max(e for e in ends if e is not None)
    return {"id": pack.id, "version": pack.version, "title": pick(pack.header.title_vi, pack.header.title_en, lang),
            "from": start.isoformat(), "to": end.isoformat() if end else None, "rules": len(pack.rule_ids),
            "source": pack.source}


def cmd_packs(args: argparse.Namespace) -> int:
    rows, failed = [], 0
    for name, folder in pack_names().items():
        try:
            rows.append(pack_row(load_pack(folder), args.lang))
        except ChuanError as exc:  # one broken pack is reported, the others still listed
            failed += 1
            print(f"chuan: {name}: {exc.describe(args.lang)}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        head = pick("tên", "name", args.lang), pick("phiên bản", "version", args.lang)
        period, count = pick("hiệu lực", "in force", args.lang), pick("số quy tắc", "rules", args.lang)
        print(f"{head[0]:<32} {head[1]:<9} {period:<23} {count:>10}  {pick('tên bộ', 'title', args.lang)}")
        for r in rows:
            since = _date(r["from"])
            until = _date(r["to"]) if r["to"] else "…"
            print(f"{r['id']:<32} {r['version']:<9} {since + ' → ' + until:<23} {r['rules']:>10}  {r['title']}")
    return 2 if failed else 0


def _date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
