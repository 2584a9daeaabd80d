"""tidewire.client and `tidewire tail`.

Two halves: against a small scripted socket server in this file (to force the rare
paths: refused handshakes, epoch changes, duplicates, unknown frames, lost pongs), and
against the real daemon (`daemon` fixture), where every frame the client receives also
goes through the schema tap.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from support import Daemon, check_frame
from tidewire.client import Backoff, ConnectionFailed, Event, TidewireClient, TidewireError
from tidewire.protocol import HIGH_VOLUME
from tidewire.protocol import models as m
from websockets.asyncio.server import Request, Response, ServerConnection, serve

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 20.0  # generous bound on waits; tests assert outcomes, never durations
FAST = Backoff(initial=0.01, maximum=0.05)


def example(name: str) -> dict[str, Any]:
    doc = json.loads((ROOT / "schema" / "events" / f"{name}.json").read_text(encoding="utf-8"))
    ex: dict[str, Any] = copy.deepcopy(doc["examples"][0])
    return ex


TASK_CREATED = example("task.created")


def task_event(seq: int, title: str | None = None) -> dict[str, Any]:
    frame = copy.deepcopy(TASK_CREATED)
    frame["seq"] = seq
    if title is not None:
        frame["data"]["task"]["title"] = title
    return frame


async def take(client: TidewireClient, n: int) -> list[Event]:
    out: list[Event] = []
    async with asyncio.timeout(WAIT_S):
        async for event in client:
            out.append(event)
            if len(out) == n:
                break
    return out


async def eventually(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT_S):
        # Polling: the conditions live in objects (server counters, client state) with no
        # event to wait on.
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


# ------------------------------------------------------------------ a scripted socket server


@dataclass
class _Conn:
    ws: ServerConnection
    cursor: int
    patterns: list[str] = field(default_factory=list)
    active: bool = False
    resume: tuple[int, int, Any] | None = None  # after_seq, to_seq, id
    replayed: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)


def _matches(patterns: list[str], event_type: str) -> bool:
    for p in patterns:
        if p == event_type:
            return True
        if event_type in HIGH_VOLUME:
            continue
        if p == "*" or (p.endswith(".*") and event_type.startswith(p[:-1])):
            return True
    return False


class FakeDaemon:
    """Just enough of the /ws protocol: welcome, subscribe, resume with replay, ping."""

    def __init__(self) -> None:
        self.epoch = "ep_1"
        self.log: dict[int, dict[str, Any]] = {}
        self.head = 0
        self.oldest = 1
        self.conns: list[_Conn] = []
        self.received: list[list[dict[str, Any]]] = []  # client frames, per connection
        self.handshakes = 0
        self.refuse: HTTPStatus | None = None
        self.answer_pings = True
        self.close_after_welcome: int | None = None
        self.silent = False  # accept the socket but never send `welcome`
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def emit(self, n: int = 1) -> list[int]:
        seqs = []
        for _ in range(n):
            self.head += 1
            self.log[self.head] = task_event(self.head, f"task {self.head}")
            seqs.append(self.head)
        for conn in self.conns:
            conn.wake.set()
        return seqs

    def new_epoch(self, epoch: str, head: int) -> None:
        self.epoch, self.head, self.oldest, self.log = epoch, head, head + 1, {}

    async def inject(self, frame: dict[str, Any] | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        for conn in list(self.conns):
            await conn.ws.send(text)

    async def drop_all(self, code: int = 1001) -> None:
        for conn in list(self.conns):
            await conn.ws.close(code, "bye")

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.handshakes += 1
        if self.refuse is not None:
            return connection.respond(self.refuse, "refused\n")
        return None

    async def _pump(self, conn: _Conn) -> None:
        while True:
            await conn.wake.wait()
            conn.wake.clear()
            while conn.active and conn.cursor < self.head:
                conn.cursor += 1
                event = self.log.get(conn.cursor)
                if event is not None and _matches(conn.patterns, event["type"]):
                    if conn.resume is not None:
                        conn.replayed += 1
                    await conn.ws.send(json.dumps(event))
                await self._finish_resume(conn)

    async def _finish_resume(self, conn: _Conn) -> None:
        if conn.resume is not None and conn.cursor >= conn.resume[1]:
            after, to, frame_id = conn.resume
            conn.resume = None
            reply = {"type": "resumed", "after_seq": after, "to_seq": to, "replayed": conn.replayed}
            if frame_id is not None:
                reply["id"] = frame_id
            await conn.ws.send(json.dumps(reply))

    async def _handler(self, ws: ServerConnection) -> None:
        if self.silent:
            await ws.wait_closed()
            return
        conn = _Conn(ws, cursor=self.head)
        frames: list[dict[str, Any]] = []
        self.received.append(frames)
        welcome = {
            "type": "welcome",
            "protocol": "tidewire.v1",
            "server_id": "srv_fake",
            "epoch": self.epoch,
            "seq": self.head,
            "heartbeat_ms": 30000,
            "oldest_seq": self.oldest,
        }
        await ws.send(json.dumps(welcome))
        if self.close_after_welcome is not None:
            await ws.close(self.close_after_welcome, "closing")
            return
        self.conns.append(conn)
        pump = asyncio.create_task(self._pump(conn))
        try:
            async for raw in ws:
                frame = json.loads(raw)
                frames.append(frame)
                await self._on_frame(conn, frame)
        finally:
            self.conns.remove(conn)
            pump.cancel()

    async def _on_frame(self, conn: _Conn, frame: dict[str, Any]) -> None:
        kind, frame_id = frame["type"], frame.get("id")

        async def reply(obj: dict[str, Any]) -> None:
            if frame_id is not None:
                obj["id"] = frame_id
            await conn.ws.send(json.dumps(obj))

        if kind in ("subscribe", "unsubscribe"):
            bad = [p for p in frame["events"] if " " in p]
            if bad:
                await reply({"type": "error", "code": "invalid_subscription", "message": f"bad: {bad}"})
                return
            if kind == "subscribe":
                conn.patterns += [p for p in frame["events"] if p not in conn.patterns]
                conn.active = True
            else:
                conn.patterns = [p for p in conn.patterns if p not in frame["events"]]
            await reply({"type": f"{kind}d", "events": list(conn.patterns), "seq": conn.cursor})
            conn.wake.set()
        elif kind == "ping":
            if self.answer_pings:
                pong = {"type": "pong", "server_time": "2026-11-26T06:00:00Z", "seq": self.head}
                if "t" in frame:
                    pong["t"] = frame["t"]
                await reply(pong)
        elif kind == "resume":
            if frame["epoch"] != self.epoch:
                await reply(
                    {"type": "resync", "reason": "epoch_changed", "epoch": self.epoch, "seq": self.head}
                )
            elif frame["after_seq"] < self.oldest - 1:
                await reply(
                    {"type": "resync", "reason": "gap_too_old", "epoch": self.epoch, "seq": self.head}
                )
            else:
                conn.cursor = frame["after_seq"]
                conn.resume = (frame["after_seq"], self.head, frame_id)
                await self._finish_resume(conn)
                conn.wake.set()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FakeDaemon]:
        async with serve(self._handler, "127.0.0.1", 0, process_request=self._process_request) as server:
            self.port = server.sockets[0].getsockname()[1]
            yield self


@pytest.fixture
async def fake() -> AsyncIterator[FakeDaemon]:
    async with FakeDaemon().running() as daemon:
        yield daemon


def client_for(fake: FakeDaemon, events: list[str] | None = None, **kw: Any) -> TidewireClient:
    kw.setdefault("backoff", FAST)
    return TidewireClient(fake.url, events or ["task.*"], **kw)


# ------------------------------------------------------------------ against the scripted server


async def test_receives_events_in_order_and_tracks_position(fake: FakeDaemon) -> None:
    fake.emit(2)  # before connecting: not delivered
    async with client_for(fake) as client:
        assert client.epoch == "ep_1" and client.last_seq == 2
        fake.emit(3)
        events = await take(client, 3)
    assert [e.seq for e in events] == [3, 4, 5]
    assert all(isinstance(e, m.TaskCreatedEvent) for e in events)
    assert client.last_seq == 5
    assert fake.received[0][0] == {"type": "subscribe", "events": ["task.*"], "id": 1}
    assert client.state == "closed"


async def test_ignores_unknown_event_types_and_unknown_fields(fake: FakeDaemon) -> None:
    async with client_for(fake) as client:
        await fake.inject({"type": "task.archived", "seq": 1, "ts": "2026-11-26T06:00:00Z", "data": {}})
        await fake.inject({"type": "hello", "note": "a control frame from the future"})
        newer = task_event(2)
        newer["shard"] = 7
        newer["data"]["task"]["estimate_hours"] = 3
        await fake.inject(newer)
        [event] = await take(client, 1)
    assert event.seq == 2
    assert isinstance(event, m.TaskCreatedEvent)
    assert event.model_extra == {"shard": 7}
    assert client.stats.unknown_dropped == 2
    assert client.last_seq == 2


async def test_drops_duplicates(fake: FakeDaemon) -> None:
    async with client_for(fake) as client:
        for seq in (1, 2, 2, 1, 3):
            await fake.inject(task_event(seq))
        events = await take(client, 3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert client.stats.duplicates_dropped == 2


async def test_reconnects_and_resumes_without_gap_or_duplicate(fake: FakeDaemon) -> None:
    states: list[str] = []
    async with client_for(fake, on_state=states.append) as client:
        fake.emit(3)
        first = await take(client, 3)
        fake.refuse = HTTPStatus.SERVICE_UNAVAILABLE  # keep it away while events happen
        await fake.drop_all(1001)
        await eventually(lambda: fake.handshakes >= 3)
        fake.emit(2)  # missed while disconnected
        fake.refuse = None
        second = await take(client, 2)
        fake.emit(1)  # live again
        third = await take(client, 1)
        await client.ping()  # the `resumed` reply has been read by now
    seqs = [e.seq for e in first + second + third]
    assert seqs == [1, 2, 3, 4, 5, 6]
    resume, subscribe = fake.received[-1][:2]
    assert resume == {"type": "resume", "epoch": "ep_1", "after_seq": 3}
    assert subscribe["type"] == "subscribe" and subscribe["events"] == ["task.*"]
    assert client.stats.resumes == 1 and client.stats.replayed == 2
    assert client.stats.duplicates_dropped == 0
    assert "disconnected" in states and states.count("connected") == 2


async def test_saved_position_resumes_on_first_connect(fake: FakeDaemon) -> None:
    fake.emit(4)
    async with client_for(fake, epoch="ep_1", after_seq=2) as client:
        events = await take(client, 2)
    assert [e.seq for e in events] == [3, 4]
    assert fake.received[0][0] == {"type": "resume", "epoch": "ep_1", "after_seq": 2}


async def test_new_epoch_calls_on_resync_and_skips_what_the_refetch_covered(fake: FakeDaemon) -> None:
    resyncs: list[m.ResyncFrame] = []

    async def on_resync(frame: m.ResyncFrame) -> int:
        resyncs.append(frame)
        return 11  # "my refetched state reflects seq 11"

    async with client_for(fake, on_resync=on_resync) as client:
        fake.emit(2)
        await take(client, 2)
        fake.refuse = HTTPStatus.SERVICE_UNAVAILABLE
        await fake.drop_all(1001)
        await eventually(lambda: fake.handshakes >= 2)
        fake.new_epoch("ep_2", head=10)
        fake.refuse = None
        await eventually(lambda: client.epoch == "ep_2")
        fake.emit(2)  # 11 and 12
        [event] = await take(client, 1)
    assert [f.reason for f in resyncs] == ["epoch_changed"]
    assert event.seq == 12
    assert client.epoch == "ep_2"


async def test_a_log_that_went_backwards_is_a_resync_not_silence(fake: FakeDaemon) -> None:
    resyncs: list[str] = []
    async with client_for(fake, on_resync=lambda f: resyncs.append(f.reason)) as client:
        fake.emit(5)
        await take(client, 5)
        fake.refuse = HTTPStatus.SERVICE_UNAVAILABLE
        await fake.drop_all(1001)
        await eventually(lambda: fake.handshakes >= 2)
        fake.head = 2  # same epoch, but the log now ends before what we saw
        fake.refuse = None
        await eventually(lambda: client.stats.connects == 2)
        fake.emit(1)
        [event] = await take(client, 1)
    assert resyncs == ["gap_too_old"]
    assert event.seq == 3
    assert not any(f["type"] == "resume" for f in fake.received[-1])


async def test_overflow_resync_moves_the_position(fake: FakeDaemon) -> None:
    resyncs: list[str] = []
    async with client_for(fake, on_resync=lambda f: resyncs.append(f.reason)) as client:
        await fake.inject(task_event(1))
        await fake.inject({"type": "resync", "reason": "overflow", "epoch": "ep_1", "seq": 50})
        await fake.inject(task_event(40))  # older than the jump: a duplicate
        await fake.inject(task_event(51))
        events = await take(client, 2)
    assert [e.seq for e in events] == [1, 51]
    assert resyncs == ["overflow"]
    assert client.stats.duplicates_dropped == 1


async def test_gives_up_after_max_attempts(fake: FakeDaemon) -> None:
    fake.refuse = HTTPStatus.SERVICE_UNAVAILABLE
    client = client_for(fake, max_attempts=3)
    with pytest.raises(ConnectionFailed, match="after 3 attempts"):
        await client.start()
    assert fake.handshakes == 3
    with pytest.raises(ConnectionFailed):
        await anext(client)
    await client.close()


async def test_refused_handshake_is_not_retried(fake: FakeDaemon) -> None:
    fake.refuse = HTTPStatus.FORBIDDEN
    client = client_for(fake)
    with pytest.raises(ConnectionFailed, match="403"):
        await client.start()
    assert fake.handshakes == 1
    await client.close()


async def test_policy_close_is_not_retried(fake: FakeDaemon) -> None:
    fake.close_after_welcome = 1008
    client = client_for(fake)
    with pytest.raises(ConnectionFailed, match="1008"):
        await client.start()
    assert fake.handshakes == 1
    await client.close()


async def test_a_server_that_never_says_welcome_is_retried(fake: FakeDaemon) -> None:
    fake.silent = True
    client = client_for(fake, max_attempts=2, open_timeout=0.2)
    with pytest.raises(ConnectionFailed, match="after 2 attempts"):
        await client.start()
    assert fake.handshakes == 2
    await client.close()


async def test_bad_subscription_raises_and_keeps_the_set(fake: FakeDaemon) -> None:
    async with client_for(fake) as client:
        with pytest.raises(TidewireError) as info:
            await client.subscribe(["not a pattern"])
        assert info.value.code == "invalid_subscription"
        assert client.events == ["task.*"]
        assert await client.subscribe(["agent.*"]) == ["task.*", "agent.*"]
        assert await client.unsubscribe(["task.*", "never.subscribed"]) == ["agent.*"]
        assert client.events == ["agent.*"]


async def test_bad_initial_subscription_fails_start(fake: FakeDaemon) -> None:
    client = client_for(fake, events=["not a pattern"])
    with pytest.raises(TidewireError):
        await client.start()
    await client.close()
    assert fake.handshakes == 1


async def test_ping_returns_pong(fake: FakeDaemon) -> None:
    fake.emit(3)
    async with client_for(fake) as client:
        pong = await client.ping()
    assert isinstance(pong, m.PongFrame)
    assert pong.seq == 3
    assert isinstance(pong.t, float)


async def test_missing_pong_drops_the_connection_and_reconnects(fake: FakeDaemon) -> None:
    fake.answer_pings = False
    async with client_for(fake, ping_interval=0.05) as client:
        await eventually(lambda: fake.handshakes >= 2)
        fake.answer_pings = True
        fake.emit(1)
        [event] = await take(client, 1)
    assert event.seq == 1
    assert client.stats.resumes >= 1


def test_backoff_grows_is_capped_and_jittered() -> None:
    backoff = Backoff(initial=0.5, maximum=8.0, rng=random.Random(7))
    assert [backoff.cap(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff.cap(10_000) == 8.0
    delays = [backoff.delay(n) for n in range(200)]
    assert all(backoff.cap(n) / 2 <= d <= backoff.cap(n) for n, d in enumerate(delays))
    assert len({round(d, 6) for d in delays[10:]}) > 100  # jittered, not a constant


# ------------------------------------------------------------------ against the real daemon


def tapped(daemon: Daemon, events: list[str], **kw: Any) -> TidewireClient:
    kw.setdefault("backoff", FAST)
    return TidewireClient(daemon.ws_url, events, token=daemon.token, on_frame=check_frame, **kw)


def create_task(daemon: Daemon, title: str) -> dict[str, Any]:
    r = daemon.post("/api/tasks", {"title": title})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def emit_task(daemon: Daemon, title: str) -> int:
    data = copy.deepcopy(TASK_CREATED["data"])
    data["task"]["title"] = title
    return daemon.emit("task.created", data)


async def test_daemon_events_from_rest_arrive_in_order(daemon: Daemon) -> None:
    async with tapped(daemon, ["task.*"]) as client:
        titles = ["first", "second", "third"]
        for title in titles:
            await asyncio.to_thread(create_task, daemon, title)
        events = await take(client, 3)
    assert [e.type for e in events] == ["task.created"] * 3
    assert [e.data.task.title for e in events] == titles
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3


async def test_daemon_restart_is_resumed_without_gap_or_duplicate(daemon: Daemon) -> None:
    resyncs: list[str] = []
    async with tapped(daemon, ["task.*"], on_resync=lambda f: resyncs.append(f.reason)) as client:
        a = await asyncio.to_thread(emit_task, daemon, "before restart")
        [first] = await take(client, 1)
        await asyncio.to_thread(daemon.restart)
        b = await asyncio.to_thread(emit_task, daemon, "after restart")
        [second] = await take(client, 1)
        c = await asyncio.to_thread(emit_task, daemon, "live")
        [third] = await take(client, 1)
    assert [first.seq, second.seq, third.seq] == [a, b, c]
    assert resyncs == []
    assert client.stats.connects >= 2 and client.stats.resumes >= 1


async def test_daemon_replays_from_a_saved_position(daemon: Daemon) -> None:
    async with tapped(daemon, ["task.*"]) as client:
        await asyncio.to_thread(emit_task, daemon, "seen")
        await take(client, 1)
        epoch, last = client.epoch, client.last_seq
    missed = [await asyncio.to_thread(emit_task, daemon, f"missed {i}") for i in range(2)]
    async with tapped(daemon, ["task.*"], epoch=epoch, after_seq=last) as again:
        events = await take(again, 2)
        await again.ping()
    assert [e.seq for e in events] == missed
    assert again.stats.replayed == 2


async def test_daemon_gap_too_old_calls_on_resync(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--retain", "3")
    async with tapped(daemon, ["task.*"]) as client:
        epoch = client.epoch
    for i in range(6):
        await asyncio.to_thread(emit_task, daemon, f"t{i}")
    resyncs: list[m.ResyncFrame] = []
    async with tapped(daemon, ["task.*"], epoch=epoch, after_seq=0, on_resync=resyncs.append) as client:
        seq = await asyncio.to_thread(emit_task, daemon, "after the gap")
        [event] = await take(client, 1)
    assert [f.reason for f in resyncs] == ["gap_too_old"]
    assert event.seq == seq


async def test_daemon_filter_and_high_volume_rule(daemon: Daemon) -> None:
    message = example("session.message")["data"]
    async with tapped(daemon, ["*", f"session.message:session_id={message['session_id']}"]) as client:
        other = {**message, "session_id": "someone-else"}
        await asyncio.to_thread(daemon.emit, "session.message", other)
        wanted = await asyncio.to_thread(daemon.emit, "session.message", message)
        task = await asyncio.to_thread(emit_task, daemon, "plain")
        events = await take(client, 2)
    assert [(e.type, e.seq) for e in events] == [("session.message", wanted), ("task.created", task)]


def test_tail_prints_live_events_and_reports_bad_patterns(daemon: Daemon) -> None:
    for as_json in (False, True):
        cmd = [sys.executable, "-m", "tidewire", "tail", "--url", daemon.ws_url, "--count", "2", "task.*"]
        if as_json:
            cmd.append("--json")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if line.startswith("tail: following"):
                    break
            seqs = [emit_task(daemon, f"tail {i}") for i in range(2)]
            out, _ = proc.communicate(timeout=WAIT_S)
        finally:
            proc.kill()
        assert proc.returncode == 0
        lines = out.splitlines()
        assert len(lines) == 2
        if as_json:
            frames = [check_frame(line) for line in lines]
            assert [f["seq"] for f in frames] == seqs
        else:
            for line, seq in zip(lines, seqs, strict=True):
                assert line.split()[0] == str(seq)
                assert "task.created" in line and "tail" in line

    bad = [sys.executable, "-m", "tidewire", "tail", "--url", daemon.ws_url, "Not A Pattern"]
    result = subprocess.run(bad, capture_output=True, text=True, timeout=WAIT_S)
    assert result.returncode == 2
    assert "Not A Pattern" in result.stderr


async def test_daemon_token_is_sent_and_a_wrong_one_is_not_retried(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--token", "s3cret-token")
    async with tapped(daemon, ["task.*"]) as client:
        seq = await asyncio.to_thread(emit_task, daemon, "with a token")
        [event] = await take(client, 1)
    assert event.seq == seq
    wrong = TidewireClient(daemon.ws_url, ["task.*"], token="wrong", backoff=FAST)
    with pytest.raises(ConnectionFailed, match="1008"):
        await wrong.start()
    await wrong.close()
    assert wrong.stats.connects == 0


async def test_skip_through_drops_what_a_fetch_already_has(fake: FakeDaemon) -> None:
    async with client_for(fake) as client:
        fake.emit(3)
        client.skip_through(2)
        [event] = await take(client, 1)
    assert event.seq == 3


def test_tail_summarizes_every_event_type() -> None:
    from tidewire.protocol import EVENT_MODELS, ServerFrame
    from tidewire.tail import format_json, format_line

    for name in sorted(EVENT_MODELS):
        frame = example(name)
        event = ServerFrame.model_validate(frame).root
        line = format_line(event)  # type: ignore[arg-type]
        # The time shows its date too when it is not today (examples are old): two words.
        seq, *_clock, kind, _summary = (part for part in line.split("  ") if part.strip())
        summary = _summary.split()
        assert (int(seq), kind.strip()) == (frame["seq"], name)
        assert summary and "None None" not in line, line
        assert "\n" not in line and len(line) < 200
        assert json.loads(format_json(event)) == frame  # type: ignore[arg-type]
