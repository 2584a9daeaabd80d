"""A commit larger than ``--max-lag`` and ``--retain`` reaches every client that reads.

Overflow means the client is not reading. The daemon here keeps 5 events in memory and
allows a lag of 20, and one expand commits 31 events at once: a client that reads gets
all of its events (read back from the store once the in-memory ring has moved on), and
nobody gets ``resync``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from support import Daemon, TapSocket, ws_connect
from support.examples import example_data

SUBTASKS = 30
SMALL = ("--max-lag", "20", "--retain", "5")


def _expand(daemon: Daemon, n: int = SUBTASKS) -> list[dict[str, Any]]:
    parent = daemon.post("/api/tasks", {"title": "parent"})
    assert parent.status_code == 201
    r = daemon.post(
        f"/api/tasks/{parent.json()['id']}/expand", {"subtasks": [{"title": f"s{i}"} for i in range(n)]}
    )
    assert r.status_code in (200, 201), r.text
    return [parent.json(), r.json()]


def _resyncs(ws: TapSocket) -> list[dict[str, Any]]:
    return [f for f in ws.received if f["type"] == "resync"]


async def test_a_31_event_commit_reaches_a_client_subscribed_only_to_task_expanded(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory(*SMALL)
    async with ws_connect(daemon) as narrow, ws_connect(daemon) as everything:
        await narrow.subscribe(["task.expanded"])
        await everything.subscribe(["*"])
        head = daemon.health()["seq"]
        await asyncio.get_running_loop().run_in_executor(None, _expand, daemon)
        # The parent's task.created, then the expand's 31 events in one commit.
        [expanded] = await narrow.recv_events(1)
        assert expanded["type"] == "task.expanded"
        events = await everything.recv_events(1 + SUBTASKS + 1)
        assert [e["seq"] for e in events] == list(range(head + 1, head + SUBTASKS + 3))
        assert sorted(e["type"] for e in events).count("task.expanded") == 1
        assert expanded["seq"] == next(e["seq"] for e in events if e["type"] == "task.expanded")
        # Still live, and nobody was told to resync.
        seq = await daemon.aemit("hook.generic", example_data("hook.generic"))
        assert [e["seq"] for e in await everything.recv_events(1)] == [seq]
        assert (await narrow.ping())["seq"] == seq
        assert _resyncs(narrow) == [] and _resyncs(everything) == []


async def test_back_to_back_large_commits_reach_reading_clients_in_order(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory(*SMALL)
    async with ws_connect(daemon) as narrow, ws_connect(daemon) as everything:
        await narrow.subscribe(["task.expanded"])
        await everything.subscribe(["task.*"])
        head = daemon.health()["seq"]
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, _expand, daemon) for _ in range(4)))
        expanded = await narrow.recv_events(4)
        events = await everything.recv_events(4 * (SUBTASKS + 2))
        assert [e["seq"] for e in events] == list(range(head + 1, head + 4 * (SUBTASKS + 2) + 1))
        assert [e["seq"] for e in expanded] == [e["seq"] for e in events if e["type"] == "task.expanded"]
        assert _resyncs(narrow) == [] and _resyncs(everything) == []


async def test_a_commit_of_large_frames_blocks_the_socket_without_overflow(
    daemon_factory: Callable[..., Daemon],
) -> None:
    # 200 events of 64 KB in one commit: far more than the socket buffers hold, so the
    # daemon's sends wait for this client several times; it keeps reading, so no overflow.
    daemon = daemon_factory(*SMALL, "--max-body-bytes", str(32 << 20))
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["hook.generic"])
        batch = [
            ("hook.generic", example_data("hook.generic", padding="x" * 64_000, n=i)) for i in range(200)
        ]
        seqs = await asyncio.get_running_loop().run_in_executor(None, daemon.emit_many, batch)
        got = []
        for _ in range(200):
            got += await ws.recv_events(1)
            await asyncio.sleep(0.001)  # a reader slower than the daemon writes
        assert [e["seq"] for e in got] == seqs
        assert _resyncs(ws) == []
