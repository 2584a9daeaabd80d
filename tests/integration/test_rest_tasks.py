"""REST for projects, tasks and worktrees against a real daemon: shapes, errors, and agreement
with the events (each response's X-Tidewire-Seq is the seq of the event that made its data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from support import Daemon, ws_connect
from support.git import make_repo


def seq_of(r: httpx.Response) -> int:
    return int(r.headers["X-Tidewire-Seq"])


def patch(daemon: Daemon, path: str, body: Any) -> httpx.Response:
    return httpx.patch(daemon.base_url + path, json=body, headers=daemon.auth_headers, timeout=30.0)


def error_code(r: httpx.Response) -> str:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return str(body["error"]["code"])


async def test_rest_agrees_with_events(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.*"])
        r = daemon.post("/api/projects", {"path": str(repo)})
        assert r.status_code == 201
        project = r.json()
        assert project["path"] == str(repo) and project["id"].startswith("prj_")

        r = daemon.post("/api/tasks", {"title": "Write", "labels": ["docs"], "priority": 3})
        assert r.status_code == 201
        task = r.json()
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "task.created" and ev["seq"] == seq_of(r)
        assert ev["data"]["task"] == task and task["project_id"] == project["id"]

        r = patch(daemon, f"/api/tasks/{task['id']}", {"status": "blocked", "labels": ["docs", "web"]})
        assert r.status_code == 200
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "task.updated" and ev["seq"] == seq_of(r) and ev["data"]["task"] == r.json()
        assert ev["data"]["changed"] == ["status", "labels"]

        r = daemon.post(f"/api/tasks/{task['id']}/expand", {"subtasks": [{"title": "a"}, {"title": "b"}]})
        assert r.status_code == 200
        body = r.json()
        evs = await ws.recv_events(3)
        assert evs[-1]["type"] == "task.expanded" and evs[-1]["seq"] == seq_of(r)
        assert [s["id"] for s in body["subtasks"]] == evs[-1]["data"]["subtask_ids"]
        assert body["task"]["id"] == task["id"]

        r = daemon.post(f"/api/tasks/{task['id']}/close", {"reason": "done"})
        assert r.status_code == 200
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "task.closed" and ev["seq"] == seq_of(r) and ev["data"]["task"] == r.json()
        closed = r.json()

        r = daemon.get(f"/api/tasks/{task['id']}")
        assert r.status_code == 200 and r.json() == closed and seq_of(r) == ev["seq"]

        r = daemon.get("/api/tasks", params={"parent_id": task["id"]})
        listing = r.json()
        assert [t["id"] for t in listing["items"]] == [s["id"] for s in body["subtasks"]]
        assert listing["seq"] == seq_of(r) == ev["seq"]

        r = daemon.get("/api/tasks", params={"status": "closed", "project_id": project["id"]})
        assert [t["id"] for t in r.json()["items"]] == [task["id"]]

        r = daemon.get("/api/projects")
        assert r.json()["items"] == [project] and r.json()["seq"] == seq_of(r)

        r = daemon.get("/api/worktrees")
        assert r.json() == {"items": [], "seq": seq_of(r)}


async def test_noop_update_emits_nothing_and_reports_the_head(daemon: Daemon) -> None:
    task = daemon.post("/api/tasks", {"title": "t"}).json()
    r = patch(daemon, f"/api/tasks/{task['id']}", {"title": "t"})
    assert r.status_code == 200 and r.json() == task
    assert seq_of(r) == daemon.health()["seq"] == 1


BAD_REQUESTS: list[tuple[str, str, Any, int, str]] = [
    ("GET", "/api/tasks/tsk_missing", None, 404, "not_found"),
    ("PATCH", "/api/tasks/tsk_missing", {"title": "x"}, 404, "not_found"),
    ("POST", "/api/tasks/tsk_missing/close", {}, 404, "not_found"),
    ("POST", "/api/tasks/tsk_missing/expand", {"subtasks": [{"title": "a"}]}, 404, "not_found"),
    ("POST", "/api/tasks", {}, 422, "invalid_argument"),
    ("POST", "/api/tasks", {"title": ""}, 422, "invalid_argument"),
    ("POST", "/api/tasks", {"title": "x", "priority": "1"}, 422, "invalid_argument"),
    ("POST", "/api/tasks", {"title": "x", "priority": 5}, 422, "invalid_argument"),
    ("POST", "/api/tasks", {"title": "x", "unknown": 1}, 422, "invalid_argument"),
    ("POST", "/api/tasks", {"title": "x", "parent_id": "tsk_missing"}, 404, "not_found"),
    ("PATCH", "/api/tasks/@task", {"status": "done"}, 422, "invalid_argument"),
    ("PATCH", "/api/tasks/@task", {"status": "closed"}, 409, "conflict"),
    ("POST", "/api/tasks/@task/expand", {"subtasks": []}, 422, "invalid_argument"),
    ("GET", "/api/tasks?status=done", None, 422, "invalid_argument"),
    ("POST", "/api/projects", {"path": "/not/a/repo"}, 422, "invalid_argument"),
    ("POST", "/api/projects", {"path": "relative"}, 422, "invalid_argument"),
    ("POST", "/api/projects", {}, 422, "invalid_argument"),
]


def test_errors_are_json_and_write_nothing(daemon: Daemon) -> None:
    # One daemon for every case: each refused request must leave it exactly as it was.
    task = daemon.post("/api/tasks", {"title": "existing"}).json()
    before = daemon.health()["seq"]
    for method, path, body, status, code in BAD_REQUESTS:
        url = daemon.base_url + path.replace("@task", task["id"])
        r = httpx.request(method, url, json=body, timeout=30.0)
        assert r.status_code == status, (method, path, body, r.text)
        assert error_code(r) == code, (method, path, body)
    assert daemon.health()["seq"] == before
    assert daemon.get("/api/tasks").json()["items"] == [task]
    assert daemon.get("/api/projects").json()["items"] == []


def test_close_twice_is_a_conflict_and_repeat_registration_too(daemon: Daemon, tmp_path: Path) -> None:
    task = daemon.post("/api/tasks", {"title": "t"}).json()
    assert daemon.post(f"/api/tasks/{task['id']}/close").status_code == 200  # body is optional
    r = daemon.post(f"/api/tasks/{task['id']}/close", {})
    assert r.status_code == 409 and error_code(r) == "conflict"
    repo = make_repo(tmp_path / "r")
    first = daemon.post("/api/projects", {"path": str(repo)}).json()
    r = daemon.post("/api/projects", {"path": str(repo)})
    assert r.status_code == 409 and first["id"] in r.json()["error"]["message"]


def test_default_project_is_ambiguous_with_two(daemon: Daemon, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert daemon.post("/api/projects", {"path": str(make_repo(tmp_path / name))}).status_code == 201
    r = daemon.post("/api/tasks", {"title": "which"})
    assert r.status_code == 422 and "project_id" in r.json()["error"]["message"]


def test_openapi_publishes_the_endpoints(daemon: Daemon) -> None:
    paths = daemon.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/projects"])
    assert {"get", "post"} <= set(paths["/api/tasks"])
    assert {"get", "patch"} <= set(paths["/api/tasks/{task_id}"])
    assert "post" in paths["/api/tasks/{task_id}/close"] and "post" in paths["/api/tasks/{task_id}/expand"]
    assert "get" in paths["/api/worktrees"]
    assert "404" in paths["/api/tasks/{task_id}"]["get"]["responses"]
