"""The ``chuan`` command. Exit codes: 0 evaluated; 1 failing verdicts with --strict; 2 bad input or rules.

One module per command (``register`` adds its arguments, ``cmd_*`` runs it); ``main`` dispatches.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from ..errors import ChuanError
from ..facts.loader import facts_json_schema
from . import evaluate, facts, packs, params, rules, serve, template
from .common import Parser, version


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="chuan", description="chuan_engine: đánh giá quy định thành quy tắc / regulations as rules")
    p.add_argument("--version", action="version", version=f"chuan {version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    evaluate.register(sub)
    rules.register(sub)
    packs.register(sub)
    facts.register(sub)
    sub.add_parser("schema", help="JSON Schema của tệp dữ kiện / JSON Schema of facts files")
    serve.register(sub)
    template.register(sub)
    params.register(sub)
    return p


def _run(args: argparse.Namespace) -> int:
    match args.command:
        case "evaluate":
            return evaluate.cmd_evaluate(args)
        case "gaps":
            return evaluate.cmd_gaps(args)
        case "facts":
            return facts.cmd_facts(args)
        case "packs":
            return packs.cmd_packs(args)
        case "rules":
            return rules.cmd_rules(args)
        case "serve":
            return serve.cmd_serve(args)
        case "template":
            return template.cmd_template(args)
        case "params":
            return params.cmd_params(args)
        case "schema":
            print(json.dumps(facts_json_schema(), ensure_ascii=False, indent=2))
            return 0
        case _:  # argparse admits only the commands registered above
            return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except ChuanError as exc:
        print(f"chuan: {exc.describe(getattr(args, 'lang', 'vi'))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `chuan evaluate … | head`: the reader has gone; end quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
