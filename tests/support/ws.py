"""``ws_connect(daemon)``: the socket client every test uses; each received frame goes through the tap.

async with ws_connect(daemon) as ws:
    welcome = ws.welcome                      # read and checked on connect
    await ws.subscribe(["task.*"])            # sends, returns the `subscribed` reply
    frame = await ws.recv()                   # next frame, parsed and validated
    events = await ws.recv_events(3)          # next 3 event frames (skips control frames)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import websockets
from websockets.asyncio.client import ClientConnection

from .tap import check_frame

RECV_TIMEOUT_S = 30.0


class _HasWsUrl(Protocol):
    @property
    def ws_url(self) -> str: ...


class TapSocket:
    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.welcome: dict[str, Any] = {}
        self.received: list[dict[str, Any]] = []

    async def send_json(self, obj: Any) -> None:
        await self.conn.send(json.dumps(obj))

    async def send_text(self, text: str) -> None:
        await self.conn.send(text)

    async def recv(self, within_s: float = RECV_TIMEOUT_S) -> dict[str, Any]:
        text = await asyncio.wait_for(self.conn.recv(), within_s)
        if not isinstance(text, str):
            raise AssertionError(f"the daemon sent a binary frame: {text!r}")
        frame = check_frame(text)
        self.received.append(frame)
        return frame

    async def recv_type(self, *types: str, within_s: float = RECV_TIMEOUT_S) -> dict[str, Any]:
        """Next frame, which must have one of ``types``."""
        frame = await self.recv(within_s)
        if frame["type"] not in types:
            raise AssertionError(f"expected {types}, got {frame}")
        return frame

    async def recv_events(self, n: int, within_s: float = RECV_TIMEOUT_S) -> list[dict[str, Any]]:
        """The next ``n`` event frames (dotted types); control frames in between are kept in ``received``."""
        out: list[dict[str, Any]] = []
        while len(out) < n:
            frame = await self.recv(within_s)
            if "." in frame["type"]:
                out.append(frame)
        return out

    async def request(self, obj: dict[str, Any], *replies: str) -> dict[str, Any]:
        """Send a control frame; return the first later frame whose type is in ``replies`` or ``error``.

        Frames skipped on the way (events, other replies) stay available in ``received``.
        """
        await self.send_json(obj)
        while True:
            frame = await self.recv()
            if frame["type"] in replies or frame["type"] == "error":
                return frame

    async def subscribe(self, events: list[str], id: str | int | None = None) -> dict[str, Any]:
        msg: dict[str, Any] = {"type": "subscribe", "events": events}
        if id is not None:
            msg["id"] = id
        return await self.request(msg, "subscribed")

    async def unsubscribe(self, events: list[str]) -> dict[str, Any]:
        return await self.request({"type": "unsubscribe", "events": events}, "unsubscribed")

    async def ping(self, id: str | int = "p") -> dict[str, Any]:
        return await self.request({"type": "ping", "id": id}, "pong")

    async def expect_closed(self, within_s: float = RECV_TIMEOUT_S) -> int | None:
        """Read (tapping every frame) until the daemon closes; return the close code it sent."""
        try:
            while True:
                await self.recv(within_s)
        except websockets.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else None

    async def close(self) -> None:
        await self.conn.close()


@asynccontextmanager
async def ws_connect(
    daemon: _HasWsUrl,
    *,
    origin: str | None = None,
    token: str | None = None,
    query_token: str | None = None,
    headers: dict[str, str] | None = None,
    read_welcome: bool = True,
    **kwargs: Any,
) -> AsyncIterator[TapSocket]:
    """Open a socket to the daemon. ``token`` goes in an Authorization header, ``query_token`` in
    ``?token=``; by default the daemon's own token (if it has one) is sent as a header.
    Extra ``kwargs`` go to ``websockets.connect`` (e.g. ``max_queue``, ``ping_interval``)."""
    url = daemon.ws_url + (f"?token={query_token}" if query_token else "")
    token = token if token is not None else getattr(daemon, "token", None)
    extra = dict(headers or {})
    if token and "Authorization" not in extra:
        extra["Authorization"] = f"Bearer {token}"
    kwargs.setdefault("open_timeout", 30)
    kwargs.setdefault("max_size", None)
    async with websockets.connect(url, origin=origin, additional_headers=extra, **kwargs) as conn:  # type: ignore[arg-type]
        sock = TapSocket(conn)
        if read_welcome:
            sock.welcome = await sock.recv_type("welcome")
        yield sock
