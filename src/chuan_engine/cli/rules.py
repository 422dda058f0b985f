"""``chuan rules list|show|lint|check``: the rules of a pack, for readers and authors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..api import load_pack
from ..errors import ChuanError, RuleError, Text
from ..i18n import pick
from ..pack.find import find_pack
from ..report.rule_card import rule_card_json, rule_card_text
from .common import Parser


def register(sub: Any) -> None:
    rules = sub.add_parser("rules", help="liệt kê, xem, kiểm tra quy tắc / list, show, lint rules")
    rsub = rules.add_subparsers(dest="rules_command", required=True, parser_class=Parser)
    ls = rsub.add_parser("list")
    ls.add_argument("--pack", required=True)
    ls.add_argument("--lang", choices=["vi", "en"], default="vi")
    show = rsub.add_parser("show")
    show.add_argument("id")
    show.add_argument("--pack", required=True)
    show.add_argument("--format", choices=["text", "json"], default="text",
                      help="text: every version with its period, citation and provenance (tiếng Việt)")
    lint = rsub.add_parser("lint")
    lint.add_argument("path", nargs="?", default="rules")
    lint.add_argument("--lang", choices=["vi", "en"], default="vi")
    chk = rsub.add_parser("check", help="phân tích tĩnh bộ quy tắc / static analysis of packs (exit 0 ok, 1 defects)")
    chk.add_argument("path", nargs="?", default="rules", help="a pack folder, or a folder of packs")
    chk.add_argument("--examples", type=int, default=40, help="generated fact sets per pack for the search")
    chk.add_argument("--format", choices=["text", "json"], default="text")
    chk.add_argument("--lang", choices=["vi", "en"], default="vi")


def cmd_rules(args: argparse.Namespace) -> int:
    match args.rules_command:
        case "check":
            # loaded here so that `chuan evaluate` does not pay for the pack author's static check at start-up
            from ..authoring.check import check_path, render, render_json

            results = check_path(find_pack(args.path), examples=max(0, args.examples))
            print(render_json(results) if args.format == "json" else render(results, args.lang))
            return 0 if all(r.ok for r in results) else 1
        case "lint":
            return _lint(Path(find_pack(args.path)), args.lang)
        case "list":
            pack = load_pack(find_pack(args.pack))
            for r in pack.rules:
                end = r.effective.end.isoformat() if r.effective.end else "…"
                print(f"{r.id:<55} {r.effective.start.isoformat()}→{end:<10} {r.wording_provenance.value:<11} "
                      f"{pick(r.title_vi, r.title_en, args.lang)}")
            return 0
        case _:  # show
            pack = load_pack(find_pack(args.pack))
            if args.format == "json":
                print(json.dumps(rule_card_json(pack, args.id), ensure_ascii=False, indent=2))
            else:
                print(rule_card_text(pack, args.id))
            return 0


def _lint(root: Path, lang: str = "vi") -> int:
    """Load every pack under ``root`` (or ``root`` itself); exit 2 if any fails."""
    targets = [root] if (root / "pack.yaml").exists() or root.is_file() else sorted(
        d for d in root.iterdir() if d.is_dir() and not d.name.startswith(("_", "."))
    )
    if not targets:  # an empty folder is not "every pack passed": say that nothing was linted (issue 12)
        raise RuleError(Text("không có pack.yaml trong thư mục này", "no pack.yaml under this folder"), file=str(root))
    failed = 0
    for target in targets:
        try:
            pack = load_pack(target)
            print(f"ok    {target}: {pack.id} {pack.version}, {len(pack.rules)} {pick('quy tắc', 'rules', lang)}")
        except ChuanError as exc:
            failed += 1
            print(f"{pick('lỗi', 'error', lang)} {exc.describe(lang)}", file=sys.stderr)
    return 2 if failed else 0
