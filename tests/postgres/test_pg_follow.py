"""Several daemons on one database: seq in commit order, and every follower delivers everything.

Writers run in processes of their own (``support.pg_writer``), each with its own ``PgStore``, so
their transactions race for real on the server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from support.pg_writer import PROBE_DDL, write_probe
from tidewire.store.entry import LogEntry
from tidewire.store_pg import PgStore, StoreUnavailable

TESTS = Path(__file__).resolve().parents[1]
# Bounds on waiting so a broken follower fails the test instead of hanging it (not timings).
WAIT_S = 60.0


def _writer(dsn: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "support.pg_writer", dsn, *args],
        cwd=TESTS,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Collected:
    """What a follower delivered, commit by commit."""

    def __init__(self, store: PgStore) -> None:
        self.entries: list[LogEntry] = []
        store.add_commit_listener(self.entries.extend)

    @property
    def seqs(self) -> list[int]:
        return [e.seq for e in self.entries]


async def _until_head(store: PgStore, head: int) -> None:
    await asyncio.wait_for(store.follower.wait_for(head), WAIT_S)


class PrefixWatch:
    """A reader polling the log while writers commit: it must only ever see a gapless prefix."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._stop = threading.Event()
        self.samples: list[tuple[int, int]] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute("SELECT count(*), COALESCE(max(seq), 0) FROM events").fetchone()
                assert row is not None
                self.samples.append((int(row[0]), int(row[1])))

    def __enter__(self) -> PrefixWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def probe_dsn(pg_dsn: str) -> Iterator[str]:
    async def prepare() -> None:
        store = await PgStore.open(pg_dsn)
        try:
            await store.write(lambda tx: tx.conn.execute(PROBE_DDL))
        finally:
            await store.close()

    asyncio.run(prepare())
    yield pg_dsn


def _events_per_write(n: int) -> int:
    return 1 + n % 3  # as support.pg_writer writes them


async def test_three_writing_processes_one_order_gapless_each_seq_once_with_its_state(probe_dsn: str) -> None:
    per_process, in_flight, tags = 120, 8, ("p0", "p1", "p2")
    total = len(tags) * sum(_events_per_write(n) for n in range(per_process))
    follower = await PgStore.open(probe_dsn)
    polling = await PgStore.open(probe_dsn, listen=False, poll_interval=0.05)
    try:
        seen, polled = Collected(follower), Collected(polling)
        with PrefixWatch(probe_dsn) as watch:
            procs = [_writer(probe_dsn, tag, str(per_process), str(in_flight)) for tag in tags]
            outputs = [await asyncio.to_thread(p.communicate, timeout=WAIT_S) for p in procs]
            for proc, (out, err) in zip(procs, outputs, strict=True):
                assert proc.returncode == 0 and out.strip() == "done", err
            await _until_head(follower, total)
            await _until_head(polling, total)
        expected = list(range(1, total + 1))
        assert seen.seqs == expected and polled.seqs == expected
        assert [e.text for e in seen.entries] == [e.text for e in polled.entries]
        # Every moment the watcher looked, the visible log was 1..max with nothing missing.
        assert watch.samples and all(count == top for count, top in watch.samples)

        # No event without its state, and no state without its events: each write's events are
        # consecutive and end at the seq its probe row recorded.
        rows, _ = await follower.read(lambda conn: conn.execute("SELECT tag, n, seq FROM probe").fetchall())
        assert sorted((str(t), int(n)) for t, n, _ in rows) == sorted(
            (tag, n) for tag in tags for n in range(per_process)
        )
        by_write: dict[tuple[str, int], list[int]] = {}
        for entry in seen.entries:
            by_write.setdefault((entry.data["tag"], entry.data["n"]), []).append(entry.seq)
        for tag, n, last in rows:
            seqs = by_write.pop((str(tag), int(n)))
            assert len(seqs) == _events_per_write(int(n))
            assert seqs == list(range(int(last) - len(seqs) + 1, int(last) + 1))
        assert by_write == {}
    finally:
        await follower.close()
        await polling.close()


async def test_a_follower_without_notifications_delivers_everything_by_polling(probe_dsn: str) -> None:
    reader = await PgStore.open(probe_dsn, listen=False, poll_interval=0.05)
    writer = await PgStore.open(probe_dsn)
    try:
        got = Collected(reader)
        for n in range(30):
            await writer.write(write_probe("w", n, 1))
        await _until_head(reader, 30)
        assert got.seqs == list(range(1, 31))
        # It never listened: no notification can have woken it.
        with psycopg.connect(probe_dsn, autocommit=True) as admin:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND query ILIKE 'LISTEN%%'",
                (reader.follower.backend_pid,),
            ).fetchone()
        assert row == (0,)
    finally:
        await reader.close()
        await writer.close()


async def test_a_killed_follower_connection_reconnects_and_delivers_with_no_gap(probe_dsn: str) -> None:
    # A long poll interval: catching up after the kill must not depend on polling luck.
    reader = await PgStore.open(probe_dsn, poll_interval=0.2)
    writer = await PgStore.open(probe_dsn)
    try:
        got = Collected(reader)
        for n in range(10):
            await writer.write(write_probe("w", n, 1))
        await _until_head(reader, 10)
        with psycopg.connect(probe_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (reader.follower.backend_pid,))
            for n in range(10, 25):
                await writer.write(write_probe("w", n, 1))
        await _until_head(reader, 25)
        assert got.seqs == list(range(1, 26))
        assert reader.follower.connections >= 2
    finally:
        await reader.close()
        await writer.close()


async def test_a_killed_writer_connection_fails_one_group_then_writes_resume_with_no_hole(
    probe_dsn: str,
) -> None:
    store = await PgStore.open(probe_dsn)
    try:
        assert await store.write(write_probe("w", 0, 1)) == 1
        pid = await asyncio.to_thread(_writer_backend_pid, probe_dsn)
        with psycopg.connect(probe_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreUnavailable):
            await store.write(write_probe("w", 1, 1))
        assert await store.write(write_probe("w", 2, 1)) == 2
        rows, head = await store.read(lambda conn: conn.execute("SELECT n FROM probe ORDER BY n").fetchall())
        assert rows == [(0,), (2,)] and head == 2
    finally:
        await store.close()


def _writer_backend_pid(dsn: str, *, hung_writer: bool = False) -> int:
    """The backend of this test's store's writer, or of the hung process's (the newer one)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'tidewire writer'"
            " AND datname = current_database() ORDER BY backend_start"
        ).fetchall()
    assert rows
    return int(rows[-1][0] if hung_writer else rows[0][0])


def _until_waiting_on_lock(dsn: str, holder: int) -> None:
    """Until some backend waits for a lock the ``holder`` backend holds."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY (pg_blocking_pids(pid))", (holder,)
            ).fetchone()
            if row is not None and row[0] > 0:
                return


async def test_a_writer_killed_inside_its_transaction_leaves_no_state_and_no_seq_hole(probe_dsn: str) -> None:
    store = await PgStore.open(probe_dsn)
    try:
        got = Collected(store)
        assert await store.write(write_probe("before", 0, 1)) == 1
        hung = _writer(probe_dsn, "hung", "hang")
        assert hung.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(hung.stdout.readline), WAIT_S)
        assert line.strip() == "holding", hung.stderr.read() if hung.stderr else ""
        hung_backend = await asyncio.to_thread(_writer_backend_pid, probe_dsn, hung_writer=True)
        # The hung process holds the counter row with seqs 2 and 3 taken: this write waits for it.
        blocked = asyncio.create_task(store.write(write_probe("after", 0, 1)))
        await asyncio.wait_for(asyncio.to_thread(_until_waiting_on_lock, probe_dsn, hung_backend), WAIT_S)
        assert not blocked.done()
        os.kill(hung.pid, signal.SIGKILL)
        await asyncio.to_thread(hung.wait, WAIT_S)
        assert await asyncio.wait_for(blocked, WAIT_S) == 2
        rows, head = await store.read(
            lambda conn: conn.execute("SELECT tag FROM probe ORDER BY seq").fetchall()
        )
        events = await store.fetch(0, 10)
        assert rows == [("before",), ("after",)] and head == 2
        assert [(e.seq, e.data["tag"]) for e in events] == [(1, "before"), (2, "after")]
        assert got.seqs == [1, 2]
    finally:
        await store.close()


async def test_a_follower_that_finds_its_next_seq_pruned_stops_and_says_so(probe_dsn: str) -> None:
    from tidewire.store_pg import LogFollower
    from tidewire.store_pg.follower import LogGap

    delivered: list[int] = []
    # Never polls and never listens, so it falls behind until it is asked for seq 20.
    follower = LogFollower(
        probe_dsn, 0, lambda es: delivered.extend(e.seq for e in es), poll_interval=3600, listen=False
    )
    await follower.start()
    writer = await PgStore.open(probe_dsn, retain=5)
    try:
        for n in range(20):
            await writer.write(write_probe("w", n, 1))
        with pytest.raises(LogGap, match="resumes at seq 16 after 0"):
            await asyncio.wait_for(follower.wait_for(20), WAIT_S)
        assert delivered == [] and follower.stopped is not None
        with pytest.raises(LogGap):
            await follower.wait_for(20)
    finally:
        await follower.close()
        await writer.close()
