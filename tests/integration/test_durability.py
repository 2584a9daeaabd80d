"""Durability: SIGKILL the daemon right after tool calls returned; after a restart every returned
change and its event are there, no seq is reused, and the epoch is the same."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from mcp import Client
from support import Daemon, ws_connect
from support.git import make_repo
from support.mcp import call


def is_dir(path: str) -> bool:
    return Path(path).is_dir()


def all_events(daemon: Daemon) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = daemon.get("/api/events", params={"after_seq": after, "limit": 1000}).json()
        if not page["items"]:
            return events
        events += page["items"]
        after = page["items"][-1]["seq"]


def record_of(event: dict[str, Any]) -> dict[str, Any]:
    data = event["data"]
    for kind in ("task", "worktree", "project"):
        if kind in data:
            return dict(data[kind])
    raise AssertionError(f"no record in {event['type']}")


async def test_changes_survive_sigkill(daemon_factory: Any, tmp_path: Path) -> None:
    daemon: Daemon = daemon_factory()
    epoch = daemon.health()["epoch"]
    repo = make_repo(tmp_path / "repo")
    returned: list[dict[str, Any]] = []
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["*"])
        async with Client(daemon.base_url + "/mcp", cache=None) as client:
            await call(client, "register_project", path=str(repo))
            # Concurrent calls: each returns only after its own commit, whatever the interleaving.
            created = await asyncio.gather(*(call(client, "create_task", title=f"t{i}") for i in range(8)))
            returned += created
            returned += await asyncio.gather(
                *(call(client, "update_task", task_id=t["id"], status="in_progress") for t in created[:4])
            )
            returned.append(await call(client, "close_task", task_id=created[4]["id"], reason="dup"))
            expansion = await call(client, "expand_task", task_id=created[5]["id"], subtasks=[{"title": "s"}])
            returned += expansion["subtasks"]
            wt = await call(client, "create_worktree", branch="tw/durable", task_id=created[0]["id"])
            returned.append(wt)
            returned.append(await call(client, "claim_worktree", worktree_id=wt["id"], owner="agent"))
            daemon.kill()  # SIGKILL, right after the last call returned
        await ws.expect_closed()  # whatever reached the socket before the kill, read and checked
        seen = [f for f in ws.received if "." in f["type"]]
    assert seen, "the socket saw no event before the kill"

    daemon.start()
    assert daemon.health()["epoch"] == epoch
    log = all_events(daemon)
    seqs = [e["seq"] for e in log]
    assert seqs == sorted(set(seqs)) and seqs == list(range(1, len(log) + 1))
    by_seq = {e["seq"]: e for e in log}
    # Every event a client saw before the kill is in the log, byte for byte the same frame.
    for frame in seen:
        assert by_seq[frame["seq"]] == frame
    # Every change a tool returned has its event in the log, and the record is the current state
    # unless a later returned change superseded it.
    records = [record_of(e) for e in log]
    for record in returned:
        assert record in records, f"no event carries the returned record {record['id']}"
    latest: dict[str, dict[str, Any]] = {}
    for record in returned:
        latest[record["id"]] = record
    tasks = {t["id"]: t for t in daemon.get("/api/tasks").json()["items"]}
    worktrees = {w["id"]: w for w in daemon.get("/api/worktrees").json()["items"]}
    for rid, record in latest.items():
        assert (tasks.get(rid) or worktrees.get(rid)) == record
    assert is_dir(wt["path"])
    head = daemon.health()["seq"]
    assert head == seqs[-1] >= max(f["seq"] for f in seen)

    # A change after the restart continues the sequence: no seq is reused.
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.*"])
        r = daemon.post("/api/tasks", {"title": "after restart"})
        assert r.status_code == 201
        [ev] = await ws.recv_events(1)
        assert ev["seq"] == head + 1 == int(r.headers["X-Tidewire-Seq"])
    assert daemon.health()["epoch"] == epoch
