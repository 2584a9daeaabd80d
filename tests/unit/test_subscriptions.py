"""Subscription patterns: syntax, wildcards, the high-volume rule, filters."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.examples import example_data
from tidewire.bus import SqliteEventBus
from tidewire.protocol import EVENT_MODELS, HIGH_VOLUME
from tidewire.store import Store
from tidewire.ws.connection import Connection, ConnectionClosing
from tidewire.ws.subscriptions import SubscriptionError, SubscriptionSet, parse_pattern


def subs(*patterns: str) -> SubscriptionSet:
    s = SubscriptionSet()
    s.add(patterns)
    return s


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "task",
        "task.",
        ".task",
        "task.**",
        "Task.created",
        "task.*.x",
        "task.created:",
        "task.created:=x",
        "task.created:f",
        "task.created:f=",
        "task created",
        "*:",
        "**",
        "task.created:1x=y",
    ],
)
def test_bad_syntax_is_refused(bad: str) -> None:
    with pytest.raises(SubscriptionError):
        parse_pattern(bad)


def test_a_bad_pattern_changes_nothing() -> None:
    s = subs("task.*")
    with pytest.raises(SubscriptionError):
        s.add(["worktree.*", "bad pattern"])
    assert s.events == ["task.*"]


def test_wildcards_skip_high_volume_events() -> None:
    everything = subs("*")
    mcp = subs("mcp.*")
    for name in EVENT_MODELS:
        assert everything.matches(name, {}) == (name not in HIGH_VOLUME)
    assert mcp.matches("mcp.server_connected", {})
    assert not mcp.matches("mcp.tool_called", {})
    assert subs("mcp.tool_called").matches("mcp.tool_called", {})


def test_filters_match_data_fields_including_nested_and_non_strings() -> None:
    s = subs("session.message:session_id=abc")
    assert s.matches("session.message", {"session_id": "abc"})
    assert not s.matches("session.message", {"session_id": "abd"})
    assert not s.matches("session.message", {})
    assert not s.matches("session.created", {"session_id": "abc"})
    nested = subs("task.*:task.status=closed")
    assert nested.matches("task.updated", {"task": {"status": "closed"}})
    assert not nested.matches("task.updated", {"task": "closed"})
    assert subs("mcp.tool_called:ok=true").matches("mcp.tool_called", {"ok": True})
    assert subs("task.created:task.priority=2").matches("task.created", {"task": {"priority": 2}})


def test_filters_keep_the_high_volume_rule() -> None:
    assert not subs("*:session_id=x").matches("session.message", {"session_id": "x"})
    assert subs("session.*:session_id=x").matches("session.created", {"session_id": "x"})


def test_add_and_remove_are_idempotent() -> None:
    s = subs("task.*", "task.*")
    assert s.events == ["task.*"]
    s.remove(["worktree.*", "task.*", "task.*"])
    assert s.events == []
    assert not s.matches("task.created", {})


names = st.sampled_from(sorted(EVENT_MODELS))


@given(
    st.lists(st.sampled_from(["*", "task.*", "session.*", "mcp.*", "hook.*", "agent.*"]) | names, max_size=6),
    names,
    st.dictionaries(st.sampled_from(["session_id", "task_id"]), st.sampled_from(["a", "b"])),
)
def test_matching_agrees_with_a_direct_reading_of_the_rules(
    patterns: list[str], name: str, data: dict[str, str]
) -> None:
    s = subs(*patterns) if patterns else SubscriptionSet()

    def one(p: str) -> bool:
        if p == name:
            return True
        if name in HIGH_VOLUME:
            return False
        return p == "*" or (p.endswith(".*") and name.startswith(p[:-1]))

    assert s.matches(name, data) == any(one(p) for p in patterns)
    # The per-type cache gives the same answer the second time.
    assert s.matches(name, data) == any(one(p) for p in patterns)


# -- one connection's cursor, over a real store and bus ------------------------------------------


class _Gate:
    """A send function that completes only as many sends as it has been given permits."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.permits = asyncio.Semaphore(0)

    async def send(self, text: str) -> None:
        await self.permits.acquire()
        self.sent.append(json.loads(text))

    def allow(self, n: int) -> None:
        for _ in range(n):
            self.permits.release()


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_connection_whose_overflow_notice_is_stuck_is_closed_with_1013(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db", retain=100)
    bus = SqliteEventBus(store)
    gate = _Gate()
    conn = Connection(bus, gate.send, server_id="srv", heartbeat_ms=1000, max_frame_bytes=1024, max_lag=3)
    closes: list[int] = []
    conn.on_close_request = lambda req: closes.append(req.code)
    writer = asyncio.create_task(conn.run_writer())

    async def emit(n: int) -> None:
        for _ in range(n):
            await store.write(lambda tx: tx.emit("hook.generic", example_data("hook.generic")))

    try:
        gate.allow(2)  # welcome, subscribed
        conn.handle_text('{"type": "subscribe", "events": ["*"]}')
        await emit(1)
        await _settle()
        assert [f["type"] for f in gate.sent] == ["welcome", "subscribed"]  # event 1 is in flight
        await emit(3)  # max_lag events committed while the peer reads nothing: not yet
        await _settle()
        assert conn.cursor == 1 and conn.notice is None
        await emit(1)  # one more: overflow, the cursor jumps to the head behind a notice
        await _settle()
        assert conn.cursor == 5 and conn.notice is not None and closes == []
        await emit(4)  # again, while that notice waits behind event 1: it now names the new head
        await _settle()
        assert conn.cursor == 9 and closes == []
        gate.allow(1)  # event 1 goes out; the notice is now in flight, stuck
        await _settle()
        await emit(3)
        await _settle()
        assert closes == []
        await emit(1)  # more than max_lag past the stuck notice
        await _settle()
        assert closes == [1013]
        gate.allow(1)
        await _settle()
        assert gate.sent[-1] == {"type": "resync", "reason": "overflow", "epoch": bus.epoch, "seq": 9}
        assert [f["type"] for f in gate.sent] == ["welcome", "subscribed", "hook.generic", "resync"]
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosing):
            await writer
        await store.close()


async def test_cursor_moves_only_after_the_first_subscribe(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db", retain=100)
    bus = SqliteEventBus(store)
    gate = _Gate()
    gate.allow(100)
    conn = Connection(bus, gate.send, server_id="srv", heartbeat_ms=1000, max_frame_bytes=1024, max_lag=50)
    writer = asyncio.create_task(conn.run_writer())
    try:
        await store.write(lambda tx: tx.emit("hook.generic", example_data("hook.generic")))
        await _settle()
        assert conn.cursor == 0 and [f["type"] for f in gate.sent] == ["welcome"]
        conn.handle_text('{"type": "subscribe", "events": ["hook.generic"], "id": 1}')
        await _settle()
        assert [f["type"] for f in gate.sent] == ["welcome", "subscribed", "hook.generic"]
        assert gate.sent[1]["seq"] == 0 and conn.cursor == 1 and conn.last_sent == 1
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
        await store.close()


def test_the_set_is_bounded() -> None:
    from tidewire.ws.subscriptions import MAX_PATTERNS

    s = subs(*(f"task.x{i}" for i in range(MAX_PATTERNS)))
    s.add(["task.x0"])  # already there: fine
    with pytest.raises(SubscriptionError, match="at most"):
        s.add(["task.more"])
    assert len(s) == MAX_PATTERNS
