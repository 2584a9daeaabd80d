"""One pure-ASGI middleware for every HTTP request: security checks, token cookie, X-Tidewire-Seq.

In token mode a browser navigation without a valid token gets the sign-in page (still 401);
one that brings a valid ``?token=`` gets the cookie and a 303 to the same URL without it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .security import TOKEN_COOKIE, SecurityPolicy, header_dict, query_token
from .token_page import sign_in_page, wants_page, without_token

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
        path = str(scope.get("path", "/"))
        page = wants_page(scope["method"], path, headers.get("accept", ""))
        if not verdict.ok:
            if verdict.code == "unauthorized" and page:
                tried = query_token(query) is not None
                await self._respond(send, 401, b"text/html; charset=utf-8", sign_in_page(path, tried))
                return
            body = json.dumps({"error": {"code": verdict.code, "message": verdict.message}}).encode()
            await self._respond(send, verdict.status, b"application/json", body)
            return
        # A lower bound for what the response reflects: routes that know better set the header themselves.
        start_seq = str(self.head()).encode()
        set_cookie: bytes | None = None
        token = query_token(query) if self.policy.token else None
        if token and _COOKIE_SAFE.fullmatch(token) and self.policy.token_ok([token]):
            set_cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()
            if page:
                # The cookie carries the token from now on: take it out of the address bar.
                location = without_token(path, query).encode("latin-1", "replace")
                await self._respond(
                    send, 303, b"text/plain", b"", [(b"location", location), (b"set-cookie", set_cookie)]
                )
                return

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

    async def _respond(
        self,
        send: Send,
        status: int,
        content_type: bytes,
        body: bytes,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    # Every response carries the seq, refusals included (docs/protocol.md).
                    (SEQ_HEADER, str(self.head()).encode()),
                    *(extra or []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
