"""The store and bus contract, run against both backends: the SQLite store on a real file and the
PostgreSQL store on a real server. What one backend promises here, the other must too."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from support.examples import example_data
from tidewire.bus import SqliteEventBus
from tidewire.bus.base import EventBus
from tidewire.errors import Conflict, InvalidArgument
from tidewire.protocol.models import TaskEventData
from tidewire.store import LogEntry, Store
from tidewire.store_pg import PgEventBus, PgStore


@dataclass
class Backend:
    name: str
    open: Callable[..., Any]  # open(retain=...) -> awaitable store, on the same database each time
    bus: Callable[..., EventBus]  # bus(store, retain=None)
    read_only_error: type[BaseException]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite"
        return Backend(
            "sqlite",
            lambda retain=10_000: Store.open(path, retain=retain),
            lambda store, retain=None: SqliteEventBus(store, retain),
            sqlite3.OperationalError,
        )
    dsn: str = request.getfixturevalue("pg_dsn")
    return Backend(
        "postgresql",
        lambda retain=10_000: PgStore.open(dsn, retain=retain),
        lambda store, retain=None: PgEventBus(store, retain),
        psycopg.errors.ReadOnlySqlTransaction,
    )


def _emit(tx: Any, n: int = 1, prefix: str = "t") -> list[int]:
    return [
        tx.emit(
            "task.created", TaskEventData.model_validate(example_data("task.created", task_id=f"{prefix}{i}"))
        )
        for i in range(n)
    ]


class _Reader:
    def __init__(self, cursor: int) -> None:
        self.cursor = cursor
        self.commits: list[list[int]] = []

    def published(self, entries: Sequence[LogEntry]) -> None:
        self.commits.append([e.seq for e in entries])


async def test_writes_emit_in_order_and_listeners_see_each_commit_before_write_returns(
    backend: Backend,
) -> None:
    store = await backend.open()
    seen: list[list[int]] = []
    store.add_commit_listener(lambda entries: seen.append([e.seq for e in entries]))
    try:
        assert await store.write(lambda tx: _emit(tx, 2)) == [1, 2]
        assert seen == [[1, 2]]
        assert await store.write(lambda tx: _emit(tx, 1)) == [3]
        assert seen == [[1, 2], [3]]
        rows, seq = await store.read(
            lambda c: c.execute("SELECT seq, type FROM events ORDER BY seq").fetchall()
        )
        assert [tuple(r) for r in rows] == [(1, "task.created"), (2, "task.created"), (3, "task.created")]
        assert seq == 3
    finally:
        await store.close()


async def test_a_failing_write_leaves_nothing_and_uses_no_seq(backend: Backend) -> None:
    store = await backend.open()
    seen: list[LogEntry] = []
    store.add_commit_listener(seen.extend)
    try:

        def half_then_fail(tx: Any) -> None:
            _emit(tx)
            tx.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("scratch", "x"))
            raise Conflict("illegal transition")

        with pytest.raises(Conflict):
            await store.write(half_then_fail)
        with pytest.raises(InvalidArgument):
            await store.write(lambda tx: tx.emit("task.created", {"task_id": 3}))
        scratch, seq = await store.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'scratch'").fetchone()
        )
        assert scratch is None and seq == 0 and seen == []
        assert await store.write(lambda tx: _emit(tx)) == [1]
    finally:
        await store.close()


async def test_writes_queued_together_commit_together_but_fail_alone(backend: Backend) -> None:
    store = await backend.open()
    published: list[int] = []
    store.add_commit_listener(lambda entries: published.extend(e.seq for e in entries))
    try:

        def ok(i: int) -> Callable[[Any], int]:
            def fn(tx: Any) -> int:
                tx.conn.execute("INSERT INTO meta (key, value) VALUES (?, 'v')", (f"k{i}",))
                return _emit(tx, 1, f"t{i}-")[0]

            return fn

        def bad(tx: Any) -> None:
            tx.conn.execute("INSERT INTO meta (key, value) VALUES ('bad', 'v')")
            _emit(tx, 1, "bad")
            raise Conflict("no")

        results = await asyncio.gather(
            *(store.write(ok(i)) if i != 5 else store.write(bad) for i in range(12)), return_exceptions=True
        )
        assert isinstance(results[5], Conflict)
        seqs = [r for i, r in enumerate(results) if i != 5]
        assert seqs == list(range(1, 12)) and published == seqs
        keys, head = await store.read(lambda c: {r[0] for r in c.execute("SELECT key FROM meta").fetchall()})
        assert "bad" not in keys and {f"k{i}" for i in range(12) if i != 5} <= keys and head == 11
    finally:
        await store.close()


async def test_seq_and_epoch_survive_reopen_and_retention_never_reuses_a_seq(backend: Backend) -> None:
    store = await backend.open(retain=5)
    try:
        for _ in range(12):
            await store.write(lambda tx: _emit(tx))
        seqs, head = await store.read(
            lambda c: [r[0] for r in c.execute("SELECT seq FROM events ORDER BY seq")]
        )
        assert seqs == [8, 9, 10, 11, 12] and head == 12
        assert [e.seq for e in store.load_recent(3)] == [10, 11, 12]
        epoch = store.epoch
    finally:
        await store.close()
    again = await backend.open(retain=5)
    try:
        assert (again.epoch, again.head) == (epoch, 12)
        assert await again.write(lambda tx: _emit(tx)) == [13]
    finally:
        await again.close()


async def test_reads_are_one_read_only_snapshot(backend: Backend) -> None:
    store = await backend.open()
    try:
        await store.write(lambda tx: _emit(tx, 2))
        count, seq = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        assert (count, seq) == (2, 2)
        with pytest.raises(backend.read_only_error):
            await store.read(lambda c: c.execute("DELETE FROM events"))
    finally:
        await store.close()


async def test_the_bus_publishes_every_commit_to_each_reader_until_removed(backend: Backend) -> None:
    store = await backend.open()
    try:
        bus = backend.bus(store, retain=4)
        assert (bus.epoch, bus.head, bus.oldest) == (store.epoch, 0, 1)
        kept, dropped = _Reader(0), _Reader(0)
        bus.add_reader(kept)
        bus.add_reader(dropped)
        bus.remove_reader(dropped)
        bus.remove_reader(_Reader(0))  # unknown readers are ignored
        await store.write(lambda tx: _emit(tx, 3))
        await store.write(lambda tx: _emit(tx, 3))
        assert kept.commits == [[1, 2, 3], [4, 5, 6]] and dropped.commits == []
        assert (bus.head, bus.oldest) == (6, 3)
        assert bus.get(2) is None and bus.get(3) is not None and bus.get(7) is None
        assert [e.seq for e in bus.since(1, 2)] == [3, 4]
        assert [e.seq for e in await bus.fetch(0, 4)] == [1, 2, 3, 4]
        assert [e.seq for e in await bus.fetch(4, 10)] == [5, 6]
    finally:
        await store.close()


async def test_the_store_prunes_only_what_every_reader_has_passed(backend: Backend) -> None:
    store = await backend.open(retain=2)
    try:
        bus = backend.bus(store, retain=2)
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
        assert [e.seq for e in await bus.fetch(0, 100)] == [7, 8]
    finally:
        await store.close()


async def test_a_reopened_bus_replays_what_the_store_retained(backend: Backend) -> None:
    store = await backend.open()
    try:
        await store.write(lambda tx: _emit(tx, 7))
    finally:
        await store.close()
    store = await backend.open()
    try:
        bus = backend.bus(store, retain=5)
        assert bus.epoch == store.epoch and bus.head == 7
        assert [e.seq for e in bus.since(0, 100)] == [3, 4, 5, 6, 7]
        entry = bus.get(7)
        assert entry is not None and entry.type == "task.created"
        await store.write(lambda tx: _emit(tx, 1))
        assert bus.head == 8 and [e.seq for e in bus.since(6, 100)] == [7, 8]
    finally:
        await store.close()
