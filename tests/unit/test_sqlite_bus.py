"""The default bus over a real store: what it retains across a reopen, and whom it wakes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from support.examples import example_data
from tidewire.bus import SqliteEventBus
from tidewire.protocol.models import TaskEventData
from tidewire.store import Store, Tx


def _emit(tx: Tx, n: int) -> list[int]:
    return [
        tx.emit("task.created", TaskEventData.model_validate(example_data("task.created", task_id=f"t{i}")))
        for i in range(n)
    ]


async def test_publish_appends_every_commit_and_wakes_each_waker_until_removed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        bus = SqliteEventBus(store, retain=4)
        assert (bus.epoch, bus.head, bus.oldest) == (store.epoch, 0, 1)
        kept, dropped = asyncio.Event(), asyncio.Event()
        bus.add_waker(kept)
        bus.add_waker(dropped)
        bus.remove_waker(dropped)
        bus.remove_waker(asyncio.Event())  # unknown wakers are ignored
        await store.write(lambda tx: _emit(tx, 3))
        assert kept.is_set() and not dropped.is_set()
        assert bus.head == 3 and bus.oldest == 1
        assert [e.seq for e in bus.since(0, 10)] == [1, 2, 3]
        await store.write(lambda tx: _emit(tx, 3))
        # Four retained: 3..6.
        assert (bus.head, bus.oldest) == (6, 3)
        assert bus.get(2) is None and bus.get(3) is not None and bus.get(7) is None
        assert [e.seq for e in bus.since(1, 2)] == [3, 4]
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
