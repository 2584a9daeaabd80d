"""Agent runs with a small script as the agent command: success, failure, cancel, daemon restart."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import (
    FIXTURES,
    make_repo,
    next_event,
    register_project,
    replay_and_subscribe,
    wait_for_file,
    write_config,
)
from support import Daemon, ws_connect

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]


@pytest.fixture
def agent_daemon(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> Daemon:
    config = write_config(
        tmp_path / "tidewire.toml",
        {"agent": {"command": [*AGENT, "succeed", "{prompt}"], "grace_seconds": 2}},
        {},
    )
    return daemon_factory("--config", str(config))


async def test_success_failure_and_cancel(agent_daemon: Daemon, tmp_path: Path) -> None:
    async with (
        ws_connect(agent_daemon) as ws,
        httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http,
    ):
        await ws.subscribe(["agent.*"])
        project = await register_project(http, make_repo(tmp_path / "repo"))

        r = await http.post(
            "/api/agents", json={"prompt": "say hello; rm -rf / # stays one argument", "project_id": project}
        )
        assert r.status_code == 201, r.text
        run = r.json()
        assert run["status"] == "running" and run["command"][-1] == "say hello; rm -rf / # stays one argument"
        started = await next_event(ws, "agent.started", agent_id=run["id"])
        assert started["data"]["project_id"] == project and started["data"]["task_id"] is None
        done = await next_event(ws, "agent.completed", agent_id=run["id"])
        assert done["data"]["status"] == "completed" and done["data"]["exit_code"] == 0
        assert done["data"]["duration_ms"] >= 0 and done["data"]["agent"]["ended_at"]

        r = await http.post(
            "/api/agents", json={"prompt": "x", "project_id": project, "command": [*AGENT, "fail", "3"]}
        )
        failing = r.json()
        failed = await next_event(ws, "agent.failed", agent_id=failing["id"])
        assert failed["data"]["exit_code"] == 3
        assert failed["data"]["stderr_tail"][-1] == "fatal: could not finish"

        marker = tmp_path / "sleeping"
        r = await http.post(
            "/api/agents",
            json={"prompt": "x", "project_id": project, "command": [*AGENT, "sleep", str(marker)]},
        )
        sleeper = r.json()
        await wait_for_file(marker)
        r = await http.post(f"/api/agents/{sleeper['id']}/cancel")
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        cancelled = await next_event(ws, "agent.cancelled", agent_id=sleeper["id"])
        assert cancelled["data"]["status"] == "cancelled"
        assert (await http.post(f"/api/agents/{sleeper['id']}/cancel")).status_code == 409

        # An agent that ignores SIGTERM is killed after the grace period.
        stubborn_marker = tmp_path / "stubborn"
        r = await http.post(
            "/api/agents",
            json={
                "prompt": "x",
                "project_id": project,
                "command": [*AGENT, "stubborn", str(stubborn_marker)],
            },
        )
        stubborn = r.json()
        await wait_for_file(stubborn_marker)
        r = await http.post(f"/api/agents/{stubborn['id']}/cancel")
        assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["exit_code"] == -9

        # A child left behind holding stderr open does not keep the run from finishing.
        r = await http.post(
            "/api/agents", json={"prompt": "x", "project_id": project, "command": [*AGENT, "orphan", "30"]}
        )
        orphaned = await next_event(ws, "agent.completed", agent_id=r.json()["id"])
        assert orphaned["data"]["stderr_tail"] == ["left a child behind"]

        listed = {a["id"]: a["status"] for a in (await http.get("/api/agents")).json()["items"]}
        assert listed == {
            run["id"]: "completed",
            failing["id"]: "failed",
            sleeper["id"]: "cancelled",
            stubborn["id"]: "cancelled",
            r.json()["id"]: "completed",
        }
        assert (await http.get(f"/api/agents/{failing['id']}")).json()["exit_code"] == 3


BAD_REQUESTS: list[tuple[dict[str, Any], int]] = [
    ({"prompt": "x"}, 422),
    ({"prompt": "", "project_id": "PROJECT"}, 422),
    ({"prompt": "x", "project_id": "prj_missing"}, 404),
    ({"prompt": "x", "task_id": "tsk_missing"}, 404),
    ({"prompt": "x", "project_id": "PROJECT", "command": "claude -p x"}, 422),
    ({"prompt": "x", "project_id": "PROJECT", "command": []}, 422),
    ({"prompt": "x", "project_id": "PROJECT", "command": ["/nonexistent/agent-cli"]}, 422),
    ({"prompt": "nul \u0000 inside", "project_id": "PROJECT"}, 422),
]


async def test_bad_requests_start_nothing(agent_daemon: Daemon, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / "repo"))
        before = (await http.get("/api/events")).json()["seq"]
        for body, status in BAD_REQUESTS:
            sent = {k: (project if v == "PROJECT" else v) for k, v in body.items()}
            r = await http.post("/api/agents", json=sent)
            assert r.status_code == status, (sent, r.text)
            assert "error" in r.json()
        assert (await http.get("/api/events")).json()["seq"] == before
        assert (await http.get("/api/agents")).json()["items"] == []


async def test_run_interrupted_by_a_daemon_restart_is_reported_lost(
    agent_daemon: Daemon, tmp_path: Path
) -> None:
    marker = tmp_path / "sleeping"
    async with httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / "repo"))
        r = await http.post(
            "/api/agents",
            json={"prompt": "x", "project_id": project, "command": [*AGENT, "sleep", str(marker)]},
        )
        run = r.json()
        await wait_for_file(marker)
    pid = int(marker.read_text().split()[1])
    await asyncio.to_thread(agent_daemon.restart)
    async with (
        ws_connect(agent_daemon) as ws,
        httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http,
    ):
        await replay_and_subscribe(ws, ["agent.*"])
        await next_event(ws, "agent.started", agent_id=run["id"])
        lost = await next_event(ws, "agent.failed", agent_id=run["id"])
        assert lost["data"]["status"] == "lost" and lost["data"]["exit_code"] is None
        assert "daemon stopped" in lost["data"]["stderr_tail"][-1]
        assert (await http.get(f"/api/agents/{run['id']}")).json()["status"] == "lost"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_agent_run_reaches_the_daemon_from_its_environment(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    """`tidewire tail`, `mcp` and `hook` without --url or --token work inside a run of a guarded daemon."""
    guarded = daemon_factory("--token", "run-token")
    out = tmp_path / "probe.json"
    async with httpx.AsyncClient(base_url=guarded.base_url, headers=guarded.auth_headers, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / "repo"))
        # Braces in the prompt are the user's text, not placeholders to fill.
        prompt = "literal {cwd} and {prompt}"
        r = await http.post(
            "/api/agents",
            json={
                "prompt": prompt,
                "project_id": project,
                "command": [*AGENT, "probe", str(out), "{prompt}"],
            },
        )
        assert r.status_code == 201, r.text
        run = r.json()
        for _ in range(1200):
            done = (await http.get(f"/api/agents/{run['id']}")).json()
            if done["status"] != "running":
                break
            await asyncio.sleep(0.1)
        assert done["status"] == "completed", done
        report = json.loads(out.read_text())
        seen = {**report, "tail": report["tail"][0]}
        assert seen == {
            "url": guarded.base_url,
            "token": "run-token",
            "tail": 0,
            "mcp": "ok",
            "hook": "tidewire hook: delivered (1 delivered, 0 spooled)",
        }, report["tail"][1]
        sessions = (await http.get("/api/sessions")).json()["items"]
        assert "probe-session" in [s["id"] for s in sessions]
        assert run["command"][-1] == prompt


async def test_an_argv_no_record_can_hold_is_refused_before_anything_runs(
    agent_daemon: Daemon, tmp_path: Path
) -> None:
    """Lone surrogates (JSON `\\udc80`) and NULs: a 422 error, and no process, no record, no event."""
    marker = tmp_path / "ran"
    touch = [sys.executable, "-c", f"open({str(marker)!r}, 'w').close()"]
    async with httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http:
        project = await register_project(http, make_repo(tmp_path / "repo"))
        before = (await http.get("/api/events")).json()["seq"]
        bodies = [
            # json.dumps escapes the surrogate as \udc80, exactly what a client would send.
            {"prompt": "go", "project_id": project, "command": [*touch, "\udc80"]},
            {"prompt": "fix \ud800 it", "project_id": project, "command": [*touch, "{prompt}"]},
            {"prompt": "go", "project_id": project, "command": [*touch, "a\x00b"]},
            {"prompt": "go", "project_id": "\ud800"},
        ]
        for body in bodies:
            raw = json.dumps(body).encode()
            r = await http.post("/api/agents", content=raw, headers={"Content-Type": "application/json"})
            assert r.status_code == 422, (body, r.text)
            error = r.json()["error"]
            assert error["code"] == "invalid_argument", error
            # The request model or the argv check names what is wrong with the string.
            assert any(
                word in error["message"] for word in ("lone surrogate", "NUL", "unicode string")
            ), error
        # Had the program been started, it would have created the marker by now.
        await asyncio.sleep(1.0)
        assert not marker.exists()
        assert (await http.get("/api/events")).json()["seq"] == before
        assert (await http.get("/api/agents")).json()["items"] == []
