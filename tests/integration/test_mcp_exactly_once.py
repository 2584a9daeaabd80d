"""Exactly-once MCP tool calls through the `tidewire mcp` bridge: a real `mcp` client drives the
bridge subprocess, which talks to a real daemon subprocess (behind the fault proxy where the test
needs the daemon to die after committing a call and before answering it)."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fixtures.sources_support import replay_and_subscribe
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import CallToolResult
from support import Daemon, ws_connect
from support.faultproxy import FaultProxy
from support.mcp import text_of

pytestmark = pytest.mark.daemon

CALL_KEY = "tidewire/call-key"
REPLAYED = "tidewire/replayed"


@asynccontextmanager
async def bridge(base_url: str, retry_for: float = 30.0) -> AsyncIterator[Client]:
    args = ["-m", "tidewire", "mcp", "--url", base_url + "/mcp", "--retry-for", str(retry_for)]
    async with Client(StdioServerParameters(command=sys.executable, args=args), cache=None) as client:
        yield client


def tasks(daemon: Daemon) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = daemon.get("/api/tasks").json()["items"]
    return items


def tasks_in_store(daemon: Daemon) -> list[str]:
    """Task titles read from the SQLite file itself (the daemon is down)."""
    conn = sqlite3.connect(daemon.data_dir / "tidewire.db")
    try:
        return [row[0] for row in conn.execute("SELECT title FROM tasks ORDER BY title")]
    finally:
        conn.close()


async def created_events(daemon: Daemon, like: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `task.created` in the daemon's log: replayed from the start up to a marker emitted now
    (a test event shaped like the event of the task `like`)."""
    async with ws_connect(daemon) as ws:
        await replay_and_subscribe(ws, ["task.*"])
        data = {"task_id": "tsk_marker", "project_id": like["project_id"], "task": like}
        marker = await daemon.aemit("task.created", data)
        seen: list[dict[str, Any]] = []
        while True:
            [frame] = await ws.recv_events(1)
            if frame["seq"] == marker:
                return seen
            if frame["type"] == "task.created":
                seen.append(frame)


async def until(check: Callable[[], bool], within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def test_daemon_killed_after_committing_a_call_gives_one_result(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory()
    # The proxy lets the daemon run the call and answer, then SIGKILLs it before passing the
    # answer on: to the bridge, the daemon died after committing and before answering.
    with FaultProxy(daemon.port, on_drop=daemon.kill) as proxy:
        async with bridge(proxy.base_url) as client:
            proxy.arm("after_commit", 1, "POST /mcp", body="tools/call")
            call = asyncio.create_task(client.call_tool("create_task", {"title": "once"}))
            await until(lambda: bool(proxy.dropped) and not daemon.running)
            assert tasks_in_store(daemon) == ["once"]  # the killed daemon had committed it
            await asyncio.sleep(0.5)  # the bridge meets a daemon that is down, and keeps trying
            await asyncio.to_thread(daemon.start)
            result = await asyncio.wait_for(call, 60)
            task = structured(result)
            assert task["title"] == "once"
            # The answer came from the stored result of the first run, not from a second run.
            assert (result.meta or {}).get(REPLAYED) is True
    assert len(proxy.dropped) == 1
    assert [t["id"] for t in tasks(daemon)] == [task["id"]]
    [event] = await created_events(daemon, task)
    assert event["data"]["task"] == task


async def test_daemon_down_when_the_call_starts(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(start=False)
    async with bridge(daemon.base_url) as client:
        call = asyncio.create_task(client.call_tool("create_task", {"title": "later"}))
        await asyncio.sleep(2.0)
        assert not call.done()  # still retrying, not failed
        await asyncio.to_thread(daemon.start)
        task = structured(await asyncio.wait_for(call, 60))
    assert task["title"] == "later"
    assert [t["id"] for t in tasks(daemon)] == [task["id"]]
    [event] = await created_events(daemon, task)
    assert event["data"]["task"] == task


async def test_a_call_key_names_one_call(daemon: Daemon) -> None:
    key = uuid.uuid4().hex
    async with bridge(daemon.base_url) as client:
        first = await client.call_tool("create_task", {"title": "a"}, meta={CALL_KEY: key})
        task = structured(first)
        assert REPLAYED not in (first.meta or {})
        head = int(daemon.health()["seq"])

        other = await client.call_tool("create_task", {"title": "b"}, meta={CALL_KEY: key})
        assert other.is_error and text_of(other).startswith("call_key_reused"), text_of(other)
        other_tool = await client.call_tool("list_tasks", {}, meta={CALL_KEY: key})
        assert other_tool.is_error and text_of(other_tool).startswith("call_key_reused")

        again = await client.call_tool("create_task", {"title": "a"}, meta={CALL_KEY: key})
        assert structured(again) == task and (again.meta or {}).get(REPLAYED) is True

        bad = await client.call_tool("create_task", {"title": "c"}, meta={CALL_KEY: "has space"})
        assert bad.is_error and text_of(bad).startswith("invalid_argument")

        # Without a key of its own, each call gets a fresh one from the bridge: two calls, two tasks.
        one = structured(await client.call_tool("create_task", {"title": "d"}))
        two = structured(await client.call_tool("create_task", {"title": "d"}))
        assert one["id"] != two["id"]
    assert int(daemon.health()["seq"]) == head + 2
    assert sorted(t["title"] for t in tasks(daemon)) == ["a", "d", "d"]
    assert len(await created_events(daemon, task)) == 3
