"""What every ``chuan`` command shares: the argument parser, dates, output, loading and evaluating."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from importlib import metadata

from ..api import open_pack
from ..atomic import check_output_path, write_atomic
from ..facts.loader import load_facts, load_facts_keep_going
from ..report.results import Report


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"chuan: lỗi tham số / usage error: {message}", file=sys.stderr)
        raise SystemExit(2)


def date_arg(text: str) -> dt.date:
    """An evaluation date as ISO (2025-06-30) or as written on Vietnamese documents (30/06/2025)."""
    try:
        if "/" in text:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"không phải ngày / not a date: {text!r} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)") from None


def version() -> str:
    try:
        return metadata.version("chuan-engine")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def year_arg(text: str) -> int:
    if not text.isdigit() or not 1945 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


def evaluation_args(cmd: argparse.ArgumentParser, formats: list[str]) -> None:
    """The arguments every command that evaluates facts shares (read back by ``_evaluate``)."""
    cmd.add_argument("facts", nargs="+", help="facts files or folders (YAML/JSON), or an Excel workbook / CSV file")
    cmd.add_argument("--pack", required=True, help="pack name (under rules/) or path")
    when = cmd.add_mutually_exclusive_group()
    when.add_argument("--date", type=date_arg, help="evaluation date YYYY-MM-DD or dd/mm/yyyy (e.g. the dossier date)")
    when.add_argument("--year", type=year_arg, help="achievement year (evaluated on 31/12)")
    cmd.add_argument("--params", help="parameter override file (YAML/JSON, or the .xlsx of chuan params export)")
    cmd.add_argument("--format", choices=formats, default="table")
    cmd.add_argument("--out", help="write to this file (atomically) instead of stdout")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    cmd.add_argument("--keep-going", action="store_true",
                     help="evaluate the valid entities and list the invalid ones (exit code stays 2)")


def on_date(args: argparse.Namespace) -> dt.date:
    on: dt.date | None = args.date
    if on:
        return on
    if args.year:
        return dt.date(args.year, 12, 31)
    return dt.date.today()


def emit(text: str, out: str | None) -> None:
    if out:
        write_atomic(out, text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def evaluate(args: argparse.Namespace, extras: bool = True) -> Report:
    """Load the pack and facts named on the command line and evaluate them (--keep-going lists bad input)."""
    if args.out:
        check_output_path(args.out)  # a folder or a too-long name is refused before any work
    pack = open_pack(args.pack, args.params)
    if args.keep_going:
        facts, bad = load_facts_keep_going(*args.facts)
    else:
        facts, bad = load_facts(*args.facts), []
    for note in facts.notes:  # rows the spreadsheet reader set aside on purpose (a total row) are never silent
        print(f"chuan: {note}", file=sys.stderr)
    report = pack.evaluate(facts, on_date(args), lang=args.lang, extras=extras, keep_going=args.keep_going)
    report.add_input_errors(bad)
    return report


def print_entity_errors(report: Report) -> None:
    """One line per entity in error, naming the entity once (an input error already names it)."""
    for e in report.errors:
        error = e.error or ""
        print(f"chuan: {error}" if f"'{e.id}'" in error else f"chuan: {e.kind} '{e.id}': {error}", file=sys.stderr)


