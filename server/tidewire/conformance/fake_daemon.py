"""A scripted tidewire.v1 daemon for checking clients: a real WebSocket server on 127.0.0.1 with
the REST reads a client refetches from, an event log, and hooks for a case to misbehave.

By default it acts like the daemon of docs/protocol.md: `welcome` first, subscriptions with
patterns and filters, the cursor, `resume` with every `resync` reason, `pong`. A case commits
events to its log, changes the log (a new epoch, a pruned or truncated log), refuses handshakes,
delays or withholds pongs, and sends frames of its own. Everything the client does is recorded
with the time it happened: handshake attempts, every frame, REST reads.

It is built on `websockets` rather than the daemon's own stack because a case needs what a real
server never does on purpose: refuse a handshake on cue, drop TCP without a close frame, send a
binary or broken frame, answer a ping late.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ..ws.frames import FrameError, parse_client_frame
from ..ws.subscriptions import Pattern, SubscriptionError, parse_pattern
from . import client_frames as frames
from .report import CaseFailed

log = logging.getLogger("tidewire.conformance.fake_daemon")
# websockets logs every refused handshake and every REST answer (a "rejected" handshake).
logging.getLogger("tidewire.conformance.websockets").setLevel(logging.CRITICAL)

# The list endpoints of docs/rest.md a client may refetch; each answers {"items": [], "seq": N}.
LIST_PATHS = frozenset(
    {
        "/api/tasks",
        "/api/projects",
        "/api/worktrees",
        "/api/sessions",
        "/api/agents",
        "/api/autonomous",
        "/api/mcp-servers",
    }
)


@dataclass(frozen=True)
class Refusal:
    """How to turn a handshake away: an HTTP status before the upgrade, or a close code right
    after it (before any frame, as the daemon does for a bad token or while shutting down)."""

    status: int | None = None
    close: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Attempt:
    at: float
    token: bool
    refusal: Refusal | None


@dataclass(frozen=True)
class RestRead:
    at: float
    path: str
    seq: int


@dataclass
class Log:
    """The fake daemon's event log: one epoch, seqs from 1, a retained window."""

    epoch: str
    events: list[dict[str, Any]] = field(default_factory=list)
    base: int = 0  # the head when the log holds no event (after a restart into a new epoch)
    oldest_seq: int = 1

    @property
    def head(self) -> int:
        return self.events[-1]["seq"] if self.events else self.base

    def append(self, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        frame = frames.event(kind, self.head + 1, data)
        self.events.append(frame)
        return frame

    def after(self, seq: int) -> list[dict[str, Any]]:
        return [e for e in self.events if e["seq"] > seq]


class Peer:
    """One accepted socket: what the client sent on it, and the daemon's side of its state."""

    def __init__(self, daemon: FakeDaemon, ws: ServerConnection, index: int) -> None:
        self.daemon = daemon
        self.ws = ws
        self.index = index
        self.opened = time.monotonic()
        self.welcome = frames.welcome(
            daemon.log.epoch, daemon.log.head, daemon.log.oldest_seq, **daemon.welcome_extra
        )
        self.frames: list[tuple[float, dict[str, Any]]] = []
        self.patterns: list[Pattern] = []
        self.cursor = daemon.log.head
        self.subscribed = False
        self.sent_max = 0
        self.pending_resume: dict[str, Any] | None = None
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self._lock = asyncio.Lock()
        self._changed = asyncio.Condition()

    # -- what the client sent -----------------------------------------------------------------

    def sent_of(self, kind: str) -> list[dict[str, Any]]:
        return [f for _, f in self.frames if f.get("type") == kind]

    @property
    def pattern_set(self) -> set[str]:
        return {p.text for p in self.patterns}

    async def wait_frame(
        self, what: str, pred: Callable[[dict[str, Any]], bool], within: float
    ) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            async with self._changed:
                while True:
                    hit = next((f for _, f in self.frames if pred(f)), None)
                    if hit is not None:
                        return hit
                    if self.closed.is_set():
                        raise CaseFailed(f"the client closed the connection before it sent {what}")
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise CaseFailed(f"the client did not send {what} within {within:g} s") from None

    async def wait_subscribed(self, within: float = 5.0) -> None:
        """Until the client's subscription set is the one it was given (TIDEWIRE_EVENTS)."""
        wanted = set(frames.PATTERNS)

        async def wait() -> None:
            async with self._changed:
                while self.pattern_set != wanted:
                    if self.closed.is_set():
                        raise CaseFailed("the client closed the connection before it subscribed")
                    await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), within)
        except TimeoutError:
            have = sorted(self.pattern_set)
            missing = sorted(wanted - self.pattern_set)
            raise CaseFailed(
                f"after {within:g} s the connection's subscription set is {have}; "
                f"the whole set must be subscribed on every connection (missing {missing})"
            ) from None

    async def wait_closed(self, within: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), within)
        return self.closed.is_set()

    # -- sending --------------------------------------------------------------------------------

    async def send(self, obj: dict[str, Any]) -> None:
        await self.send_text(json.dumps(obj, separators=(",", ":")))

    async def send_text(self, text: str | bytes) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(text)
        if isinstance(text, str):
            with contextlib.suppress(ValueError):
                obj = json.loads(text)
                if isinstance(obj, dict):
                    self.daemon.note_sent(obj)

    async def deliver(self) -> None:
        """Send every committed event past the cursor that the subscriptions match."""
        async with self._lock:
            if not self.subscribed:
                return
            for ev in self.daemon.log.after(self.cursor):
                self.cursor = ev["seq"]
                if self.matches(ev):
                    self.sent_max = max(self.sent_max, ev["seq"])
                    await self.send(ev)

    def matches(self, ev: dict[str, Any]) -> bool:
        return any(p.matches_type(ev["type"]) and p.matches_data(ev["data"]) for p in self.patterns)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a network failure)."""
        self.ws.transport.abort()

    async def close(self, code: int, reason: str = "") -> None:
        with contextlib.suppress(Exception):
            await self.ws.close(code, reason)

    # -- the daemon's side of the protocol ------------------------------------------------------

    async def on_frame(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            self.daemon.violation(f"connection {self.index}: the client sent a binary frame")
            return
        try:
            parsed = parse_client_frame(raw)
        except FrameError as exc:
            self.daemon.violation(
                f"connection {self.index}: the daemon refuses the client's frame {raw[:200]!r}: "
                f"{exc.code} ({exc.message})"
            )
            return
        del parsed  # valid; what the client wrote is what is kept
        obj = json.loads(raw)
        async with self._changed:
            self.frames.append((time.monotonic(), obj))
            self._changed.notify_all()
        kind = obj["type"]
        echo = {"id": obj["id"]} if "id" in obj else {}
        if kind == "ping":
            await self.daemon.answer_ping(self, obj)
        elif kind == "subscribe":
            await self._subscribe(obj, echo)
        elif kind == "unsubscribe":
            gone = set(obj["events"])
            self.patterns = [p for p in self.patterns if p.text not in gone]
            await self.send(
                {"type": "unsubscribed", "events": sorted(self.pattern_set), "seq": self.cursor, **echo}
            )
        elif kind == "resume":
            if self.subscribed:
                await self._resume(obj, echo)
            else:
                self.pending_resume = obj
        async with self._changed:
            self._changed.notify_all()

    async def _subscribe(self, obj: dict[str, Any], echo: dict[str, Any]) -> None:
        try:
            added = [parse_pattern(text) for text in obj["events"]]
        except SubscriptionError as exc:
            self.daemon.violation(f"connection {self.index}: a pattern the daemon refuses: {exc}")
            await self.send({"type": "error", "code": "invalid_subscription", "message": str(exc), **echo})
            return
        for p in added:
            if p.text not in self.pattern_set:
                self.patterns.append(p)
        await self.send(
            {
                "type": "subscribed",
                "events": [p.text for p in self.patterns],
                "seq": self.cursor,
                **self.daemon.frame_extra,
                **echo,
            }
        )
        first = not self.subscribed
        self.subscribed = True
        if first and self.pending_resume is not None:
            pending, self.pending_resume = self.pending_resume, None
            await self._resume(pending, {"id": pending["id"]} if "id" in pending else {})
        await self.deliver()

    async def _resume(self, obj: dict[str, Any], echo: dict[str, Any]) -> None:
        dlog = self.daemon.log
        after = obj["after_seq"]
        resync = {"type": "resync", "epoch": dlog.epoch, "seq": dlog.head, **echo}
        if obj["epoch"] != dlog.epoch:
            await self.send({**resync, "reason": "epoch_changed"})
        elif after > dlog.head:
            await self.send(
                {
                    "type": "error",
                    "code": "invalid_resume",
                    "message": f"after_seq {after} is beyond the head {dlog.head}",
                    **echo,
                }
            )
        elif after < dlog.oldest_seq - 1 or self.sent_max > after:
            await self.send({**resync, "reason": "gap_too_old"})
        else:
            async with self._lock:
                to_seq = dlog.head
                replayed = 0
                for ev in dlog.after(after):
                    if ev["seq"] > to_seq:
                        break
                    if self.matches(ev):
                        replayed += 1
                        self.sent_max = max(self.sent_max, ev["seq"])
                        await self.send(ev)
                self.cursor = max(self.cursor, to_seq)
                await self.send(
                    {
                        "type": "resumed",
                        "after_seq": after,
                        "to_seq": to_seq,
                        "replayed": replayed,
                        **self.daemon.frame_extra,
                        **echo,
                    }
                )
        self.daemon.resumes.append((time.monotonic(), self.index, obj))


PongPolicy = Callable[[Peer, dict[str, Any]], Awaitable[None]]


class FakeDaemon:
    """Serves one case. ``async with FakeDaemon(token) as daemon:``; ``daemon.url`` is its base."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.log = Log(epoch="ep_conformance_1")
        self.welcome_extra: dict[str, Any] = {}
        # Added to every control reply (subscribed, pong, resumed): fields a newer daemon may send.
        self.frame_extra: dict[str, Any] = {}
        self.attempts: list[Attempt] = []
        self.peers: list[Peer] = []
        self.reads: list[RestRead] = []
        self.resumes: list[tuple[float, int, dict[str, Any]]] = []
        self.violations: list[str] = []
        self.sent: dict[int, set[str]] = {}
        # A case sets these to misbehave.
        self.refuse: Callable[[int], Refusal | None] = lambda attempt: None
        self.before_read: Callable[[str], Awaitable[None]] | None = None
        self.pong_delay: float | None = 0.0  # None: never answer `ping`
        self._accepted: asyncio.Queue[Peer] = asyncio.Queue()
        self._decisions: dict[int, Refusal | None] = {}
        self._server: Server | None = None
        self._reads_changed = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def __aenter__(self) -> FakeDaemon:
        self._server = await serve(
            self._serve,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            ping_interval=None,
            close_timeout=2,
            max_size=1 << 20,
            logger=logging.getLogger("tidewire.conformance.websockets"),
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 3)

    # -- for cases ------------------------------------------------------------------------------

    def violation(self, message: str) -> None:
        if message not in self.violations:
            self.violations.append(message)

    def note_sent(self, obj: dict[str, Any]) -> None:
        kind, seq = obj.get("type"), obj.get("seq")
        if isinstance(kind, str) and "." in kind and isinstance(seq, int):
            self.sent.setdefault(seq, set()).add(kind)

    async def commit(self, kind: str, data: dict[str, Any] | None = None) -> int:
        """Append an event and send it to every subscribed connection; returns its seq."""
        ev = self.log.append(kind, data)
        for peer in self.peers:
            if not peer.closed.is_set():
                await peer.deliver()
        return int(ev["seq"])

    async def commit_many(self, n: int) -> list[int]:
        return [await self.commit(frames.KINDS[i % len(frames.KINDS)]) for i in range(n)]

    async def next_peer(self, within: float, what: str = "connect") -> Peer:
        try:
            return await asyncio.wait_for(self._accepted.get(), within)
        except TimeoutError:
            raise CaseFailed(f"the client did not {what} within {within:g} s") from None

    async def wait_read(self, after: float, within: float, what: str) -> RestRead:
        async def wait() -> RestRead:
            async with self._reads_changed:
                while True:
                    hit = next((r for r in self.reads if r.at >= after), None)
                    if hit is not None:
                        return hit
                    await self._reads_changed.wait()

        try:
            return await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise CaseFailed(
                f"the client made no REST read (GET /api/...) {what} within {within:g} s"
            ) from None

    async def answer_ping(self, peer: Peer, ping: dict[str, Any]) -> None:
        if self.pong_delay is None:
            return
        pong = {"type": "pong", "server_time": frames.now_ts(), "seq": self.log.head, **self.frame_extra}
        for key in ("id", "t"):
            if key in ping:
                pong[key] = ping[key]
        if self.pong_delay <= 0:
            await peer.send(pong)
            return

        async def later() -> None:
            await asyncio.sleep(self.pong_delay or 0)
            await peer.send(pong)

        task = asyncio.create_task(later())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- HTTP: handshakes and REST --------------------------------------------------------------

    def _has_token(self, request: Request) -> bool:
        headers = request.headers
        if headers.get("Authorization", "") == f"Bearer {self.token}":
            return True
        if headers.get("X-Tidewire-Token") == self.token:
            return True
        cookie = SimpleCookie()
        with contextlib.suppress(CookieError):
            cookie.load(headers.get("Cookie", ""))
        if "tidewire_token" in cookie and cookie["tidewire_token"].value == self.token:
            return True
        return self.token in parse_qs(urlsplit(request.path).query).get("token", [])

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        if path == "/ws":
            token = self._has_token(request)
            refusal = self.refuse(len(self.attempts))
            self.attempts.append(Attempt(time.monotonic(), token, refusal))
            if not token:
                self.violation("a handshake without the token (TIDEWIRE_TOKEN) in any of the documented ways")
                refusal = Refusal(close=1008, reason="a valid token is required")
            if refusal is not None and refusal.status is not None:
                return _json(
                    conn,
                    refusal.status,
                    {"error": {"code": "too_many_connections", "message": refusal.reason}},
                    self.log.head,
                )
            self._decisions[id(conn)] = refusal
            return None
        if path.startswith("/api/"):
            return await self._rest(conn, request)
        return _json(conn, 404, {"error": {"code": "not_found", "message": "not here"}}, self.log.head)

    async def _rest(self, conn: ServerConnection, request: Request) -> Response:
        split = urlsplit(request.path)
        if not self._has_token(request):
            self.violation(f"GET {split.path} without the token")
            return _json(conn, 401, {"error": {"code": "unauthorized", "message": "token"}}, self.log.head)
        if self.before_read is not None:
            await self.before_read(split.path)
        head = self.log.head
        if split.path == "/api/events":
            query = parse_qs(split.query)
            after = _int(query.get("after_seq", ["0"])[0], 0)
            limit = max(1, min(1000, _int(query.get("limit", ["100"])[0], 100)))
            items = self.log.after(after)[:limit]
            for ev in items:
                self.note_sent(ev)
            body: dict[str, Any] = {
                "items": items,
                "seq": head,
                "epoch": self.log.epoch,
                "oldest_seq": self.log.oldest_seq,
            }
        elif split.path in LIST_PATHS:
            body = {"items": [], "seq": head}
        else:
            return _json(conn, 404, {"error": {"code": "not_found", "message": "no such endpoint"}}, head)
        async with self._reads_changed:
            self.reads.append(RestRead(time.monotonic(), split.path, head))
            self._reads_changed.notify_all()
        return _json(conn, 200, body, head)

    # -- sockets --------------------------------------------------------------------------------

    async def _serve(self, ws: ServerConnection) -> None:
        refusal = self._decisions.pop(id(ws), None)
        if refusal is not None:
            await ws.close(refusal.close or 1001, refusal.reason)
            return
        peer = Peer(self, ws, len(self.peers) + 1)
        self.peers.append(peer)
        await peer.send(peer.welcome)
        self._accepted.put_nowait(peer)
        try:
            async for raw in ws:
                await peer.on_frame(raw)
        except ConnectionClosed:
            pass
        finally:
            peer.close_code = ws.close_code
            peer.closed.set()
            async with peer._changed:
                peer._changed.notify_all()


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _json(conn: ServerConnection, status: int, body: dict[str, Any], seq: int) -> Response:
    response = conn.respond(status, json.dumps(body))
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    response.headers["X-Tidewire-Seq"] = str(seq)
    return response
