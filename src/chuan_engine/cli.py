"""The ``chuan`` command. Exit codes: 0 evaluated; 1 failing verdicts with --strict; 2 bad input or rules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from .analysis.gaps import gaps_dict, render_gaps
from .api import load_pack, open_pack
from .atomic import check_output_path, write_atomic
from .authoring.check import check_path, render, render_json
from .errors import ChuanError
from .facts.loader import facts_json_schema, load_facts, load_facts_keep_going
from .i18n import pick
from .pack.find import find_pack
from .report.extras_text import extras_text
from .report.results import Report
from .report.rule_card import rule_card_json, rule_card_text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"chuan: lỗi tham số / usage error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _date_arg(text: str) -> dt.date:
    """An evaluation date as ISO (2025-06-30) or as written on Vietnamese documents (30/06/2025)."""
    try:
        if "/" in text:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"không phải ngày / not a date: {text!r} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)") from None


def _version() -> str:
    try:
        return metadata.version("chuan-engine")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _year_arg(text: str) -> int:
    if not text.isdigit() or not 1945 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


def _evaluation_args(cmd: argparse.ArgumentParser, formats: list[str]) -> None:
    """The arguments every command that evaluates facts shares (read back by ``_evaluate``)."""
    cmd.add_argument("facts", nargs="+", help="facts files or folders (YAML/JSON)")
    cmd.add_argument("--pack", required=True, help="pack name (under rules/) or path")
    when = cmd.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date_arg, help="evaluation date YYYY-MM-DD or dd/mm/yyyy (e.g. the dossier date)")
    when.add_argument("--year", type=_year_arg, help="achievement year (evaluated on 31/12)")
    cmd.add_argument("--params", help="parameter override file (YAML/JSON)")
    cmd.add_argument("--format", choices=formats, default="table")
    cmd.add_argument("--out", help="write to this file (atomically) instead of stdout")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    cmd.add_argument("--keep-going", action="store_true",
                     help="evaluate the valid entities and list the invalid ones (exit code stays 2)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="chuan", description="chuan_engine: đánh giá quy định thành quy tắc / regulations as rules")
    p.add_argument("--version", action="version", version=f"chuan {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ev = sub.add_parser("evaluate", help="đánh giá dữ kiện theo bộ quy tắc / evaluate facts")
    _evaluation_args(ev, formats=["table", "json", "html"])
    ev.add_argument("--strict", action="store_true", help="exit 1 when any verdict fails")

    gp = sub.add_parser("gaps", help="còn thiếu gì để đạt từng mức / what remains to reach each level")
    _evaluation_args(gp, formats=["table", "json"])

    rules = sub.add_parser("rules", help="liệt kê, xem, kiểm tra quy tắc / list, show, lint rules")
    rsub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
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
    chk = rsub.add_parser("check", help="phân tích tĩnh bộ quy tắc / static analysis of packs (exit 0 ok, 1 defects)")
    chk.add_argument("path", nargs="?", default="rules", help="a pack folder, or a folder of packs")
    chk.add_argument("--examples", type=int, default=40, help="generated fact sets per pack for the search")
    chk.add_argument("--format", choices=["text", "json"], default="text")
    chk.add_argument("--lang", choices=["vi", "en"], default="vi")

    sub.add_parser("schema", help="JSON Schema của tệp dữ kiện / JSON Schema of facts files")

    srv = sub.add_parser("serve", help="máy chủ web và API JSON / web page and JSON API (extra [server])")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--pack", action="append", help="serve only this pack (repeatable; default: every pack)")
    return p


def _on(args: argparse.Namespace) -> dt.date:
    on: dt.date | None = args.date
    if on:
        return on
    if args.year:
        return dt.date(args.year, 12, 31)
    return dt.date.today()


def _emit(text: str, out: str | None) -> None:
    if out:
        write_atomic(out, text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _evaluate(args: argparse.Namespace, extras: bool = True) -> Report:
    """Load the pack and facts named on the command line and evaluate them (--keep-going lists bad input)."""
    if args.out:
        check_output_path(args.out)  # a folder or a too-long name is refused before any work
    pack = open_pack(args.pack, args.params)
    if args.keep_going:
        facts, bad = load_facts_keep_going(*args.facts)
    else:
        facts, bad = load_facts(*args.facts), []
    report = pack.evaluate(facts, _on(args), lang=args.lang, extras=extras, keep_going=args.keep_going)
    report.add_input_errors(bad)
    return report


def _print_entity_errors(report: Report) -> None:
    """One line per entity in error, naming the entity once (an input error already names it)."""
    for e in report.errors:
        error = e.error or ""
        print(f"chuan: {error}" if f"'{e.id}'" in error else f"chuan: {e.kind} '{e.id}': {error}", file=sys.stderr)


def cmd_evaluate(args: argparse.Namespace) -> int:
    report = _evaluate(args)
    if args.format == "json":
        text = report.to_json()
    elif args.format == "html":
        text = report.to_html()
    else:
        text = report.to_table() + extras_text(report, args.lang)
    _emit(text, args.out)
    _print_entity_errors(report)
    if report.errors:
        return 2
    return 1 if args.strict and report.has_failures() else 0


def cmd_gaps(args: argparse.Namespace) -> int:
    report = _evaluate(args, extras=False)  # gaps need no ledger/quotas/ranking
    if args.format == "json":
        text = json.dumps(gaps_dict(report, args.lang), ensure_ascii=False, indent=2, default=str)
    else:
        text = render_gaps(report, args.lang)
    _emit(text, args.out)
    _print_entity_errors(report)
    return 2 if report.errors else 0


def cmd_rules(args: argparse.Namespace) -> int:
    if args.rules_command in ("check", "lint"):
        args.path = find_pack(args.path)  # a folder or file as given, else a pack name as --pack takes
    if args.rules_command == "check":
        results = check_path(args.path, examples=max(0, args.examples))
        print(render_json(results) if args.format == "json" else render(results, args.lang))
        return 0 if all(r.ok for r in results) else 1
    if args.rules_command == "lint":
        root = Path(args.path)
        targets = [root] if (root / "pack.yaml").exists() or root.is_file() else sorted(
            d for d in root.iterdir() if d.is_dir() and not d.name.startswith(("_", "."))
        )
        failed = 0
        for target in targets:
            try:
                pack = load_pack(target)
                print(f"ok    {target}: {pack.id} {pack.version}, {len(pack.rules)} rules")
            except ChuanError as exc:
                failed += 1
                print(f"error {exc.describe()}", file=sys.stderr)
        return 2 if failed else 0
    pack = load_pack(find_pack(args.pack))
    if args.rules_command == "list":
        for r in pack.rules:
            end = r.effective.end.isoformat() if r.effective.end else "…"
            print(f"{r.id:<55} {r.effective.start.isoformat()}→{end:<10} {r.wording_provenance.value:<11} "
                  f"{pick(r.title_vi, r.title_en, args.lang)}")
        return 0
    if args.format == "json":
        print(json.dumps(rule_card_json(pack, args.id), ensure_ascii=False, indent=2))
    else:
        print(rule_card_text(pack, args.id))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .server import create_app
    except ImportError as exc:
        print(f"chuan: cần gói bổ sung máy chủ / the server extra is missing ({exc.name}): "
              "pip install 'chuan-engine[server]'", file=sys.stderr)
        return 2
    uvicorn.run(create_app(packs=args.pack), host=args.host, port=args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "evaluate":
            return cmd_evaluate(args)
        if args.command == "gaps":
            return cmd_gaps(args)
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "schema":
            print(json.dumps(facts_json_schema(), ensure_ascii=False, indent=2))
            return 0
    except ChuanError as exc:
        print(f"chuan: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `chuan evaluate … | head`: the reader has gone; end quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
