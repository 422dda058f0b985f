"""``chuan template``: the Excel facts template of a pack, for an office to fill in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..api import open_pack
from ..sheets.template import write_template


def register(sub: Any) -> None:
    tp = sub.add_parser("template", help="mẫu Excel nhập dữ kiện cho một bộ quy tắc / Excel facts template")
    tp.add_argument("--pack", required=True, help="pack name (under rules/) or path")
    tp.add_argument("--out", required=True, help="the .xlsx file to write")


def cmd_template(args: argparse.Namespace) -> int:
    write_template(open_pack(args.pack), args.out)
    print(f"chuan: đã ghi mẫu / template written: {args.out}", file=sys.stderr)
    return 0
