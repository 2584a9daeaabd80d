"""A client moving to a daemon that has not yet delivered the seq it holds: on a shared database
the seq may come from another daemon a moment before. The daemon catches up from the database
before `welcome`, so the client is welcomed at what is committed and its resume is honoured."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
import uvicorn
from support import free_port, ws_connect
from support.examples import example_data
from tidewire.app import create_app
from tidewire.config import load_settings
from tidewire.store import Store
from tidewire.store_pg import PgEventBus, PgStore, PgTx


@dataclass
class Served:
    ws_url: str
    store: PgStore


@pytest.fixture
async def lagging(tmp_path: Path, pg_dsn: str) -> AsyncIterator[Served]:
    """A daemon's app served in this process, whose follower only polls, once a minute: it sees
    another daemon's commits only when something makes it read."""
    store = await PgStore.open(pg_dsn, listen=False, poll_interval=60.0)
    port = free_port()
    settings = load_settings({"data_dir": str(tmp_path / "data"), "port": port}, env={})
    settings.data_dir.mkdir()
    app = create_app(settings, cast("Store", store), PgEventBus(store, settings.retain))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(1500):  # uvicorn offers no event to await for "listening"
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started
    try:
        yield Served(f"ws://127.0.0.1:{port}/ws", store)
    finally:
        server.should_exit = True
        await task


def _task(task_id: str) -> Callable[[PgTx], int]:
    return lambda tx: tx.emit("task.created", example_data("task.created", task_id=task_id))


async def test_a_socket_is_welcomed_at_what_other_daemons_committed_and_resumes_there(
    lagging: Served, pg_dsn: str
) -> None:
    other = await PgStore.open(pg_dsn)
    try:
        seqs = [await other.write(_task(f"t{i}")) for i in range(3)]
    finally:
        await other.close()
    assert lagging.store.head < seqs[-1]  # this daemon has not seen them: no NOTIFY, no poll yet
    async with ws_connect(lagging) as ws:
        # Welcomed at what the database has, so the client's position is not "past the log".
        assert ws.welcome["seq"] == seqs[-1]
        await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": seqs[0], "id": "r"})
        await ws.subscribe(["*"])
        replay = await ws.recv_events(2)
        assert [e["seq"] for e in replay] == seqs[1:]
        resumed = await ws.recv_type("resumed")
        assert resumed == {
            "type": "resumed",
            "after_seq": seqs[0],
            "to_seq": seqs[-1],
            "replayed": 2,
            "id": "r",
        }
        # A seq the database does not have either is still refused.
        await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": seqs[-1] + 5})
        refused = await ws.recv_type("error")
        assert refused["code"] == "invalid_resume", refused
