"""The sources' MCP tools over the daemon's /mcp endpoint, with their events on a real socket."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from fixtures.sources_support import FIXTURES, make_repo, next_event
from mcp import Client
from support import Daemon, ws_connect
from support.mcp import call, call_error

pytestmark = pytest.mark.daemon

SOURCE_TOOLS = {
    "add_mcp_server",
    "remove_mcp_server",
    "list_mcp_servers",
    "call_tool",
    "start_agent",
    "cancel_agent",
    "list_agents",
    "start_autonomous",
    "stop_autonomous",
    "list_autonomous",
    "list_sessions",
}


async def test_source_tools(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, Client(daemon.base_url + "/mcp", cache=None) as client:
        await ws.subscribe(["mcp.*", "mcp.tool_called", "agent.*", "autonomous.*"])
        names = {t.name for t in (await client.list_tools()).tools}
        assert SOURCE_TOOLS <= names

        added = await call(
            client,
            "add_mcp_server",
            name="fixture",
            command=sys.executable,
            args=[str(FIXTURES / "downstream_mcp.py")],
        )
        assert added["name"] == "fixture" and added["transport"] == "stdio"
        await next_event(ws, "mcp.server_connected", server_name="fixture")
        proxied = await call(
            client, "call_tool", server_name="fixture", tool_name="echo", arguments={"text": "hey"}
        )
        assert proxied["result"]["content"][0]["text"] == "hey"
        called = await next_event(ws, "mcp.tool_called", server_name="fixture")
        assert called["data"]["ok"] is True
        listed = await call(client, "list_mcp_servers")
        assert listed["items"][0]["calls"] == 1
        assert "not_found: " in await call_error(client, "call_tool", server_name="nope", tool_name="echo")

        project = await call(client, "register_project", path=str(repo))
        run = await call(
            client,
            "start_agent",
            prompt="hello",
            project_id=project["id"],
            command=[sys.executable, str(FIXTURES / "scripted_agent.py"), "succeed", "{prompt}"],
        )
        done = await next_event(ws, "agent.completed", agent_id=run["id"])
        assert done["data"]["exit_code"] == 0
        agents = await call(client, "list_agents")
        assert [a["status"] for a in agents["items"]] == ["completed"]
        assert "invalid_argument: " in await call_error(client, "start_agent", prompt="x")
        assert "conflict: " in await call_error(client, "cancel_agent", agent_id=run["id"])

        loop = await call(client, "start_autonomous", project_id=project["id"], max_iterations=2)
        stopped = await next_event(ws, "autonomous.stopped", loop_id=loop["id"])
        assert stopped["data"]["reason"] == "no_ready_tasks"
        loops = await call(client, "list_autonomous", project_id=project["id"])
        assert [lp["status"] for lp in loops["items"]] == ["stopped"]
        assert (await call(client, "list_sessions"))["items"] == []

        removed = await call(client, "remove_mcp_server", name="fixture")
        assert removed["name"] == "fixture"
        gone = await next_event(ws, "mcp.server_disconnected", server_name="fixture")
        assert gone["data"] == {"server_name": "fixture", "reason": "removed", "will_retry": False}
        assert json.dumps(await call(client, "list_mcp_servers")) == json.dumps({"items": []})
