"""Why a session waits: set by Notification and PermissionRequest hooks, cleared when it stops waiting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import next_event, write_config
from support import Daemon, TapSocket, ws_connect

pytestmark = pytest.mark.daemon

SESSION = "6a1c2d3e-0000-4000-8000-00000000000a"
PERMISSION = "Claude needs your permission to use Bash"


def claude(hook: str, **fields: Any) -> dict[str, Any]:
    return {
        "session_id": SESSION,
        "transcript_path": "/nowhere/t.jsonl",
        "cwd": "/tmp",
        "permission_mode": "default",
        "hook_event_name": hook,
        **fields,
    }


async def post(http: httpx.AsyncClient, payload: dict[str, Any]) -> list[str]:
    r = await http.post("/api/hooks/claude", json=payload)
    assert r.status_code == 200, r.text
    return list(r.json()["events"])


async def updated(ws: TapSocket) -> dict[str, Any]:
    data: dict[str, Any] = (await next_event(ws, "session.updated", session_id=SESSION))["data"]
    return data


async def test_a_notification_sets_the_reason_and_leaving_waiting_clears_it(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        await ws.subscribe(["session.*"])
        await post(http, claude("SessionStart", source="startup"))
        created = await next_event(ws, "session.created", session_id=SESSION)
        assert created["data"]["session"]["waiting_reason"] is None

        await post(http, claude("Notification", message=PERMISSION, notification_type="permission_prompt"))
        data = await updated(ws)
        assert {"status", "waiting_reason"} <= set(data["changed"])
        assert data["session"]["status"] == "waiting" and data["session"]["waiting_reason"] == PERMISSION
        one = (await http.get(f"/api/sessions/{SESSION}")).json()
        assert one["waiting_reason"] == PERMISSION
        listed = (await http.get("/api/sessions", params={"status": "waiting"})).json()["items"]
        assert [(s["id"], s["waiting_reason"]) for s in listed] == [(SESSION, PERMISSION)]

        # A second notification while waiting says why anew; the status itself does not change.
        await post(http, claude("Notification", message="Claude is waiting for your input"))
        data = await updated(ws)
        assert "waiting_reason" in data["changed"] and "status" not in data["changed"]
        assert data["session"]["waiting_reason"] == "Claude is waiting for your input"

        # Hooks that set no status keep the session waiting, with its reason.
        events = await post(http, claude("SubagentStop", stop_hook_active=False))
        assert "session.updated" not in events
        assert (await http.get(f"/api/sessions/{SESSION}")).json()["waiting_reason"] == (
            "Claude is waiting for your input"
        )

        # The user answered: the tool runs, the session is active and has no reason any more.
        await post(http, claude("PreToolUse", tool_name="Bash", tool_input={"command": "make test"}))
        data = await updated(ws)
        assert {"status", "waiting_reason"} <= set(data["changed"])
        assert data["session"]["status"] == "active" and data["session"]["waiting_reason"] is None
        assert (await http.get(f"/api/sessions/{SESSION}")).json()["waiting_reason"] is None


async def test_a_permission_request_waits_with_the_tool_it_asks_for(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        await ws.subscribe(["session.*", "hook.*"])
        # The session's first hook: it is created waiting, with the reason.
        events = await post(
            http,
            claude("PermissionRequest", tool_name="Bash", tool_input={"command": "rm -rf build"}),
        )
        assert events == ["session.created", "hook.generic"]
        created = (await next_event(ws, "session.created", session_id=SESSION))["data"]["session"]
        assert created["status"] == "waiting"
        assert created["waiting_reason"] == "Permission to use Bash: rm -rf build"

        await post(http, claude("Stop", stop_hook_active=False))
        data = await updated(ws)
        assert data["session"]["status"] == "idle" and data["session"]["waiting_reason"] is None

        # Without a tool name the reason still says what is asked.
        await post(http, claude("PermissionRequest"))
        data = await updated(ws)
        assert data["session"]["status"] == "waiting"
        assert data["session"]["waiting_reason"] == "Permission requested"

        # A notification with no message: waiting, for no reason the CLI gave.
        await post(http, claude("UserPromptSubmit", prompt="go on"))
        assert (await updated(ws))["session"]["waiting_reason"] is None
        await post(http, claude("Notification"))
        data = await updated(ws)
        assert data["session"]["status"] == "waiting" and data["session"]["waiting_reason"] is None


async def test_a_waiting_session_that_times_out_ends_without_a_reason(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "tidewire.toml", {"sessions": {"idle_timeout_seconds": 1}}, {})
    daemon = daemon_factory("--config", str(config))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        await ws.subscribe(["session.*"])
        await post(http, claude("Notification", message=PERMISSION))
        created = (await next_event(ws, "session.created", session_id=SESSION))["data"]["session"]
        assert created["waiting_reason"] == PERMISSION
        ended = (await next_event(ws, "session.ended", session_id=SESSION))["data"]
        assert "waiting_reason" in ended["changed"] and ended["session"]["waiting_reason"] is None
        assert (await http.get(f"/api/sessions/{SESSION}")).json()["waiting_reason"] is None
