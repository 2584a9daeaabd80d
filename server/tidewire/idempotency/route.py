"""`IdempotentRoute`: the `Idempotency-Key` semantics for a router's POST, PATCH and DELETE routes.

A keyed request runs at most once per key. Its reply (status, JSON body, `X-Tidewire-Seq`) is
saved under the key, and a retry with the same key and the same request gets that reply again,
byte for byte, without running anything (so no event either). The same key on a different
request is 422 `idempotency_key_reused`; a retry while the first is still running is 409
`idempotency_key_in_flight`. A request that fails saves nothing: it changed nothing, so it may
be retried as it is.

Where the reply follows from one store write (the route says how with `@reply_from_write`), the
key row is written by a store write hook inside that write's transaction, so the write and its
key commit together or not at all: a crash or a lost reply after COMMIT leaves a key that a retry
finds. Routes whose effect is not one store write (signalling a process, calling a downstream MCP
tool) save the reply in a transaction of its own right after the handler; docs/protocol.md says
what that means for a crash in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from tidewire.errors import Conflict, DomainError
from tidewire.store import write_hook

from . import records
from .keys import KEY_HEADER, KEY_PATTERN, fingerprint, parse_key
from .records import StoredReply

if TYPE_CHECKING:
    from tidewire.context import AppContext
    from tidewire.store import Tx

WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE", "PUT"})
SEQ_HEADER = "X-Tidewire-Seq"
REPLAYED_HEADER = "Idempotent-Replayed"
DEFAULT_TTL_SECONDS = 24 * 60 * 60

Render = Callable[[Any], Any]
_RENDER_ATTR = "__tidewire_reply_from_write__"
_F = TypeVar("_F", bound=Callable[..., Any])


def reply_from_write(render: Render) -> Callable[[_F], _F]:
    """Declare how a route's reply follows from the value its store write returns.

    Such a route's key commits in that write's transaction; place under the router decorator.
    """

    def mark(endpoint: _F) -> _F:
        setattr(endpoint, _RENDER_ATTR, render)
        return endpoint

    return mark


class KeyInFlight(Conflict):
    def __init__(self, key: str) -> None:
        super().__init__(
            f"a request with {KEY_HEADER} {key!r} is still being processed; retry when it has finished",
            code="idempotency_key_in_flight",
        )


class KeyReused(DomainError):
    def __init__(self, key: str, stored: StoredReply) -> None:
        super().__init__(
            "idempotency_key_reused",
            f"{KEY_HEADER} {key!r} was already used for a different request"
            f" ({stored.method} {stored.path}); use a new key for a new request",
            422,
        )


def _reply_body(content: Any) -> bytes:
    """The JSON the routes' own replies send (the same encoder and separators as JSONResponse)."""
    return bytes(JSONResponse(jsonable_encoder(content)).body)


def as_response(reply: StoredReply, *, replayed: bool) -> Response:
    headers = {SEQ_HEADER: str(reply.seq)}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(reply.body, status_code=reply.status, media_type="application/json", headers=headers)


@dataclass
class _Recording:
    """The write hook of one keyed request (see `tidewire.store.write_hook`)."""

    key: str
    fingerprint: str
    method: str
    path: str
    status: int
    render: Render
    ttl: float
    claimed: bool = False
    reply: StoredReply | None = field(default=None)

    def claim(self) -> bool:
        if self.claimed:
            return False
        self.claimed = True
        return True

    def after(self, tx: Tx, result: Any) -> None:
        now = time.time()
        records.prune(tx.conn, now)
        if records.lookup(tx.conn, self.key, now) is not None:
            # Not reachable through one daemon (keys in flight are refused first); the store is the
            # last word, so the write is rolled back rather than applied twice.
            raise KeyInFlight(self.key)
        body = _reply_body(self.render(result))
        reply = StoredReply(self.key, self.fingerprint, self.method, self.path, self.status, body, tx.seq)
        records.save(tx.conn, reply, tx.now, now + self.ttl)
        self.reply = reply


def _in_flight(request: Request) -> set[str]:
    """Keys whose first request is running in this daemon (none survive a restart: nor do requests)."""
    state = request.app.state
    keys: set[str] | None = getattr(state, "idempotency_in_flight", None)
    if keys is None:
        keys = set()
        state.idempotency_in_flight = keys
    return keys


def _document_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=KEY_HEADER,
            # Exactly what parse_key accepts: a bare key of 1-255 printable ASCII characters (no
            # quote, no space at either end), or a quoted one whose unescaped content is 1-255.
            pattern=KEY_PATTERN,
            description=(
                "Makes the request safe to retry (IETF httpapi Idempotency-Key, a string of 1-255 "
                "printable ASCII characters, quoted or bare): the first request with a key runs, and "
                "a retry with the same key and the same request gets the first reply again without "
                "running anything. See docs/protocol.md, Idempotent writes."
            ),
        ),
    ] = None,
) -> None:
    """Only documents the header in the OpenAPI document: `IdempotentRoute` reads and checks it."""


_KEY_RESPONSES: dict[int, str] = {
    409: f"`idempotency_key_in_flight`: a request with this {KEY_HEADER} is still running",
    422: f"`idempotency_key_reused`: this {KEY_HEADER} was used for a different request",
}


def _with_key_responses(responses: dict[int | str, dict[str, Any]] | None) -> dict[int | str, dict[str, Any]]:
    out = {k: dict(v) for k, v in (responses or {}).items()}
    for status, text in _KEY_RESPONSES.items():
        entry = out.setdefault(status, {})
        before = entry.get("description")
        entry["description"] = f"{before}; or {text}" if before else text[0].upper() + text[1:]
    return out


class IdempotentRoute(APIRoute):
    """The route class of routers with writes (`APIRouter(route_class=...)`); reads pass through."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {str(m).upper() for m in (kwargs.get("methods") or ())}
        self.keyed = bool(methods & WRITE_METHODS)
        if self.keyed:
            kwargs["dependencies"] = [*(kwargs.get("dependencies") or []), Depends(_document_header)]
            kwargs["responses"] = _with_key_responses(kwargs.get("responses"))
        self.render: Render | None = getattr(endpoint, _RENDER_ATTR, None)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not self.keyed:
            return handler
        status = self.status_code or 200

        async def keyed_handler(request: Request) -> Response:
            raw = request.headers.get(KEY_HEADER)
            if raw is None:
                return await handler(request)
            key = parse_key(raw)
            ctx: AppContext = request.app.state.ctx
            body = await request.body()  # cached on the request: the handler reads it again
            method, path = request.method.upper(), request.url.path
            print_ = fingerprint(method, path, body)
            running = _in_flight(request)
            if key in running:
                raise KeyInFlight(key)
            running.add(key)
            try:
                stored, _ = await ctx.store.read(lambda conn: records.lookup(conn, key, time.time()))
                if stored is not None:
                    if stored.fingerprint != print_:
                        raise KeyReused(key, stored)
                    return as_response(stored, replayed=True)
                ttl = float(getattr(ctx.settings, "idempotency_ttl", DEFAULT_TTL_SECONDS))
                if self.render is None:
                    response = await handler(request)
                    return await _save_after(ctx, response, key, print_, method, path, ttl)
                recording = _Recording(key, print_, method, path, status, self.render, ttl)
                token = write_hook.attach(recording)
                try:
                    response = await handler(request)
                finally:
                    write_hook.detach(token)
                if recording.reply is None:
                    # The handler answered without writing (nothing to change): save what it said.
                    return await _save_after(ctx, response, key, print_, method, path, ttl)
                return as_response(recording.reply, replayed=False)
            finally:
                running.discard(key)

        return keyed_handler


async def _save_after(
    ctx: AppContext, response: Response, key: str, print_: str, method: str, path: str, ttl: float
) -> Response:
    """Save a successful reply in a transaction of its own (for effects outside the store)."""
    body = getattr(response, "body", None)
    if not 200 <= response.status_code < 300 or not isinstance(body, bytes | memoryview):
        return response
    seq_text = response.headers.get(SEQ_HEADER)
    seq = int(seq_text) if seq_text is not None and seq_text.isdigit() else ctx.bus.head
    reply = StoredReply(key, print_, method, path, response.status_code, bytes(body), seq)

    def save(tx: Tx) -> None:
        now = time.time()
        records.prune(tx.conn, now)
        if records.lookup(tx.conn, key, now) is None:
            records.save(tx.conn, reply, tx.now, now + ttl)

    await ctx.store.write(save)
    return as_response(reply, replayed=False)
