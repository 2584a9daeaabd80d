"""Node leases on one PostgreSQL database, through real daemons and a sleeping agent CLI.

What must hold: each daemon is its own node and records its runs with it; a daemon killed with
SIGKILL while it runs an agent has that run reported `lost` by one other node once its lease
expires, with one event; a daemon that starts (or restarts) leaves another live node's runs alone;
a daemon restarted on its own data directory reports its own leftover; and a cancel sent to the
wrong node is refused with the node's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
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
from support.pg_url import pg_url

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]
LEASE_MS = 1500


@pytest.fixture
def sleepers() -> Iterator[list[int]]:
    """Agent processes a SIGKILLed daemon leaves behind (its own group), killed at the end."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def node(daemon_factory: Callable[..., Daemon], pg_dsn: str, tmp_path: Path) -> Callable[..., Daemon]:
    config = write_config(
        tmp_path / "tidewire.toml",
        {"agent": {"command": [*AGENT, "succeed", "{prompt}"], "grace_seconds": 2}},
        {},
    )

    def make(lease_ms: int = LEASE_MS, **kw: Any) -> Daemon:
        args = ["--store", pg_url(pg_dsn), "--config", str(config), "--lease-ms", str(lease_ms)]
        return daemon_factory(*args, test_events=False, **kw)

    return make


async def _start_sleeper(d: Daemon, tmp_path: Path, sleepers: list[int], name: str) -> dict[str, Any]:
    marker = tmp_path / f"{name}.sleeping"
    async with httpx.AsyncClient(base_url=d.base_url, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / f"{name}-repo"))
        r = await http.post(
            "/api/agents",
            json={"prompt": "x", "project_id": project, "command": [*AGENT, "sleep", str(marker)]},
        )
        assert r.status_code == 201, r.text
    await wait_for_file(marker)
    sleepers.append(int(marker.read_text().split()[1]))
    run: dict[str, Any] = r.json()
    return run


def _alive(pid: int) -> bool:
    """Whether `pid` still runs: a killed orphan may linger as a zombie until something reaps it."""
    for _ in range(100):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    return True


def _run_events(dsn: str, agent_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every event the shared log holds for one run, in seq order, read from the database itself."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT type, frame FROM events WHERE type LIKE 'agent.%%' ORDER BY seq"
        ).fetchall()
    frames = [(str(t), json.loads(f)) for t, f in rows]
    return [(t, f["data"]) for t, f in frames if f["data"]["agent_id"] == agent_id]


def _leases(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {str(r[0]) for r in conn.execute("SELECT node FROM node_leases").fetchall()}


async def test_a_killed_nodes_run_is_reported_lost_once_by_one_survivor(
    node: Callable[..., Daemon], pg_dsn: str, tmp_path: Path, sleepers: list[int]
) -> None:
    a, b, c = node(), node(), node()
    ids = [d.health()["node_id"] for d in (a, b, c)]
    assert len(set(ids)) == 3, ids
    for d, node_id in zip((a, b, c), ids, strict=True):
        assert f"node {node_id}" in d.log()
        # Kept in the data directory: the same data directory is the same node.
        assert (d.data_dir / "node_id").read_text().strip() == node_id
    assert _leases(pg_dsn) == set(ids)
    run = await _start_sleeper(a, tmp_path, sleepers, "a")
    assert run["node"] == ids[0] and run["status"] == "running"

    async with ws_connect(b) as on_b, ws_connect(c) as on_c:
        for ws in (on_b, on_c):
            await replay_and_subscribe(ws, ["agent.*"])
            await next_event(ws, "agent.started", agent_id=run["id"])
        a.kill()
        seen = [
            await asyncio.wait_for(next_event(ws, "agent.failed", agent_id=run["id"]), 30)
            for ws in (on_b, on_c)
        ]
    assert seen[0]["seq"] == seen[1]["seq"]
    lost = seen[0]["data"]
    assert lost["status"] == "lost" and lost["exit_code"] is None and lost["agent"]["node"] == ids[0]
    assert lost["stderr_tail"][-1] == f"node {ids[0]} stopped renewing its lease while this agent was running"
    # Two survivors renewing every half second: give both several chances to report it again.
    await asyncio.sleep(3 * LEASE_MS / 1000)
    assert [t for t, _ in _run_events(pg_dsn, run["id"])] == ["agent.started", "agent.failed"]
    assert _leases(pg_dsn) == set(ids[1:])
    assert b.get(f"/api/agents/{run['id']}").json()["status"] == "lost"
    assert "Traceback" not in b.log() + c.log()


async def test_starting_daemons_leave_a_live_nodes_run_alone_and_cancel_names_its_node(
    node: Callable[..., Daemon], pg_dsn: str, tmp_path: Path, sleepers: list[int]
) -> None:
    a, b = node(), node()
    run = await _start_sleeper(a, tmp_path, sleepers, "a")
    owner = a.health()["node_id"]
    c = node()  # a daemon that starts while another node's run is live
    b.restart()  # and one that restarts
    await asyncio.sleep(2 * LEASE_MS / 1000)  # past a lease: a's renewals keep it alive
    for d in (a, b, c):
        assert d.get(f"/api/agents/{run['id']}").json()["status"] == "running"

    r = b.post(f"/api/agents/{run['id']}/cancel")
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "other_node"
    assert f"runs on node {owner}" in error["message"] and b.health()["node_id"] in error["message"]
    assert c.get(f"/api/agents/{run['id']}").json()["status"] == "running"  # nothing was done

    r = a.post(f"/api/agents/{run['id']}/cancel")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert [t for t, _ in _run_events(pg_dsn, run["id"])] == ["agent.started", "agent.cancelled"]


async def test_a_node_restarted_on_its_data_dir_reports_its_own_leftover_once(
    node: Callable[..., Daemon], pg_dsn: str, tmp_path: Path, sleepers: list[int]
) -> None:
    # A lease far longer than the test: the other node never takes `a` for dead, so what reports
    # the run is `a` itself, restarted on the same data directory, as the same node.
    a, b = node(lease_ms=120_000), node(lease_ms=120_000)
    run = await _start_sleeper(a, tmp_path, sleepers, "a")
    owner = a.health()["node_id"]
    a.kill()
    a.start()
    assert a.health()["node_id"] == owner
    for _ in range(100):
        if b.get(f"/api/agents/{run['id']}").json()["status"] != "running":
            break
        await asyncio.sleep(0.1)
    events = _run_events(pg_dsn, run["id"])
    assert [t for t, _ in events] == ["agent.started", "agent.failed"]
    assert "daemon stopped" in events[-1][1]["stderr_tail"][-1]
    # Its own leftover: the restarted daemon killed the process the dead one had left behind.
    assert not _alive(sleepers[-1])


async def test_a_paused_node_whose_lease_was_taken_stops_the_runs_it_no_longer_owns(
    node: Callable[..., Daemon], pg_dsn: str, tmp_path: Path, sleepers: list[int]
) -> None:
    a, b = node(), node()
    run = await _start_sleeper(a, tmp_path, sleepers, "a")
    assert a.proc is not None
    for _attempt in range(3):
        # Paused between two of its short write transactions, it holds nothing b's writes wait on;
        # paused inside one (rare), b could not write: resume it and pause it again.
        os.kill(a.proc.pid, signal.SIGSTOP)
        try:
            for _ in range(int(6 * LEASE_MS / 100)):
                if b.get(f"/api/agents/{run['id']}").json()["status"] == "lost":
                    break
                await asyncio.sleep(0.1)
        finally:
            os.kill(a.proc.pid, signal.SIGCONT)
        if b.get(f"/api/agents/{run['id']}").json()["status"] == "lost":
            break
    assert b.get(f"/api/agents/{run['id']}").json()["status"] == "lost"
    # Resumed, `a` finds its lease gone at its next renewal and stops the process it no longer owns.
    assert not _alive(sleepers[-1]), a.log()
    assert "another node recorded it as lost" in a.log()
    assert a.health()["node_id"] in _leases(pg_dsn)  # and it holds a lease again
    await asyncio.sleep(1)
    assert [t for t, _ in _run_events(pg_dsn, run["id"])] == ["agent.started", "agent.failed"]
