"""The ``/ws`` endpoint as a plain ASGI app: handshake checks, then one reader loop and one writer task.

Plain ASGI rather than Starlette's WebSocket wrapper: close codes need exact control, and the
writer takes the direct path when the server offers it. Under ``tidewire serve`` the socket is
served by ``DirectWriteWebSocketProtocol``: the handshake, incoming frames and closes go through
ASGI as before, and the writer sends frames encoded once for all connections, several in one
write (``batchwriter``). Under any other ASGI server the writer sends one ``websocket.send`` per
frame (``Connection.run_writer``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Receive, Scope, Send

from ..bus.base import EventBus
from ..config import Settings
from ..security import SecurityPolicy, header_dict
from .batchwriter import run_batched_writer
from .connection import Connection, ConnectionClosing
from .direct import sink_of
from .hub import Hub

log = logging.getLogger("tidewire.ws")


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    """Refuse the handshake with an HTTP status and the REST error body naming the failed check.

    Uses the ASGI WebSocket denial response when the server offers it; otherwise a close
    before accept, which servers turn into a bare 403.
    """
    if "websocket.http.response" in scope.get("extensions", {}):
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body})
        return
    await send({"type": "websocket.close", "code": 1008, "reason": message})


# How long a new socket waits for this daemon to deliver what the shared database has.
CATCH_UP_TIMEOUT_S = 5.0


async def _caught_up(catch_up: Callable[[], Awaitable[None]]) -> None:
    """Before `welcome`: deliver what other daemons have committed on the shared database.

    A client that moves here from another daemon holds a seq that daemon gave it; this daemon's
    follower may not have delivered it yet. Its `welcome.seq` would then be below the client's
    position, which clients read as a log that ended early (they refetch instead of resuming),
    and a `resume` to it would be refused as beyond the head.
    """
    try:
        await asyncio.wait_for(catch_up(), CATCH_UP_TIMEOUT_S)
    except Exception:  # the database is away or slow: welcome with what this daemon has
        log.debug("catching up before welcome failed", exc_info=True)


class SocketEndpoint:
    def __init__(
        self, settings: Settings, bus: EventBus, server_id: str, policy: SecurityPolicy, hub: Hub
    ) -> None:
        self.settings = settings
        self.bus = bus
        self.server_id = server_id
        self.policy = policy
        self.hub = hub
        # Only a bus over a database other daemons write to has it (PgEventBus): see _serve.
        self._catch_up: Callable[[], Awaitable[None]] | None = getattr(bus, "catch_up", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        headers = header_dict(scope.get("headers", []))
        verdict = self.policy.check(headers, scope.get("query_string", b""))
        if not verdict.ok and verdict.status == 403:
            await _refuse(scope, send, verdict.status, verdict.code, verdict.message)
            return
        if not self.hub.admit():
            # Refused before accept: a socket past the cap costs one HTTP reply, and REST,
            # which needs descriptors too, keeps working.
            limit = self.hub.max_connections
            await _refuse(
                scope,
                send,
                503,
                "too_many_connections",
                f"the daemon already holds its maximum of {limit} sockets (--max-connections); "
                "close one or retry later",
            )
            return
        try:
            await send({"type": "websocket.accept"})
            if not verdict.ok:
                await send({"type": "websocket.close", "code": 1008, "reason": verdict.message})
                return
            if self.hub.closing:
                await send({"type": "websocket.close", "code": 1001, "reason": "the daemon is shutting down"})
                return
            await self._serve(scope, receive, send)
        finally:
            self.hub.leave()

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        closed = False
        if self._catch_up is not None:
            await _caught_up(self._catch_up)

        async def send_text(text: str) -> None:
            await send({"type": "websocket.send", "text": text})

        async def close(code: int, reason: str) -> None:
            nonlocal closed
            if closed:
                return
            closed = True
            if asyncio.current_task() is not writer:
                writer.cancel()
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": code, "reason": reason})

        conn = Connection(
            self.bus,
            send_text,
            server_id=self.server_id,
            heartbeat_ms=self.settings.heartbeat_ms,
            max_frame_bytes=self.settings.max_frame_bytes,
            max_lag=self.settings.effective_max_lag,
            send_message=send,
            ws_rate=self.settings.ws_rate,
            ws_burst=self.settings.ws_burst,
            filter_budget=self.hub.filters,
        )

        sink = sink_of(scope)

        async def write() -> None:
            try:
                if sink is not None:
                    await run_batched_writer(conn, sink, self.hub.frames)
                else:
                    await conn.run_writer()
            except ConnectionClosing as exc:
                await close(exc.code, exc.reason)
            except asyncio.CancelledError:
                raise
            except Exception:  # the peer vanished mid-send, or a bug: close rather than hang
                log.debug("socket writer stopped", exc_info=True)
                await close(1011, "internal error")

        closers: set[asyncio.Task[None]] = set()

        def close_soon(request: ConnectionClosing) -> None:
            task = asyncio.create_task(close(request.code, request.reason))
            closers.add(task)
            task.add_done_callback(closers.discard)

        conn.on_close_request = close_soon
        writer = asyncio.create_task(write())
        self.hub.add(conn, close)
        try:
            while True:
                message: dict[str, Any] = dict(await receive())
                kind = message["type"]
                if kind == "websocket.disconnect":
                    break
                if kind != "websocket.receive" or closed:
                    # Closing: what a flood left in the buffers is read and dropped, still in turn.
                    await asyncio.sleep(0)
                    continue
                text = message.get("text")
                if text is not None:
                    conn.handle_text(text)
                else:
                    conn.handle_bytes()
                # receive() returns without yielding while frames are buffered: without this a
                # client sending as fast as it can would hold the loop from REST and other sockets.
                # Past its rate limit the reader also waits for a token: TCP then slows the sender.
                await asyncio.sleep(conn.read_pause_s)
        finally:
            self.hub.discard(conn)
            conn.subs.release()
            closed = True
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
