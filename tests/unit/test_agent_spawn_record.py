"""An agent run and its record are one outcome: a process whose record cannot be written is killed."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tidewire.config import Settings
from tidewire.sources import processes
from tidewire.sources.agents import AgentRunner
from tidewire.store import Store, Tx


class _WritesFail:
    """The real store for reads; every write fails the way a full or broken disk does."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def read(self, fn: Callable[[sqlite3.Connection], Any]) -> tuple[Any, int]:
        return await self.store.read(fn)

    async def write(self, fn: Callable[[Tx], Any]) -> Any:
        raise sqlite3.OperationalError("disk I/O error")


async def test_a_run_whose_record_cannot_be_written_is_killed_and_reaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    repo = tmp_path / "repo"
    repo.mkdir()

    checkout = tmp_path / "checkout"
    checkout.mkdir()

    def add_project(tx: Tx) -> None:
        tx.conn.execute(
            "INSERT INTO projects (id, name, path, created_at) VALUES ('p1', 'repo', ?, ?)",
            (str(repo), tx.now),
        )
        # The run is given a worktree, so the only write it attempts is its own record.
        tx.conn.execute(
            """INSERT INTO worktrees
                   (id, project_id, branch, base_branch, path, status, created_at, updated_at)
               VALUES ('wt1', 'p1', 'agent/x', 'main', ?, 'active', ?, ?)""",
            (str(checkout), tx.now, tx.now),
        )

    await store.write(add_project)
    settings = Settings(
        data_dir=tmp_path / "data", agent_command=[sys.executable, "-c", "import time; time.sleep(60)"]
    )
    runner = AgentRunner(SimpleNamespace(settings=settings, store=_WritesFail(store), node_id=None))  # type: ignore[arg-type]
    started: list[processes.RunningProcess] = []
    real_spawn = processes.spawn

    async def spawn(*args: Any) -> processes.RunningProcess:
        running = await real_spawn(*args)
        started.append(running)
        return running

    monkeypatch.setattr(processes, "spawn", spawn)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await runner.start_agent("go", worktree_id="wt1")
        (running,) = started
        assert running.proc.returncode is not None, "the process was left running"
        assert runner.live == {}
        rows, _ = await store.read(lambda conn: conn.execute("SELECT count(*) FROM agent_runs").fetchone()[0])
        assert rows == 0
    finally:
        for running in started:
            processes._signal_group(running.pid, processes.signal.SIGKILL)
        await store.close()
