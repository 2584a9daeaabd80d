"""The store: migrations, the outbox, seq across reopen, retention, rollback."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel
from support.examples import example_data
from tidewire.errors import Conflict, InvalidArgument
from tidewire.protocol.models import TaskEventData
from tidewire.store import LogEntry, Store, Tx
from tidewire.store.errors import RefusedEmpty, StorageDamaged, StorageFull, translate
from tidewire.store.migrations import MigrationError, discover, migrate
from tidewire.store.watermark import FileMark, Mark, MarkError, Verdict, reconcile


async def _open(tmp_path: Path, retain: int = 10_000) -> Store:
    return await Store.open(tmp_path / "db.sqlite", retain=retain)


def _emit_task(tx: Tx, task_id: str = "t1") -> int:
    return tx.emit(
        "task.created", TaskEventData.model_validate(example_data("task.created", task_id=task_id))
    )


async def test_migrations_are_recorded_and_the_db_is_wal(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    try:
        versions, _ = await store.read(
            lambda c: [r[0] for r in c.execute("SELECT version FROM schema_migrations")]
        )
        assert versions == [m.version for m in discover()]
        assert versions[0] == 1
        mode, _ = await store.read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
        assert mode == "wal"
    finally:
        await store.close()


async def test_write_emits_in_order_and_listeners_see_each_commit(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    seen: list[list[int]] = []
    store.add_commit_listener(lambda entries: seen.append([e.seq for e in entries]))
    try:
        first = await store.write(lambda tx: [_emit_task(tx, "a"), _emit_task(tx, "b")])
        second = await store.write(lambda tx: _emit_task(tx, "c"))
        assert first == [1, 2] and second == 3
        # Published before write() returned.
        assert seen == [[1, 2], [3]]
        rows, seq = await store.read(
            lambda c: c.execute("SELECT seq, type FROM events ORDER BY seq").fetchall()
        )
        assert [tuple(r) for r in rows] == [(1, "task.created"), (2, "task.created"), (3, "task.created")]
        assert seq == 3
    finally:
        await store.close()


async def test_a_failing_write_leaves_nothing_and_uses_no_seq(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    seen: list[LogEntry] = []
    store.add_commit_listener(seen.extend)
    try:

        def half_then_fail(tx: Tx) -> None:
            _emit_task(tx)
            tx.conn.execute("INSERT INTO meta (key, value) VALUES ('scratch', 'x')")
            raise Conflict("illegal transition")

        with pytest.raises(Conflict):
            await store.write(half_then_fail)
        scratch, seq = await store.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key='scratch'").fetchone()
        )
        assert scratch is None and seq == 0 and seen == []
        assert await store.write(_emit_task) == 1
    finally:
        await store.close()


async def test_bad_event_data_is_refused_with_invalid_argument(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    try:
        with pytest.raises(InvalidArgument):
            await store.write(lambda tx: tx.emit("task.created", {"task_id": 3}))
        with pytest.raises(InvalidArgument) as info:
            await store.write(lambda tx: tx.emit("task.nonsense", {}))
        assert info.value.code == "unknown_event"
        _, seq = await store.read(lambda c: None)
        assert seq == 0
    finally:
        await store.close()


async def test_optional_fields_left_unset_are_omitted_not_null(tmp_path: Path) -> None:
    class Partial(BaseModel):
        server_name: str
        tool_name: str
        duration_ms: float
        ok: bool
        error: str | None = None

    store = await _open(tmp_path)
    try:
        await store.write(
            lambda tx: tx.emit(
                "mcp.tool_called", Partial(server_name="s", tool_name="t", duration_ms=1, ok=True)
            )
        )
        frame, _ = await store.read(lambda c: c.execute("SELECT frame FROM events").fetchone()[0])
        assert '"error"' not in frame
    finally:
        await store.close()


async def test_seq_and_epoch_survive_reopen(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    await store.write(lambda tx: [_emit_task(tx) for _ in range(3)])
    epoch, server_id = store.epoch, store.server_id
    await store.close()
    again = await _open(tmp_path)
    try:
        assert (again.epoch, again.server_id, again.head) == (epoch, server_id, 3)
        assert await again.write(_emit_task) == 4
    finally:
        await again.close()


async def test_retention_prunes_in_the_write_path_and_never_reuses_seq(tmp_path: Path) -> None:
    store = await _open(tmp_path, retain=5)
    try:
        for _ in range(12):
            await store.write(_emit_task)
        seqs, head = await store.read(
            lambda c: [r[0] for r in c.execute("SELECT seq FROM events ORDER BY seq")]
        )
        assert seqs == [8, 9, 10, 11, 12] and head == 12
        assert [e.seq for e in store.load_recent(3)] == [10, 11, 12]
    finally:
        await store.close()
    again = await _open(tmp_path, retain=5)
    try:
        assert await again.write(_emit_task) == 13
    finally:
        await again.close()


async def test_reads_see_a_consistent_snapshot(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    try:
        await store.write(lambda tx: [_emit_task(tx) for _ in range(2)])
        count, seq = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        assert (count, seq) == (2, 2)
        with pytest.raises(sqlite3.OperationalError):
            await store.read(lambda c: c.execute("DELETE FROM events"))
    finally:
        await store.close()


def test_a_broken_migration_rolls_back_and_stops(tmp_path: Path) -> None:
    mig = tmp_path / "migs"
    mig.mkdir()
    (mig / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (mig / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;")
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    with pytest.raises(MigrationError, match=r"0002_bad\.sql"):
        migrate(conn, "2026-01-01T00:00:00.000Z", mig)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations")] == [1]
    (mig / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);")
    assert migrate(conn, "2026-01-01T00:00:00.000Z", mig) == [2]
    assert migrate(conn, "2026-01-01T00:00:00.000Z", mig) == []


def test_misnamed_or_duplicate_migrations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")
    with pytest.raises(MigrationError, match="share version"):
        discover(tmp_path)
    (tmp_path / "0001_b.sql").unlink()
    (tmp_path / "2_c.sql").write_text("")
    with pytest.raises(MigrationError, match="NNNN_name"):
        discover(tmp_path)


async def test_concurrent_writes_commit_together_but_fail_alone(tmp_path: Path) -> None:
    store = await _open(tmp_path)
    published: list[int] = []
    store.add_commit_listener(lambda entries: published.extend(e.seq for e in entries))
    try:

        def ok(i: int) -> Callable[[Tx], int]:
            def fn(tx: Tx) -> int:
                tx.conn.execute("INSERT INTO meta (key, value) VALUES (?, 'v')", (f"k{i}",))
                return _emit_task(tx, f"t{i}")

            return fn

        def bad(tx: Tx) -> None:
            tx.conn.execute("INSERT INTO meta (key, value) VALUES ('bad', 'v')")
            _emit_task(tx, "bad")
            raise Conflict("no")

        jobs = [store.write(ok(i)) if i != 5 else store.write(bad) for i in range(12)]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        assert isinstance(results[5], Conflict)
        seqs = [r for i, r in enumerate(results) if i != 5]
        assert seqs == list(range(1, 12))  # queue order, no seq taken by the failed write
        assert published == seqs
        keys, head = await store.read(lambda c: {r[0] for r in c.execute("SELECT key FROM meta")})
        assert "bad" not in keys and {f"k{i}" for i in range(12) if i != 5} <= keys and head == 11
        tasks, _ = await store.read(lambda c: [r[0] for r in c.execute("SELECT frame FROM events")])
        assert not any('"bad"' in t for t in tasks)
    finally:
        await store.close()


@pytest.mark.parametrize("level", ["full", "normal"])
async def test_synchronous_level_is_applied_and_commits_survive_reopen(tmp_path: Path, level: str) -> None:
    store = await Store.open(tmp_path / "db.sqlite", synchronous=level)
    try:
        # PRAGMA synchronous is per connection: ask the writer's own connection.
        value = await store.write(lambda tx: tx.conn.execute("PRAGMA synchronous").fetchone()[0])
        assert value == {"full": 2, "normal": 1}[level]
        seqs = await asyncio.gather(*(store.write(lambda tx: _emit_task(tx)) for _ in range(5)))
        assert seqs == [1, 2, 3, 4, 5]
    finally:
        await store.close()
    again = await Store.open(tmp_path / "db.sqlite", synchronous=level)
    try:
        assert again.head == 5
    finally:
        await again.close()


def test_an_unknown_synchronous_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous must be one of full, normal"):
        Store(tmp_path / "db.sqlite", retain=10, synchronous="off")


# Writes concurrently (so group commit batches them) and prints every seq a write returned.
_WRITER = """
import asyncio, sys
from tidewire.store import Store
from tidewire.protocol.models import McpToolCalledData

async def main(path, level):
    store = await Store.open(path, synchronous=level)
    data = McpToolCalledData(server_name="s", tool_name="t", duration_ms=1.0, ok=True)
    async def one():
        print(await store.write(lambda tx: tx.emit("mcp.tool_called", data)), flush=True)
    while True:
        await asyncio.gather(*(one() for _ in range(8)))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@pytest.mark.parametrize("level", ["full", "normal"])
def test_kill_9_keeps_every_write_that_returned(tmp_path: Path, level: str) -> None:
    path = tmp_path / "db.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), level], stdout=subprocess.PIPE, text=True
    )
    returned = 0
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            returned = max(returned, int(line))
            if returned >= 300:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
    # Lines printed before the kill were returned to the caller too.
    for line in proc.stdout:
        returned = max(returned, int(line))
    proc.wait(timeout=30)
    assert returned >= 300
    # A plain connection recovers the WAL the killed process left behind.
    conn = sqlite3.connect(path)
    try:
        head = int(conn.execute("SELECT value FROM meta WHERE key = 'head_seq'").fetchone()[0])
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
    finally:
        conn.close()
    assert head >= returned
    assert seqs == list(range(1, head + 1))


# -- the high-water mark --------------------------------------------------------------------------


def test_the_mark_survives_a_torn_write_of_either_slot(tmp_path: Path) -> None:
    path = tmp_path / "tidewire.mark"
    mark = FileMark(path)
    assert mark.load() is None
    for seq in range(1, 6):
        mark.advance(Mark("ep_a", seq))
    mark.close()
    assert path.stat().st_size == 1024
    assert FileMark(path).load() == Mark("ep_a", 5)
    # Generation 5 went to slot 1; tear it: the other slot still holds the previous mark.
    data = bytearray(path.read_bytes())
    data[512 + 20] ^= 0xFF
    path.write_bytes(bytes(data))
    again = FileMark(path)
    assert again.load() == Mark("ep_a", 4)
    again.advance(Mark("ep_a", 6))  # overwrites the torn slot's partner, not the good one
    again.close()
    assert FileMark(path).load() == Mark("ep_a", 6)
    path.write_bytes(b"\xff" * 1024)
    with pytest.raises(MarkError, match="damaged"):
        FileMark(path).load()


@pytest.mark.parametrize(
    ("db", "mark", "state", "allow", "verdict"),
    [
        (None, None, [], False, Verdict.FRESH),
        (None, None, ["worktrees/ holds checkouts"], False, Verdict.REFUSE_EMPTY),
        (None, None, ["worktrees/ holds checkouts"], True, Verdict.REINIT),
        (Mark("e", 5), None, [], False, Verdict.NO_MARK),
        (Mark("e", 5), Mark("e", 5), [], False, Verdict.OK),
        (Mark("e", 9), Mark("e", 5), [], False, Verdict.OK),  # crashed between COMMIT and the mark
        (Mark("e", 4), Mark("e", 5), [], False, Verdict.BEHIND),
        (Mark("e", 4), Mark("f", 5), [], False, Verdict.OTHER_EPOCH),
    ],
)
def test_reconcile(
    db: Mark | None, mark: Mark | None, state: list[str], allow: bool, verdict: Verdict
) -> None:
    decision = reconcile(db, mark, state=state, allow_reinit=allow)
    assert decision.verdict is verdict
    assert bool(decision.message) == (verdict not in (Verdict.FRESH, Verdict.OK, Verdict.NO_MARK))


async def test_the_mark_follows_every_group_commit_and_a_lost_tail_starts_a_new_epoch(
    tmp_path: Path,
) -> None:
    mark_path = tmp_path / "tidewire.mark"
    store = await Store.open(tmp_path / "db.sqlite", mark=FileMark(mark_path))
    await asyncio.gather(*(store.write(_emit_task) for _ in range(20)))
    # Read while the store is open: the mark is durable before a write returns.
    assert FileMark(mark_path).load() == Mark(store.epoch, 20)
    epoch = store.epoch
    await store.close()
    # The database loses its last commits (as a deleted WAL or a restored copy would).
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    conn.execute("DELETE FROM events WHERE seq > 12")
    conn.execute("UPDATE meta SET value = '12' WHERE key = 'head_seq'")
    conn.close()
    again = await Store.open(tmp_path / "db.sqlite", mark=FileMark(mark_path))
    try:
        assert again.epoch != epoch and again.head == 12
        [notice] = again.notices
        assert notice.code == "behind" and "events 13-20" in notice.message
        assert FileMark(mark_path).load() == Mark(again.epoch, 12)
        assert await again.write(_emit_task) == 13
    finally:
        await again.close()


async def test_an_empty_database_beside_a_mark_is_refused_and_left_empty(tmp_path: Path) -> None:
    mark_path = tmp_path / "tidewire.mark"
    FileMark(mark_path).advance(Mark("ep_old", 7))
    db = tmp_path / "db.sqlite"
    with pytest.raises(RefusedEmpty, match="records epoch ep_old seq 7"):
        await Store.open(db, mark=FileMark(mark_path))
    assert db.stat().st_size == 0
    store = await Store.open(db, mark=FileMark(mark_path), allow_reinit=True)
    try:
        assert store.epoch != "ep_old" and store.head == 0 and store.notices[0].code == "reinit"
    finally:
        await store.close()


def test_storage_failures_become_domain_errors(tmp_path: Path) -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert isinstance(translate(full, tmp_path / "db"), StorageFull)
    assert translate(full, tmp_path / "db").status == 507  # type: ignore[attr-defined]
    assert isinstance(translate(OSError(errno.ENOSPC, "no space"), tmp_path / "db"), StorageFull)
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11  # type: ignore[attr-defined]
    damaged = translate(corrupt, tmp_path / "db")
    assert isinstance(damaged, StorageDamaged) and damaged.status == 503
    assert str(tmp_path / "db") in damaged.message
    other = sqlite3.OperationalError("no such table")
    assert translate(other, tmp_path / "db") is other


async def test_a_mark_that_cannot_be_written_fails_no_committed_write(tmp_path: Path) -> None:
    class Failing:
        def __init__(self) -> None:
            self.calls = 0

        def load(self) -> Mark | None:
            return None

        def advance(self, mark: Mark) -> None:
            self.calls += 1
            if self.calls > 1:  # the start-up write succeeds, the commits' do not
                raise OSError(errno.EIO, "I/O error")

        def close(self) -> None:
            pass

    store = await Store.open(tmp_path / "db.sqlite", mark=Failing())
    try:
        assert await asyncio.gather(*(store.write(_emit_task) for _ in range(3))) == [1, 2, 3]
        assert [n.code for n in store.notices] == ["mark_write_failed"]
    finally:
        await store.close()
