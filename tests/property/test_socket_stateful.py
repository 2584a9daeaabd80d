"""Stateful test of the socket against a real daemon.

Random interleavings of connect, disconnect, subscribe, unsubscribe (patterns and filters),
emits of every event kind (through ``POST /api/test-events``), resume on a live socket with
current / old / future seqs and a foreign epoch, reconnect-and-resume (both orders), and
daemon restarts. After every step each live socket is flushed: one event that every socket
is subscribed to is emitted, and each socket is read up to it. Invariants checked:

- each socket receives exactly the events its subscriptions match, from where each
  subscription change took effect (the reply's ``seq``) or where a resume started;
- seqs strictly increase on each socket, none twice, no gap after ``resumed``;
- ``resync`` only where the rules allow it (foreign epoch, older than the log, rewind past
  an event already delivered), ``error`` only for a resume beyond the head.

The daemon runs with a small ``--retain`` so that resumes fall out of the log as it grows.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)
from support import Daemon, TapSocket, ws_connect
from support.examples import event_types, example_data
from tidewire.protocol import HIGH_VOLUME

RETAIN = 40
FLUSH = "hook.generic:session_id=flush"
MAX_LIVE = 3
MAX_RESTARTS = 3

PATTERNS = [
    "*", "task.*", "session.*", "mcp.*", "hook.*", "agent.*", "worktree.*", "autonomous.*",
    "task.created", "session.message", "mcp.tool_called", "hook.pre_tool_use",
    "session.message:session_id=s1", "mcp.tool_called:server_name=a", "task.*:project_id=p1",
    "hook.*:session_id=s2", "*:session_id=s1", "agent.started:project_id=p2",
]  # fmt: skip

FILTER_FIELDS = ("session_id", "server_name", "project_id")


# -- the model -------------------------------------------------------------------------------


def matches(pattern: str, event_type: str, data: dict[str, Any]) -> bool:
    """The subscription rules, written independently of the server's implementation."""
    name, _, flt = pattern.partition(":")
    if name == "*":
        ok = event_type not in HIGH_VOLUME
    elif name.endswith(".*"):
        ok = event_type not in HIGH_VOLUME and event_type.startswith(name[:-1])
    else:
        ok = event_type == name
    if ok and flt:
        key, _, value = flt.partition("=")
        ok = data.get(key) == value
    return ok


@dataclass
class Event:
    seq: int
    type: str
    data: dict[str, Any]


@dataclass
class Conn:
    name: str
    stack: contextlib.AsyncExitStack
    ws: TapSocket
    patterns: list[str]
    pos: int  # every matching event up to here has been checked
    last_delivered: int = 0
    seen: list[int] = field(default_factory=list)

    def wants(self, e: Event) -> bool:
        return any(matches(p, e.type, e.data) for p in self.patterns)


@dataclass
class Dead:
    patterns: list[str]
    pos: int


class Shared:
    """State that outlives one Hypothesis example: the daemon, its loop, the whole log."""

    daemon: Daemon
    loop: asyncio.AbstractEventLoop
    log: dict[int, Event]
    head: int = 0
    epoch: str = ""
    restarts: int = 0
    counter: int = 0


S = Shared()


def oldest() -> int:
    return max(1, S.head - RETAIN + 1)


def run(coro: Any) -> Any:
    return S.loop.run_until_complete(coro)


events_strategy = st.lists(
    st.tuples(
        st.sampled_from(event_types()),
        st.sampled_from(["s1", "s2"]),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["p1", "p2"]),
    ),
    min_size=1,
    max_size=5,
)
pattern_lists = st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=3)


class SocketMachine(RuleBasedStateMachine):
    dead = Bundle("dead")

    def __init__(self) -> None:
        super().__init__()
        self.live: list[Conn] = []

    # -- helpers ---------------------------------------------------------------------------

    def _emit(self, batch: list[tuple[str, dict[str, Any]]]) -> list[int]:
        seqs = S.daemon.emit_many(batch)
        for seq, (kind, data) in zip(seqs, batch, strict=True):
            S.log[seq] = Event(seq, kind, data)
        assert seqs == list(range(S.head + 1, S.head + 1 + len(batch))), "seq must be consecutive"
        S.head = seqs[-1]
        return seqs

    async def _read_events_until(self, conn: Conn, last: int) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        while True:
            frame = await conn.ws.recv()
            assert "." in frame["type"], f"{conn.name}: unexpected {frame}"
            self._delivered(conn, frame)
            got.append(frame)
            if frame["seq"] == last:
                return got

    def _delivered(self, conn: Conn, frame: dict[str, Any]) -> None:
        seq = frame["seq"]
        assert seq > conn.last_delivered, f"{conn.name}: seq {seq} after {conn.last_delivered}"
        event = S.log[seq]
        assert frame["type"] == event.type
        conn.last_delivered = seq
        conn.seen.append(seq)

    def _expected(self, conn: Conn, after: int, upto: int) -> list[int]:
        return [s for s in range(after + 1, upto + 1) if conn.wants(S.log[s])]

    async def _flush(self) -> None:
        if not self.live:
            return
        [flush_seq] = self._emit([("hook.generic", example_data("hook.generic", session_id="flush"))])
        for conn in self.live:
            got = await self._read_events_until(conn, flush_seq)
            assert [f["seq"] for f in got] == self._expected(conn, conn.pos, flush_seq), conn.name
            conn.pos = flush_seq

    async def _open(self) -> tuple[contextlib.AsyncExitStack, TapSocket]:
        stack = contextlib.AsyncExitStack()
        ws = await stack.enter_async_context(ws_connect(S.daemon))
        assert ws.welcome["epoch"] == S.epoch
        assert ws.welcome["seq"] == S.head
        assert ws.welcome["oldest_seq"] == (oldest() if S.head else 1)
        return stack, ws

    # -- rules -----------------------------------------------------------------------------

    @precondition(lambda self: len(self.live) < MAX_LIVE)
    @rule(patterns=pattern_lists)
    def connect(self, patterns: list[str]) -> None:
        async def go() -> None:
            stack, ws = await self._open()
            S.counter += 1
            conn = Conn(f"c{S.counter}", stack, ws, [], S.head)
            reply = await ws.subscribe([FLUSH, *patterns])
            assert reply["type"] == "subscribed" and reply["seq"] == S.head
            conn.patterns = list(dict.fromkeys([FLUSH, *patterns]))
            assert reply["events"] == conn.patterns
            self.live.append(conn)
            await self._flush()

        run(go())

    @precondition(lambda self: bool(self.live))
    @rule(target=dead, index=st.integers(0, MAX_LIVE - 1))
    def disconnect(self, index: int) -> Dead:
        conn = self.live.pop(index % len(self.live))
        run(conn.stack.aclose())
        return Dead(conn.patterns, conn.pos)

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, MAX_LIVE - 1), patterns=pattern_lists, add=st.booleans())
    def change_subscriptions(self, index: int, patterns: list[str], add: bool) -> None:
        conn = self.live[index % len(self.live)]

        async def go() -> None:
            if add:
                reply = await conn.ws.subscribe(patterns)
                conn.patterns = list(dict.fromkeys([*conn.patterns, *patterns]))
                assert reply["type"] == "subscribed"
            else:
                reply = await conn.ws.unsubscribe(patterns)
                conn.patterns = [p for p in conn.patterns if p not in patterns]
                assert reply["type"] == "unsubscribed"
            assert reply["events"] == conn.patterns
            assert reply["seq"] == S.head == conn.pos
            await self._flush()

        run(go())

    @rule(batch=events_strategy)
    def emit(self, batch: list[tuple[str, str, str, str]]) -> None:
        events = []
        for kind, session, server, project in batch:
            data = example_data(kind)
            for key, value in zip(FILTER_FIELDS, (session, server, project), strict=True):
                if key in data:
                    data[key] = value
            events.append((kind, data))
        self._emit(events)
        run(self._flush())

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, MAX_LIVE - 1), how=st.sampled_from(["head", "older", "future", "epoch"]),
          back=st.integers(1, 60))  # fmt: skip
    def resume_live(self, index: int, how: str, back: int) -> None:
        conn = self.live[index % len(self.live)]
        epoch = "ep_elsewhere" if how == "epoch" else S.epoch
        after = {"head": S.head, "older": max(0, S.head - back), "future": S.head + back}[
            "head" if how == "epoch" else how
        ]

        async def go() -> None:
            await conn.ws.send_json({"type": "resume", "epoch": epoch, "after_seq": after, "id": "r"})
            events: list[dict[str, Any]] = []
            while True:
                frame = await conn.ws.recv()
                if "." not in frame["type"]:
                    break
                self._delivered(conn, frame)
                events.append(frame)
            assert frame.get("id") == "r", frame
            if how == "epoch":
                assert frame["type"] == "resync" and frame["reason"] == "epoch_changed"
            elif after > S.head:
                assert frame["type"] == "error" and frame["code"] == "invalid_resume"
            elif after < oldest() - 1 or after < conn.last_delivered:
                assert frame["type"] == "resync" and frame["reason"] == "gap_too_old", frame
            else:
                # Everything up to the head was checked already, so the replay holds only events
                # the current set matches that the set in force at the time did not.
                expected = self._expected(conn, after, S.head)
                assert frame["type"] == "resumed", frame
                assert (frame["after_seq"], frame["to_seq"], frame["replayed"]) == (
                    after,
                    S.head,
                    len(expected),
                )
                assert [f["seq"] for f in events] == expected
                expected = []
            if frame["type"] != "resumed":
                assert events == [], "no event may arrive with a refused resume"
            await self._flush()

        run(go())

    @precondition(lambda self: len(self.live) < MAX_LIVE)
    @rule(
        state=consumes(dead),
        where=st.sampled_from(["own", "zero", "head", "older"]),
        back=st.integers(0, 60),
        resume_first=st.booleans(),
    )
    def reconnect_and_resume(self, state: Dead, where: str, back: int, resume_first: bool) -> None:
        after = {"own": state.pos, "zero": 0, "head": S.head, "older": max(0, S.head - back)}[where]

        async def go() -> None:
            stack, ws = await self._open()
            S.counter += 1
            conn = Conn(f"c{S.counter}", stack, ws, list(state.patterns), S.head)
            self.live.append(conn)
            resume = {"type": "resume", "epoch": S.epoch, "after_seq": after, "id": "rr"}
            subscribe = {"type": "subscribe", "events": state.patterns, "id": "ss"}
            for msg in (resume, subscribe) if resume_first else (subscribe, resume):
                await ws.send_json(msg)
            accepted = after >= oldest() - 1
            expected = self._expected(conn, after, S.head) if accepted else []
            replies: dict[str, dict[str, Any]] = {}
            events: list[dict[str, Any]] = []
            # subscribed, then (if accepted) the replay, then resumed; or a resync.
            while len(replies) < 2 or len(events) < len(expected):
                frame = await ws.recv()
                if "." in frame["type"]:
                    self._delivered(conn, frame)
                    events.append(frame)
                else:
                    replies[frame["type"]] = frame
            assert set(replies) == {"subscribed", "resumed" if accepted else "resync"}, replies
            sub_seq = after if (resume_first and accepted) else S.head
            assert replies["subscribed"]["seq"] == sub_seq
            assert [e["seq"] for e in events] == expected
            if accepted:
                r = replies["resumed"]
                assert (r["after_seq"], r["to_seq"], r["replayed"]) == (after, S.head, len(expected))
            else:
                assert replies["resync"]["reason"] == "gap_too_old"
            conn.pos = S.head
            await self._flush()

        run(go())

    @rule(target=dead)
    def restart(self) -> Any:
        """Restart the daemon; every live socket must be closed with 1001 and becomes a dead state."""
        victims, self.live = self.live, []
        # Restarts are slow, so a budget is shared by all examples. When it is spent, the sockets
        # are closed by the client instead: the model's state is the same either way, which
        # Hypothesis needs to replay a failing example.
        restarting = S.restarts < MAX_RESTARTS
        S.restarts += 1

        async def go() -> None:
            if restarting:
                stopping = S.loop.run_in_executor(None, S.daemon.stop)
                codes = await asyncio.gather(*(c.ws.expect_closed() for c in victims))
                assert await stopping == 0
                assert codes == [1001] * len(victims)
            for c in victims:
                await c.stack.aclose()

        run(go())
        if restarting:
            S.daemon.start()
            health = S.daemon.health()
            assert (health["epoch"], health["seq"]) == (S.epoch, S.head)
        return multiple(*(Dead(c.patterns, c.pos) for c in victims))

    # -- invariants and teardown ------------------------------------------------------------

    @invariant()
    def seqs_strictly_increase(self) -> None:
        for conn in self.live:
            assert conn.seen == sorted(set(conn.seen))

    def teardown(self) -> None:
        for conn in self.live:
            run(conn.stack.aclose())
        self.live = []


@pytest.mark.timeout(900)  # shrinking a failure replays many examples against the daemon
def test_socket_state_machine(daemon_factory: Any) -> None:
    S.daemon = daemon_factory("--retain", str(RETAIN))
    S.loop = asyncio.new_event_loop()
    S.log = {}
    S.head = 0
    S.restarts = 0
    S.epoch = S.daemon.health()["epoch"]
    try:
        current = hsettings()
        run_settings = hsettings(
            max_examples=min(current.max_examples, 15),
            stateful_step_count=20,
            deadline=None,
        )
        SocketMachine.TestCase.settings = run_settings
        SocketMachine.TestCase().runTest()
    finally:
        S.loop.close()
