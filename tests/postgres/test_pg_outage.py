"""A real daemon on PostgreSQL while the database goes away under it: stopped and started again,
restarted (`pg_ctl restart`), or its connections killed (`pg_terminate_backend`), with REST
writers hammering it and a socket client reading.

What must hold: a request the daemon cannot serve gets a quick JSON 503 `store_unavailable` with
`Retry-After` (never a 500, never a hang), as does an MCP tool call (a tool error) and a read;
a hook call is spooled and delivered once the database is back; `/api/health` says the store is
unavailable; the client's socket stays open and receives every event once, in seq order, with no
gap; every write that was acknowledged is in the state and in the stream; writes succeed again.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from mcp import Client
from support import Daemon, TapSocket, ws_connect
from support.mcp import call_error
from support.pg_url import pg_url
from tidewire.sources import hook_spool
from tidewire.store_pg.scratch import Cluster, Server

WRITERS = 4
WRITES_BEFORE = 12  # acknowledged writes, all writers together, before the database goes away
WRITES_AFTER = 5  # acknowledged writes per writer once it is back
# A refusal must come at once: the database is refusing connections, not slow.
FAST_S = 3.0
WAIT_S = 60.0
SESSION = "6b1c2d3e-0000-4000-8000-000000000042"


@pytest.fixture
def on_own_cluster(
    pg_own_cluster: tuple[Server, Cluster], daemon_factory: Callable[..., Daemon]
) -> tuple[Daemon, Cluster, str]:
    server, cluster = pg_own_cluster
    dsn = server.create_database()
    d = daemon_factory("--store", pg_url(dsn), test_events=False)
    return d, cluster, dsn


class Writers:
    """Concurrent REST writers, each retrying a refused write with the same Idempotency-Key until
    it is acknowledged, as a client should; every refusal is checked on the way."""

    def __init__(self, d: Daemon) -> None:
        self.d = d
        self.acked: list[tuple[str, int]] = []  # (task id, X-Tidewire-Seq)
        self.refused = 0
        self.slowest_refusal = 0.0
        self.back = asyncio.Event()  # set once the database is back: each writer then does a few more

    async def run(self, k: int) -> int:
        done_after = 0
        async with httpx.AsyncClient(
            base_url=self.d.base_url, headers=self.d.auth_headers, timeout=30.0
        ) as client:
            i = 0
            while done_after < WRITES_AFTER:
                counted = self.back.is_set()
                await self._write(client, f"w{k}-{i}", {"title": f"writer {k} #{i}"})
                i += 1
                if counted:
                    done_after += 1
        return i

    async def _write(self, client: httpx.AsyncClient, key: str, body: dict[str, Any]) -> None:
        while True:
            started = time.monotonic()
            r = await client.post("/api/tasks", json=body, headers={"Idempotency-Key": key})
            took = time.monotonic() - started
            if r.status_code == 201:
                self.acked.append((str(r.json()["id"]), int(r.headers["X-Tidewire-Seq"])))
                return
            assert_store_unavailable(r)
            self.refused += 1
            self.slowest_refusal = max(self.slowest_refusal, took)
            await asyncio.sleep(0.05)


def assert_store_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.headers["content-type"] == "application/json"
    assert r.json()["error"]["code"] == "store_unavailable", r.text
    assert int(r.headers["Retry-After"]) >= 1


def run_hook(d: Daemon, payload: dict[str, Any]) -> subprocess.CompletedProcess[bytes]:
    # The daemon's own data dir: the spool is where the daemon drains it from.
    env = {**os.environ, "TIDEWIRE_DATA_DIR": str(d.data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "hook", "--source", "claude", "--url", d.base_url],
        input=json.dumps(payload).encode(),
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )


async def wait_health(d: Daemon, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    async with httpx.AsyncClient(base_url=d.base_url, headers=d.auth_headers, timeout=10.0) as client:
        while True:
            r = await client.get("/api/health")
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            if body["store"]["status"] == status:
                return body
            assert time.monotonic() < deadline, body
            await asyncio.sleep(0.05)


async def while_away(d: Daemon, tmp_path: Path) -> None:
    """What the daemon answers while its database is stopped."""
    health = await wait_health(d, "unavailable")
    assert health["status"] == "degraded"
    assert health["store"]["backend"] == "postgresql" and health["store"]["since"]
    assert health["store"]["message"]
    async with httpx.AsyncClient(base_url=d.base_url, headers=d.auth_headers, timeout=30.0) as client:
        for request in (
            client.build_request("POST", "/api/tasks", json={"title": "refused"}),
            client.build_request("GET", "/api/tasks"),
        ):
            started = time.monotonic()
            r = await client.send(request)
            assert time.monotonic() - started < FAST_S
            assert_store_unavailable(r)
        # The event log the daemon holds in memory is still served.
        r = await client.get("/api/events", params={"after_seq": 0})
        assert r.status_code == 200 and r.json()["items"], r.text
    async with Client(d.base_url + "/mcp", cache=None) as mcp:
        text = await call_error(mcp, "create_task", title="by a tool")
        assert "store_unavailable: the database is unavailable" in text, text
    transcript = tmp_path / "transcript.jsonl"
    transcript.write_text("")
    payload = {
        "session_id": SESSION,
        "hook_event_name": "SessionStart",
        "source": "startup",
        "cwd": str(tmp_path),
        "transcript_path": str(transcript),
    }
    done = await asyncio.to_thread(run_hook, d, payload)
    assert done.returncode == 0 and not done.stderr, done.stderr
    # Not taken (a 503, or no answer within the hook's time budget): kept in the spool.
    spool = d.data_dir / hook_spool.SPOOL_DIR_NAME
    assert len(list(spool.glob(f"*{hook_spool.ENTRY_SUFFIX}"))) == 1
    # Away long enough for the daemon's own spool drain to meet the database away (it polls each second).
    await asyncio.sleep(2.5)
    assert len(list(spool.glob(f"*{hook_spool.ENTRY_SUFFIX}"))) == 1


def terminate_backends(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE 'tidewire %'"
        ).fetchall()
    return len(rows)


async def disrupt(how: str, d: Daemon, cluster: Cluster, dsn: str, tmp_path: Path) -> None:
    if how == "stop-start":
        await asyncio.to_thread(cluster.halt, "fast")
        try:
            await while_away(d, tmp_path)
        finally:
            await asyncio.to_thread(cluster.resume)
    elif how == "restart":
        await asyncio.to_thread(cluster.restart, "fast")
    else:
        killed = 0
        for _ in range(3):  # the writer, the readers and the follower, and again once they are back
            killed += await asyncio.to_thread(terminate_backends, dsn)
            await asyncio.sleep(0.3)
        assert killed >= 3


async def events_until(ws: TapSocket, head: int) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    while not got or got[-1]["seq"] < head:
        frame = await ws.recv(within_s=WAIT_S)
        if "." in frame["type"]:  # event types are dotted; control frames' are not
            got.append(frame)
    assert got[-1]["seq"] == head
    return got


@pytest.mark.parametrize("how", ["stop-start", "restart", "terminate"])
async def test_the_database_going_away_under_writes_loses_nothing_and_the_socket_stays_open(
    how: str, on_own_cluster: tuple[Daemon, Cluster, str], tmp_path: Path
) -> None:
    d, cluster, dsn = on_own_cluster
    base = d.health()["seq"]
    writers = Writers(d)
    async with ws_connect(d) as ws:
        await ws.subscribe(["*"])
        tasks = [asyncio.create_task(writers.run(k)) for k in range(WRITERS)]
        while len(writers.acked) < WRITES_BEFORE:
            assert not any(t.done() for t in tasks)
            await asyncio.sleep(0.02)
        await disrupt(how, d, cluster, dsn, tmp_path)
        await wait_health(d, "ok")
        writers.back.set()
        written = await asyncio.wait_for(asyncio.gather(*tasks), WAIT_S)
        head = d.health()["seq"]
        received = await events_until(ws, head)
        # Nothing closed the socket: it still answers.
        assert (await ws.ping())["type"] == "pong"

    if how != "terminate":
        assert writers.refused > 0, "no write met the database going away"
    assert writers.slowest_refusal < FAST_S
    # Every logical write acknowledged exactly once, whatever was refused on the way.
    assert len(writers.acked) == sum(written)
    # The socket got every event once, in seq order, with no gap.
    seqs = [e["seq"] for e in received]
    assert seqs == list(range(base + 1, head + 1))
    by_seq = {e["seq"]: e for e in received}
    for task_id, seq in writers.acked:
        assert by_seq[seq]["type"] == "task.created" and by_seq[seq]["data"]["task_id"] == task_id
    # ... and the state has each acknowledged write once, and nothing else.
    tasks_now = d.get("/api/tasks").json()["items"]
    assert sorted(t["id"] for t in tasks_now) == sorted(task_id for task_id, _ in writers.acked)
    created = [e for e in received if e["type"] == "task.created"]
    assert len(created) == len(writers.acked)

    if how == "stop-start":
        # The hook call spooled while the database was away is delivered from the spool, not lost.
        deadline = time.monotonic() + WAIT_S
        while not any(s["id"] == SESSION for s in d.get("/api/sessions").json()["items"]):
            assert time.monotonic() < deadline, d.log()
            await asyncio.sleep(0.1)
        spool = d.data_dir / hook_spool.SPOOL_DIR_NAME
        assert not list(spool.glob(f"*{hook_spool.ENTRY_SUFFIX}"))
        assert not (spool / "rejected").exists()
    assert "Traceback" not in d.log(), d.log()


def test_health_names_the_store_and_says_it_answers(
    daemon: Daemon, on_own_cluster: tuple[Daemon, Cluster, str]
) -> None:
    on_pg = on_own_cluster[0]
    assert daemon.health()["status"] == "ok"
    assert daemon.health()["store"] == {"backend": "sqlite", "status": "ok", "message": None, "since": None}
    assert on_pg.health()["status"] == "ok"
    assert on_pg.health()["store"] == {
        "backend": "postgresql",
        "status": "ok",
        "message": None,
        "since": None,
    }
