"""``chuan serve``: the web page and JSON API (the optional server extra)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    srv = sub.add_parser("serve", help="máy chủ web và API JSON / web page and JSON API (extra [server])")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--pack", action="append", help="serve only this pack (repeatable; default: every pack)")


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..server import create_app
    except ImportError as exc:
        print(f"chuan: cần gói bổ sung máy chủ / the server extra is missing ({exc.name}): "
              "pip install 'chuan-engine[server]'", file=sys.stderr)
        return 2
    uvicorn.run(create_app(packs=args.pack), host=args.host, port=args.port)
    return 0
