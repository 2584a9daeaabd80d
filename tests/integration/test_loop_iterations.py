"""A loop's iterations as the dashboard reads them: each run tagged with its loop, each outcome kept."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import make_repo, register_project, write_config
from support import Daemon, TapSocket, ws_connect

pytestmark = pytest.mark.daemon

# Commits for a task whose title starts with "do" (the loop prompt starts with the title), exits 0
# without committing otherwise.
AGENT_SCRIPT = """\
import subprocess, sys
from pathlib import Path
task_id, title = sys.argv[1], sys.argv[2].splitlines()[0]
if title.startswith("do"):
    Path(task_id + ".txt").write_text(title + "\\n")
    git = ["git", "-c", "user.name=Scripted Agent", "-c", "user.email=agent@example.invalid"]
    subprocess.run([*git, "add", task_id + ".txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first line of " + title, "-m", "body"], check=True)
"""


async def _until_stopped(ws: TapSocket) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] != "autonomous.stopped":
        events += await ws.recv_events(1, 120)
    return events


async def test_iterations_record_run_commits_and_failure_reason(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    script = tmp_path / "agent.py"
    script.write_text(AGENT_SCRIPT)
    command = [sys.executable, str(script), "{task_id}", "{prompt}"]
    config = write_config(
        tmp_path / "tidewire.toml", {"agent": {"grace_seconds": 2, "command": command}}, {}
    )
    daemon = daemon_factory("--config", str(config))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project = await register_project(http, repo)
        ids = []
        for title, priority in [("do the work", 0), ("skip it", 1)]:
            body = {"title": title, "project_id": project, "priority": priority}
            r = await http.post("/api/tasks", json=body)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        await ws.subscribe(["autonomous.*", "agent.*"])
        r = await http.post("/api/autonomous", json={"project_id": project, "max_failures": 1})
        assert r.status_code == 201, r.text
        loop_id = r.json()["id"]
        events = await _until_stopped(ws)

        started = [e["data"]["agent"] for e in events if e["type"] == "agent.started"]
        assert [(a["loop_id"], a["loop_iteration"], a["task_id"]) for a in started] == [
            (loop_id, 1, ids[0]),
            (loop_id, 2, ids[1]),
        ]
        done = [e["data"] for e in events if e["type"] == "autonomous.iteration"]
        assert [d["agent_id"] for d in done] == [a["id"] for a in started]
        assert [c["subject"] for c in done[0]["commits"]] == ["first line of do the work"]
        assert done[1]["commits"] == [] and "made no commits" in done[1]["detail"]

        r = await http.get(f"/api/autonomous/{loop_id}/iterations")
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [(i["iteration"], i["task_id"], i["agent_id"], i["outcome"]) for i in items] == [
            (1, ids[0], started[0]["id"], "succeeded"),
            (2, ids[1], started[1]["id"], "failed"),
        ]
        assert items[0]["commits"] == done[0]["commits"] and items[0]["detail"] is None
        assert len(items[0]["commits"][0]["sha"]) == 40
        assert items[1]["detail"] == done[1]["detail"]

        # The runs say which loop they belong to when read again, not only in their events.
        runs = (await http.get("/api/agents", params={"task_id": ids[1]})).json()["items"]
        assert [(run["loop_id"], run["loop_iteration"]) for run in runs] == [(loop_id, 2)]

        # A run started on its own belongs to no loop.
        r = await http.post("/api/agents", json={"prompt": "alone", "project_id": project})
        assert r.status_code == 201, r.text
        assert r.json()["loop_id"] is None and r.json()["loop_iteration"] is None


async def test_iterations_of_an_unknown_loop_is_404(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory()
    async with httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        r = await http.get("/api/autonomous/aut_nope/iterations")
        assert r.status_code == 404
        assert "aut_nope" in r.json()["error"]["message"]
