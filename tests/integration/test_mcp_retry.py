"""A failed downstream MCP server is retried until it works, and can be told to reconnect now.

The downstream is the real fixture server (tests/fixtures/downstream_mcp.py) over stdio; it
refuses to start until a file exists, so "broken, then repaired" needs no daemon restart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fixtures.sources_support import FIXTURES, next_event, replay_and_subscribe, write_config
from mcp import Client
from support import Daemon, ws_connect
from support.mcp import call

pytestmark = pytest.mark.daemon


def _flaky(name: str, needed: Path, pid_file: Path) -> dict[str, object]:
    return {
        "name": name,
        "command": sys.executable,
        "args": [str(FIXTURES / "downstream_mcp.py")],
        "env": {"DOWNSTREAM_FAIL_UNLESS": str(needed), "DOWNSTREAM_PID_FILE": str(pid_file)},
    }


def _at(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


async def test_a_failed_server_keeps_retrying_and_reconnects_once_it_can_start(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    needed = tmp_path / "repaired"
    config = write_config(
        tmp_path / "tidewire.toml",
        {
            "mcp": {
                "backoff_base_seconds": 0.05,
                "backoff_max_seconds": 0.1,
                "failed_backoff_max_seconds": 0.3,
                "max_failures": 2,
            }
        },
        {"mcp_servers": [_flaky("flaky", needed, tmp_path / "pids")]},
    )
    daemon = daemon_factory("--config", str(config))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await replay_and_subscribe(ws, ["mcp.*"])
        # Every failed attempt is announced, the ones before it counts as failed too.
        first = await next_event(ws, "mcp.server_disconnected", server_name="flaky")
        assert first["data"]["attempts"] == 1 and first["data"]["failed"] is False
        assert (_at(first["data"]["next_attempt_at"]) - _at(first["ts"])).total_seconds() <= 0.1 + 0.01
        failed = await next_event(ws, "mcp.server_disconnected", server_name="flaky")
        data = failed["data"]
        assert data["failed"] is True and data["will_retry"] is True and data["attempts"] == 2
        assert "is missing" in data["reason"]
        # The next attempt is announced, and no further off than the cap.
        delay = (_at(data["next_attempt_at"]) - _at(failed["ts"])).total_seconds()
        assert 0 <= delay <= 0.3 + 0.01
        # Failed, and retried anyway: each failed attempt says so, counting on.
        later = await next_event(ws, "mcp.server_disconnected", server_name="flaky")
        assert later["data"]["attempts"] == 3 and later["data"]["failed"] is True

        needed.touch()
        connected = await next_event(ws, "mcp.server_connected", server_name="flaky")
        assert connected["data"]["tool_count"] == 3 and connected["seq"] > later["seq"]
        server = (await http.get("/api/mcp-servers/flaky")).json()
        assert server["state"] == "connected" and server["attempts"] == 0
        assert server["last_error"] is None and server["next_attempt_at"] is None
        body = {"tool_name": "add", "arguments": {"a": 1, "b": 2}}
        r = await http.post("/api/mcp-servers/flaky/call", json=body)
        assert r.status_code == 200 and r.json()["structuredContent"] == {"result": 3}
    assert "Traceback" not in daemon.log()


async def test_reconnect_skips_the_wait_and_restarts_a_live_connection(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    needed = tmp_path / "repaired"
    pids = tmp_path / "pids"
    # Retries an hour apart: only the reconnect request can bring the server back in time.
    config = write_config(
        tmp_path / "tidewire.toml",
        {"mcp": {"backoff_base_seconds": 3600, "backoff_max_seconds": 3600, "max_failures": 1}},
        {},
    )
    daemon = daemon_factory("--config", str(config))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await ws.subscribe(["mcp.*"])
        r = await http.post("/api/mcp-servers", json=_flaky("late", needed, pids))
        assert r.status_code == 201, r.text
        failed = await next_event(ws, "mcp.server_disconnected", server_name="late")
        assert failed["data"]["failed"] is True
        assert (_at(failed["data"]["next_attempt_at"]) - _at(failed["ts"])).total_seconds() >= 1800
        listed = (await http.get("/api/mcp-servers/late")).json()
        assert listed["state"] == "failed" and listed["next_attempt_at"] == failed["data"]["next_attempt_at"]

        needed.touch()
        r = await http.post("/api/mcp-servers/late/reconnect")
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "connecting" and r.json()["attempts"] == 0
        asked = await next_event(ws, "mcp.server_disconnected", server_name="late")
        assert asked["data"]["reason"] == "reconnect requested" and asked["data"]["will_retry"] is True
        connected = await next_event(ws, "mcp.server_connected", server_name="late")
        assert connected["seq"] > asked["seq"]

        # The tools with their descriptions, as the downstream lists them.
        server = (await http.get("/api/mcp-servers/late")).json()
        details = {t["name"]: t["description"] for t in server["tool_details"]}
        assert details == {
            "echo": "Return the text unchanged.",
            "add": "Add two integers.",
            "boom": "Always fail, with the given message.",
        }

        # A live connection is dropped and made again: a new downstream process.
        first_pid = pids.read_text().split()[-1]
        assert (await http.post("/api/mcp-servers/late/reconnect")).status_code == 200
        asked = await next_event(ws, "mcp.server_disconnected", server_name="late")
        assert asked["data"]["reason"] == "reconnect requested"
        await next_event(ws, "mcp.server_connected", server_name="late")
        assert pids.read_text().split()[-1] != first_pid

        # The same through the daemon's MCP tool, as an agent would ask.
        async with Client(daemon.base_url + "/mcp", cache=None) as client:
            record = await call(client, "reconnect_mcp_server", name="late")
        assert record["name"] == "late"
        asked = await next_event(ws, "mcp.server_disconnected", server_name="late")
        assert asked["data"]["reason"] == "reconnect requested"
        await next_event(ws, "mcp.server_connected", server_name="late")

        assert (await http.post("/api/mcp-servers/ghost/reconnect")).status_code == 404
        removed = await http.delete("/api/mcp-servers/late")
        assert removed.status_code == 200
        gone = await next_event(ws, "mcp.server_disconnected", server_name="late")
        assert gone["data"]["reason"] == "removed" and gone["data"]["will_retry"] is False
        assert (await http.post("/api/mcp-servers/late/reconnect")).status_code == 404
    assert "Traceback" not in daemon.log()
