"""``chuan params export``: every parameter of a pack in a workbook, to be corrected and read back by --params."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..api import open_pack
from ..sheets.params import write_parameter_sheet


def register(sub: Any) -> None:
    pp = sub.add_parser("params", help="bảng chỉ tiêu (tham số) của bộ quy tắc / the pack's parameters")
    psub = pp.add_subparsers(dest="params_command", required=True)
    ex = psub.add_parser("export", help="ghi bảng chỉ tiêu ra Excel / write the parameter workbook")
    ex.add_argument("--pack", required=True, help="pack name (under rules/) or path")
    ex.add_argument("--out", required=True, help="the .xlsx file to write")


def cmd_params(args: argparse.Namespace) -> int:
    match args.params_command:
        case "export":
            write_parameter_sheet(open_pack(args.pack), args.out)
            print(f"chuan: đã ghi bảng chỉ tiêu / parameter sheet written: {args.out}", file=sys.stderr)
            return 0
        case _:
            return 2
