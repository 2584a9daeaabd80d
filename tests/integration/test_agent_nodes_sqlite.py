"""On the SQLite file a daemon is alone: its runs carry its node id, it holds no lease, and at
start it reports every run left `running` as lost, whatever node the run names (as before nodes)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fixtures.sources_support import (
    FIXTURES,
    make_repo,
    next_event,
    register_project,
    replay_and_subscribe,
    wait_for_file,
    write_config,
)
from support import Daemon, ws_connect

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]


async def test_a_run_left_running_is_reported_lost_at_start_whatever_its_node(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "tidewire.toml", {"agent": {"command": [*AGENT, "succeed"], "grace_seconds": 2}}, {}
    )
    first = daemon_factory("--config", str(config), "--node-id", "laptop-1")
    assert first.health()["node_id"] == "laptop-1"
    assert "node laptop-1)" in first.log()
    marker = tmp_path / "sleeping"
    async with httpx.AsyncClient(base_url=first.base_url, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / "repo"))
        r = await http.post(
            "/api/agents",
            json={"prompt": "x", "project_id": project, "command": [*AGENT, "sleep", str(marker)]},
        )
        assert r.status_code == 201, r.text
        run = r.json()
    assert run["node"] == "laptop-1"
    await wait_for_file(marker)
    first.kill()

    # The same data dir under another node id: still the only daemon on this file, so the run is
    # its leftover, reported lost at start as it always was.
    second = daemon_factory("--config", str(config), "--node-id", "laptop-2", data_dir=first.data_dir)
    async with ws_connect(second) as ws:
        await replay_and_subscribe(ws, ["agent.*"])
        await next_event(ws, "agent.started", agent_id=run["id"])
        lost = await next_event(ws, "agent.failed", agent_id=run["id"])
    assert lost["data"]["status"] == "lost" and "daemon stopped" in lost["data"]["stderr_tail"][-1]
    assert lost["data"]["agent"]["node"] == "laptop-1"
    second.stop()
    conn = sqlite3.connect(first.data_dir / "tidewire.db")
    try:
        assert conn.execute("SELECT count(*) FROM node_leases").fetchone() == (0,)  # no lease on SQLite
        assert conn.execute("SELECT count(*) FROM events WHERE type = 'agent.failed'").fetchone() == (1,)
    finally:
        conn.close()
