"""One streaming size limit for every HTTP request body (REST, hooks, `/mcp`), answered 413.

A declared ``Content-Length`` over the limit is refused before the app runs; otherwise the
bytes are counted as they arrive and reading stops at the first chunk past the limit, so a
large body never sits in memory. Paths under a prefix in ``overrides`` get their own limit
(hook payloads carry whole tool inputs and outputs).

Hand-written rather than Starlette's/FastAPI's ``max_body_size``: that one answers a declared
oversize body with a plain-text 413 whatever the app would send, and the daemon's errors are
always ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE_CODE = "too_large"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit.

    An HTTPException so FastAPI's body parsing re-raises it and the REST error handler
    renders the usual JSON error; other apps (the MCP SDK) let it reach the middleware.
    """

    def __init__(self, limit: int) -> None:
        # The unread rest of the body cannot be skipped cheaply: the connection ends with the reply.
        super().__init__(413, too_large_message(limit), headers={"Connection": "close"})
        self.limit = limit


def too_large_message(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP parser already refuses a malformed length
    return None


def _only_too_large(exc: BaseException) -> BodyTooLarge | None:
    """The BodyTooLarge inside ``exc`` (possibly an ExceptionGroup of nothing else), else None."""
    if isinstance(exc, BodyTooLarge):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        matched, rest = exc.split(BodyTooLarge)
        if rest is None and matched is not None:
            while isinstance(matched, BaseExceptionGroup):
                matched = matched.exceptions[0]  # type: ignore[assignment]
            return matched if isinstance(matched, BodyTooLarge) else None
    return None


async def send_too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": TOO_LARGE_CODE, "message": too_large_message(limit)}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read, so the connection cannot carry another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int, overrides: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.limit = limit
        self.overrides = tuple(overrides)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await send_too_large(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BaseException as exc:
            if started or _only_too_large(exc) is None:
                raise
            await send_too_large(send, limit)
