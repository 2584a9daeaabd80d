"""A run started without a worktree never works in the repository's own checkout: the daemon
makes a worktree for it on a branch of its own, claimed by the run, and the agent's commits land
there, not on the branch the user has checked out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fixtures.sources_support import FIXTURES, make_repo, next_event, register_project
from support import Daemon, ws_connect

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


async def test_a_run_for_a_task_works_in_a_worktree_of_its_own(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    main_before = git(repo, "rev-parse", "HEAD")
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await ws.subscribe(["agent.*", "worktree.*"])
        project = await register_project(http, repo)
        task = (await http.post("/api/tasks", json={"title": "Write notes", "project_id": project})).json()
        r = await http.post(
            "/api/agents",
            json={"prompt": "notes", "task_id": task["id"], "command": [*AGENT, "commit", "notes"]},
        )
        assert r.status_code == 201, r.text
        run = r.json()

        created = await next_event(ws, "worktree.created")
        worktree = created["data"]["worktree"]
        assert worktree["branch"] == f"agent/{run['id']}" and worktree["task_id"] == task["id"]
        claimed = await next_event(ws, "worktree.updated", worktree_id=worktree["id"])
        assert claimed["data"]["worktree"]["owner"] == run["id"]
        started = await next_event(ws, "agent.started", agent_id=run["id"])
        assert started["seq"] > claimed["seq"]
        assert run["worktree_id"] == worktree["id"] and run["cwd"] == worktree["path"]
        assert run["cwd"] != str(repo)
        await next_event(ws, "agent.completed", agent_id=run["id"])

    # The commit is on the run's branch; the user's checkout and its branch are untouched.
    assert git(repo, "rev-parse", "HEAD") == main_before
    assert not (repo / "notes.txt").exists()
    assert git(repo, "log", "-1", "--format=%s", f"agent/{run['id']}").strip() == "Task notes"


async def test_a_run_given_a_worktree_uses_it_and_makes_none(daemon: Daemon, tmp_path: Path) -> None:
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await ws.subscribe(["agent.*"])
        project = await register_project(http, make_repo(tmp_path / "repo"))
        first = (
            await http.post(
                "/api/agents",
                json={"prompt": "x", "project_id": project, "command": [*AGENT, "succeed", "x"]},
            )
        ).json()
        await next_event(ws, "agent.completed", agent_id=first["id"])
        r = await http.post(
            "/api/agents",
            json={
                "prompt": "again",
                "worktree_id": first["worktree_id"],
                "command": [*AGENT, "succeed", "x"],
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["worktree_id"] == first["worktree_id"] and r.json()["cwd"] == first["cwd"]
        await next_event(ws, "agent.completed", agent_id=r.json()["id"])
        listed = (await http.get("/api/worktrees")).json()["items"]
        assert [w["id"] for w in listed] == [first["worktree_id"]]
