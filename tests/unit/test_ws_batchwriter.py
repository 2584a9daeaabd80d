"""The direct socket writer: event frames encoded once for all connections, a backlog in one write.

Driven without sockets: the real ring as the bus, a sink that records what would be written.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from tidewire.bus.base import BusReader
from tidewire.bus.ring import Ring
from tidewire.store.entry import LogEntry
from tidewire.ws.batchwriter import BATCH_BYTES, run_batched_writer, take_batch
from tidewire.ws.connection import FETCH, Connection, ConnectionClosing
from tidewire.ws.wire import FrameCache, text_frame
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader


class RingBus:
    def __init__(self, retain: int = 1000) -> None:
        self.ring = Ring(retain, head=0)
        self.store: list[LogEntry] = []
        self.readers: set[BusReader] = set()

    @property
    def epoch(self) -> str:
        return "ep_test"

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

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self.store[after_seq : after_seq + limit]

    def add_reader(self, reader: BusReader) -> None:
        self.readers.add(reader)

    def remove_reader(self, reader: BusReader) -> None:
        self.readers.discard(reader)

    def publish(self, entries: Sequence[LogEntry]) -> None:
        for e in entries:
            self.ring.append(e)
            self.store.append(e)
        for reader in list(self.readers):
            reader.published(entries)


class RecordingSink:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.drained = 0

    async def drain(self) -> None:
        self.drained += 1

    def write(self, data: bytes) -> None:
        self.writes.append(data)


def _entry(seq: int, kind: str = "task.created", pad: int = 0) -> LogEntry:
    text = json.dumps({"type": kind, "seq": seq, "data": {"task_id": f"t{seq}", "pad": "x" * pad}})
    return LogEntry.from_text(seq, kind, text)


async def _no_send(text: str) -> None:
    raise AssertionError("the direct writer never uses the ASGI send")


def _connection(bus: RingBus) -> Connection:
    return Connection(bus, _no_send, server_id="srv", heartbeat_ms=1000, max_frame_bytes=4096, max_lag=100)


def _parse(data: bytes) -> list[tuple[Opcode, bytes]]:
    """Split written bytes into frames with websockets' own parser, as a client would read them."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    frames = []
    while reader.buffer:
        parser = Frame.parse(reader.read_exact, mask=False)
        try:
            next(parser)
        except StopIteration as done:
            frame: Frame = done.value
            frames.append((frame.opcode, bytes(frame.data)))
        else:
            raise AssertionError("a frame was cut short")
    return frames


def test_text_frame_is_one_unmasked_text_frame_of_the_utf8_text() -> None:
    for text in ("", "{}", "é" * 200, "x" * 70_000):
        assert _parse(text_frame(text)) == [(Opcode.TEXT, text.encode())]


def test_an_event_is_encoded_once_for_every_connection() -> None:
    cache = FrameCache(size=3)
    entry = _entry(1)
    first = cache.get(entry)
    assert cache.get(entry) is first  # the same bytes object: no second encoding
    # The same event read back from the store is another object with the same frame.
    assert cache.get(LogEntry.from_text(1, entry.type, entry.text)) is first
    for seq in range(2, 6):
        cache.get(_entry(seq))
    assert len(cache) == 3  # bounded: the oldest frames went first
    assert cache.get(entry) == first


def test_the_cache_holds_a_bounded_number_of_bytes_of_large_frames() -> None:
    cache = FrameCache(size=1000, max_bytes=100_000)
    for seq in range(1, 51):
        cache.get(_entry(seq, pad=30_000))
    assert cache.bytes <= 100_000 and len(cache) == 3
    assert cache.bytes == sum(len(cache.get(_entry(seq, pad=30_000))) for seq in (48, 49, 50))
    # A frame larger than the bound is still encoded; it pushes out every other.
    cache.get(_entry(99, pad=200_000))
    assert len(cache) == 1


def test_a_connection_behind_gets_its_replies_and_events_in_one_batch() -> None:
    bus = RingBus()
    conn = _connection(bus)
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"], "id": 1}))
    entries = [_entry(seq, "task.created" if seq % 2 else "agent.started") for seq in range(1, 8)]
    bus.publish(entries)
    batch, stop = take_batch(conn, FrameCache())
    assert stop is None
    frames = [json.loads(payload) for _, payload in _parse(b"".join(batch))]
    assert frames[0]["type"] == "subscribed" and frames[0]["id"] == 1
    assert [f["seq"] for f in frames[1:]] == [1, 3, 5, 7]  # only what the set matches, in order
    assert conn.cursor == 7 and conn.last_sent == 7


def test_a_batch_stops_at_its_byte_bound_and_where_the_store_must_be_read() -> None:
    bus = RingBus(retain=4)
    conn = _connection(bus)
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"]}))
    bus.publish([_entry(seq, pad=200) for seq in range(1, 11)])
    # The ring keeps 7..10 only: the connection at cursor 0 must read 1.. from the store first.
    batch, stop = take_batch(conn, FrameCache())
    assert len(batch) == 1 and stop is FETCH  # the `subscribed` reply went, the events wait
    small = take_batch(conn, FrameCache(), limit=1)
    assert small == ([], FETCH)
    conn.take_fetched(0, bus.store[:4])
    batch, stop = take_batch(conn, FrameCache(), limit=500)
    assert stop is ... and sum(len(b) for b in batch) >= 500 and len(batch) == 2


def test_a_close_request_after_frames_were_taken_ends_the_batch() -> None:
    bus = RingBus()
    conn = _connection(bus)
    conn.handle_text(json.dumps({"type": "ping", "id": "p"}))
    conn._request_close(1008, "too many unread replies")
    try:
        take_batch(conn, FrameCache())
    except ConnectionClosing as exc:
        assert exc.code == 1008
    else:
        raise AssertionError("a close request before anything is taken is raised")


async def test_the_writer_sends_welcome_then_each_backlog_in_one_write() -> None:
    bus = RingBus()
    conn = _connection(bus)
    sink = RecordingSink()
    cache = FrameCache()
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"], "id": "s"}))
    bus.publish([_entry(seq) for seq in range(1, 51)])
    writer = asyncio.create_task(run_batched_writer(conn, sink, cache))
    try:
        for _ in range(100):
            if len(sink.writes) >= 2:
                break
            await asyncio.sleep(0)
        assert len(sink.writes) == 2
        welcome = _parse(sink.writes[0])
        assert json.loads(welcome[0][1])["type"] == "welcome"
        backlog = _parse(sink.writes[1])
        assert [json.loads(p)["type"] for _, p in backlog[:1]] == ["subscribed"]
        assert [json.loads(p)["seq"] for _, p in backlog[1:]] == list(range(1, 51))
        # One commit of many events wakes the writer once: one more write, the cached bytes.
        bus.publish([_entry(seq) for seq in range(51, 61)])
        for _ in range(100):
            if len(sink.writes) >= 3:
                break
            await asyncio.sleep(0)
        assert sink.writes[2] == b"".join(cache.get(bus.get(seq)) for seq in range(51, 61))  # type: ignore[arg-type]
        assert conn in bus.readers and not conn.sending and conn.unread == 0
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
    assert conn not in bus.readers


async def test_a_backlog_larger_than_a_batch_goes_out_in_several_writes() -> None:
    bus = RingBus(retain=5000)
    conn = _connection(bus)
    sink = RecordingSink()
    conn.handle_text(json.dumps({"type": "subscribe", "events": ["task.*"]}))
    count = 2 * BATCH_BYTES // 400
    bus.publish([_entry(seq, pad=300) for seq in range(1, count + 1)])
    writer = asyncio.create_task(run_batched_writer(conn, sink, FrameCache()))
    try:
        for _ in range(200):
            if conn.cursor == count and not conn.sending:
                break
            await asyncio.sleep(0)
        frames = [json.loads(p) for data in sink.writes[1:] for _, p in _parse(data)]
        assert [f["seq"] for f in frames[1:]] == list(range(1, count + 1))
        assert 3 <= len(sink.writes) <= 5
        assert all(len(w) < BATCH_BYTES + 1024 for w in sink.writes)
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
