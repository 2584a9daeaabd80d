"""Model-based test of the socket core, without sockets or an event loop.

``Connection`` (cursor, subscriptions, replies, resume, overflow), the ``Ring`` and the
subscription matcher are driven directly: a fake bus (the real ring, a list as the store)
and a fake writer that takes the connection's next frame, holds it "in flight" for as
long as the test likes (the peer is not reading), then completes it. Every frame the
connection hands out is compared, in order, with what an independent model of the rules
in docs/protocol.md says it must be:

- subscriptions: ``*`` and ``prefix.*`` never match high-volume events, filters compare
  strings as written and numbers by value, a frame with a bad pattern changes nothing;
  replies carry the whole set and the cursor at which it took effect;
- the writer sends the overflow notice first, then replies in order, then the events
  after the cursor that the set matches, each once, in seq order;
- resume: the table in "Resume and reconnecting" (epoch, beyond the head, older than the
  log, rewinding past a sent event), replay from ``after_seq``, ``resumed`` at ``to_seq``;
- overflow: only events the connection would receive, committed while a frame waits,
  count; past ``max_lag`` the cursor jumps to the head behind one ``resync``; a stuck
  notice then closes with 1013; every completed frame resets the count;
- the ring holds exactly the last ``retain`` events; older ones come from the store.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import event
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tidewire.bus.base import BusReader
from tidewire.bus.ring import Ring
from tidewire.protocol import HIGH_VOLUME
from tidewire.store.entry import LogEntry
from tidewire.ws.connection import FETCH, FETCH_BATCH, Connection, ConnectionClosing

EPOCH = "ep_model"
RETAIN = 6
MAX_LAG = 2

# The event table in docs/protocol.md marks these as high volume.
HIGH = {"session.message", "mcp.tool_called", "agent.output"}
TYPES = [
    "task.created",
    "task.updated",
    "agent.started",
    "agent.output",
    "hook.generic",
    "session.message",
    "mcp.tool_called",
]

VALID = [
    "*", "task.*", "agent.*", "session.*", "task.created", "session.message", "mcp.tool_called",
    "agent.output",
    "task.*:status=open", "*:n=1", "*:n=2", "*:n=true", "task.updated:flag=true", "*:flag=null",
    "*:nested.k=x", "hook.generic:status=done", "session.message:status=open", "*:status=1",
]  # fmt: skip
INVALID = ["Task.created", "task.", "task", "*:status=", "task.*:=x", "**", "task.*.x"]


# -- the model -------------------------------------------------------------------------------


def model_matches(pattern: str, event_type: str, data: dict[str, Any]) -> bool:
    name, _, flt = pattern.partition(":")
    if name == "*":
        ok = event_type not in HIGH
    elif name.endswith(".*"):
        ok = event_type not in HIGH and event_type.startswith(name[:-1])
    else:
        ok = event_type == name
    if not ok or not flt:
        return ok
    path, _, value = flt.partition("=")
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, bool) or node is None:
        return value == json.dumps(node)
    if isinstance(node, int | float):
        try:
            number = json.loads(value)
        except ValueError:
            return False
        return isinstance(number, int | float) and not isinstance(number, bool) and number == node
    return isinstance(node, str) and node == value


@dataclass
class Event:
    seq: int
    type: str
    data: dict[str, Any]


@dataclass
class ClientModel:
    """What one connection must do, by the documented rules."""

    log: list[Event]
    cursor: int
    subs: list[str] = field(default_factory=list)
    active: bool = False
    last_sent: int = 0
    replies: deque[dict[str, Any]] = field(default_factory=deque)
    resume: list[Any] | None = None  # [after_seq, to_seq, replayed, id]
    notice: dict[str, Any] | None = None
    notice_in_flight: bool = False
    sending: bool = False
    unread: int = 0
    closed: int | None = None

    @property
    def head(self) -> int:
        return len(self.log)

    def wants(self, e: Event) -> bool:
        return any(model_matches(p, e.type, e.data) for p in self.subs)

    def reply(self, frame: dict[str, Any], frame_id: Any) -> None:
        if frame_id is not None:
            frame["id"] = frame_id
        self.replies.append(frame)

    def subscribe(self, patterns: list[str], frame_id: Any, add: bool) -> None:
        if any(p in INVALID for p in patterns):
            self.reply({"type": "error", "code": "invalid_subscription"}, frame_id)
            return
        for p in patterns:
            if add and p not in self.subs:
                self.subs.append(p)
            if not add and p in self.subs:
                self.subs.remove(p)
        self.active = self.active or add
        kind = "subscribed" if add else "unsubscribed"
        self.reply({"type": kind, "events": sorted(self.subs), "seq": self.cursor}, frame_id)

    def do_resume(self, epoch: str, after: int, frame_id: Any, oldest: int) -> None:
        if epoch != EPOCH:
            self.reply(
                {"type": "resync", "reason": "epoch_changed", "epoch": EPOCH, "seq": self.head}, frame_id
            )
        elif after > self.head:
            self.reply({"type": "error", "code": "invalid_resume"}, frame_id)
        elif after < oldest - 1 or self.last_sent > after:
            self.reply(
                {"type": "resync", "reason": "gap_too_old", "epoch": EPOCH, "seq": self.head}, frame_id
            )
        else:
            self.cursor = after
            self.resume = [after, self.head, 0, frame_id]
            self.finish_resume()

    def finish_resume(self) -> None:
        if self.resume is not None and self.cursor >= self.resume[1]:
            after, to, replayed, frame_id = self.resume
            self.resume = None
            self.reply({"type": "resumed", "after_seq": after, "to_seq": to, "replayed": replayed}, frame_id)

    def published(self, events: list[Event]) -> None:
        if not self.sending or not self.active or self.closed is not None:
            return
        self.unread += sum(1 for e in events if e.seq > self.cursor and self.wants(e))
        if self.unread > MAX_LAG:
            if self.notice_in_flight:
                self.closed = 1013
                return
            self.cursor = self.head
            self.resume = None
            self.unread = 0
            self.notice = {"type": "resync", "reason": "overflow", "epoch": EPOCH, "seq": self.head}

    def step(self, e: Event) -> bool:
        """Move the cursor onto ``e``; whether it is sent."""
        self.cursor = e.seq
        wanted = self.wants(e)
        if wanted and self.resume is not None:
            self.resume[2] += 1
        self.finish_resume()
        if wanted:
            self.last_sent = e.seq
        return wanted

    def next(self) -> dict[str, Any] | int | None:
        """The next frame: a control frame, or the seq of the next event; None if nothing."""
        if self.notice is not None:
            notice, self.notice = self.notice, None
            self.notice_in_flight = True
            return notice
        if self.replies:
            return self.replies.popleft()
        if not self.active:
            return None
        while self.cursor < self.head:
            if self.step(self.log[self.cursor]):
                return self.cursor
            if self.replies:
                return self.replies.popleft()
        return None

    def sent(self) -> None:
        self.sending = False
        self.notice_in_flight = False
        self.unread = 0


# -- the fake bus ----------------------------------------------------------------------------


class FakeBus:
    """The real ring; the store is a list that keeps everything (the store's pin is not under test)."""

    def __init__(self) -> None:
        self.ring = Ring(RETAIN, head=0)
        self.store: list[LogEntry] = []
        self.readers: set[BusReader] = set()

    @property
    def epoch(self) -> str:
        return EPOCH

    @property
    def head(self) -> int:
        return self.ring.head

    @property
    def oldest(self) -> int:
        return self.ring.oldest

    def get(self, seq: int) -> LogEntry | None:
        return self.ring.get(seq)

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self.ring.since(after_seq, limit)

    def store_since(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self.store[after_seq : after_seq + limit]

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self.store_since(after_seq, limit)

    def add_reader(self, reader: BusReader) -> None:
        self.readers.add(reader)

    def remove_reader(self, reader: BusReader) -> None:
        self.readers.discard(reader)

    def publish(self, entries: Sequence[LogEntry]) -> None:
        for e in entries:
            self.ring.append(e)
        self.store.extend(entries)
        for r in list(self.readers):
            r.published(entries)


async def _no_send(text: str) -> None:
    raise AssertionError("the test drives the writer itself")


# -- the machine -----------------------------------------------------------------------------

ids = st.one_of(st.none(), st.integers(0, 5), st.sampled_from(["a", "b"]))
data = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["open", "done", "1"]),
        "n": st.sampled_from([1, 1.0, 2, True, "1"]),
        "flag": st.sampled_from([True, False, None]),
        "nested": st.one_of(st.fixed_dictionaries({"k": st.sampled_from(["x", "y"])}), st.just("x")),
    },
)
patterns = st.one_of(
    st.lists(st.sampled_from(["*", "task.*", "*:n=1", "session.message"]), min_size=1, max_size=2),
    st.lists(st.sampled_from(VALID), min_size=1, max_size=3),
    st.lists(st.sampled_from(VALID), min_size=1, max_size=3),
    st.lists(st.sampled_from(VALID + INVALID), min_size=1, max_size=3),
)


class ConnectionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.bus = FakeBus()
        self.log: list[Event] = []
        self.position = 0  # the client's last event seq, kept across reconnects
        self.connect()

    def connect(self) -> None:
        self.conn = Connection(
            self.bus, _no_send, server_id="srv", heartbeat_ms=1000, max_frame_bytes=4096, max_lag=MAX_LAG
        )
        self.closes: list[int] = []
        self.conn.on_close_request = lambda request: self.closes.append(request.code)
        self.bus.add_reader(self.conn)
        self.model = ClientModel(self.log, cursor=len(self.log))
        self.in_flight: LogEntry | str | None = None
        self.fetching: tuple[int, list[LogEntry]] | None = None
        welcome = json.loads(self.conn.welcome())
        assert welcome["type"] == "welcome" and welcome["epoch"] == EPOCH
        assert (welcome["seq"], welcome["oldest_seq"]) == (len(self.log), self.oldest())

    def oldest(self) -> int:
        return max(1, len(self.log) - RETAIN + 1)

    def live(self) -> bool:
        return self.model.closed is None

    # -- what the peer and the daemon do ---------------------------------------------------

    @rule(
        batch=st.lists(st.tuples(st.sampled_from(TYPES), data), min_size=1, max_size=9),
        stalled=st.booleans(),
    )
    def commit(self, batch: list[tuple[str, dict[str, Any]]], stalled: bool) -> None:
        if stalled and self.live() and self.in_flight is None and self.fetching is None:
            self._take()  # the peer stops reading with this frame in flight
        events = [Event(len(self.log) + i + 1, t, d) for i, (t, d) in enumerate(batch)]
        entries = [
            LogEntry(e.seq, e.type, json.dumps({"type": e.type, "seq": e.seq, "data": e.data}), e.data)
            for e in events
        ]
        self.log.extend(events)
        before = (self.model.notice, self.model.closed)
        self.bus.publish(entries)
        self.model.published(events)
        if (self.model.notice, self.model.closed) != before:
            event("overflow" if self.model.closed is None else "closed 1013")
        assert self.closes == ([self.model.closed] if self.model.closed is not None else [])

    @precondition(live)
    @rule(add=st.sampled_from([True, True, False]), pats=patterns, frame_id=ids)
    def subscribe(self, add: bool, pats: list[str], frame_id: Any) -> None:
        frame: dict[str, Any] = {"type": "subscribe" if add else "unsubscribe", "events": pats}
        if frame_id is not None:
            frame["id"] = frame_id
        self.conn.handle_text(json.dumps(frame))
        self.model.subscribe(pats, frame_id, add)

    @precondition(live)
    @rule(frame_id=ids)
    def ping(self, frame_id: Any) -> None:
        self.conn.handle_text(
            json.dumps({"type": "ping"} | ({"id": frame_id} if frame_id is not None else {}))
        )
        self.model.reply({"type": "pong", "seq": len(self.log)}, frame_id)

    @precondition(live)
    @rule(epoch=st.sampled_from([EPOCH, EPOCH, "ep_other"]), where=st.data(), frame_id=ids)
    def resume(self, epoch: str, where: st.DataObject, frame_id: Any) -> None:
        head = len(self.log)
        after = where.draw(
            st.one_of(
                st.just(self.position),
                # Around what this connection already sent: resuming below it would repeat one.
                st.sampled_from([max(0, self.model.last_sent - 1), self.model.last_sent, self.oldest() - 1]),
                st.integers(max(0, self.oldest() - 2), head + 1),
                st.integers(0, head + 2),
            ),
            label="after_seq",
        )
        frame = {"type": "resume", "epoch": epoch, "after_seq": after}
        if frame_id is not None:
            frame["id"] = frame_id
        self.conn.handle_text(json.dumps(frame))
        self.model.do_resume(epoch, after, frame_id, self.oldest())

    @rule(now=st.integers(0, 4))
    def reconnect(self, now: int) -> None:
        if now:
            return  # rarer than the other steps: a connection needs time to get somewhere
        event("reconnect")
        self.bus.remove_reader(self.conn)
        self.connect()

    # -- the writer ------------------------------------------------------------------------

    def _take(self) -> bool:
        """Take the connection's next frame into flight; False when it has none."""
        try:
            item = self.conn.next_frame()
        except ConnectionClosing as exc:
            assert exc.code == self.model.closed == 1013
            return False
        assert self.model.closed is None, "a closed connection handed out a frame"
        if item is FETCH:
            # The ring no longer has the next event; the connection walked the ring up to here.
            cursor = self.conn.cursor
            assert cursor + 1 < self.oldest(), "fetched an event the ring still holds"
            while self.model.cursor < cursor:
                assert not self.model.step(self.log[self.model.cursor]), "skipped an event it wants"
                assert not self.model.replies, "skipped past a reply"
            assert self.model.cursor == cursor
            self.fetching = (cursor, self.bus.store_since(cursor, FETCH_BATCH))
            event("fetch from the store")
            return False
        expected = self.model.next()
        if item is None:
            assert expected is None, f"the connection has nothing to send; the model expects {expected}"
            return False
        assert not isinstance(item, type(FETCH))
        event(f"sent {item.type if isinstance(item, LogEntry) else json.loads(item)['type']}")
        if isinstance(item, LogEntry):
            assert expected == item.seq, f"sent event {item.seq}, the model expects {expected}"
            assert item.text == self.bus.store[item.seq - 1].text
            self.position = item.seq
        else:
            frame = json.loads(item)
            assert isinstance(expected, dict), f"sent {frame}, the model expects event {expected}"
            _check_control(frame, expected)
        assert self.conn.cursor == self.model.cursor and self.conn.last_sent == self.model.last_sent
        self.in_flight = item
        self.conn.sending = True
        self.model.sending = True
        return True

    def _complete(self) -> None:
        self.in_flight = None
        self.conn.sent()
        self.model.sent()

    def _fetched(self) -> None:
        assert self.fetching is not None
        after, entries = self.fetching
        self.fetching = None
        self.conn.take_fetched(after, entries)

    @precondition(lambda self: self.live() and self.in_flight is None and self.fetching is None)
    @rule()
    def take_frame(self) -> None:
        self._take()

    @precondition(lambda self: self.in_flight is not None)
    @rule()
    def peer_reads_frame(self) -> None:
        self._complete()

    @precondition(lambda self: self.fetching is not None)
    @rule()
    def store_read_completes(self) -> None:
        self._fetched()

    @precondition(live)
    @rule(limit=st.integers(1, 200))
    def peer_reads_everything(self, limit: int) -> None:
        for _ in range(limit):
            if self.fetching is not None:
                self._fetched()
            elif self.in_flight is not None:
                self._complete()
            elif not self._take() and self.fetching is None:
                break

    # -- the ring, directly ----------------------------------------------------------------

    @rule(after=st.integers(0, 60), limit=st.integers(1, 6))
    def ring_since(self, after: int, limit: int) -> None:
        start = max(after + 1, self.oldest())
        want = list(range(start, min(len(self.log), start + limit - 1) + 1))
        assert [e.seq for e in self.bus.since(after, limit)] == want

    @invariant()
    def the_cursor_is_where_the_rules_put_it(self) -> None:
        # Both move only in the same steps: a frame taken, a reply, a resume, an overflow.
        assert (self.conn.cursor, self.conn.last_sent) == (self.model.cursor, self.model.last_sent)

    @invariant()
    def ring_holds_the_last_retain_events(self) -> None:
        head = len(self.log)
        assert (self.bus.head, self.bus.oldest) == (head, self.oldest())
        for seq in range(max(0, head - RETAIN - 2), head + 3):
            entry = self.bus.get(seq)
            if self.oldest() <= seq <= head:
                assert entry is not None and entry.seq == seq and entry.type == self.log[seq - 1].type
            else:
                assert entry is None


def _check_control(frame: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        got = sorted(frame[key]) if key == "events" else frame.get(key)
        assert got == value, f"{key}: sent {frame}, the model expects {expected}"
    extra = set(frame) - set(expected) - {"message", "server_time", "t"}
    assert not extra, f"unexpected fields {extra} in {frame}"
    if "id" not in expected:
        assert "id" not in frame


def test_the_model_names_the_same_high_volume_events() -> None:
    assert frozenset(HIGH) == HIGH_VOLUME


# Thousands of steps in every profile (about 20,000 in "ci", in seconds): each step is cheap.
# The mutation run's profile keeps its own, smaller count: it runs this once per mutant.
_EXAMPLES = hsettings.default.max_examples
if os.environ.get("HYPOTHESIS_PROFILE") != "mutation":
    _EXAMPLES = max(200, _EXAMPLES)
ConnectionMachine.TestCase.settings = hsettings(
    max_examples=_EXAMPLES, stateful_step_count=100, deadline=None
)
test_connection_against_the_model = ConnectionMachine.TestCase
