"""Daemon behaviour that docs/protocol.md now states precisely (issue 11's gaps)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets
from support import Daemon
from tidewire.ws.subscriptions import SubscriptionSet


def subs(*patterns: str) -> SubscriptionSet:
    s = SubscriptionSet()
    s.add(patterns)
    return s


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("mcp.tool_called:duration_ms=1", 1.0, True),
        ("mcp.tool_called:duration_ms=1", 1, True),
        ("mcp.tool_called:duration_ms=1.0", 1, True),
        ("mcp.tool_called:duration_ms=1e0", 1, True),
        ("mcp.tool_called:duration_ms=1.5", 1.5, True),
        ("mcp.tool_called:duration_ms=1", 1.5, False),
        ("mcp.tool_called:duration_ms=01", 1, False),  # not a JSON number: never equals a number
        ("mcp.tool_called:duration_ms=1", "1", True),  # a string compares as written
        ("mcp.tool_called:duration_ms=1.0", "1", False),
        ("mcp.tool_called:duration_ms=9007199254740993", 9007199254740992, False),
        ("mcp.tool_called:duration_ms=true", 1, False),
        ("mcp.tool_called:ok=true", True, True),
        ("mcp.tool_called:ok=1", True, False),  # a boolean is not the number 1
    ],
)
def test_filters_compare_numbers_by_value(pattern: str, value: Any, expected: bool) -> None:
    field = pattern.rsplit(":", 1)[1].split("=")[0]
    assert subs(pattern).matches("mcp.tool_called", {field: value}) is expected


def test_test_events_commit_well_formed_unknown_types(daemon: Daemon) -> None:
    r = daemon.post("/api/test-events", {"type": "future.thing_happened", "data": {"x": 1}})
    assert r.status_code == 201, r.text
    seq = r.json()["seq"]
    items = daemon.get("/api/events", params={"after_seq": seq - 1}).json()["items"]
    assert items[0]["type"] == "future.thing_happened" and items[0]["data"] == {"x": 1}
    for bad in ("future", "Future.x", "future.", "welcome"):
        r = daemon.post("/api/test-events", {"type": bad, "data": {}})
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_event", (bad, r.text)


def test_test_events_keep_refusing_unknown_types_without_the_flag(
    daemon_factory: Callable[..., Daemon],
) -> None:
    d = daemon_factory(test_events=False)
    assert d.post("/api/test-events", {"type": "future.x", "data": {}}).status_code != 201
    assert d.health()["seq"] == 0


@pytest.mark.parametrize("foreign", ["host", "origin"])
async def test_a_refused_handshake_says_which_check_failed(daemon: Daemon, foreign: str) -> None:
    # A page on a rebinding domain reaches 127.0.0.1 but names its own host.
    url = f"ws://evil.example:{daemon.port}/ws" if foreign == "host" else daemon.ws_url
    origin = "http://evil.example" if foreign == "origin" else None
    with pytest.raises(websockets.InvalidStatus) as info:
        async with websockets.connect(
            url, host="127.0.0.1", port=daemon.port, origin=origin, open_timeout=10  # type: ignore[arg-type]
        ):
            pass
    code = f"forbidden_{foreign}"
    response = info.value.response
    assert response.status_code == 403
    assert json.loads(response.body)["error"]["code"] == code


def test_session_updated_lists_every_changed_field(daemon: Daemon) -> None:
    base = {"session_id": "s-changed", "cwd": "/tmp", "transcript_path": "/tmp/none.txt"}
    assert daemon.post("/api/hooks/claude", {**base, "hook_event_name": "SessionStart"}).status_code == 200
    r = daemon.post("/api/hooks/claude", {**base, "hook_event_name": "PreToolUse", "tool_name": "Bash"})
    body = r.json()
    assert body["ok"] is True and body["session_id"] == "s-changed"
    assert body["events"] == ["hook.pre_tool_use", "session.updated"]
    items = httpx.get(
        f"{daemon.base_url}/api/events", params={"after_seq": 0, "limit": 1000}, timeout=10
    ).json()["items"]
    updated = [e for e in items if e["type"] == "session.updated"][-1]
    assert set(updated["data"]["changed"]) == {"last_hook", "tool_count", "updated_at"}
