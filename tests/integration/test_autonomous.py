"""Autonomous loops over a real git repository with a scripted agent."""

from __future__ import annotations

import asyncio
import subprocess
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
    write_config,
)
from support import Daemon, TapSocket, ws_connect

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]
WATCH = ["autonomous.*", "task.*", "worktree.*", "agent.*"]


def _daemon(factory: Callable[..., Daemon], tmp_path: Path, command: list[str]) -> Daemon:
    config = write_config(
        tmp_path / "tidewire.toml", {"agent": {"grace_seconds": 2}, "autonomous": {"command": command}}, {}
    )
    return factory("--config", str(config))


async def _setup(http: httpx.AsyncClient, repo: Path, titles: list[tuple[str, int]]) -> tuple[str, list[str]]:
    project = await register_project(http, repo)
    ids = []
    for title, priority in titles:
        r = await http.post("/api/tasks", json={"title": title, "project_id": project, "priority": priority})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return project, ids


async def _until_stopped(ws: TapSocket) -> list[dict[str, Any]]:
    """Events from `autonomous.started` to `autonomous.stopped` (earlier ones, e.g. the set-up's, dropped)."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] != "autonomous.stopped":
        events += await ws.recv_events(1, 120)
    starts = [i for i, e in enumerate(events) if e["type"] == "autonomous.started"]
    return events[starts[-1] :] if starts else events


async def test_three_tasks_are_done_merged_and_closed_in_order(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    daemon = _daemon(daemon_factory, tmp_path, [*AGENT, "commit", "{task_id}"])
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project, ids = await _setup(http, repo, [("low", 3), ("urgent", 0), ("normal", 2)])
        await ws.subscribe(WATCH)
        r = await http.post("/api/autonomous", json={"project_id": project})
        assert r.status_code == 201, r.text
        loop = r.json()
        events = await _until_stopped(ws)

    assert events[0]["type"] == "autonomous.started" and events[0]["data"]["loop_id"] == loop["id"]
    assert events[-1]["data"]["reason"] == "no_ready_tasks"
    per_iteration = [
        "task.updated",
        "worktree.created",
        "worktree.updated",
        "agent.started",
        "agent.completed",
        "worktree.merged",
        "task.closed",
        "autonomous.iteration",
    ]
    assert [e["type"] for e in events[1:-1]] == per_iteration * 3
    iterations = [e["data"] for e in events if e["type"] == "autonomous.iteration"]
    assert [(i["iteration"], i["task_id"], i["outcome"]) for i in iterations] == [
        (1, ids[1], "succeeded"),
        (2, ids[2], "succeeded"),
        (3, ids[0], "succeeded"),
    ]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)

    async with httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        tasks = (await http.get("/api/tasks", params={"project_id": project})).json()["items"]
        assert {t["id"]: t["status"] for t in tasks} == dict.fromkeys(ids, "closed")
        worktrees = (await http.get("/api/worktrees", params={"project_id": project})).json()["items"]
        assert sorted(w["status"] for w in worktrees) == ["merged"] * 3
        stopped = (await http.get(f"/api/autonomous/{loop['id']}")).json()
        assert stopped["status"] == "stopped" and stopped["iteration"] == 3 and stopped["failures"] == 0
    files = subprocess.run(  # noqa: ASYNC221 - the loop is over; nothing else runs meanwhile
        ["git", "ls-tree", "--name-only", "main"], cwd=repo, capture_output=True, text=True
    )
    assert sorted(files.stdout.split()) == sorted(["README.md", *(f"{i}.txt" for i in ids)])


async def test_a_failing_agent_stops_the_loop_at_max_failures(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    daemon = _daemon(daemon_factory, tmp_path, [*AGENT, "fail", "1"])
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project, ids = await _setup(http, repo, [("a", 1), ("b", 2), ("c", 3)])
        await ws.subscribe(WATCH)
        r = await http.post("/api/autonomous", json={"project_id": project, "max_failures": 2})
        assert r.status_code == 201
        events = await _until_stopped(ws)
        assert events[-1]["data"]["reason"] == "too_many_failures"
        iterations = [e["data"] for e in events if e["type"] == "autonomous.iteration"]
        assert [(i["task_id"], i["outcome"]) for i in iterations] == [(ids[0], "failed"), (ids[1], "failed")]
        assert "exit code 1" in iterations[0]["detail"]
        assert [e["type"] for e in events].count("agent.failed") == 2
        tasks = {
            t["id"]: t for t in (await http.get("/api/tasks", params={"project_id": project})).json()["items"]
        }
        assert [(tasks[i]["status"], tasks[i]["failure_count"]) for i in ids] == [
            ("open", 1),
            ("open", 1),
            ("open", 0),
        ]
        assert "fatal: could not finish" in tasks[ids[0]]["last_failure"]
        worktrees = (await http.get("/api/worktrees", params={"project_id": project})).json()["items"]
        assert sorted(w["status"] for w in worktrees) == ["deleted", "deleted"]


async def test_stop_request_cancels_the_running_agent(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    daemon = _daemon(daemon_factory, tmp_path, [*AGENT, "sleep", str(tmp_path / "started")])
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project, ids = await _setup(http, repo, [("a", 1)])
        await ws.subscribe(WATCH)
        loop = (await http.post("/api/autonomous", json={"project_id": project, "max_iterations": 5})).json()
        while True:
            (frame,) = await ws.recv_events(1)
            if frame["type"] == "agent.started":
                break
        assert (await http.post("/api/autonomous", json={"project_id": project})).status_code == 409
        r = await http.post(f"/api/autonomous/{loop['id']}/stop")
        assert r.status_code == 200 and r.json()["status"] == "stopped"
        assert r.json()["stop_reason"] == "stop_requested"
        events = await _until_stopped(ws)
        assert "agent.cancelled" in [e["type"] for e in events]
        iteration = next(e["data"] for e in events if e["type"] == "autonomous.iteration")
        assert iteration["outcome"] == "stopped"
        task = (await http.get(f"/api/tasks/{ids[0]}")).json()
        assert task["status"] == "open" and task["failure_count"] == 0
        assert (await http.post(f"/api/autonomous/{loop['id']}/stop")).status_code == 409
        assert (await http.post("/api/autonomous", json={"project_id": "prj_missing"})).status_code == 404
        assert (
            await http.post("/api/autonomous", json={"project_id": project, "max_failures": 0})
        ).status_code == 422


async def test_daemon_stopping_stops_the_loop(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    daemon = _daemon(daemon_factory, tmp_path, [*AGENT, "sleep", str(tmp_path / "started")])
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project, ids = await _setup(http, repo, [("a", 1)])
        await ws.subscribe(WATCH)
        loop = (await http.post("/api/autonomous", json={"project_id": project})).json()
        while (await ws.recv_events(1))[0]["type"] != "agent.started":
            pass
    await asyncio.to_thread(daemon.restart)
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        await replay_and_subscribe(ws, ["autonomous.*", "agent.*"])
        stopped = await next_event(ws, "autonomous.stopped", loop_id=loop["id"])
        assert stopped["data"]["reason"] == "daemon_stopping"
        kinds = [f["type"] for f in ws.received if "." in f["type"]]
        assert "agent.cancelled" in kinds and kinds.index("agent.cancelled") < kinds.index(
            "autonomous.stopped"
        )
        assert (await http.get(f"/api/autonomous/{loop['id']}")).json()["status"] == "stopped"
        task = (await http.get(f"/api/tasks/{ids[0]}")).json()
        assert task["status"] == "open"
        # The project is free for a new loop after the restart.
        assert (
            await http.post("/api/autonomous", json={"project_id": project, "max_iterations": 1})
        ).status_code == 201


async def test_an_agent_that_commits_nothing_fails_its_iteration(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    daemon = _daemon(daemon_factory, tmp_path, [*AGENT, "succeed", "{prompt}"])
    title = "Explain {description} and {task_id} literally"
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http:
        project, ids = await _setup(http, repo, [(title, 1)])
        r = await http.patch(f"/api/tasks/{ids[0]}", json={"description": "about {title}"})
        assert r.status_code == 200, r.text
        await ws.subscribe(WATCH)
        r = await http.post("/api/autonomous", json={"project_id": project, "max_failures": 1})
        assert r.status_code == 201, r.text
        events = await _until_stopped(ws)
        kinds = [e["type"] for e in events]
        assert "agent.completed" in kinds
        assert "worktree.merged" not in kinds and "task.closed" not in kinds
        (iteration,) = [e["data"] for e in events if e["type"] == "autonomous.iteration"]
        assert iteration["outcome"] == "failed" and "made no commits" in iteration["detail"]
        assert events[-1]["data"]["reason"] == "too_many_failures"
        task = (await http.get(f"/api/tasks/{ids[0]}")).json()
        assert task["status"] == "open" and task["failure_count"] == 1
        assert "made no commits" in task["last_failure"]
        worktrees = (await http.get("/api/worktrees", params={"project_id": project})).json()["items"]
        assert [w["status"] for w in worktrees] == ["deleted"]
        # The task's own text reaches the agent as written, its braces not taken for placeholders.
        (run,) = (await http.get("/api/agents", params={"task_id": ids[0]})).json()["items"]
        assert run["prompt"].startswith(f"{title}\n\nabout {{title}}\n\nYou are working on task {ids[0]}")
    main_log = subprocess.run(  # noqa: ASYNC221 - the loop is over; nothing else runs meanwhile
        ["git", "rev-list", "--count", "main"], cwd=repo, capture_output=True, text=True
    )
    assert main_log.stdout.strip() == "1"
