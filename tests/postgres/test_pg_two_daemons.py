"""Two real daemons on one PostgreSQL database: writes through REST on each, a socket client on
each, and a client that moves from a daemon killed with SIGKILL to the other.

What must hold: both daemons share one epoch; every client receives every event exactly once, in
one seq order that is the same on both daemons and gapless; every acknowledged write is there;
and a client resuming on the survivor gets no gap and no duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from support import Daemon, TapSocket, ws_connect
from support.git import make_repo
from support.pg_url import pg_url

WRITES_EACH = 30


@pytest.fixture
def pair(daemon_factory: Callable[..., Daemon], pg_dsn: str) -> tuple[Daemon, Daemon]:
    url = pg_url(pg_dsn)
    a = daemon_factory("--store", url, test_events=False)
    b = daemon_factory("--store", url, test_events=False)
    for d in (a, b):
        assert "store postgresql" in d.log(), d.log()
    return a, b


async def _create_tasks(d: Daemon, tag: str, n: int) -> list[tuple[str, int]]:
    """POST n tasks through `d`; the (task id, X-Tidewire-Seq) of each acknowledged one."""
    done: list[tuple[str, int]] = []
    async with httpx.AsyncClient(base_url=d.base_url, headers=d.auth_headers, timeout=30.0) as client:
        for i in range(n):
            try:
                r = await client.post("/api/tasks", json={"title": f"{tag} {i}"})
            except httpx.TransportError:
                return done  # the daemon is gone: this write was never acknowledged
            assert r.status_code == 201, r.text
            done.append((str(r.json()["id"]), int(r.headers["X-Tidewire-Seq"])))
    return done


def _is_event(frame: dict[str, Any]) -> bool:
    return "." in frame["type"]  # event types are dotted; control frames' are not


async def _events_until(ws: TapSocket, head: int) -> list[dict[str, Any]]:
    """Events read from `ws` up to and including seq `head` (there must be no later one yet)."""
    got: list[dict[str, Any]] = []
    while not got or got[-1]["seq"] < head:
        frame = await ws.recv()
        if _is_event(frame):
            got.append(frame)
    assert got[-1]["seq"] == head
    return got


def _assert_one_gapless_order(seqs: list[int], first: int, last: int) -> None:
    assert seqs == list(range(first, last + 1)), seqs


def _project(d: Daemon, tmp_path: Path) -> int:
    r = d.post("/api/projects", {"path": str(make_repo(tmp_path / "repo"))})
    assert r.status_code == 201, r.text
    return int(r.headers["X-Tidewire-Seq"])


async def test_writes_through_both_reach_clients_on_both_once_in_one_order(
    pair: tuple[Daemon, Daemon], tmp_path: Path
) -> None:
    a, b = pair
    base = _project(a, tmp_path)
    # No waiting for B to deliver the project: a socket is welcomed at what the database has.
    async with ws_connect(a) as wa, ws_connect(b) as wb:
        assert wa.welcome["epoch"] == wb.welcome["epoch"]
        await wa.subscribe(["*"])
        await wb.subscribe(["*"])
        written_a, written_b = await asyncio.gather(
            _create_tasks(a, "a", WRITES_EACH), _create_tasks(b, "b", WRITES_EACH)
        )
        acknowledged = written_a + written_b
        assert len(acknowledged) == 2 * WRITES_EACH
        head = max(seq for _, seq in acknowledged)
        on_a, on_b = await asyncio.gather(_events_until(wa, head), _events_until(wb, head))
    # Exactly the events of the writes, once each, in one gapless order, the same on both daemons.
    assert on_a == on_b
    _assert_one_gapless_order([e["seq"] for e in on_a], base + 1, head)
    by_seq = {e["seq"]: e for e in on_a}
    for task_id, seq in acknowledged:
        assert by_seq[seq]["type"] == "task.created" and by_seq[seq]["data"]["task_id"] == task_id
    # Each daemon's state has every write, whichever daemon took it.
    for d in pair:
        r = d.get("/api/tasks")
        assert r.status_code == 200
        assert {t["id"] for t in r.json()["items"]} == {task_id for task_id, _ in acknowledged}


async def test_a_client_moved_off_a_killed_daemon_resumes_on_the_other_without_gap_or_duplicate(
    pair: tuple[Daemon, Daemon], tmp_path: Path
) -> None:
    a, b = pair
    base = _project(a, tmp_path)
    seen: list[dict[str, Any]] = []
    async with ws_connect(a) as wa:
        epoch = wa.welcome["epoch"]
        await wa.subscribe(["*"])
        first = await _create_tasks(a, "before", 5)
        seen += await _events_until(wa, first[-1][1])
        # Writes through both; daemon A dies (SIGKILL) mid-stream, with its client reading.
        writer_a = asyncio.create_task(_create_tasks(a, "a", WRITES_EACH))
        writer_b = asyncio.create_task(_create_tasks(b, "b", WRITES_EACH))
        target = len(seen) + 10
        while len(seen) < target:
            frame = await wa.recv()
            if _is_event(frame):
                seen.append(frame)
        a.kill()
        with contextlib.suppress(websockets.ConnectionClosed, TimeoutError):
            while True:  # whatever A had sent before it died
                frame = await wa.recv(within_s=5.0)
                if _is_event(frame):
                    seen.append(frame)
        written_a, written_b = await asyncio.gather(writer_a, writer_b)
    assert len(written_a) < WRITES_EACH, "daemon A was killed only after its writes were done"
    assert len(written_b) == WRITES_EACH
    acknowledged = first + written_a + written_b
    head = max(seq for _, seq in acknowledged)
    last_seen = seen[-1]["seq"]
    async with ws_connect(b) as wb:
        assert wb.welcome["epoch"] == epoch
        await wb.subscribe(["*"])
        await wb.send_json({"type": "resume", "epoch": epoch, "after_seq": last_seen, "id": "move"})
        replay = await _events_until(wb, head) if head > last_seen else []
        resumed = await wb.recv_type("resumed")
    assert resumed["after_seq"] == last_seen and resumed["replayed"] == len(replay)
    received = seen + replay
    _assert_one_gapless_order([e["seq"] for e in received], base + 1, head)
    by_seq = {e["seq"]: e for e in received}
    for task_id, seq in acknowledged:
        assert by_seq[seq]["data"]["task_id"] == task_id
    r = b.get("/api/tasks")
    assert {t["id"] for t in r.json()["items"]} >= {task_id for task_id, _ in acknowledged}


def test_a_keyed_write_retried_on_the_other_daemon_is_applied_once(pair: tuple[Daemon, Daemon]) -> None:
    # What a client does when its daemon dies before replying: the same request, same key, to
    # another daemon. The keys are in the shared database, so the second daemon replays the reply.
    a, b = pair
    headers = {"Idempotency-Key": "retry-elsewhere-1"}
    first = a.post("/api/tasks", {"title": "once"}, headers=headers)
    again = b.post("/api/tasks", {"title": "once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.content == first.content
    assert again.headers["X-Tidewire-Seq"] == first.headers["X-Tidewire-Seq"]
    listed = b.get("/api/tasks").json()["items"]
    assert [t["id"] for t in listed] == [first.json()["id"]]
    reused = b.post("/api/tasks", {"title": "another"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
