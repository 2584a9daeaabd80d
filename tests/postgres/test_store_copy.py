"""`tidewire store copy`: a SQLite daemon's state and event log moved into PostgreSQL with its epoch
and seqs, so a daemon on the copy serves the same state and log, and a client of the old daemon
resumes on it with no resync, gap or duplicate.

Every store here is made by a real daemon (REST and hooks on a real SQLite file); the copies run
through the real command in a subprocess, except where a failure is injected inside the copy's
transaction.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from support import Daemon, ws_connect
from support.git import make_repo
from support.pg_url import pg_url
from tidewire.lockfile import DataDirLock
from tidewire.store.migrations import MIGRATIONS_DIR as SQLITE_MIGRATIONS
from tidewire.store.migrations import discover
from tidewire.store.migrations import migrate as migrate_sqlite
from tidewire.store_pg.copy import (
    EXIT_BAD_ARGUMENT,
    EXIT_IN_USE,
    EXIT_SOURCE_DAMAGED,
    EXIT_SOURCE_EMPTY,
    EXIT_TARGET_NOT_EMPTY,
    EXIT_UNREACHABLE,
    copy_store,
)
from tidewire.store_pg.migrations import migrate as migrate_pg

NOW = "2026-01-01T00:00:00.000Z"
LISTS = ("/api/projects", "/api/tasks", "/api/sessions")


def run_copy(source: str, target: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "store", "copy", source, target],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if not k.startswith("TIDEWIRE_")},
    )


def hook(d: Daemon, payload: dict[str, Any]) -> None:
    r = d.post("/api/hooks/claude", payload)
    assert r.status_code < 300, r.text


def populate(d: Daemon, tmp_path: Path) -> None:
    """Projects, tasks (a child, a changed one, a closed one, one under an Idempotency-Key), a
    session with its hook calls: state and events of several kinds."""
    r = d.post("/api/projects", {"path": str(make_repo(tmp_path / "repo"))})
    assert r.status_code == 201, r.text
    project = r.json()["id"]
    parent = d.post("/api/tasks", {"title": "parent", "project_id": project, "labels": ["a", "b"]}).json()
    for i in range(3):
        r = d.post("/api/tasks", {"title": f"child {i}", "parent_id": parent["id"]})
        assert r.status_code == 201, r.text
    r = d.post("/api/tasks", {"title": "keyed"}, headers={"Idempotency-Key": "copy-key-1"})
    assert r.status_code == 201, r.text
    changed = httpx.patch(
        f"{d.base_url}/api/tasks/{parent['id']}", json={"status": "in_progress", "priority": 1}, timeout=30
    )
    assert changed.status_code == 200, changed.text
    r = d.post(f"/api/tasks/{r.json()['id']}/close", {"reason": "done"})
    assert r.status_code == 200, r.text
    base = {"session_id": "sess-copy", "cwd": str(tmp_path / "repo"), "transcript_path": str(tmp_path / "t")}
    hook(d, {**base, "hook_event_name": "SessionStart", "source": "startup"})
    hook(d, {**base, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}})
    hook(d, {**base, "hook_event_name": "Notification", "message": "waiting for you"})


def snapshot(d: Daemon) -> dict[str, Any]:
    """What a client can see: the lists, and the whole retained log."""
    out: dict[str, Any] = {path: d.get(path).json() for path in LISTS}
    events = d.get("/api/events", params={"limit": 1000}).json()
    out["events"] = events["items"]
    out["epoch"], out["head"] = events["epoch"], events["seq"]
    return out


@pytest.fixture
def sqlite_store(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A SQLite data dir populated through a real daemon, stopped; and what its daemon showed."""
    d = daemon_factory(data_dir=tmp_path / "sqlite-data")
    populate(d, tmp_path)
    seen = snapshot(d)
    assert d.stop() == 0
    assert seen["head"] >= 10 and len(seen["events"]) == seen["head"]
    return d.data_dir, seen


def source_url(data_dir: Path) -> str:
    return f"sqlite://{data_dir / 'tidewire.db'}"


def target_rows(dsn: str) -> dict[str, int]:
    """Rows in every table of the target but the migrations' bookkeeping, and its log head."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_name NOT IN ('schema_migrations', 'log_head')"
            )
        ]
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}  # type: ignore[index]
        head = conn.execute("SELECT head FROM log_head").fetchone()
    counts["log_head"] = int(head[0]) if head else 0
    return counts


async def test_a_copied_store_serves_the_same_state_and_log_and_its_clients_resume_without_resync(
    sqlite_store: tuple[Path, dict[str, Any]], pg_dsn: str, daemon_factory: Callable[..., Daemon]
) -> None:
    data_dir, seen = sqlite_store
    url = pg_url(pg_dsn)
    done = run_copy(source_url(data_dir), url)
    assert done.returncode == 0, done.stderr
    assert "copied sqlite" in done.stdout and "verified" in done.stdout
    assert f"head seq {seen['head']}" in done.stdout

    pg = daemon_factory("--store", url)
    assert "store postgresql" in pg.log()
    assert snapshot(pg) == seen
    # The idempotency key came along: the retry answers the first reply, and writes nothing.
    again = pg.post("/api/tasks", {"title": "keyed"}, headers={"Idempotency-Key": "copy-key-1"})
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true", again.headers
    assert pg.get("/api/events", params={"after_seq": seen["head"]}).json()["items"] == []

    head, epoch = seen["head"], seen["epoch"]
    async with ws_connect(pg) as ws:
        assert ws.welcome["epoch"] == epoch and ws.welcome["seq"] == head
        await ws.subscribe(["*"])
        # A client of the old daemon that had seen up to head - 4: the four it missed, then live.
        await ws.send_json({"type": "resume", "epoch": epoch, "after_seq": head - 4, "id": "r"})
        replayed: list[dict[str, Any]] = []
        while len(replayed) < 4:
            frame = await ws.recv()
            assert frame["type"] != "resync", frame
            if "." in frame["type"]:
                replayed.append(frame)
        resumed = await ws.recv_type("resumed", "resync")
        assert resumed["type"] == "resumed" and resumed["replayed"] == 4, resumed
        assert replayed == seen["events"][-4:]
        # New writes continue the seq.
        r = pg.post("/api/tasks", {"title": "after the move"})
        assert r.status_code == 201 and int(r.headers["X-Tidewire-Seq"]) == head + 1
        live = await ws.recv_events(1)
        assert live[0]["seq"] == head + 1 and live[0]["type"] == "task.created"
    async with ws_connect(pg) as ws:
        # A client that had everything resumes with nothing to replay.
        await ws.subscribe(["*"])
        await ws.send_json({"type": "resume", "epoch": epoch, "after_seq": head + 1, "id": "r2"})
        resumed = await ws.recv_type("resumed", "resync")
        assert resumed["type"] == "resumed" and resumed["replayed"] == 0, resumed


def test_a_second_copy_finds_its_copy_there_and_does_nothing(
    sqlite_store: tuple[Path, dict[str, Any]],
    pg_dsn: str,
    daemon_factory: Callable[..., Daemon],
    tmp_path: Path,
) -> None:
    data_dir, seen = sqlite_store
    url = pg_url(pg_dsn)
    # A daemon that only started on the target left an epoch and nothing else: still empty.
    unused = daemon_factory("--store", url, data_dir=tmp_path / "unused")
    assert unused.health() and unused.stop() == 0
    first = run_copy(source_url(data_dir), url)
    assert first.returncode == 0, first.stderr
    before = target_rows(pg_dsn)
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone() == (seen["epoch"],)
    # The data directory itself is accepted as the source too.
    done = run_copy(f"sqlite://{data_dir}", url)
    assert done.returncode == 0, done.stderr
    assert "already holds this copy" in done.stdout and "nothing to do" in done.stdout
    assert "verified" in done.stdout
    assert target_rows(pg_dsn) == before


def test_a_target_holding_other_data_is_refused_and_left_as_it_was(
    sqlite_store: tuple[Path, dict[str, Any]], pg_dsn: str, daemon_factory: Callable[..., Daemon]
) -> None:
    data_dir, _ = sqlite_store
    url = pg_url(pg_dsn)
    other = daemon_factory("--store", url)
    assert other.post("/api/tasks", {"title": "someone else's"}).status_code == 201
    # A daemon connected to the target: refused before anything else.
    busy = run_copy(source_url(data_dir), url)
    assert busy.returncode == EXIT_IN_USE, busy.stderr
    assert "daemon connection" in busy.stderr and "stop its daemons" in busy.stderr
    assert other.stop() == 0
    before = target_rows(pg_dsn)
    done = run_copy(source_url(data_dir), url)
    assert done.returncode == EXIT_TARGET_NOT_EMPTY, done.stderr
    assert "is not empty" in done.stderr and "refusing to overwrite" in done.stderr
    assert target_rows(pg_dsn) == before


def test_a_copy_that_has_changed_since_is_not_overwritten(
    sqlite_store: tuple[Path, dict[str, Any]], pg_dsn: str, daemon_factory: Callable[..., Daemon]
) -> None:
    data_dir, _ = sqlite_store
    url = pg_url(pg_dsn)
    assert run_copy(source_url(data_dir), url).returncode == 0
    pg = daemon_factory("--store", url)
    assert pg.post("/api/tasks", {"title": "written after the move"}).status_code == 201
    assert pg.stop() == 0
    before = target_rows(pg_dsn)
    done = run_copy(source_url(data_dir), url)
    assert done.returncode == EXIT_TARGET_NOT_EMPTY, done.stderr
    assert "has changed since" in done.stderr
    assert target_rows(pg_dsn) == before


def test_a_source_a_daemon_holds_is_refused_and_nothing_is_written(
    daemon_factory: Callable[..., Daemon], tmp_path: Path, pg_dsn: str
) -> None:
    d = daemon_factory(data_dir=tmp_path / "live")
    d.emit("test.copied_event", {"n": 1})
    assert d.proc is not None
    done = run_copy(source_url(d.data_dir), pg_url(pg_dsn))
    assert done.returncode == EXIT_IN_USE, done.stderr
    assert f"pid {d.proc.pid}" in done.stderr and "stop that daemon" in done.stderr
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables.fetchone() == (0,)  # not even migrated


def test_a_copy_killed_midway_leaves_the_target_empty_and_a_new_run_completes(
    sqlite_store: tuple[Path, dict[str, Any]], pg_dsn: str
) -> None:
    data_dir, seen = sqlite_store
    url = pg_url(pg_dsn)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        migrate_pg(conn, NOW)
    holder = psycopg.connect(pg_dsn)
    try:
        # The copy writes the log after every other table: a lock that lets it count the events
        # but not insert any stops it there, with the state written (uncommitted).
        holder.execute("LOCK TABLE events IN SHARE MODE")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tidewire", "store", "copy", source_url(data_dir), url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with psycopg.connect(pg_dsn, autocommit=True) as watch:
            deadline = time.monotonic() + 60
            while True:
                row = watch.execute(
                    "SELECT wait_event_type, query FROM pg_stat_activity"
                    " WHERE application_name = 'tidewire store copy'"
                ).fetchone()
                if row is not None and row[0] == "Lock" and "COPY" in str(row[1]) and "events" in str(row[1]):
                    break
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the copy never reached the event log"
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            # The server notices the lost client only once its backend stops waiting on the lock:
            # let it go on, then it finds nobody to COMMIT for and rolls back.
            holder.rollback()
            while watch.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = 'tidewire store copy'"
            ).fetchone():
                assert time.monotonic() < deadline + 30, "the killed copy's backend stayed"
                time.sleep(0.05)
    finally:
        holder.rollback()
        holder.close()
    assert all(n == 0 for n in target_rows(pg_dsn).values()), target_rows(pg_dsn)
    # The killed copy released the data dir with its process; a new run copies everything.
    done = run_copy(source_url(data_dir), url)
    assert done.returncode == 0, done.stderr
    assert target_rows(pg_dsn)["log_head"] == seen["head"]


def test_a_failure_just_before_commit_leaves_the_target_empty(
    sqlite_store: tuple[Path, dict[str, Any]], pg_dsn: str
) -> None:
    data_dir, _ = sqlite_store

    def fail(conn: psycopg.Connection[Any]) -> None:
        # Everything is written by now, inside the transaction.
        assert conn.execute("SELECT count(*) FROM events").fetchone() != (0,)
        raise RuntimeError("injected")

    with pytest.raises(RuntimeError, match="injected"):
        copy_store(source_url(data_dir), pg_url(pg_dsn), before_commit=fail)
    assert all(n == 0 for n in target_rows(pg_dsn).values())
    # The data dir lock was given back.
    lock = DataDirLock(data_dir / "tidewire.lock")
    lock.acquire()
    lock.release()


def test_an_older_sqlite_store_is_migrated_first_and_copied(tmp_path: Path, pg_dsn: str) -> None:
    older = tmp_path / "old-migrations"
    older.mkdir()
    known = discover(SQLITE_MIGRATIONS)
    for m in known[:-1]:
        (older / m.path.name).write_text(m.path.read_text())
    db = tmp_path / "old" / "tidewire.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    migrate_sqlite(conn, NOW, older)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("epoch", "ep_0123456789abcdef"), ("server_id", "srv_1"), ("head_seq", "1")],
    )
    frame = '{"type":"test.old","seq":1,"ts":"2026-01-01T00:00:00.000Z","data":{}}'
    conn.execute("INSERT INTO events VALUES (1, 'test.old', ?, ?)", (NOW, frame))
    conn.close()
    done = run_copy(f"sqlite://{db}", pg_url(pg_dsn))
    assert done.returncode == 0, done.stderr
    assert f"source migrated first: {known[-1].version}" in done.stdout
    with psycopg.connect(pg_dsn) as pg:
        assert pg.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone() == ("ep_0123456789abcdef",)
        assert pg.execute("SELECT seq, frame FROM events").fetchall() == [(1, frame)]
        assert pg.execute("SELECT head FROM log_head").fetchone() == (1,)
        assert pg.execute("SELECT key FROM meta ORDER BY key").fetchall() == [("epoch",)]


@pytest.mark.parametrize(
    ("source", "target", "code", "said"),
    [
        ("mysql://x/db", "postgresql://u@h/db", EXIT_BAD_ARGUMENT, "must be a sqlite:///"),
        ("sqlite://host/x.db", "postgresql://u@h/db", EXIT_BAD_ARGUMENT, "no host"),
        ("sqlite:///{tmp}/missing.db", "postgresql://u@h/db", EXIT_BAD_ARGUMENT, "does not exist"),
        ("sqlite:///{tmp}/data/tidewire.db", "mysql://u:secret@h/db", EXIT_BAD_ARGUMENT, "postgresql://"),
        (
            "sqlite:///{tmp}/data/tidewire.db",
            "postgresql://u:secret@127.0.0.1:1/db",
            EXIT_UNREACHABLE,
            "reach",
        ),
        ("sqlite:///{tmp}/junk.db", "postgresql://u@127.0.0.1:1/db", EXIT_SOURCE_DAMAGED, "damaged"),
        ("sqlite:///{tmp}/blank.db", "postgresql://u@127.0.0.1:1/db", EXIT_SOURCE_EMPTY, "no tidewire store"),
    ],
)
def test_bad_arguments_get_one_clear_line_and_their_exit_code(
    tmp_path: Path, source: str, target: str, code: int, said: str
) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not a database, it is long enough to have a header" * 100)
    sqlite3.connect(tmp_path / "blank.db").execute("CREATE TABLE x (a)").connection.close()
    (tmp_path / "data").mkdir()
    conn = sqlite3.connect(tmp_path / "data" / "tidewire.db", isolation_level=None)
    migrate_sqlite(conn, NOW)
    conn.execute("INSERT INTO meta (key, value) VALUES ('epoch', 'ep_1'), ('head_seq', '0')")
    conn.close()
    done = run_copy(source.replace("/{tmp}", str(tmp_path)), target, timeout=60)
    assert done.returncode == code, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tidewire: ") and said in lines[0], done.stderr
    assert "secret" not in done.stderr
