"""Damaged storage never passes silently: a database behind its high-water mark starts a new epoch
and says so, an emptied database in a used data dir is refused, a corrupt file is one clear line and
a documented exit code. Real daemons, real files."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from support import Daemon
from support.examples import example_data

EXIT_DAMAGED = 4
EXIT_REFUSED_EMPTY = 5


def _fill(daemon: Daemon, n: int) -> list[int]:
    return [daemon.emit("task.created", example_data("task.created", task_id=f"t{i}")) for i in range(n)]


def _refused(daemon: Daemon) -> tuple[int, str]:
    """Start a daemon that must refuse; one that starts after all is killed, not left running."""
    proc = daemon.spawn()
    try:
        code = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return code, daemon.log()


async def test_a_wal_lost_after_kill_9_starts_a_new_epoch_and_says_so(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    before = daemon.health()
    for _ in range(200):
        assert daemon.post("/api/tasks", {"title": "acknowledged"}).status_code == 201
    acknowledged = daemon.health()["seq"]
    assert acknowledged == 200
    daemon.kill()
    wal = daemon.data_dir / "tidewire.db-wal"
    assert wal.stat().st_size > 0  # the last commits live only in the WAL after kill -9
    wal.unlink()
    (daemon.data_dir / "tidewire.db-shm").unlink(missing_ok=True)

    daemon.start()
    after = daemon.health()
    assert after["seq"] < acknowledged, "the WAL held no acknowledged commit: nothing was tested"
    # Every cursor a client holds names seqs that are gone or would be reused: they must resync.
    assert after["epoch"] != before["epoch"]
    [notice] = after["storage_notices"]
    assert notice["code"] == "behind"
    assert f"seq {acknowledged} was acknowledged" in notice["message"]
    assert f"events {after['seq'] + 1}-{acknowledged}" in notice["message"]
    assert "ERROR" in daemon.log() and "started a new epoch" in daemon.log()
    tasks = daemon.get("/api/tasks").json()["items"]
    assert len(tasks) == after["seq"]  # the state and the log lost the same commits
    r = daemon.post("/api/tasks", {"title": "after"})
    assert int(r.headers["X-Tidewire-Seq"]) == after["seq"] + 1

    # The next clean restart keeps the new epoch and still shows what happened, with its time.
    daemon.restart()
    again = daemon.health()
    assert again["epoch"] == after["epoch"] and again["storage_notices"] == [notice]


def test_an_emptied_database_in_a_used_data_dir_is_refused_unless_allowed(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    epoch = daemon.health()["epoch"]
    _fill(daemon, 5)
    assert daemon.stop() == 0
    (daemon.data_dir / "tidewire.db").write_bytes(b"")

    code, log = _refused(daemon)
    assert code == EXIT_REFUSED_EMPTY
    lines = [line for line in log.splitlines() if line.startswith("tidewire:")]
    assert len(lines) == 1 and "Traceback" not in log
    assert "the database is empty but the data directory was in use" in lines[0]
    assert f"epoch {epoch} seq 5" in lines[0] and "--allow-reinit" in lines[0]
    assert (daemon.data_dir / "tidewire.db").stat().st_size == 0  # refused before writing anything

    daemon.args.append("--allow-reinit")
    daemon.start()
    health = daemon.health()
    assert health["epoch"] != epoch and health["seq"] == 0
    [notice] = health["storage_notices"]
    assert notice["code"] == "reinit" and "--allow-reinit" in notice["message"]
    assert "ERROR" in daemon.log()


def test_state_without_a_mark_still_refuses_an_empty_database(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    data = tmp_path / "used"
    (data / "worktrees" / "prj_1").mkdir(parents=True)
    (data / "agents").mkdir()
    (data / "agents" / "agt_1.log").write_text("a run\n")
    daemon = daemon_factory(data_dir=data, start=False)
    code, log = _refused(daemon)
    assert code == EXIT_REFUSED_EMPTY
    assert "worktrees/ holds checkouts, agents/ holds run logs" in log
    assert not (data / "tidewire.mark").exists()


def test_a_fresh_data_dir_starts_and_keeps_its_mark(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory()
    _fill(daemon, 3)
    mark = daemon.data_dir / "tidewire.mark"
    assert mark.stat().st_size == 1024
    assert daemon.health()["storage_notices"] == []
    daemon.restart()
    assert daemon.health()["storage_notices"] == [] and daemon.health()["seq"] == 3


def _corrupt_and_start(daemon: Daemon, offset: int, size: int | None = None) -> tuple[int, str]:
    assert daemon.stop() == 0
    db = daemon.data_dir / "tidewire.db"
    length = (db.stat().st_size - offset) if size is None else size
    with db.open("r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(length))
    daemon.log_path.write_text("")
    return _refused(daemon)


def test_a_database_with_a_damaged_header_is_one_line_and_exit_4(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    _fill(daemon, 3)
    code, log = _corrupt_and_start(daemon, 0, 100)
    db = daemon.data_dir / "tidewire.db"
    assert code == EXIT_DAMAGED, log
    assert "Traceback" not in log
    [line] = [line for line in log.splitlines() if line.strip()]
    assert line.startswith(f"tidewire: the database {db} is damaged")
    assert "restore a backup" in line and f"mv {db} {db}.damaged" in line


def test_a_database_with_damaged_pages_is_one_line_and_exit_4(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    _fill(daemon, 50)
    code, log = _corrupt_and_start(daemon, 4096)  # every page after the schema page
    assert code == EXIT_DAMAGED, log
    assert "Traceback" not in log
    [line] = [line for line in log.splitlines() if line.strip()]
    assert "is damaged" in line and "malformed" in line


def test_damage_found_after_start_up_answers_503_storage_damaged(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    for i in range(20):
        assert daemon.post("/api/tasks", {"title": f"t{i}"}).status_code == 201
    assert daemon.stop() == 0
    db = daemon.data_dir / "tidewire.db"
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    [root] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'").fetchone()
    conn.close()
    with db.open("r+b") as fh:  # the tasks table only: start-up does not read it
        fh.seek((root - 1) * page_size)
        fh.write(os.urandom(page_size))
    daemon.start()
    r = daemon.get("/api/tasks")
    assert r.status_code == 503 and r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert error["code"] == "storage_damaged" and str(db) in error["message"]
    assert daemon.health()["status"] == "ok"
