"""A connection's writer, sans I/O where it can be: what ``next_frame`` hands out, the overflow
rule in ``published``, ``take_fetched``, and ``run_writer`` over a fake send on a real event loop.

The model test (tests/property/test_connection_model.py) checks the order of what is sent
against the documented rules; these pin the edges it reaches only by chance: the exact
``max_lag`` boundary, what counts as lag, a store read that lost events, and the send loop.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from support.fakebus import FakeBus, entry
from tidewire.store.entry import LogEntry
from tidewire.ws.connection import FETCH, FETCH_BATCH, Connection, ConnectionClosing


def make(bus: FakeBus, max_lag: int = 2, **kw: Any) -> tuple[Connection, list[int]]:
    async def no_send(text: str) -> None:
        raise AssertionError("not used")

    conn = Connection(
        bus,
        kw.pop("send_text", no_send),
        server_id="srv",
        heartbeat_ms=1000,
        max_frame_bytes=4096,
        max_lag=max_lag,
        **kw,
    )
    closes: list[int] = []
    conn.on_close_request = lambda request: closes.append(request.code)
    bus.add_reader(conn)
    return conn, closes


def subscribe(conn: Connection, *patterns: str) -> None:
    conn.handle_text(json.dumps({"type": "subscribe", "events": list(patterns)}))
    assert json.loads(conn.next_frame())["type"] == "subscribed"  # type: ignore[arg-type]
    conn.sent()


def drain(conn: Connection) -> list[int | str]:
    """Everything the connection has to send now, as seqs and reply types."""
    out: list[int | str] = []
    while (item := conn.next_frame()) is not None:
        assert item is not FETCH
        out.append(item.seq if isinstance(item, LogEntry) else json.loads(item)["type"])  # type: ignore[arg-type]
        conn.sent()
    return out


# -- next_frame ---------------------------------------------------------------------------------


def test_nothing_goes_out_before_the_first_subscribe() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    bus.commit("task.created")
    conn.cursor = 0
    assert conn.next_frame() is None
    assert conn.cursor == 0


def test_events_go_out_in_order_once_and_only_those_subscribed() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    subscribe(conn, "task.created")
    bus.commit("task.created", "agent.started", "task.created")
    assert drain(conn) == [1, 3]
    assert (conn.cursor, conn.last_sent) == (3, 3)
    bus.commit("agent.started")
    assert drain(conn) == []
    assert (conn.cursor, conn.last_sent) == (4, 3)


def test_a_filter_is_matched_against_each_event_s_data() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    subscribe(conn, "task.*:status=open")
    bus.publish([entry(1, data={"status": "open"}), entry(2, data={"status": "done"}), entry(3, data={})])
    bus.publish([entry(4, "task.updated", {"status": "open"})])
    assert drain(conn) == [1, 4]


def test_a_reply_queued_while_walking_goes_before_the_next_event() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    subscribe(conn, "task.created")
    bus.commit("agent.started", "agent.started", "task.created", "task.created")
    conn.handle_text(json.dumps({"type": "resume", "epoch": "ep_fake", "after_seq": 0, "id": 1}))
    # The resume's target is seq 4; walking to it passes 1, 2 (not wanted), sends 3, then 4.
    assert drain(conn) == [3, 4, "resumed"]


def test_a_resume_finishing_on_an_unwanted_event_is_sent_before_the_walk_goes_on() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    subscribe(conn, "task.created")
    bus.commit("task.created", "agent.started")
    conn.handle_text(json.dumps({"type": "resume", "epoch": "ep_fake", "after_seq": 0}))
    bus.commit("agent.started", "task.created")
    # resumed is queued at seq 2 (the head when resume came); the walk stops there to send it.
    first = conn.next_frame()
    assert isinstance(first, LogEntry) and first.seq == 1
    conn.sent()
    reply = conn.next_frame()
    assert isinstance(reply, str) and json.loads(reply) == {
        "type": "resumed",
        "after_seq": 0,
        "to_seq": 2,
        "replayed": 1,
    }
    assert conn.cursor == 2
    conn.sent()
    assert drain(conn) == [4]


def test_a_close_request_is_raised_before_anything_else() -> None:
    bus = FakeBus()
    conn, _ = make(bus)
    conn.handle_text(json.dumps({"type": "ping"}))
    conn._request_close(1008, "x")
    with pytest.raises(ConnectionClosing):
        conn.next_frame()


# -- overflow -----------------------------------------------------------------------------------


def test_lag_counts_only_while_a_send_waits() -> None:
    bus = FakeBus(retain=64)
    conn, _ = make(bus, max_lag=2)
    subscribe(conn, "task.*")
    assert not conn.sending
    bus.commit(*["task.created"] * 5)
    assert conn.unread == 0 and conn.notice is None


def test_lag_counts_nothing_before_the_first_subscribe() -> None:
    bus = FakeBus(retain=64)
    conn, _ = make(bus, max_lag=2)
    conn.sending = True
    bus.commit(*["task.created"] * 5)
    assert conn.unread == 0 and conn.notice is None


def test_lag_counts_only_events_the_connection_would_send() -> None:
    bus = FakeBus(retain=64)
    conn, _ = make(bus, max_lag=2)
    subscribe(conn, "task.*")
    conn.sending = True
    conn.wake.clear()
    bus.commit("agent.started", "task.created", "session.message", "task.updated")
    assert conn.wake.is_set()
    assert conn.unread == 2 and conn.notice is None


def test_lag_does_not_count_events_at_or_before_the_cursor() -> None:
    bus = FakeBus(retain=64)
    conn, _ = make(bus, max_lag=2)
    subscribe(conn, "task.*")
    conn.sending = True
    made = [entry(1), entry(2), entry(3)]
    for e in made:
        bus.ring.append(e)
    conn.cursor = 2
    conn.published(made)
    assert conn.unread == 1


def test_overflow_comes_one_past_max_lag_and_jumps_to_the_head() -> None:
    bus = FakeBus(retain=64)
    conn, _ = make(bus, max_lag=2)
    subscribe(conn, "task.*")
    bus.commit("task.created")
    assert drain(conn) == [1]
    bus.commit("task.created", "task.created")
    conn.handle_text(json.dumps({"type": "resume", "epoch": "ep_fake", "after_seq": 1}))
    assert conn._resume is not None
    conn._fetched.append(entry(99))
    conn.sending = True
    bus.commit("task.created", "task.created")
    assert conn.unread == 2 and conn.notice is None
    bus.commit("task.created")
    assert conn.notice is not None
    assert json.loads(conn.notice) == {"type": "resync", "reason": "overflow", "epoch": "ep_fake", "seq": 6}
    assert (conn.cursor, conn.unread, conn._resume, list(conn._fetched)) == (6, 0, None, [])
    conn.sent()
    assert drain(conn) == ["resync"]
    bus.commit("task.created")
    assert drain(conn) == [7]


def test_a_notice_not_sent_yet_is_replaced_by_one_with_the_newer_head() -> None:
    bus = FakeBus(retain=64)
    conn, closes = make(bus, max_lag=0)
    subscribe(conn, "task.*")
    conn.sending = True
    bus.commit("task.created")
    bus.commit("task.created")
    assert closes == []
    assert json.loads(conn.notice or "{}")["seq"] == 2


def test_a_stuck_notice_then_max_lag_more_closes_1013() -> None:
    bus = FakeBus(retain=64)
    conn, closes = make(bus, max_lag=1)
    subscribe(conn, "task.*")
    conn.sending = True
    bus.commit("task.created", "task.created")
    notice = conn.next_frame()
    assert isinstance(notice, str) and json.loads(notice)["reason"] == "overflow"
    assert conn.notice_in_flight and conn.notice is None
    conn.sending = True
    bus.commit("task.created")
    assert closes == []
    bus.commit("task.created")
    assert closes == [1013]
    assert (
        conn.close_request is not None and conn.close_request.reason == "overflow: the client is not reading"
    )
    # Nothing more is counted once the connection is closing.
    unread = conn.unread
    bus.commit("task.created", "task.created", "task.created")
    assert closes == [1013] and conn.unread == unread
    with pytest.raises(ConnectionClosing):
        conn.next_frame()


def test_a_completed_send_resets_the_count_and_the_stuck_notice() -> None:
    bus = FakeBus(retain=64)
    conn, closes = make(bus, max_lag=1)
    subscribe(conn, "task.*")
    conn.sending = True
    bus.commit("task.created")
    conn.notice_in_flight = True
    conn.sent()
    assert (conn.sending, conn.notice_in_flight, conn.unread) == (False, False, 0)
    conn.sending = True
    bus.commit("task.created")
    assert closes == [] and conn.unread == 1


# -- take_fetched -------------------------------------------------------------------------------


def test_events_the_ring_lost_are_fetched_from_the_store_in_batches() -> None:
    bus = FakeBus(retain=2)
    conn, _ = make(bus)
    subscribe(conn, "task.*")
    bus.commit(*["task.created"] * 5)  # the ring holds 4, 5
    assert conn.next_frame() is FETCH
    assert conn.cursor == 0
    conn.take_fetched(0, bus.store[0:FETCH_BATCH])
    assert drain(conn) == [1, 2, 3, 4, 5]


def test_a_fetch_answered_after_the_cursor_moved_is_ignored() -> None:
    bus = FakeBus(retain=2)
    conn, _ = make(bus)
    subscribe(conn, "task.*")
    bus.commit(*["task.created"] * 5)
    assert conn.next_frame() is FETCH
    conn.cursor = 3
    conn.take_fetched(0, bus.store[0:5])
    assert list(conn._fetched) == [] and conn.notice is None


@pytest.mark.parametrize("first", [None, 2])
def test_a_fetch_that_lost_the_next_event_is_an_overflow(first: int | None) -> None:
    bus = FakeBus(retain=2)
    conn, _ = make(bus)
    subscribe(conn, "task.*")
    bus.commit(*["task.created"] * 5)
    assert conn.next_frame() is FETCH
    conn.take_fetched(0, [] if first is None else bus.store[first - 1 : 5])
    assert conn.cursor == 5
    assert drain(conn) == ["resync"]


def test_stale_fetched_events_are_skipped() -> None:
    bus = FakeBus(retain=2)
    conn, _ = make(bus)
    subscribe(conn, "task.*")
    bus.commit(*["task.created"] * 6)
    conn._fetched.extend(bus.store[0:4])
    conn.cursor = 2
    assert drain(conn) == [3, 4, 5, 6]


# -- run_writer ---------------------------------------------------------------------------------


class Peer:
    """A fake send: records what went out; blocks while ``reading`` is clear."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.reading = asyncio.Event()
        self.reading.set()

    async def send_text(self, text: str) -> None:
        await self.reading.wait()
        self.texts.append(text)

    async def send_message(self, message: Any) -> None:
        await self.reading.wait()
        self.messages.append(dict(message))


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_the_writer_sends_welcome_replies_and_events_then_waits() -> None:
    bus = FakeBus(retain=2)
    peer = Peer()
    conn, _ = make(bus, max_lag=100, send_text=peer.send_text)
    bus.remove_reader(conn)
    task = asyncio.create_task(conn.run_writer())
    await _settle()
    assert conn in bus.readers
    assert [json.loads(t)["type"] for t in peer.texts] == ["welcome"]
    peer.reading.clear()
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"]}))
    await _settle()
    bus.commit(*["task.created"] * 3)  # while `subscribed` waits in the send
    peer.reading.set()
    await _settle()
    # 1 is no longer in the ring: read from the store, in one batch of FETCH_BATCH.
    assert bus.fetches == [(0, FETCH_BATCH)]
    sent = [json.loads(t) for t in peer.texts[1:]]
    assert [f["type"] for f in sent] == ["subscribed", "task.created", "task.created", "task.created"]
    assert [f["seq"] for f in sent] == [0, 1, 2, 3]
    assert not conn.sending
    bus.commit("task.created")
    await _settle()
    assert json.loads(peer.texts[-1])["seq"] == 4
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert conn not in bus.readers and not conn.sending


async def test_the_writer_sends_events_as_the_shared_message_when_it_can() -> None:
    bus = FakeBus()
    peer = Peer()
    conn, _ = make(bus, send_text=peer.send_text, send_message=peer.send_message)
    task = asyncio.create_task(conn.run_writer())
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"]}))
    await _settle()
    made = bus.commit("task.created")
    await _settle()
    assert [json.loads(t)["type"] for t in peer.texts] == ["welcome", "subscribed"]
    assert peer.messages == [{"type": "websocket.send", "text": made[0].text}]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_peer_stuck_in_a_send_gets_the_overflow_notice_when_it_reads_again() -> None:
    bus = FakeBus(retain=64)
    peer = Peer()
    conn, closes = make(bus, max_lag=1, send_text=peer.send_text)
    task = asyncio.create_task(conn.run_writer())
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"]}))
    await _settle()
    peer.reading.clear()
    bus.commit("task.created")  # goes into the send, which waits
    await _settle()
    assert conn.sending
    bus.commit("task.created", "task.created")  # two more while it waits: past max_lag
    assert conn.notice is not None
    peer.reading.set()
    await _settle()
    sent = [json.loads(t) for t in peer.texts]
    assert [f["type"] for f in sent] == ["welcome", "subscribed", "task.created", "resync"]
    assert (sent[2]["seq"], sent[3]["reason"], sent[3]["seq"]) == (1, "overflow", 3)
    assert closes == []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_welcome_send_counts_as_a_send_for_the_lag() -> None:
    bus = FakeBus(retain=64)
    peer = Peer()
    peer.reading.clear()
    conn, _ = make(bus, max_lag=0, send_text=peer.send_text)
    conn.active = True
    conn.subs.add(["task.*"])
    task = asyncio.create_task(conn.run_writer())
    await _settle()
    assert conn.sending
    bus.commit("task.created")
    assert conn.notice is not None
    peer.reading.set()
    await _settle()
    assert not conn.sending
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_writer_raises_the_close_request() -> None:
    bus = FakeBus()
    peer = Peer()
    conn, _ = make(bus, send_text=peer.send_text)
    task = asyncio.create_task(conn.run_writer())
    await _settle()
    conn._request_close(1008, "bye")
    conn.wake.set()
    with pytest.raises(ConnectionClosing) as raised:
        await task
    assert raised.value.code == 1008
    assert conn not in bus.readers
