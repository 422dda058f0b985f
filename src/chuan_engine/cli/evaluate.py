"""``chuan evaluate`` and ``chuan gaps``: verdicts and what remains, for facts files."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any

from ..analysis.gaps import gaps_dict, render_gaps
from ..errors import OutputError
from ..facts.store import Facts
from ..report.docx import write_docx
from ..report.extras_text import extras_text
from ..report.workbook import write_workbook
from .common import emit, evaluate, evaluate_facts, evaluation_args, print_entity_errors


def register(sub: Any) -> None:
    ev = sub.add_parser("evaluate", help="đánh giá dữ kiện theo bộ quy tắc / evaluate facts")
    evaluation_args(ev, formats=["table", "json", "html", "xlsx", "docx"])
    ev.add_argument("--strict", action="store_true", help="exit 1 when any verdict fails")
    ev.add_argument("--explain", choices=["text", "expr"], default="text",
                    help="vì sao: câu chữ (text) hay biểu thức của quy tắc (expr) / why: sentences or rule expressions")
    ev.add_argument("--place", help="địa danh ở dòng ngày tháng của văn bản docx (mặc định: tỉnh của trường trong "
                                    "dữ kiện, không có thì để trống để điền tay) / the place on the docx date line "
                                    "(default: the school's province in the facts, else a blank to fill by hand)")
    gp = sub.add_parser("gaps", help="còn thiếu gì để đạt từng mức / what remains to reach each level")
    evaluation_args(gp, formats=["table", "json"])


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.format in ("xlsx", "docx") and not args.out:
        raise OutputError(f"--format {args.format} cần --out TỆP / needs --out FILE")
    report, facts = evaluate_facts(args)
    match args.format:
        case "json":
            emit(report.to_json(), args.out)
        case "html":
            emit(report.to_html(explain=args.explain), args.out)
        case "xlsx":
            write_workbook(report, args.out, args.lang)
        case "docx":
            write_docx(report, args.out, args.lang, place=args.place or default_place(facts))
        case _:
            emit(report.to_table(width=table_width(args.out), explain=args.explain) + extras_text(report, args.lang),
                 args.out)
    print_entity_errors(report)
    if report.errors:
        return 2
    return 1 if args.strict and report.has_failures() else 0


def default_place(facts: Facts) -> str | None:
    """The province of the schools in the facts when they share one; else None (a blank on the document)."""
    provinces = {s.province.strip() for s in facts.schools if s.id != "_loose" and s.province}
    return provinces.pop() if len(provinces) == 1 else None


def table_width(out: str | None) -> int:
    """The terminal's width when the table goes to one (never under 80 columns); 120 for a file or a pipe."""
    if out is None and sys.stdout.isatty():
        return max(80, shutil.get_terminal_size((120, 24)).columns)
    return 120


def cmd_gaps(args: argparse.Namespace) -> int:
    report = evaluate(args, extras=False)  # gaps need no ledger/quotas/ranking
    if args.format == "json":
        text = json.dumps(gaps_dict(report, args.lang), ensure_ascii=False, indent=2, default=str)
    else:
        text = render_gaps(report, args.lang)
    emit(text, args.out)
    print_entity_errors(report)
    return 2 if report.errors else 0
