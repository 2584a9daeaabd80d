"""The MCP proxy against a real downstream MCP server (the mcp SDK over stdio)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fixtures.sources_support import FIXTURES, next_event, replay_and_subscribe, write_config
from support import Daemon, free_port, ws_connect

pytestmark = pytest.mark.daemon


def _pids(path: Path) -> list[int]:
    return [int(p) for p in path.read_text().split()] if path.exists() else []


async def test_connect_call_kill_and_reconnect(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> None:
    pid_file = tmp_path / "downstream.pid"
    config = write_config(
        tmp_path / "tidewire.toml",
        {"mcp": {"backoff_base_seconds": 0.05, "backoff_max_seconds": 0.5, "max_failures": 2}},
        {
            "mcp_servers": [
                {
                    "name": "fixture",
                    "command": sys.executable,
                    "args": [str(FIXTURES / "downstream_mcp.py")],
                    "env": {"DOWNSTREAM_PID_FILE": str(pid_file)},
                },
                # Reported and skipped; the daemon and the good server run anyway.
                {"name": "incomplete"},
                {"name": "fixture", "url": "http://127.0.0.1:1/mcp"},
            ]
        },
    )
    daemon = daemon_factory("--config", str(config))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await replay_and_subscribe(ws, ["mcp.*", "mcp.tool_called"])
        connected = await next_event(ws, "mcp.server_connected", server_name="fixture")
        assert connected["data"] == {"server_name": "fixture", "transport": "stdio", "tool_count": 3}

        r = await http.post(
            "/api/mcp-servers/fixture/call", json={"tool_name": "add", "arguments": {"a": 2, "b": 3}}
        )
        assert r.status_code == 200, r.text
        assert r.json()["structuredContent"] == {"result": 5}
        called = await next_event(ws, "mcp.tool_called")
        assert called["data"]["tool_name"] == "add" and called["data"]["ok"] is True
        assert called["data"]["duration_ms"] >= 0

        r = await http.post(
            "/api/mcp-servers/fixture/call", json={"tool_name": "boom", "arguments": {"message": "x"}}
        )
        assert r.status_code == 200 and r.json()["isError"] is True
        failed_call = await next_event(ws, "mcp.tool_called")
        assert failed_call["data"]["tool_name"] == "boom" and failed_call["data"]["ok"] is False

        seq_before = (await http.get("/api/events")).json()["seq"]
        assert (
            await http.post("/api/mcp-servers/fixture/call", json={"tool_name": "nope"})
        ).status_code == 404
        assert (await http.post("/api/mcp-servers/ghost/call", json={"tool_name": "add"})).status_code == 404
        assert (
            await http.post("/api/mcp-servers/fixture/call", json={"tool_name": "add", "arguments": 3})
        ).status_code == 422
        assert (await http.get("/api/events")).json()["seq"] == seq_before

        listed = (await http.get("/api/mcp-servers")).json()["items"]
        assert [(s["name"], s["state"], s["tool_count"], s["calls"]) for s in listed] == [
            ("fixture", "connected", 3, 2)
        ]
        assert sorted(listed[0]["tools"]) == ["add", "boom", "echo"]

        first_pid = _pids(pid_file)[-1]
        os.kill(first_pid, signal.SIGKILL)
        gone = await next_event(ws, "mcp.server_disconnected", server_name="fixture")
        assert gone["data"]["will_retry"] is True and gone["data"]["reason"]
        again = await next_event(ws, "mcp.server_connected", server_name="fixture")
        assert again["data"]["tool_count"] == 3 and again["seq"] > gone["seq"]
        assert _pids(pid_file)[-1] != first_pid
        r = await http.post(
            "/api/mcp-servers/fixture/call", json={"tool_name": "echo", "arguments": {"text": "hi"}}
        )
        assert r.status_code == 200 and r.json()["content"][0]["text"] == "hi"

        # A server added at run time that never starts is retried, marked failed, and retried still.
        r = await http.post(
            "/api/mcp-servers",
            json={
                "name": "broken",
                "command": sys.executable,
                "args": [str(FIXTURES / "downstream_mcp.py")],
                "env": {"DOWNSTREAM_FAIL_AT_START": "1"},
            },
        )
        assert r.status_code == 201 and r.json()["state"] == "connecting"
        first = await next_event(ws, "mcp.server_disconnected", server_name="broken")
        assert first["data"]["attempts"] == 1 and first["data"]["failed"] is False
        failed = await next_event(ws, "mcp.server_disconnected", server_name="broken")
        assert failed["data"]["will_retry"] is True and failed["data"]["failed"] is True
        assert failed["data"]["attempts"] == 2
        again_failed = await next_event(ws, "mcp.server_disconnected", server_name="broken")
        assert again_failed["data"]["attempts"] == 3 and again_failed["data"]["failed"] is True
        broken = (await http.get("/api/mcp-servers/broken")).json()
        # Between attempts it is failed; during one, connecting: the error stays until one works.
        assert broken["state"] in ("failed", "connecting") and "refusing to start" in broken["last_error"]
        assert broken["attempts"] >= 2 and broken["origin"] == "api"
        assert (
            await http.post("/api/mcp-servers", json={"name": "broken", "url": "http://127.0.0.1:1/mcp"})
        ).status_code == 409
        assert (
            await http.post("/api/mcp-servers", json={"name": "bad name!", "url": "http://x"})
        ).status_code == 422
        assert (await http.delete("/api/mcp-servers/broken")).status_code == 200
        assert (await http.get("/api/mcp-servers/broken")).status_code == 404
        assert (await http.delete("/api/mcp-servers/fixture")).status_code == 409  # from the config file


async def test_servers_added_at_run_time_come_back_after_restart(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await ws.subscribe(["mcp.*"])
        r = await http.post(
            "/api/mcp-servers",
            json={"name": "later", "command": sys.executable, "args": [str(FIXTURES / "downstream_mcp.py")]},
        )
        assert r.status_code == 201
        before = await next_event(ws, "mcp.server_connected", server_name="later")
    await asyncio.to_thread(daemon.restart)
    async with ws_connect(daemon) as ws:
        await replay_and_subscribe(ws, ["mcp.*"])
        await next_event(ws, "mcp.server_connected", server_name="later")
        after = await next_event(ws, "mcp.server_connected", server_name="later")
        assert after["seq"] > before["seq"]
    assert "Traceback" not in daemon.log()


def _serve_http(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DOWNSTREAM_HTTP_PORT": str(port)}
    return subprocess.Popen(
        [sys.executable, str(FIXTURES / "downstream_mcp.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


async def _until_listening(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise AssertionError(f"nothing listens on {port}")


async def test_streamable_http_server_drop_and_return(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "tidewire.toml",
        {
            "mcp": {
                "backoff_base_seconds": 0.1,
                "backoff_max_seconds": 0.5,
                "health_interval_seconds": 0.3,
                "max_failures": 1000,
            }
        },
        {},
    )
    daemon = daemon_factory("--config", str(config))
    port = free_port()
    downstream = _serve_http(port)
    try:
        await _until_listening(port)
        async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
            await ws.subscribe(["mcp.*", "mcp.tool_called"])
            url = f"http://127.0.0.1:{port}/mcp"
            assert (await http.post("/api/mcp-servers", json={"name": "web", "url": url})).status_code == 201
            connected = await next_event(ws, "mcp.server_connected", server_name="web")
            assert connected["data"] == {
                "server_name": "web",
                "transport": "streamable_http",
                "tool_count": 3,
            }
            r = await http.post(
                "/api/mcp-servers/web/call", json={"tool_name": "add", "arguments": {"a": 1, "b": 1}}
            )
            assert r.status_code == 200 and r.json()["structuredContent"] == {"result": 2}
            await next_event(ws, "mcp.tool_called", server_name="web")

            downstream.kill()
            downstream.wait()
            dropped = await next_event(ws, "mcp.server_disconnected", server_name="web")
            assert dropped["data"]["will_retry"] is True
            assert (await http.get("/api/mcp-servers/web")).json()["state"] in ("disconnected", "connecting")

            downstream = _serve_http(port)
            back = await next_event(ws, "mcp.server_connected", server_name="web")
            assert back["seq"] > dropped["seq"]
    finally:
        downstream.kill()
        downstream.wait()
