"""The PostgreSQL store on a real server: the write API, the shared epoch, the counter row."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from support.pg_writer import PROBE_DDL, write_probe
from tidewire.errors import Conflict
from tidewire.store.entry import LogEntry
from tidewire.store_pg import PgEventBus, PgStore, PgTx


async def _with_probe(dsn: str) -> PgStore:
    store = await PgStore.open(dsn)
    await store.write(lambda tx: tx.conn.execute(PROBE_DDL))
    return store


async def test_writes_number_their_events_from_one_and_the_listeners_see_them_before_write_returns(
    pg_dsn: str,
) -> None:
    store = await _with_probe(pg_dsn)
    try:
        seen: list[int] = []
        store.add_commit_listener(lambda entries: seen.extend(e.seq for e in entries))
        first = await store.write(write_probe("a", 0, 3))
        assert first == 3 and seen == [1, 2, 3]
        second = await store.write(write_probe("a", 1, 1))
        assert second == 4 and seen == [1, 2, 3, 4] and store.head == 4
        rows, seq = await store.read(
            lambda conn: conn.execute("SELECT n, seq FROM probe ORDER BY n").fetchall()
        )
        assert rows == [(0, 3), (1, 4)] and seq == 4
    finally:
        await store.close()


async def test_a_write_that_raises_leaves_nothing_and_hands_out_no_seq(pg_dsn: str) -> None:
    store = await _with_probe(pg_dsn)
    try:

        def refused(tx: PgTx) -> None:
            write_probe("a", 0, 2)(tx)
            raise Conflict("no")

        with pytest.raises(Conflict):
            await store.write(refused)
        # A statement error inside a write rolls back that write alone.
        with pytest.raises(psycopg.errors.UndefinedTable):
            await store.write(lambda tx: tx.conn.execute("SELECT * FROM no_such_table"))
        assert await store.write(write_probe("a", 1, 1)) == 1
        rows, _ = await store.read(lambda conn: conn.execute("SELECT tag, n FROM probe").fetchall())
        events = await store.fetch(0, 10)
        assert rows == [("a", 1)] and [e.seq for e in events] == [1]
    finally:
        await store.close()


async def test_writes_queued_together_commit_as_one_group_each_on_its_own(pg_dsn: str) -> None:
    store = await _with_probe(pg_dsn)
    try:

        def bad(tx: PgTx) -> None:
            write_probe("bad", 0, 1)(tx)
            raise Conflict("no")

        results = await asyncio.gather(
            store.write(write_probe("g", 0, 1)),
            store.write(bad),
            store.write(write_probe("g", 1, 2)),
            return_exceptions=True,
        )
        assert results[0] == 1 and isinstance(results[1], Conflict) and results[2] == 3
        events = await store.fetch(0, 10)
        assert [(e.seq, e.data["tag"], e.data["n"]) for e in events] == [
            (1, "g", 0),
            (2, "g", 1),
            (3, "g", 1),
        ]
    finally:
        await store.close()


async def test_every_daemon_on_the_database_shares_one_epoch_and_one_numbering(pg_dsn: str) -> None:
    a = await _with_probe(pg_dsn)
    b = await PgStore.open(pg_dsn)
    try:
        assert a.epoch == b.epoch and a.epoch.startswith("ep_")
        assert await a.write(write_probe("a", 0, 1)) == 1
        assert await b.write(write_probe("b", 0, 2)) == 3
        assert await a.write(write_probe("a", 1, 1)) == 4
    finally:
        await a.close()
        await b.close()
    again = await PgStore.open(pg_dsn)
    try:
        assert again.epoch == a.epoch and again.head == 4
    finally:
        await again.close()


async def test_every_write_runs_holding_the_counter_row_from_its_first_statement(pg_dsn: str) -> None:
    store = await _with_probe(pg_dsn)
    try:

        def locks(tx: PgTx) -> list[str]:
            rows = tx.conn.execute(
                "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'log_head'::regclass"
            ).fetchall()
            return [str(r[0]) for r in rows]

        # A write that only reads, before emitting anything, already holds it (FOR UPDATE).
        assert "RowShareLock" in await store.write(locks)
        with psycopg.connect(pg_dsn, autocommit=True) as other:
            row = other.execute("SHOW idle_in_transaction_session_timeout").fetchone()
            assert row == ("0",)  # only the writer's own sessions get the timeout
        got = await store.write(
            lambda tx: tx.raw.execute("SHOW idle_in_transaction_session_timeout").fetchone()
        )
        assert got == ("30s",)
    finally:
        await store.close()


async def test_the_bus_mirrors_the_log_and_starts_from_what_is_already_there(pg_dsn: str) -> None:
    store = await _with_probe(pg_dsn)
    try:
        for n in range(3):
            await store.write(write_probe("a", n, 1))
        bus = PgEventBus(store, retain=2)
        assert (bus.epoch, bus.head, bus.oldest) == (store.epoch, 3, 2)
        got: list[list[int]] = []

        class Reader:
            cursor = 3

            def published(self, entries: list[LogEntry]) -> None:
                got.append([e.seq for e in entries])

        reader = Reader()
        bus.add_reader(reader)
        await store.write(write_probe("a", 3, 2))
        assert got == [[4, 5]] and bus.head == 5 and bus.get(5) is not None and bus.get(3) is None
        assert [e.seq for e in bus.since(3, 10)] == [4, 5]
        assert [e.seq for e in await bus.fetch(0, 10)] == [1, 2, 3, 4, 5]
    finally:
        await store.close()


async def test_the_domain_sql_and_row_helpers_run_unchanged_on_postgresql(pg_dsn: str) -> None:
    from tidewire.services.rows import fetch_all, fetch_one

    store = await PgStore.open(pg_dsn)
    try:

        def fn(tx: PgTx) -> int:
            # The migrated schema's own table (0003), with SQLite's `?` placeholders.
            tx.conn.executemany(
                "INSERT INTO sessions (id, source, transcript_path, status, started_at, updated_at)"
                " VALUES (?, 'claude', ?, ?, ?, ?)",
                [
                    (sid, path, status, tx.now, tx.now)
                    for sid, path, status in (
                        ("s1", "/a/b.jsonl", "active"),
                        ("s2", "/a/c.txt", "active"),
                        ("s3", None, "ended"),
                    )
                ],
            )
            # The upsert shape the sources use, with SQLite's `excluded`.
            tx.conn.execute(
                "INSERT INTO sessions (id, source, status, started_at, updated_at)"
                " VALUES (?, 'claude', ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET status = excluded.status",
                ("s2", "idle", tx.now, tx.now),
            )
            return int(
                tx.conn.execute(
                    "UPDATE sessions SET status = ? WHERE status = ?", ("waiting", "active")
                ).rowcount
            )

        assert await store.write(fn) == 1

        def read(conn: object) -> tuple[list[dict[str, object]], dict[str, object] | None]:
            # sources/sessions.py's query: a literal % in a LIKE beside a ? placeholder.
            rows = fetch_all(
                conn,  # type: ignore[arg-type]
                "SELECT id, status FROM sessions WHERE transcript_path LIKE '%.jsonl' AND status <> ?",
                ("ended",),
            )
            return rows, fetch_one(conn, "SELECT id FROM sessions WHERE status = ?", ("idle",))  # type: ignore[arg-type]

        (rows, idle), _ = await store.read(read)
        assert rows == [{"id": "s1", "status": "waiting"}] and idle == {"id": "s2"}
    finally:
        await store.close()


async def test_read_then_write_from_two_daemons_loses_no_update(pg_dsn: str) -> None:
    """Without the group's hold on the counter row, READ COMMITTED would lose increments here."""
    a, b = await PgStore.open(pg_dsn), await PgStore.open(pg_dsn)
    try:
        await a.write(lambda tx: tx.conn.execute("INSERT INTO meta (key, value) VALUES ('n', '0')"))

        def increment(tx: PgTx) -> None:
            row = tx.conn.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()
            assert row is not None
            tx.conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(int(row[0]) + 1),))

        sem = asyncio.Semaphore(16)

        async def one(store: PgStore) -> None:
            async with sem:
                await store.write(increment)

        await asyncio.gather(*(one(a if i % 2 else b) for i in range(200)))
        value, _ = await a.read(lambda c: c.execute("SELECT value FROM meta WHERE key = 'n'").fetchone())
        assert value == ("200",)
    finally:
        await a.close()
        await b.close()


async def test_a_read_returns_once_this_daemon_has_delivered_every_event_it_reflects(pg_dsn: str) -> None:
    # The seq of a read (X-Tidewire-Seq) is where a client resumes its socket on this daemon, so
    # the daemon must have delivered that far: a resume past its head is refused. Without
    # notifications and with a slow poll, only the read itself can make the follower catch up.
    a = await _with_probe(pg_dsn)
    b = await PgStore.open(pg_dsn, listen=False, poll_interval=60.0)
    try:
        await a.write(write_probe("a", 0, 3))
        rows, seq = await b.read(lambda conn: conn.execute("SELECT count(*) FROM probe").fetchall())
        assert rows == [(1,)] and seq == 3
        assert b.head == 3
    finally:
        await a.close()
        await b.close()
