"""Request limits: the body is read up to a size, and the work of one request stops being awaited after a time."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from .problems import MEDIA_TYPE, title

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is answered 413 before any handler reads it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        mb = self.max_bytes / 1024 / 1024
        english = b"lang=en" in scope.get("query_string", b"")  # the body is not read: only ?lang= can say
        detail = f"request body over {mb:g} MB" if english else f"nội dung vượt {mb:g} MB"
        payload = json.dumps({"type": "urn:chuan:error:RequestTooLarge", "title": title("RequestTooLarge", "en" if english else "vi"),
                              "status": 413, "detail": detail, "error": "RequestTooLarge"},
                             ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()),
                                (b"content-length", str(len(payload)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})
