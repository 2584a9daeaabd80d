"""One pure-ASGI middleware for every HTTP request: security checks, token cookie, X-Tidewire-Seq."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .security import TOKEN_COOKIE, SecurityPolicy, header_dict, query_token

SEQ_HEADER = b"x-tidewire-seq"
_COOKIE_SAFE = re.compile(r"[A-Za-z0-9._~+/=-]+")


class GuardMiddleware:
    def __init__(self, app: ASGIApp, policy: SecurityPolicy, head: Callable[[], int]) -> None:
        self.app = app
        self.policy = policy
        self.head = head

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # The socket endpoint checks its own handshake (it must close bad tokens with 1008).
            await self.app(scope, receive, send)
            return
        headers = header_dict(scope.get("headers", []))
        query = scope.get("query_string", b"")
        verdict = self.policy.check(headers, query)
        if not verdict.ok:
            body = json.dumps({"error": {"code": verdict.code, "message": verdict.message}}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": verdict.status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        # Every response carries the seq, refusals included (docs/protocol.md).
                        (SEQ_HEADER, str(self.head()).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        # A lower bound for what the response reflects: routes that know better set the header themselves.
        start_seq = str(self.head()).encode()
        set_cookie: bytes | None = None
        token = query_token(query) if self.policy.token else None
        if token and _COOKIE_SAFE.fullmatch(token) and self.policy.token_ok([token]):
            set_cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                if not any(name.lower() == SEQ_HEADER for name, _ in raw):
                    raw.append((SEQ_HEADER, start_seq))
                if set_cookie is not None:
                    raw.append((b"set-cookie", set_cookie))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_wrapper)
