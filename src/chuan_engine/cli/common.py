"""What every ``chuan`` command shares: the argument parser, dates, output, loading and evaluating."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from ..api import RulePack, open_pack
from ..atomic import check_output_path, write_atomic
from ..errors import FactsError, UsageError
from ..facts.loader import _entities_in, load_facts, load_facts_keep_going, parse_entity
from ..facts.store import Facts
from ..i18n import pick
from ..report.results import Report
from ..yamlio import parse_text


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
    cmd.add_argument("facts", nargs="+", help="tệp hoặc thư mục dữ kiện (YAML/JSON), sổ Excel hoặc CSV; - là đầu vào chuẩn / "
                     "facts files or folders (YAML/JSON), an Excel workbook or CSV file, - for stdin")
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


def on_date(args: argparse.Namespace, facts: Facts) -> dt.date:
    """--date, else 31/12 of --year, else the one dossier date every school carries; never a silent today."""
    on: dt.date | None = args.date
    if on:
        return on
    if args.year:
        return dt.date(args.year, 12, 31)
    schools = [s for s in facts.schools if s.id != "_loose"]
    dates = {s.dossier_date for s in schools}
    given = sorted(d for d in dates if d is not None)
    if schools and len(dates) == 1 and given:
        return given[0]
    lang = getattr(args, "lang", "vi")
    if len(given) > 1:
        shown = ", ".join(d.strftime("%d/%m/%Y") for d in given)
        raise UsageError(pick(f"các trường có ngày hồ sơ khác nhau ({shown}); hãy chọn --date (dd/mm/yyyy)",
                              f"the schools carry different dossier dates ({shown}); choose one with --date "
                              "(YYYY-MM-DD or dd/mm/yyyy)", lang))
    raise UsageError(pick("thiếu ngày đánh giá: dùng --date dd/mm/yyyy (hoặc YYYY-MM-DD) hoặc --year YYYY, "
                          "hoặc ghi dossier_date cho mọi trường trong dữ kiện",
                          "no evaluation date: give --date YYYY-MM-DD (or dd/mm/yyyy) or --year YYYY, "
                          "or a dossier_date for every school in the facts", lang))


def emit(text: str, out: str | None) -> None:
    if out:
        write_atomic(out, text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def evaluate(args: argparse.Namespace, extras: bool = True) -> Report:
    """Load the pack and facts named on the command line and evaluate them (--keep-going lists bad input)."""
    return evaluate_facts(args, extras)[0]


def evaluate_facts(args: argparse.Namespace, extras: bool = True) -> tuple[Report, Facts]:
    """As ``evaluate``, with the facts read (a document takes its place line from them)."""
    if args.out:
        check_output_path(args.out)  # a folder or a too-long name is refused before any work
    pack = open_pack(args.pack, args.params)
    facts, bad = read_facts(args.facts, args.keep_going)
    for note in facts.notes:  # rows the spreadsheet reader set aside on purpose (a total row) are never silent
        print(f"chuan: {note}", file=sys.stderr)
    on = on_date(args, facts)
    with progress_bar(pack, facts, args.lang) as tick:
        report = pack.evaluate(facts, on, lang=args.lang, extras=extras, keep_going=args.keep_going, progress=tick)
    report.add_input_errors(bad)
    return report, facts


@contextmanager
def progress_bar(pack: RulePack, facts: Facts, lang: str) -> Iterator[Callable[[], None] | None]:
    """A bar on stderr for runs of several entities, only when stderr is a terminal and tqdm is installed."""
    subjects = set(pack.subjects())
    total = sum(1 for kind, _, _ in facts.entities() if kind in subjects)
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    try:
        from tqdm import tqdm  # optional (the batch extra): without it, no bar
    except ImportError:
        yield None
        return
    with tqdm(total=total, file=sys.stderr, unit=pick(" đối tượng", " entities", lang), leave=False) as bar:
        def tick() -> None:
            bar.update(1)

        yield tick


def read_facts(paths: list[str], keep_going: bool) -> tuple[Facts, list[FactsError]]:
    """The facts files and folders named, ``-`` being standard input (YAML or JSON, told apart by its first
    character)."""
    files = [p for p in paths if p != "-"]
    if keep_going:
        facts, bad = load_facts_keep_going(*files) if files else (Facts(), [])
    else:
        facts, bad = (load_facts(*files) if files else Facts()), []
    if "-" not in paths:
        return facts, bad
    entities: list[Any] = [*facts.schools, *facts.clusters]
    origin = dict(facts.origin)
    for item in _entities_in(parse_text(sys.stdin.read(), STDIN, FactsError), STDIN):
        try:
            entity = parse_entity(item, STDIN)
            if entity.id in origin:
                raise FactsError(f"mã đối tượng bị lặp (đã có trong {origin[entity.id]}) / duplicate entity id "
                                 f"(first in {origin[entity.id]})", file=STDIN, entity=entity.id)
        except FactsError as exc:
            if not keep_going:
                raise
            bad.append(exc)
            continue
        origin[entity.id] = STDIN
        entities.append(entity)
    merged = Facts.of(entities)
    merged.origin.update(origin)
    return merged, bad


STDIN = "<stdin>"


def print_entity_errors(report: Report) -> None:
    """One line per entity in error, naming the entity once (an input error already names it)."""
    for e in report.errors:
        error = e.error or ""
        print(f"chuan: {error}" if f"'{e.id}'" in error else f"chuan: {e.kind} '{e.id}': {error}", file=sys.stderr)


