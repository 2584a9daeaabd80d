"""The filter caps against a real daemon: per socket, across sockets, and given back on close."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from support import Daemon, ws_connect
from support.ws import TapSocket
from tidewire.ws.subscriptions import MAX_FILTER_CLAUSES, MAX_FILTER_CLAUSES_TOTAL

DEEP = ".".join(["f"] * 8)  # 8 clauses per pattern
PER_FRAME = 256


def _frames(tag: str, clauses: int) -> list[list[str]]:
    patterns = [f"*:{DEEP}={tag}{i}" for i in range(clauses // 8)]
    return [patterns[i : i + PER_FRAME] for i in range(0, len(patterns), PER_FRAME)]


async def _fill(ws: TapSocket, tag: str) -> None:
    for frame in _frames(tag, MAX_FILTER_CLAUSES):
        assert (await ws.subscribe(frame))["type"] == "subscribed"


async def test_a_socket_past_its_filter_cap_is_refused_and_nothing_is_applied(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await _fill(ws, "v")
        refused = await ws.subscribe(["task.created", "task.*:f=1"], id="more")
        assert refused["type"] == "error" and refused["code"] == "too_many_filters"
        assert refused["id"] == "more"
        assert str(MAX_FILTER_CLAUSES) in refused["message"]
        reply = await ws.subscribe(["worktree.*"])
        assert "task.created" not in reply["events"] and len(reply["events"]) == MAX_FILTER_CLAUSES // 8 + 1
        assert (await ws.ping())["type"] == "pong"  # the socket stays open


async def test_the_daemon_wide_cap_spans_sockets_and_a_closed_socket_gives_its_share_back(
    daemon: Daemon,
) -> None:
    full = MAX_FILTER_CLAUSES_TOTAL // MAX_FILTER_CLAUSES
    async with AsyncExitStack() as stack:
        held = [await stack.enter_async_context(ws_connect(daemon)) for _ in range(full)]
        for i, ws in enumerate(held):
            await _fill(ws, f"s{i}-")
        async with ws_connect(daemon) as late:
            refused = await late.subscribe(["*:a.b=1"])
            assert refused["type"] == "error" and refused["code"] == "too_many_filters"
            assert "across all sockets" in refused["message"]
            assert (await late.subscribe(["task.*"]))["type"] == "subscribed"  # unfiltered is free
            await held[0].close()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while (reply := await late.subscribe(["*:a.b=1"]))["type"] == "error":
                assert loop.time() < deadline, "the closed socket's filters were never given back"
                await asyncio.sleep(0.05)
            assert "*:a.b=1" in reply["events"]
