"""A small asyncio client for the Tidewire event socket (`/ws`).

    async with TidewireClient("ws://127.0.0.1:8787/ws", events=["task.*"]) as client:
        async for event in client:
            print(event.seq, event.type)

The client keeps one connection open and hides reconnects: after a drop it waits a
jittered, exponentially growing delay, reconnects, sends `resume` with the epoch and
the last seq it delivered, then `subscribe` with the whole subscription set, so the
iterator continues with no gap and no duplicate. When the daemon answers `resync`
(the events in between are gone) the `on_resync` callback runs, in order with the
events, so the application can refetch its state. Frames are parsed with the
generated models; unknown event types and unknown fields are ignored, as the
protocol's evolution rules require. Guide for users: docs/client.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol, Self, cast

from pydantic import BaseModel, ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from .backoff import Backoff
from .protocol import ServerFrame
from .protocol import models as m

__all__ = [
    "Backoff",
    "ConnectionFailed",
    "ConnectionState",
    "Event",
    "TidewireClient",
    "TidewireError",
]

log = logging.getLogger("tidewire.client")

ConnectionState = Literal["idle", "connecting", "connected", "disconnected", "closed"]
ResyncCallback = Callable[[m.ResyncFrame], Awaitable[int | None] | int | None]
StateCallback = Callable[[ConnectionState], None]
FrameCallback = Callable[[str], None]

# Close codes after which reconnecting cannot help: a refused token, an oversized frame.
FATAL_CLOSE_CODES = frozenset({1008, 1009})
# Handshake refusals that reconnecting cannot fix: bad token, foreign Origin/Host.
FATAL_HTTP_STATUS = frozenset({400, 401, 403, 404})


class Event(Protocol):
    """What iteration yields: an event frame model (e.g. `models.TaskCreatedEvent`)."""

    @property
    def type(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def ts(self) -> str: ...
    @property
    def data(self) -> Any: ...


class TidewireError(Exception):
    """The daemon refused a frame this client sent (an `error` frame)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ConnectionFailed(ConnectionError):
    """The client gave up: the daemon refused it, or `max_attempts` connects failed in a row."""


class _Disconnected(Exception):
    """The connection a request was sent on went away before the reply came."""


@dataclass
class ClientStats:
    connects: int = 0
    resumes: int = 0
    replayed: int = 0
    resyncs: int = 0
    duplicates_dropped: int = 0
    unknown_dropped: int = 0


@dataclass(frozen=True)
class _ResyncMarker:
    frame: m.ResyncFrame


@dataclass(frozen=True)
class _Stop:
    error: BaseException | None


_QueueItem = BaseModel | _ResyncMarker | _Stop
_CONTROL = (
    m.WelcomeFrame,
    m.SubscribedFrame,
    m.UnsubscribedFrame,
    m.PongFrame,
    m.ResumedFrame,
    m.ResyncFrame,
    m.ErrorFrame,
)


class TidewireClient:
    """Connects to the daemon's `/ws`, follows the subscription set, yields events.

    Args:
        url: the socket URL, e.g. `ws://127.0.0.1:8787/ws`.
        events: initial subscription patterns (`task.created`, `task.*`, `*`,
            `session.message:session_id=ID`). Change them later with `subscribe` and
            `unsubscribe`; the whole set is re-sent after every reconnect.
        token: sent as `Authorization: Bearer <token>` (needed beyond loopback).
        on_resync: called with the `resync` frame when events were lost to this client
            (epoch changed, resume too old, overflow). It runs in the iterating task, in
            order with the events. Refetch state there; if it returns an int (the seq your
            refetched state reflects, e.g. the `X-Tidewire-Seq` header), events with a seq
            at or below it are skipped.
        on_state: called with the new state on every connection state change.
        on_frame: called with the raw text of every frame received, before parsing
            (for logging or tracing).
        epoch, after_seq: a position saved from an earlier run (`client.epoch`,
            `client.last_seq`); the first connection then resumes from it.
        backoff: reconnect delays; `max_attempts` failed connects in a row end the
            iteration with `ConnectionFailed` (None: retry forever).
        ping_interval: seconds between `ping` frames (default: the daemon's
            `heartbeat_ms`); a missing `pong` within the same time drops the connection
            and reconnects. 0 disables pings.
        queue_size: events buffered between the socket and the iterator. When it is full
            the client stops reading, and a daemon that gets too far ahead sends `resync`.
    """

    def __init__(
        self,
        url: str,
        events: Iterable[str] = ("*",),
        *,
        token: str | None = None,
        on_resync: ResyncCallback | None = None,
        on_state: StateCallback | None = None,
        on_frame: FrameCallback | None = None,
        epoch: str | None = None,
        after_seq: int | None = None,
        backoff: Backoff | None = None,
        max_attempts: int | None = None,
        ping_interval: float | None = None,
        open_timeout: float = 10.0,
        queue_size: int = 1000,
        max_frame_bytes: int | None = 64 * 1024 * 1024,
    ) -> None:
        self.url = url
        self._events: list[str] = list(dict.fromkeys(events))
        self._token = token
        self._on_resync = on_resync
        self._on_state = on_state
        self._on_frame = on_frame
        self._epoch = epoch
        self._position = after_seq if epoch is not None else None
        self._backoff = backoff or Backoff()
        self._max_attempts = max_attempts
        self._ping_interval = ping_interval
        self._open_timeout = open_timeout
        self._max_frame_bytes = max_frame_bytes
        self._queue: asyncio.Queue[_QueueItem] = asyncio.Queue(maxsize=max(1, queue_size))
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[BaseModel]] = {}
        self._ws: ClientConnection | None = None
        self._welcome: m.WelcomeFrame | None = None
        self._runner: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._stopped: BaseException | Literal[False] | None = False
        self._skip_through = 0
        self._reader_blocked = False
        self._state: ConnectionState = "idle"
        self._welcome_seen = False
        self.stats = ClientStats()

    # -- public surface ----------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def epoch(self) -> str | None:
        """The epoch of `last_seq`; save both to resume in a later run."""
        return self._epoch

    @property
    def last_seq(self) -> int | None:
        """Every subscribed event up to this seq has been received (or did not match)."""
        return self._position

    @property
    def server_id(self) -> str | None:
        return self._welcome.server_id if self._welcome else None

    @property
    def welcome(self) -> m.WelcomeFrame | None:
        """The current (or last) connection's `welcome` frame."""
        return self._welcome

    @property
    def events(self) -> list[str]:
        """The subscription set this client maintains."""
        return list(self._events)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Connect, and return once the first connection is welcomed and subscribed."""
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="tidewire-client")
        await self.wait_ready()

    async def wait_ready(self) -> None:
        """Wait until a connection is up and its subscription is acknowledged.

        From then on every matching event committed after the connection's `welcome`
        will be delivered. Raises `ConnectionFailed` if the client gives up first.
        """
        runner = self._runner
        if runner is None:
            raise RuntimeError("the client is not started")
        if self._ready.is_set():
            return
        ready = asyncio.create_task(self._ready.wait())
        try:
            await asyncio.wait({ready, runner}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if not self._ready.is_set():
            error = self._stopped if isinstance(self._stopped, BaseException) else None
            raise error or ConnectionFailed("the client stopped before it connected")

    async def close(self) -> None:
        """Close the socket (code 1000) and end iteration."""
        if self._state == "closed":
            return
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await runner
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close(1000, "client closing")
        self._finish(None)
        self._set_state("closed")

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        while True:
            if self._queue.empty() and self._stopped is not False:
                if isinstance(self._stopped, BaseException):
                    raise self._stopped
                raise StopAsyncIteration
            item = await self._queue.get()
            if isinstance(item, _Stop):
                with contextlib.suppress(asyncio.QueueFull):
                    self._queue.put_nowait(item)  # later calls end too
                if item.error is not None:
                    raise item.error
                raise StopAsyncIteration
            if isinstance(item, _ResyncMarker):
                await self._call_on_resync(item.frame)
                continue
            event = cast(Event, item)
            if event.seq <= self._skip_through:
                self.stats.duplicates_dropped += 1
                continue
            return event

    def skip_through(self, seq: int) -> None:
        """Drop events with a seq at or below `seq` from now on: use it with the
        `X-Tidewire-Seq` of state fetched over REST, which already has those events."""
        self._skip_through = max(self._skip_through, seq)

    async def subscribe(self, events: Iterable[str]) -> list[str]:
        """Add patterns; returns the active set. Raises TidewireError for a bad pattern
        (and then keeps the set unchanged)."""
        wanted = [e for e in dict.fromkeys(events)]
        added = [e for e in wanted if e not in self._events]
        self._events.extend(added)
        try:
            reply = await self._request({"type": "subscribe", "events": wanted})
        except TidewireError:
            self._events = [e for e in self._events if e not in added]
            raise
        except _Disconnected:
            return list(self._events)
        return list(cast(m.SubscribedFrame, reply).events)

    async def unsubscribe(self, events: Iterable[str]) -> list[str]:
        """Remove patterns (unknown ones are fine); returns the active set."""
        gone = list(dict.fromkeys(events))
        self._events = [e for e in self._events if e not in gone]
        try:
            reply = await self._request({"type": "unsubscribe", "events": gone})
        except _Disconnected:
            return list(self._events)
        return list(cast(m.UnsubscribedFrame, reply).events)

    async def ping(self) -> m.PongFrame:
        """Round trip to the daemon; the `pong` carries its clock and head seq.
        Wrap it in `asyncio.timeout(...)` to bound the wait."""
        try:
            reply = await self._request({"type": "ping", "t": time.time() * 1000})
        except _Disconnected:
            raise ConnectionError("not connected") from None
        return cast(m.PongFrame, reply)

    # -- connection loop ---------------------------------------------------------------------

    def _set_state(self, state: ConnectionState) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:  # a broken observer must not break the connection
                log.exception("on_state callback failed")

    def _finish(self, error: BaseException | None) -> None:
        if self._stopped is not False:
            return
        self._stopped = error
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_Stop(error))

    async def _run(self) -> None:
        failures = 0
        try:
            while True:
                self._set_state("connecting")
                error = await self._connect_once()
                if error is None:
                    failures = 0  # the connection was up; start the backoff afresh
                else:
                    failures += 1
                    if isinstance(error, ConnectionFailed):
                        raise error
                    log.info("tidewire: connection to %s failed: %s", self.url, error)
                    if self._max_attempts is not None and failures >= self._max_attempts:
                        raise ConnectionFailed(
                            f"could not connect to {self.url} after {failures} attempts: {error}"
                        ) from error
                self._set_state("disconnected")
                await asyncio.sleep(self._backoff.delay(max(0, failures - 1)))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self._finish(exc)
            self._set_state("closed")

    async def _connect_once(self) -> BaseException | None:
        """One connection's life. Returns None after a session that got going, else why not."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        try:
            ws = await connect(
                self.url,
                additional_headers=headers,
                open_timeout=self._open_timeout,
                # The daemon pings at protocol level and we answer automatically; our own
                # liveness check is the application `ping`, which also proves the daemon's
                # event loop (not just its socket) is alive.
                ping_interval=None,
                max_size=self._max_frame_bytes,
                proxy=None,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in FATAL_HTTP_STATUS:
                return ConnectionFailed(f"the daemon refused the connection: HTTP {status}")
            return exc
        except InvalidURI as exc:
            return ConnectionFailed(str(exc))
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            return exc
        self._ws = ws
        try:
            return await self._session(ws)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            reason = exc.rcvd.reason if exc.rcvd is not None else ""
            if code in FATAL_CLOSE_CODES:
                return ConnectionFailed(f"the daemon closed the connection: {code} {reason}".strip())
            return None if self._welcome_seen else exc
        except _Disconnected:
            return None if self._welcome_seen else ConnectionError("the connection closed during setup")
        except (OSError, TimeoutError) as exc:  # e.g. no welcome within open_timeout
            return None if self._welcome_seen else exc
        finally:
            self._ws = None
            self._ready.clear()
            self._reader_blocked = False
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(_Disconnected())
            self._pending.clear()
            with contextlib.suppress(Exception):
                await ws.close()

    async def _session(self, ws: ClientConnection) -> BaseException | None:
        self._welcome_seen = False
        async with asyncio.timeout(self._open_timeout):
            first = await ws.recv()
        welcome = self._parse(first)
        if not isinstance(welcome, m.WelcomeFrame):
            return ConnectionError("the daemon did not start with a welcome frame")
        self._welcome_seen = True
        self._welcome = welcome
        self.stats.connects += 1
        resuming = self._epoch is not None and self._position is not None
        if resuming and self._epoch == welcome.epoch and (self._position or 0) > welcome.seq:
            # The daemon's log ends before our position (a store restored from an older
            # copy): `resume` would be refused and our position would hide its new events.
            log.warning("tidewire: the daemon's log ends before seq %s; starting over", self._position)
            self._position = welcome.seq
            lost = m.ResyncFrame(type="resync", reason="gap_too_old", epoch=welcome.epoch, seq=welcome.seq)
            await self._enqueue(_ResyncMarker(lost))
            resuming = False
        if resuming:
            # Resume first, then subscribe: the daemon rewinds this connection's cursor,
            # then the subscription decides which of the replayed events we get.
            self.stats.resumes += 1
            await self._send({"type": "resume", "epoch": self._epoch, "after_seq": self._position})
        else:
            self._epoch, self._position = welcome.epoch, welcome.seq
        subscribe_id: int | None = None
        if self._events:
            subscribe_id = next(self._ids)
            fut: asyncio.Future[BaseModel] = asyncio.get_running_loop().create_future()
            self._pending[subscribe_id] = fut
            fut.add_done_callback(self._initial_subscribe_done)
            await ws.send(_json({"type": "subscribe", "events": self._events, "id": subscribe_id}))
        else:
            self._ready.set()
        self._set_state("connected")

        interval = self._ping_interval
        if interval is None:
            interval = welcome.heartbeat_ms / 1000
        keepalive = asyncio.create_task(self._keepalive(ws, interval)) if interval > 0 else None
        try:
            async for raw in ws:
                if isinstance(raw, str):
                    await self._handle(raw, welcome)
        finally:
            if keepalive is not None:
                keepalive.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await keepalive
        return None

    def _initial_subscribe_done(self, fut: asyncio.Future[BaseModel]) -> None:
        if fut.cancelled():
            return
        error = fut.exception()
        if error is None:
            self._ready.set()
        elif isinstance(error, TidewireError):
            # The initial set itself is bad: nothing we can do on our own.
            self._finish(error)
            if self._runner is not None:
                self._runner.cancel()
            self._set_state("closed")

    async def _keepalive(self, ws: ClientConnection, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if self._reader_blocked:
                continue  # our own consumer is slow, the daemon is not
            try:
                async with asyncio.timeout(interval):
                    await self._request({"type": "ping", "t": time.time() * 1000})
            except TimeoutError:
                if self._reader_blocked:
                    continue
                log.warning("tidewire: no pong within %.1fs; reconnecting", interval)
                await ws.close(1000, "no pong")
                return
            except _Disconnected:
                return

    # -- frames ------------------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None:
            raise _Disconnected()
        try:
            await ws.send(_json(frame))
        except ConnectionClosed:
            raise _Disconnected() from None

    async def _request(self, frame: dict[str, Any]) -> BaseModel:
        if self._ws is None:
            raise _Disconnected()
        frame_id = next(self._ids)
        fut: asyncio.Future[BaseModel] = asyncio.get_running_loop().create_future()
        self._pending[frame_id] = fut
        try:
            await self._send({**frame, "id": frame_id})
            return await fut
        finally:
            self._pending.pop(frame_id, None)

    def _parse(self, raw: str | bytes) -> BaseModel | None:
        if self._on_frame is not None and isinstance(raw, str):
            try:
                self._on_frame(raw)
            except Exception:  # an observer's failure must not break the connection
                log.exception("on_frame callback failed")
        try:
            return ServerFrame.model_validate_json(raw).root
        except ValidationError as exc:
            kinds = {e["type"] for e in exc.errors(include_url=False)}
            if "union_tag_invalid" in kinds:
                self.stats.unknown_dropped += 1
                self._note_unknown(raw)
                return None
            log.warning("tidewire: dropped a frame that does not match the schema: %s", exc)
            self._note_unknown(raw)
            return None

    def _note_unknown(self, raw: str | bytes) -> None:
        # An event we cannot read was still delivered: count it as seen, so a resume does
        # not ask for it again.
        try:
            obj = json.loads(raw)
        except ValueError:
            return
        if isinstance(obj, dict) and "." in str(obj.get("type", "")):
            seq = obj.get("seq")
            if isinstance(seq, int) and not isinstance(seq, bool) and self._position is not None:
                self._position = max(self._position, seq)

    def _reply(self, frame_id: object, value: BaseModel | BaseException) -> bool:
        # Absent optional fields are pydantic's MISSING sentinel; only our own int ids match.
        if not isinstance(frame_id, int) or isinstance(frame_id, bool):
            return False
        fut = self._pending.get(frame_id)
        if fut is None or fut.done():
            return False
        if isinstance(value, BaseException):
            fut.set_exception(value)
        else:
            fut.set_result(value)
        return True

    async def _handle(self, raw: str, welcome: m.WelcomeFrame) -> None:
        frame = self._parse(raw)
        if frame is None:
            return
        if isinstance(frame, m.ErrorFrame):
            if not self._reply(frame.id, TidewireError(frame.code, frame.message)):
                log.warning("tidewire: the daemon reported %s: %s", frame.code, frame.message)
            return
        if isinstance(frame, m.ResyncFrame):
            self.stats.resyncs += 1
            if frame.reason == "overflow":
                # The daemon jumped this connection to its head; it continues from there.
                if isinstance(frame.seq, int):
                    self._position = frame.seq
            else:
                # Our resume was refused; the connection continues from its welcome position.
                self._epoch, self._position = welcome.epoch, welcome.seq
            self._reply(frame.id, frame)
            await self._enqueue(_ResyncMarker(frame))
            return
        if isinstance(frame, m.ResumedFrame):
            self.stats.replayed += frame.replayed
            self._reply(frame.id, frame)
            return
        if isinstance(frame, _CONTROL):
            self._reply(getattr(frame, "id", None), frame)
            return
        event = cast(Event, frame)
        if self._position is not None and event.seq <= self._position:
            self.stats.duplicates_dropped += 1
            return
        self._position = event.seq
        await self._enqueue(frame)

    async def _enqueue(self, item: _QueueItem) -> None:
        if self._queue.full():
            self._reader_blocked = True
            try:
                await self._queue.put(item)
            finally:
                self._reader_blocked = False
        else:
            self._queue.put_nowait(item)

    async def _call_on_resync(self, frame: m.ResyncFrame) -> None:
        if self._on_resync is None:
            log.warning("tidewire: resync (%s): events were lost; refetch state", frame.reason)
            return
        result = self._on_resync(frame)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, int) and not isinstance(result, bool):
            self.skip_through(result)


def _json(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))
