"""The default bus over a real store: what it retains, what it tells its readers, what it lets go."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from support.examples import example_data
from tidewire.bus import SqliteEventBus
from tidewire.protocol.models import TaskEventData
from tidewire.store import LogEntry, Store, Tx


def _emit(tx: Tx, n: int) -> list[int]:
    return [
        tx.emit("task.created", TaskEventData.model_validate(example_data("task.created", task_id=f"t{i}")))
        for i in range(n)
    ]


class _Reader:
    """A bus reader as a socket is one: a cursor, and the commits it was told of."""

    def __init__(self, cursor: int) -> None:
        self.cursor = cursor
        self.commits: list[list[int]] = []

    def published(self, entries: Sequence[LogEntry]) -> None:
        self.commits.append([e.seq for e in entries])


async def test_publish_appends_every_commit_and_tells_each_reader_until_removed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        bus = SqliteEventBus(store, retain=4)
        assert (bus.epoch, bus.head, bus.oldest) == (store.epoch, 0, 1)
        kept, dropped = _Reader(0), _Reader(0)
        bus.add_reader(kept)
        bus.add_reader(dropped)
        bus.remove_reader(dropped)
        bus.remove_reader(_Reader(0))  # unknown readers are ignored
        await store.write(lambda tx: _emit(tx, 3))
        assert kept.commits == [[1, 2, 3]] and dropped.commits == []
        assert bus.head == 3 and bus.oldest == 1
        assert [e.seq for e in bus.since(0, 10)] == [1, 2, 3]
        await store.write(lambda tx: _emit(tx, 3))
        assert kept.commits == [[1, 2, 3], [4, 5, 6]]
        # Four retained in memory: 3..6; the store still has all six for the reader at 0.
        assert (bus.head, bus.oldest) == (6, 3)
        assert bus.get(2) is None and bus.get(3) is not None and bus.get(7) is None
        assert [e.seq for e in bus.since(1, 2)] == [3, 4]
        assert [e.seq for e in await bus.fetch(0, 4)] == [1, 2, 3, 4]
        assert [e.seq for e in await bus.fetch(4, 10)] == [5, 6]
    finally:
        await store.close()


async def test_the_store_prunes_only_what_every_reader_has_passed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite", retain=2)
    try:
        bus = SqliteEventBus(store, retain=2)
        slow, fast = _Reader(0), _Reader(0)
        bus.add_reader(slow)
        bus.add_reader(fast)
        for _ in range(3):
            await store.write(lambda tx: _emit(tx, 2))
        assert [e.seq for e in await bus.fetch(0, 100)] == [1, 2, 3, 4, 5, 6]
        slow.cursor, fast.cursor = 3, 6
        await store.write(lambda tx: _emit(tx, 1))
        assert [e.seq for e in await bus.fetch(0, 100)] == [4, 5, 6, 7]
        bus.remove_reader(slow)
        fast.cursor = 7
        await store.write(lambda tx: _emit(tx, 1))
        # No reader needs more than the store's own retention now.
        assert [e.seq for e in await bus.fetch(0, 100)] == [7, 8]
    finally:
        await store.close()


async def test_a_reopened_bus_replays_what_the_store_retained(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    try:
        await store.write(lambda tx: _emit(tx, 7))
    finally:
        await store.close()
    store = await Store.open(path)
    try:
        bus = SqliteEventBus(store, retain=5)
        assert bus.epoch == store.epoch and bus.head == 7
        assert [e.seq for e in bus.since(0, 100)] == [3, 4, 5, 6, 7]
        entry = bus.get(7)
        assert entry is not None and entry.type == "task.created"
        # The store's own retention is the default capacity.
        assert [e.seq for e in SqliteEventBus(store).since(0, 100)] == list(range(1, 8))
    finally:
        await store.close()


async def test_a_store_pruned_to_its_head_leaves_an_empty_ring_at_that_head(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = await Store.open(path, retain=2)
    try:
        for _ in range(4):
            await store.write(lambda tx: _emit(tx, 2))
    finally:
        await store.close()
    store = await Store.open(path, retain=2)
    try:
        head = store.head
        bus = SqliteEventBus(store, retain=3)
        assert bus.head == head
        retained = [e.seq for e in bus.since(0, 100)]
        assert retained == list(range(bus.oldest, head + 1))
        assert all(s > head - 3 for s in retained)
        await store.write(lambda tx: _emit(tx, 1))
        assert bus.head == head + 1 and bus.get(head + 1) is not None
    finally:
        await store.close()


async def test_events_read_from_the_store_are_the_ones_published(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        bus = SqliteEventBus(store, retain=1)
        bus.add_reader(_Reader(0))
        await store.write(lambda tx: _emit(tx, 3))
        published = [bus.get(3)]
        fetched = await bus.fetch(0, 10)
        assert [(e.seq, e.type) for e in fetched] == [(s, "task.created") for s in (1, 2, 3)]
        assert fetched[2] == published[0]
        assert fetched[0].data == json.loads(fetched[0].text)["data"]
    finally:
        await store.close()
