"""The store on a real SQLite file: opening and closing, start-up in a data directory,
notices that outlive a restart, retention with a reader's floor, and frame building."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from support.examples import example_data
from tidewire.config import Settings
from tidewire.errors import Conflict, InvalidArgument
from tidewire.protocol.models import TaskEventData
from tidewire.store import LogEntry, Store, Tx
from tidewire.store import store as store_module
from tidewire.store.errors import RefusedEmpty, StorageFull
from tidewire.store.startup import MARK_NAME, data_dir_state, open_daemon_store
from tidewire.store.watermark import FileMark, Mark
from tidewire.store.write_hook import attach, detach


def _emit(tx: Tx, task_id: str = "t1") -> int:
    return tx.emit(
        "task.created", TaskEventData.model_validate(example_data("task.created", task_id=task_id))
    )


# -- the data directory ---------------------------------------------------------------------------


def test_an_unused_data_dir_shows_no_state(tmp_path: Path) -> None:
    assert data_dir_state(tmp_path) == []
    for name in ("worktrees", "agents", "mcp"):
        (tmp_path / name).mkdir()
    assert data_dir_state(tmp_path) == []  # empty folders are what a fresh start leaves


def test_each_folder_in_use_is_named(tmp_path: Path) -> None:
    for name in ("worktrees", "agents", "mcp"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x").write_text("")
    assert data_dir_state(tmp_path) == [
        "worktrees/ holds checkouts",
        "agents/ holds run logs",
        "mcp/ holds server logs",
    ]
    (tmp_path / "worktrees" / "x").unlink()
    assert data_dir_state(tmp_path)[0] == "agents/ holds run logs"


def test_a_file_where_a_folder_should_be_is_not_state(tmp_path: Path) -> None:
    (tmp_path / "agents").write_text("not a folder")
    assert data_dir_state(tmp_path) == []


def test_a_folder_that_cannot_be_read_counts_as_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mcp").mkdir()

    def unreadable(self: Path) -> None:
        raise PermissionError(13, "denied")

    monkeypatch.setattr(Path, "iterdir", unreadable)
    assert data_dir_state(tmp_path) == ["mcp/ exists but cannot be read"]


def _settings(data_dir: Path, **kw: object) -> Settings:
    return Settings(data_dir=data_dir, **kw)  # type: ignore[arg-type]


async def test_the_daemon_store_keeps_its_mark_beside_the_database(tmp_path: Path) -> None:
    settings = _settings(tmp_path, retain=7, synchronous="normal")
    store = await asyncio.to_thread(open_daemon_store, settings)
    try:
        assert (store.path, store.retain, store.synchronous) == (tmp_path / "tidewire.db", 7, "normal")
        assert await store.write(_emit) == 1
        assert FileMark(tmp_path / MARK_NAME).load() == Mark(store.epoch, 1)
    finally:
        await store.close()
    assert MARK_NAME == "tidewire.mark"


async def test_the_daemon_store_refuses_an_empty_database_in_a_used_dir_unless_told(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "run.log").write_text("x")
    with pytest.raises(RefusedEmpty, match=r"agents/ holds run logs"):
        await asyncio.to_thread(open_daemon_store, _settings(tmp_path))
    store = await asyncio.to_thread(open_daemon_store, _settings(tmp_path, allow_reinit=True))
    try:
        assert [n.code for n in store.notices] == ["reinit"]
    finally:
        await store.close()


# -- open and close -------------------------------------------------------------------------------


async def test_both_ways_of_opening_keep_10000_events_by_default(tmp_path: Path) -> None:
    one = Store.open_sync(tmp_path / "one.sqlite")
    two = await Store.open(tmp_path / "two.sqlite")
    try:
        assert (one.retain, two.retain) == (10_000, 10_000)
        assert (one.synchronous, two.synchronous) == ("full", "full")
    finally:
        await one.close()
        await two.close()


async def test_readers_reuse_their_connection(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        for _ in range(12):
            await store.read(lambda c: c.execute("SELECT 1").fetchone())
        assert 1 <= len(store._read_conns) <= store_module._READERS == 2
    finally:
        await store.close()
    assert store._read_conns == []


async def test_open_sync_gives_the_same_store_as_open(tmp_path: Path) -> None:
    store = Store.open_sync(tmp_path / "a" / "db.sqlite", retain=3, synchronous="normal")
    try:
        assert (store.retain, store.synchronous, store.head) == (3, "normal", 0)
        assert store.epoch.startswith("ep_") and len(store.epoch) == 19
        assert store.server_id.startswith("srv_") and len(store.server_id) == 16
        assert await store.write(_emit) == 1
    finally:
        await store.close()


def test_open_sync_that_fails_leaves_nothing_running(tmp_path: Path) -> None:
    FileMark(tmp_path / "tidewire.mark").advance(Mark("ep_x", 3))
    mark = FileMark(tmp_path / "tidewire.mark")
    with pytest.raises(RefusedEmpty, match=r"\(tidewire\.mark records epoch ep_x seq 3\)"):
        Store.open_sync(tmp_path / "db.sqlite", mark=mark)
    assert mark._fd is None


def test_a_refusal_names_a_damaged_mark_and_a_mark_without_a_file(tmp_path: Path) -> None:
    (tmp_path / "tidewire.mark").write_bytes(b"\xff" * 1024)
    with pytest.raises(RefusedEmpty, match=r"\(a damaged tidewire\.mark\)"):
        Store.open_sync(tmp_path / "db.sqlite", mark=FileMark(tmp_path / "tidewire.mark"))

    class Elsewhere:
        def load(self) -> Mark | None:
            return Mark("ep_y", 4)

        def advance(self, mark: Mark) -> None:
            pass

        def close(self) -> None:
            pass

    with pytest.raises(RefusedEmpty, match=r"\(the high-water mark records epoch ep_y seq 4\)"):
        Store.open_sync(tmp_path / "db.sqlite", mark=Elsewhere())


async def test_a_closed_store_refuses_reads_and_writes_and_closes_once(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    await store.close()
    await store.close()
    assert store.close_error is None
    with pytest.raises(RuntimeError, match=r"^the store is closed$"):
        await store.write(_emit)
    with pytest.raises(RuntimeError, match=r"^the store is closed$"):
        await store.read(lambda c: 1)
    # Folded back in: nothing is left in a WAL at rest.
    wal = tmp_path / "db.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0


async def test_a_busy_checkpoint_at_close_is_reported(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    await store.write(_emit)
    # Not the 30 s the daemon waits for a busy database: this test wants the busy answer at once.
    await store.write(lambda tx: tx.conn.execute("PRAGMA busy_timeout = 0"))
    # A reader holding a snapshot keeps the checkpoint from truncating the WAL.
    other = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM events").fetchone()
    try:
        await store.close()
    finally:
        other.close()
    assert store.close_error == "the WAL checkpoint could not finish (the database was busy)"


async def test_the_head_is_the_larger_of_the_recorded_head_and_the_log(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    store = await Store.open(db)
    await store.write(lambda tx: [_emit(tx) for _ in range(3)])
    await store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'head_seq'")
    conn.close()
    again = await Store.open(db)
    try:
        assert again.head == 3
    finally:
        await again.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE meta SET value = '9' WHERE key = 'head_seq'")
    conn.close()
    third = await Store.open(db)
    try:
        assert third.head == 9 and await third.write(_emit) == 10
    finally:
        await third.close()


# -- notices --------------------------------------------------------------------------------------


async def test_a_storage_notice_outlives_restarts_with_its_time(tmp_path: Path) -> None:
    db, mark_path = tmp_path / "db.sqlite", tmp_path / "tidewire.mark"
    store = await Store.open(db, mark=FileMark(mark_path))
    await store.write(_emit)
    await store.close()
    mark_path.write_bytes(b"\xff" * 1024)  # both slots unreadable
    damaged = await Store.open(db, mark=FileMark(mark_path))
    try:
        [notice] = damaged.notices
        assert notice.code == "no_mark"
        assert notice.message.startswith("the high-water mark was unreadable; rewrote it from the database")
        assert FileMark(mark_path).load() == Mark(damaged.epoch, 1)
    finally:
        await damaged.close()
    again = await Store.open(db, mark=FileMark(mark_path))
    try:
        assert again.notices == [notice]
    finally:
        await again.close()


async def test_a_notice_that_does_not_parse_is_dropped(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    store = await Store.open(db)
    await store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("INSERT INTO meta (key, value) VALUES ('storage_notice', '{\"code\": 1}')")
    conn.close()
    again = await Store.open(db)
    try:
        assert again.notices == []
    finally:
        await again.close()


async def test_another_epoch_in_the_mark_is_a_warning_and_the_database_wins(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db, mark_path = tmp_path / "db.sqlite", tmp_path / "tidewire.mark"
    store = await Store.open(db)
    await store.write(_emit)
    epoch = store.epoch
    await store.close()
    FileMark(mark_path).advance(Mark("ep_elsewhere", 50))
    with caplog.at_level("WARNING", logger="tidewire.store"):
        again = await Store.open(db, mark=FileMark(mark_path))
    try:
        assert again.epoch == epoch and again.head == 1
        assert [n.code for n in again.notices] == ["other_epoch"]
        [record] = [r for r in caplog.records if r.name == "tidewire.store"]
        assert record.levelname == "WARNING" and "is not the log the mark recorded" in record.getMessage()
        stored, _ = await again.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'storage_notice'").fetchone()[0]
        )
        assert json.loads(stored)["code"] == "other_epoch"
        assert FileMark(mark_path).load() == Mark(epoch, 1)
    finally:
        await again.close()


async def test_a_lost_tail_is_logged_as_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db, mark_path = tmp_path / "db.sqlite", tmp_path / "tidewire.mark"
    store = await Store.open(db, mark=FileMark(mark_path))
    await store.write(lambda tx: [_emit(tx) for _ in range(3)])
    await store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DELETE FROM events WHERE seq > 1")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'head_seq'")
    conn.close()
    with caplog.at_level("WARNING", logger="tidewire.store"):
        again = await Store.open(db, mark=FileMark(mark_path))
    await again.close()
    assert [r.levelname for r in caplog.records if r.name == "tidewire.store"] == ["ERROR"]


# -- retention and readers ------------------------------------------------------------------------


async def test_a_reader_floor_keeps_events_past_retain(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite", retain=3)
    floor: list[int | None] = [2]
    store.prune_floor = lambda: floor[0]
    try:
        for _ in range(8):
            await store.write(_emit)
        seqs, _ = await store.read(lambda c: [r[0] for r in c.execute("SELECT seq FROM events ORDER BY seq")])
        assert seqs == [3, 4, 5, 6, 7, 8]  # the reader took 2: it still needs 3 on
        floor[0] = 7  # past what retain keeps anyway: retain decides
        await store.write(_emit)
        seqs, _ = await store.read(lambda c: [r[0] for r in c.execute("SELECT seq FROM events ORDER BY seq")])
        assert seqs == [7, 8, 9]
        floor[0] = None
        await store.write(_emit)
        seqs, _ = await store.read(lambda c: [r[0] for r in c.execute("SELECT seq FROM events ORDER BY seq")])
        assert seqs == [8, 9, 10]
    finally:
        await store.close()


def test_a_reader_floor_is_kept_for_at_most_max_pinned_events(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite", retain=10)
    store.prune_floor = lambda: 0
    head = 10 + store_module.MAX_PINNED + 5
    assert store._prune_through(head) == 5
    assert store._prune_through(20) == 0
    store.prune_floor = lambda: 15
    assert store._prune_through(20) == 10
    store._abandon()
    assert store_module.MAX_PINNED == 100_000


async def test_more_writes_than_one_batch_holds_all_commit_in_order(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    published: list[list[int]] = []
    store.add_commit_listener(lambda entries: published.append([e.seq for e in entries]))
    try:
        n = store_module._MAX_BATCH + 10
        seqs = await asyncio.gather(*(store.write(_emit) for _ in range(n)))
        assert seqs == list(range(1, n + 1))
        assert [s for group in published for s in group] == seqs
        assert max(len(g) for g in published) <= store_module._MAX_BATCH
        assert store.head == n
    finally:
        await store.close()


async def test_load_recent_gives_the_newest_oldest_first(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.write(lambda tx: [_emit(tx, f"t{i}") for i in range(5)])
        recent = store.load_recent(2)
        assert [(e.seq, e.type) for e in recent] == [(4, "task.created"), (5, "task.created")]
        assert recent[0].data == json.loads(recent[0].text)["data"] and "task" in recent[0].data
        assert json.loads(recent[1].text)["seq"] == 5
    finally:
        await store.close()


async def test_a_read_gets_the_seq_of_its_snapshot_and_cannot_write(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.write(_emit)
        value, seq = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        assert (value, seq) == (1, 1)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.read(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')"))
        # The failed read ended its transaction: the next one sees new commits.
        await store.write(_emit)
        assert (await store.read(lambda c: None))[1] == 2
    finally:
        await store.close()


# -- writes ---------------------------------------------------------------------------------------


async def test_tx_seq_is_the_last_event_so_far(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:

        def fn(tx: Tx) -> list[int]:
            seen = [tx.seq]
            _emit(tx)
            seen.append(tx.seq)
            _emit(tx)
            seen.append(tx.seq)
            return seen

        assert await store.write(fn) == [0, 1, 2]
        assert await store.write(lambda tx: tx.seq) == 2
    finally:
        await store.close()


async def test_a_write_hook_commits_with_the_write_that_claims_it(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")

    class Hook:
        def __init__(self) -> None:
            self.claimed = False
            self.results: list[object] = []

        def claim(self) -> bool:
            first, self.claimed = not self.claimed, True
            return first

        def after(self, tx: Tx, result: object) -> None:
            self.results.append(result)
            tx.conn.execute("INSERT INTO meta (key, value) VALUES ('hooked', ?)", (str(result),))

    hook = Hook()
    token = attach(hook)
    try:
        assert await store.write(_emit) == 1
        assert await store.write(_emit) == 2
    finally:
        detach(token)
        value, _ = await store.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key = 'hooked'").fetchone()[0]
        )
        await store.close()
    assert hook.results == [1] and value == "1"


def test_unknown_event_types_are_refused_unless_allowed_and_well_formed() -> None:
    with pytest.raises(InvalidArgument, match=r"unknown event type 'x\.y'") as raised:
        store_module.build_frame("x.y", 1, "2026-01-01T00:00:00.000Z", {})
    assert raised.value.code == "unknown_event"
    text = store_module.build_frame("x.y", 3, "2026-01-01T00:00:00.000Z", {"é": 1}, allow_unknown=True)
    assert text == '{"type":"x.y","seq":3,"ts":"2026-01-01T00:00:00.000Z","data":{"é":1}}'
    with pytest.raises(InvalidArgument, match="unknown event type 'Bad'"):
        store_module.build_frame("Bad", 1, "2026-01-01T00:00:00.000Z", {}, allow_unknown=True)
    with pytest.raises(InvalidArgument, match=r"^x\.y: data holds a number JSON cannot carry"):
        store_module.build_frame(
            "x.y", 1, "2026-01-01T00:00:00.000Z", {"n": float("nan")}, allow_unknown=True
        )


def test_a_known_event_is_built_from_a_model_or_a_mapping_alike() -> None:
    data = example_data("task.created", task_id="t9")
    ts = "2026-01-01T00:00:00.000Z"
    from_model = store_module.build_frame("task.created", 4, ts, TaskEventData.model_validate(data))
    from_mapping = store_module.build_frame("task.created", 4, ts, data, allow_unknown=True)
    assert from_model == from_mapping
    frame = json.loads(from_model)
    assert (frame["type"], frame["seq"], frame["ts"]) == ("task.created", 4, ts)
    assert frame["data"]["task"]["id"] == data["task"]["id"]
    with pytest.raises(InvalidArgument, match=r"^task\.created: invalid event data"):
        store_module.build_frame("task.created", 4, ts, {"task": 1})


# -- a batch that fails as a whole ------------------------------------------------------------------


async def test_a_batch_that_cannot_commit_fails_every_write_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    published: list[int] = []
    store.add_commit_listener(lambda entries: published.extend(e.seq for e in entries))
    await store.write(_emit)
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13

    def no_room(head: int) -> int:
        raise full

    monkeypatch.setattr(store, "_prune_through", no_room)
    try:

        def refused(tx: Tx) -> None:
            raise Conflict("no")

        results = await asyncio.gather(
            store.write(_emit), store.write(refused), store.write(_emit), return_exceptions=True
        )
        assert isinstance(results[1], Conflict)  # its own error first
        for failed in (results[0], results[2]):
            assert isinstance(failed, StorageFull)
            assert failed.message.startswith("no space left for db.sqlite")
        assert published == [1] and store.head == 1
        monkeypatch.undo()
        assert await store.write(_emit) == 2
    finally:
        await store.close()


async def test_a_storage_error_raised_by_a_write_is_translated(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:

        def disk_full(tx: Tx) -> None:
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorcode = 13
            raise exc

        with pytest.raises(StorageFull, match=r"^no space left for db\.sqlite"):
            await store.write(disk_full)
        assert await store.write(_emit) == 1
    finally:
        await store.close()


async def test_a_mark_that_keeps_failing_is_one_notice_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Failing:
        calls = 0

        def load(self) -> Mark | None:
            return None

        def advance(self, mark: Mark) -> None:
            self.calls += 1
            if self.calls > 1:
                raise OSError(5, "I/O error")

        def close(self) -> None:
            pass

    store = await Store.open(tmp_path / "db.sqlite", mark=Failing())
    try:
        with caplog.at_level("ERROR", logger="tidewire.store"):
            for expected in (1, 2, 3):
                assert await store.write(_emit) == expected
        [notice] = store.notices
        assert (notice.code, notice.message) == (
            "mark_write_failed",
            "could not record the high-water mark: [Errno 5] I/O error",
        )
        assert notice.at.endswith("Z")
        messages = [r.getMessage() for r in caplog.records if r.name == "tidewire.store"]
        assert messages[0] == (
            "storage: could not record the high-water mark "
            f"Mark(epoch='{store.epoch}', seq=1): [Errno 5] I/O error"
        )
        assert len(messages) == 3
    finally:
        await store.close()


async def test_a_test_event_of_an_unknown_type_is_committed_when_allowed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        assert await store.write(lambda tx: tx.emit("x.probe", {"a": 1}, allow_unknown=True)) == 1
        [entry] = store.load_recent(1)
        assert (entry.type, entry.data) == ("x.probe", {"a": 1})
        with pytest.raises(InvalidArgument):
            await store.write(lambda tx: tx.emit("x.probe", {"a": 1}))
    finally:
        await store.close()


def test_an_entry_whose_data_is_not_an_object_keeps_an_empty_one() -> None:
    assert LogEntry.from_text(1, "x.y", '{"data": [1]}').data == {}
    assert LogEntry.from_text(1, "x.y", '{"data": {"k": 1}}').data == {"k": 1}
    assert LogEntry.from_text(1, "x.y", "{}").data == {}
