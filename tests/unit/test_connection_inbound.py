"""A connection's inbound side, sans I/O: each client frame and the reply it queues.

Driven with a fake bus and no writer: ``handle_text`` / ``handle_bytes`` queue replies in
``conn.replies``, which the tests read in order. Covers the reply to every frame type, the
errors (with their codes, messages and ids), the limits and the rate-limit decisions.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from support.fakebus import FakeBus
from tidewire.protocol import PROTOCOL
from tidewire.ws import connection as connection_module
from tidewire.ws.connection import FETCH, MAX_PENDING_REPLIES, Connection, ConnectionClosing
from tidewire.ws.ratelimit import CLOSE_AFTER_S
from tidewire.ws.subscriptions import MAX_FILTER_CLAUSES, FilterBudget


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def make(
    bus: FakeBus | None = None,
    *,
    rate: float = 1000.0,
    burst: float = 1000.0,
    clock: Clock | None = None,
    budget: FilterBudget | None = None,
) -> tuple[Connection, list[ConnectionClosing]]:
    async def no_send(text: str) -> None:
        raise AssertionError("no writer in these tests")

    conn = Connection(
        bus or FakeBus(),
        no_send,
        server_id="srv_t",
        heartbeat_ms=1234,
        max_frame_bytes=4321,
        max_lag=3,
        ws_rate=rate,
        ws_burst=burst,
        clock=clock or Clock(),
        filter_budget=budget,
    )
    closes: list[ConnectionClosing] = []
    conn.on_close_request = closes.append
    return conn, closes


def send(conn: Connection, frame: dict[str, Any] | str) -> None:
    conn.handle_text(frame if isinstance(frame, str) else json.dumps(frame))


def replies(conn: Connection) -> list[dict[str, Any]]:
    out = [json.loads(r) for r in conn.replies]
    conn.replies.clear()
    return out


def only_reply(conn: Connection) -> dict[str, Any]:
    got = replies(conn)
    assert len(got) == 1, got
    return got[0]


# -- welcome ----------------------------------------------------------------------------------


def test_welcome_names_the_log_and_the_limits() -> None:
    bus = FakeBus(retain=3)
    bus.commit(*["task.created"] * 5)
    conn, _ = make(bus)
    assert json.loads(conn.welcome()) == {
        "type": "welcome",
        "protocol": PROTOCOL,
        "server_id": "srv_t",
        "epoch": "ep_fake",
        "seq": 5,
        "heartbeat_ms": 1234,
        "oldest_seq": 3,
        "max_frame_bytes": 4321,
    }
    assert (conn.cursor, conn.active, conn.last_sent) == (5, False, 0)


# -- subscribe / unsubscribe --------------------------------------------------------------------


def test_subscribe_replies_with_the_whole_set_at_the_cursor_and_activates() -> None:
    bus = FakeBus()
    bus.commit("task.created", "task.created")
    conn, _ = make(bus)
    assert not conn.wake.is_set()
    send(conn, {"type": "subscribe", "events": ["task.*"], "id": 7})
    assert conn.wake.is_set()
    assert conn.active
    send(conn, {"type": "subscribe", "events": ["agent.started", "task.*"]})
    assert replies(conn) == [
        {"type": "subscribed", "events": ["task.*"], "seq": 2, "id": 7},
        {"type": "subscribed", "events": ["task.*", "agent.started"], "seq": 2},
    ]


def test_unsubscribe_replies_with_what_is_left_and_does_not_activate() -> None:
    conn, _ = make()
    send(conn, {"type": "unsubscribe", "events": ["task.*"], "id": "u"})
    assert only_reply(conn) == {"type": "unsubscribed", "events": [], "seq": 0, "id": "u"}
    assert not conn.active
    send(conn, {"type": "subscribe", "events": ["task.*", "agent.*"]})
    send(conn, {"type": "unsubscribe", "events": ["task.*"]})
    assert replies(conn)[1] == {"type": "unsubscribed", "events": ["agent.*"], "seq": 0}
    assert conn.active


@pytest.mark.parametrize("kind", ["subscribe", "unsubscribe"])
def test_a_bad_pattern_is_an_invalid_subscription_error_with_the_id(kind: str) -> None:
    conn, _ = make()
    send(conn, {"type": kind, "events": ["Task.created"], "id": 3})
    reply = only_reply(conn)
    assert (reply["type"], reply["code"], reply["id"]) == ("error", "invalid_subscription", 3)
    assert "'Task.created'" in reply["message"]
    assert not conn.active
    assert conn.subs.events == []


def test_a_bad_pattern_without_an_id_gets_an_error_without_one() -> None:
    conn, _ = make()
    send(conn, {"type": "subscribe", "events": ["task."]})
    reply = only_reply(conn)
    assert reply["code"] == "invalid_subscription" and "id" not in reply


def test_too_many_filters_for_the_connection_is_its_own_code() -> None:
    conn, _ = make()
    # Each pattern costs one clause per field segment: 41 of 100 segments is just over the cap.
    deep = ".".join(["a"] * 100)
    many = [f"task.created:{deep}=v{i}" for i in range(MAX_FILTER_CLAUSES // 100 + 1)]
    send(conn, {"type": "subscribe", "events": many, "id": "big"})
    reply = only_reply(conn)
    assert (reply["code"], reply["id"]) == ("too_many_filters", "big")
    assert str(MAX_FILTER_CLAUSES) in reply["message"]
    assert not conn.active


def test_the_daemon_wide_filter_budget_is_too_many_filters_too() -> None:
    budget = FilterBudget(limit=2)
    conn, _ = make(budget=budget)
    send(conn, {"type": "subscribe", "events": ["task.created:a.b=x"]})
    send(conn, {"type": "subscribe", "events": ["task.created:c=x"], "id": 1})
    ok, refused = replies(conn)
    assert ok["type"] == "subscribed"
    assert (refused["code"], refused["id"]) == ("too_many_filters", 1)
    assert "2 filter clauses" in refused["message"]


# -- ping ---------------------------------------------------------------------------------------


def test_ping_is_answered_with_the_head_and_echoes_id_and_t() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    bus.commit("task.created", "task.created", "task.created")
    send(conn, {"type": "ping", "id": "p", "t": 12.5})
    pong = only_reply(conn)
    # The head, not the cursor: the connection is not subscribed, its cursor is still 0.
    assert (pong["type"], pong["seq"], pong["id"], pong["t"]) == ("pong", 3, "p", 12.5)
    assert pong["server_time"].endswith("Z")
    assert conn.wake.is_set()
    send(conn, {"type": "ping"})
    assert set(only_reply(conn)) == {"type", "server_time", "seq"}


# -- resume -------------------------------------------------------------------------------------


def _log(n: int, retain: int = 8) -> FakeBus:
    bus = FakeBus(retain=retain)
    if n:
        bus.commit(*["task.created"] * n)
    return bus


def test_resume_in_another_epoch_is_a_resync_and_the_cursor_stays() -> None:
    conn, _ = make(_log(4))
    send(conn, {"type": "resume", "epoch": "ep_other", "after_seq": 1, "id": "r"})
    assert only_reply(conn) == {
        "type": "resync",
        "reason": "epoch_changed",
        "epoch": "ep_fake",
        "seq": 4,
        "id": "r",
    }
    assert conn.cursor == 4


def test_resume_beyond_the_head_is_invalid_resume() -> None:
    conn, _ = make(_log(4))
    send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": 5, "id": 9})
    reply = only_reply(conn)
    assert (reply["code"], reply["id"]) == ("invalid_resume", 9)
    assert reply["message"] == "after_seq 5 is beyond the head 4"
    assert conn.cursor == 4


def test_resume_at_the_head_is_resumed_at_once() -> None:
    conn, _ = make(_log(4))
    conn.wake.clear()
    send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": 4, "id": 1})
    assert only_reply(conn) == {"type": "resumed", "after_seq": 4, "to_seq": 4, "replayed": 0, "id": 1}
    assert conn.wake.is_set()
    assert conn.cursor == 4


def test_resume_to_the_oldest_retained_edge_is_accepted_and_one_below_is_too_old() -> None:
    bus = _log(10, retain=4)  # the ring holds 7..10
    assert bus.oldest == 7
    conn, _ = make(bus)
    send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": 6})
    assert replies(conn) == []
    assert conn.cursor == 6
    conn2, _ = make(bus)
    send(conn2, {"type": "resume", "epoch": "ep_fake", "after_seq": 5, "id": "o"})
    assert only_reply(conn2) == {
        "type": "resync",
        "reason": "gap_too_old",
        "epoch": "ep_fake",
        "seq": 10,
        "id": "o",
    }
    assert conn2.cursor == 10


def test_resume_below_an_event_already_sent_is_too_old_and_at_it_is_fine() -> None:
    conn, _ = make(_log(6))
    conn.last_sent = 5
    send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": 4})
    assert only_reply(conn)["reason"] == "gap_too_old"
    assert conn.cursor == 6
    send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": 5})
    assert replies(conn) == []
    assert conn.cursor == 5


def test_resume_moves_the_cursor_exactly_to_after_seq_and_replays_from_there() -> None:
    for after in range(0, 9):
        bus = _log(8)
        conn, _ = make(bus)
        send(conn, {"type": "subscribe", "events": ["task.*"]})
        send(conn, {"type": "resume", "epoch": "ep_fake", "after_seq": after, "id": after})
        assert conn.cursor == after
        sent = []
        while (item := conn.next_frame()) is not None:
            assert item is not FETCH
            sent.append(item if isinstance(item, str) else item.seq)  # type: ignore[union-attr]
            conn.sent()
        events = [s for s in sent if isinstance(s, int)]
        assert events == list(range(after + 1, 9))
        resumed = json.loads(next(s for s in sent if isinstance(s, str) and "resumed" in s))
        assert resumed == {
            "type": "resumed",
            "after_seq": after,
            "to_seq": 8,
            "replayed": 8 - after,
            "id": after,
        }


# -- parse errors, bytes, internal errors ---------------------------------------------------------


def test_a_frame_that_does_not_parse_is_an_error_with_its_id() -> None:
    conn, _ = make()
    send(conn, {"type": "nope", "id": "x"})
    send(conn, "{not json")
    unknown, not_json = replies(conn)
    assert (unknown["code"], unknown["id"]) == ("unknown_type", "x")
    assert not_json["code"] == "invalid_json" and "id" not in not_json


def test_binary_frames_are_refused() -> None:
    conn, _ = make()
    conn.handle_bytes()
    assert only_reply(conn) == {
        "type": "error",
        "code": "invalid_json",
        "message": "binary frames are not accepted; send JSON text",
    }


def test_a_bug_handling_a_frame_is_an_internal_error_and_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn, _ = make()

    def broken(texts: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(conn.subs, "add", broken)
    with caplog.at_level(logging.ERROR, logger="tidewire.ws"):
        send(conn, {"type": "subscribe", "events": ["task.*"], "id": 5})
    assert only_reply(conn) == {
        "type": "error",
        "code": "internal_error",
        "message": "subscribe: the daemon failed on this frame",
        "id": 5,
    }
    assert [r.getMessage() for r in caplog.records] == ["socket frame subscribe failed"]
    assert caplog.records[0].exc_info is not None
    assert conn.close_request is None


# -- limits ---------------------------------------------------------------------------------------


def test_the_reply_queue_is_bounded_and_overflowing_it_closes_1008() -> None:
    conn, closes = make()
    for _ in range(MAX_PENDING_REPLIES):
        conn._reply("{}")
    assert closes == [] and conn.close_request is None
    conn.wake.clear()
    conn._reply("{}")
    assert len(conn.replies) == MAX_PENDING_REPLIES
    assert conn.wake.is_set()
    assert [(c.code, c.reason) for c in closes] == [(1008, "too many unread replies")]
    with pytest.raises(ConnectionClosing) as raised:
        conn.next_frame()
    assert raised.value is closes[0]
    assert str(raised.value) == "too many unread replies"


def test_the_first_close_reason_wins() -> None:
    conn, closes = make()
    conn._request_close(1013, "first")
    conn._request_close(1008, "second")
    assert [(c.code, c.reason) for c in closes] == [(1013, "first")]
    assert conn.close_request is closes[0]


def test_a_close_request_without_a_listener_is_kept_for_the_writer() -> None:
    async def no_send(text: str) -> None:
        raise AssertionError("no writer in these tests")

    conn = Connection(FakeBus(), no_send, server_id="s", heartbeat_ms=1, max_frame_bytes=1, max_lag=1)
    assert conn.on_close_request is None
    conn._request_close(1008, "why")
    assert conn.close_request is not None and conn.close_request.code == 1008


def test_the_module_constants_are_the_documented_ones() -> None:
    assert (connection_module.MAX_PENDING_REPLIES, connection_module.FETCH_BATCH) == (10_000, 64)


# -- the rate limit ---------------------------------------------------------------------------------


def test_frames_over_the_rate_are_refused_once_then_dropped_then_closed() -> None:
    clock = Clock()
    conn, closes = make(rate=2, burst=2, clock=clock)
    send(conn, {"type": "ping", "id": 1})
    send(conn, {"type": "ping", "id": 2})
    assert [r["id"] for r in replies(conn)] == [1, 2]
    assert conn.read_pause_s == 0.0

    send(conn, {"type": "ping", "id": 3})  # over: refused, with one error
    refused = only_reply(conn)
    assert refused == {
        "type": "error",
        "code": "rate_limited",
        "message": f"more than 2 frames/s (bursts of 2): frames are dropped unhandled until the rate "
        f"falls; the socket closes if it stays over for {CLOSE_AFTER_S:g} s",
    }
    # Until a token is back: half a second at 2 a second.
    assert conn.read_pause_s == pytest.approx(0.5)

    clock.now += 0.25
    send(conn, {"type": "ping", "id": 4})  # still over, an error went out 0.25 s ago: dropped
    assert replies(conn) == []
    assert conn.read_pause_s == pytest.approx(0.25)

    conn.handle_bytes()  # bytes count against the same limit
    assert replies(conn) == []

    clock.now += CLOSE_AFTER_S
    # A full interval after the last refusal: the spell is over, and a new one starts with an error.
    send(conn, {"type": "ping", "id": 5})
    send(conn, {"type": "ping", "id": 6})
    assert [r["id"] for r in replies(conn)] == [5, 6]
    assert conn.read_pause_s == 0.0
    send(conn, {"type": "ping", "id": 7})
    assert only_reply(conn)["code"] == "rate_limited"
    assert closes == []


def test_staying_over_the_rate_closes_1008() -> None:
    clock = Clock()
    conn, closes = make(rate=1, burst=1, clock=clock)
    send(conn, {"type": "ping"})
    # Faster than the rate: each token is spent as soon as it is back, the rest are refused.
    steps = 0
    while not closes and steps < 100:
        clock.now += 0.1
        steps += 1
        send(conn, {"type": "ping"})
    assert [(c.code, c.reason) for c in closes] == [(1008, "rate limit exceeded")]
    assert clock.now - 50.0 >= CLOSE_AFTER_S
    errors = [r for r in replies(conn) if r["type"] == "error"]
    # One error a second at most, not one per refused frame.
    assert len(errors) == 2 and {e["code"] for e in errors} == {"rate_limited"}
