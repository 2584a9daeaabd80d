"""What every server case uses: the server under test, its REST side, and a checked socket.

``Server`` knows the URL and token and produces events through the documented interfaces only
(``POST /api/test-events``). ``Peer`` is one socket: it reads ``welcome``, validates every frame
it receives against the models generated from ``schema/``, and checks on every event the
guarantee that holds for every connection (strictly increasing ``seq``, each at most once), so
every case checks it on whatever it receives.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import websockets
from pydantic import BaseModel, ValidationError
from websockets.asyncio.client import ClientConnection

from ...protocol.catalog import EVENT_MODELS, SERVER_CONTROL_MODELS
from ..report import CaseFailed, expect

WAIT_S = 5.0  # how long a case waits for one expected frame before it fails (--wait)
NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
RFC3339_UTC = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$")
Frame = dict[str, Any]
EventSpec = tuple[str, dict[str, Any]]

GUARANTEE = "§Guarantees: each connection receives its events in strictly increasing seq, each at most once"


def is_event(frame: Frame) -> bool:
    return "." in str(frame.get("type"))


def check_frame(text: str) -> Frame:
    """Parse and validate one server frame: a known type against its schema's model, an event
    of a type this kit does not know against the event shape every event has."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise CaseFailed(
            f"§Transport: the server sent a text frame that is not JSON ({exc}): {text[:200]}"
        ) from None
    expect(isinstance(obj, dict), f"§Transport: a frame must be one JSON object, got {text[:200]}")
    kind = obj.get("type")
    expect(isinstance(kind, str), f"§Transport: every frame has a string 'type', got {text[:200]}")
    model: type[BaseModel] | None = SERVER_CONTROL_MODELS.get(kind) or EVENT_MODELS.get(kind)
    if model is not None:
        try:
            model.model_validate(obj)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CaseFailed(
                f"§Frame reference: {kind} does not match its schema ({where}: {first['msg']}): {text[:300]}"
            ) from None
    elif "." in kind:
        expect(
            isinstance(obj.get("seq"), int)
            and isinstance(obj.get("ts"), str)
            and RFC3339_UTC.match(obj["ts"]) is not None
            and isinstance(obj.get("data"), dict),
            f"§Frames: an event has an integer seq, an RFC 3339 UTC ts and an object data: {text[:300]}",
        )
    if not is_event(obj):
        nulls = sorted(k for k, v in obj.items() if v is None)
        expect(
            not nulls, f"§Frames: an optional field is left out, never sent as null: {nulls} in {text[:200]}"
        )
    frame: Frame = obj
    return frame


@dataclass(frozen=True)
class Server:
    """The server under test, as given on the command line."""

    url: str
    token: str | None = None
    max_lag: int = 10000
    heartbeat_ms: int = 30000  # from a first welcome, to bound the heartbeat case
    wait_s: float = WAIT_S

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def netloc(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def origin(self) -> str:
        """The server's own origin (one of those the protocol says it must accept)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def ws_url(self) -> str:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path}/ws"

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.base_url)
        return parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @staticmethod
    def nonce() -> str:
        """A fresh tag for one case's events, so a case recognises its own."""
        return uuid.uuid4().hex[:12]

    @asynccontextmanager
    async def http(self, *, auth: bool = True) -> AsyncIterator[httpx.AsyncClient]:
        headers = self.auth() if auth else {}
        async with httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=self.wait_s * 2
        ) as client:
            yield client

    async def emit(self, events: list[EventSpec], client: httpx.AsyncClient | None = None) -> list[int]:
        """Commit ``events`` in one transaction through ``POST /api/test-events``; their seqs."""
        body = {"events": [{"type": t, "data": d} for t, d in events]}
        if client is None:
            async with self.http() as own:
                r = await own.post("/api/test-events", json=body)
        else:
            r = await client.post("/api/test-events", json=body)
        if r.status_code == 404:
            raise CaseFailed(
                "this case produces its events through POST /api/test-events, which the server does "
                "not offer (404): start the server with test events allowed (`tidewire serve "
                "--allow-test-events`, or your server's equivalent)"
            )
        expect(
            r.status_code == 201,
            f"rest.md POST /api/test-events: expected 201, got {r.status_code} {r.text[:300]}",
        )
        seqs = r.json().get("seqs")
        expect(
            isinstance(seqs, list) and len(seqs) == len(events) and all(isinstance(s, int) for s in seqs),
            f"rest.md POST /api/test-events: the reply needs one seq per event, got {r.text[:300]}",
        )
        return [int(s) for s in seqs]

    async def head(self) -> int:
        """The head seq, from ``GET /api/health``."""
        async with self.http() as client:
            r = await client.get("/api/health")
        expect(
            r.status_code == 200, f"rest.md GET /api/health: expected 200, got {r.status_code} {r.text[:200]}"
        )
        seq = r.json().get("seq")
        expect(isinstance(seq, int), f"rest.md GET /api/health: 'seq' must be an integer: {r.text[:200]}")
        return int(seq)

    @asynccontextmanager
    async def connect(
        self,
        *,
        auth: bool = True,
        read_welcome: bool = True,
        headers: dict[str, str] | None = None,
        query: str = "",
        **kwargs: Any,
    ) -> AsyncIterator[Peer]:
        extra = {**(self.auth() if auth else {}), **(headers or {})}
        kwargs.setdefault("open_timeout", self.wait_s * 2)
        kwargs.setdefault("max_size", None)
        # Read everything into memory as it comes, so protocol pings are answered even while a
        # case is busy elsewhere: the kit is a client that keeps reading.
        kwargs.setdefault("max_queue", None)
        kwargs.setdefault("ping_interval", None)  # the server's heartbeats are what a case watches
        url = self.ws_url + (f"?{query}" if query else "")
        async with websockets.connect(url, additional_headers=extra, **kwargs) as conn:
            peer = Peer(conn, self.wait_s)
            if read_welcome:
                first = await peer.recv(what="welcome, the first frame of a connection")
                expect(
                    first["type"] == "welcome",
                    "§Handshake and security: the first frame must be welcome, got "
                    f"{json.dumps(first)[:200]}",
                )
                peer.welcome = first
            yield peer


class Peer:
    """One socket to the server under test."""

    def __init__(self, conn: ClientConnection, wait_s: float = WAIT_S) -> None:
        self.conn = conn
        self.wait_s = wait_s
        self.welcome: Frame = {}
        self.frames: list[Frame] = []  # every frame received, in order (not welcome)
        self.events: list[Frame] = []  # the event frames among them
        self._next_id = 0
        self.stalls = False  # a case that stops reading on purpose sets this: overflow is its verdict

    def new_id(self, prefix: str = "k") -> str:
        self._next_id += 1
        return f"{prefix}{self._next_id}"

    async def send(self, obj: Any) -> None:
        await self.conn.send(json.dumps(obj))

    async def send_text(self, text: str | bytes) -> None:
        await self.conn.send(text)

    async def recv(self, within_s: float | None = None, what: str = "a frame") -> Frame:
        within_s = within_s or self.wait_s
        try:
            raw = await asyncio.wait_for(self.conn.recv(), within_s)
        except TimeoutError:
            raise CaseFailed(f"no {what} within {within_s:g} s") from None
        except websockets.ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            reason = exc.rcvd.reason if exc.rcvd is not None else ""
            raise CaseFailed(
                f"the server closed the connection ({code} {reason!r}) while the case waited for {what}"
            ) from None
        expect(
            isinstance(raw, str), f"§Transport: frames are text frames, the server sent binary {raw[:60]!r}"
        )
        assert isinstance(raw, str)
        frame = check_frame(raw)
        if self.welcome or frame["type"] != "welcome":
            self.frames.append(frame)
        if frame["type"] == "resync" and frame.get("reason") == "overflow" and not self.stalls:
            raise CaseFailed(f"§Resync: a client that keeps reading never gets overflow, got {brief(frame)}")
        if is_event(frame):
            seq = frame["seq"]
            expect(
                not self.events or seq > self.events[-1]["seq"],
                f"{GUARANTEE}: got seq {seq} after seq {self.events[-1]['seq'] if self.events else None}",
            )
            self.events.append(frame)
        return frame

    async def until(self, pred: Callable[[Frame], bool], what: str, within_s: float | None = None) -> Frame:
        """Read frames (keeping them all) until one satisfies ``pred``; return it."""
        within_s = within_s or self.wait_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise CaseFailed(f"no {what} within {within_s:g} s")
            frame = await self.recv(left, what)
            if pred(frame):
                return frame

    async def reply(self, frame_id: str | int, what: str, within_s: float | None = None) -> Frame:
        """The first frame, not an event, that carries ``id`` ``frame_id``."""
        within_s = within_s or self.wait_s
        return await self.until(lambda f: not is_event(f) and f.get("id") == frame_id, what, within_s)

    async def request(self, obj: Frame, what: str | None = None) -> Frame:
        """Send a control frame with a fresh ``id``; return the frame that answers it."""
        frame_id = obj.get("id", self.new_id())
        await self.send({**obj, "id": frame_id})
        return await self.reply(frame_id, what or f"reply to {obj['type']} (id {frame_id!r})")

    async def subscribe(self, patterns: list[str]) -> Frame:
        reply = await self.request({"type": "subscribe", "events": patterns})
        expect(
            reply["type"] == "subscribed",
            f"§Subscriptions: subscribe {patterns[:3]} should be answered by subscribed, got {brief(reply)}",
        )
        return reply

    async def error_for(self, obj: Frame | str, code: str, rule: str, *, frame_id: Any = None) -> Frame:
        """Send ``obj`` and expect an ``error`` with ``code``; ``frame_id`` is the id it must echo
        (None: the error must carry no id)."""
        await self.send_text(obj if isinstance(obj, str) else json.dumps(obj))
        shown = obj if isinstance(obj, str) else json.dumps(obj)
        if frame_id is not None:
            reply = await self.reply(frame_id, f"reply to {shown[:120]}")
        else:
            reply = await self.until(lambda f: f["type"] == "error", f"error for {shown[:120]}")
        expect(
            reply["type"] == "error" and reply.get("code") == code,
            f"{rule}: {shown[:160]} should get error {code}, got {brief(reply)}",
        )
        if frame_id is None:
            expect(
                "id" not in reply, f"{rule}: the error for {shown[:120]} must carry no id, got {brief(reply)}"
            )
        return reply

    async def collect_until(
        self, pred: Callable[[Frame], bool], what: str, within_s: float | None = None
    ) -> list[Frame]:
        """The events received from now up to and including the first event satisfying ``pred``."""
        within_s = within_s or self.wait_s
        start = len(self.events)
        await self.until(lambda f: is_event(f) and pred(f), what, within_s)
        return self.events[start:]

    async def still_open(self, rule: str) -> None:
        """A ping answered by a pong: the connection survived what the case did."""
        reply = await self.request({"type": "ping"})
        expect(reply["type"] == "pong", f"{rule}: the connection must stay usable, ping got {brief(reply)}")

    async def closed(self, within_s: float | None = None) -> tuple[int | None, str]:
        """Read until the server closes; its close code and reason."""
        within_s = within_s or self.wait_s
        try:
            while True:
                await self.recv(within_s, "the server's close")
        except CaseFailed as exc:
            if self.conn.close_code is None:
                raise exc from None
        rcvd = self.conn.protocol.close_rcvd
        return (rcvd.code, rcvd.reason) if rcvd is not None else (None, "")


def brief(frame: Any) -> str:
    return json.dumps(frame)[:240]


def tagged(run: str) -> Callable[[Frame], bool]:
    """An event whose data carries ``run``: one of this case's own."""
    return lambda f: isinstance(f.get("data"), dict) and f["data"].get("run") == run


def marker(run: str) -> Callable[[Frame], bool]:
    """The case's closing event: data ``{"run": run, "end": true}``."""
    return lambda f: (
        isinstance(f.get("data"), dict) and f["data"].get("run") == run and f["data"].get("end") is True
    )


def own(events: list[Frame], run: str) -> list[Frame]:
    return [e for e in events if tagged(run)(e)]
