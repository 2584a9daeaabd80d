"""`/api/projects` against a real daemon: register, rename and remove, each reply agreeing with
its `project.*` event, and every refusal a JSON error that changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from support import Daemon, ws_connect
from support.git import make_repo


def seq_of(r: httpx.Response) -> int:
    return int(r.headers["X-Tidewire-Seq"])


def call(daemon: Daemon, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, daemon.base_url + path, json=body, headers=daemon.auth_headers, timeout=30.0)


def error_of(r: httpx.Response) -> tuple[str, str]:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return str(body["error"]["code"]), str(body["error"]["message"])


async def test_register_rename_remove_agree_with_their_events(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["project.*"])
        r = daemon.post("/api/projects", {"path": str(repo), "name": "demo"})
        assert r.status_code == 201
        project = r.json()
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "project.created" and ev["seq"] == seq_of(r)
        assert ev["data"] == {"project_id": project["id"], "project": project}

        r = call(daemon, "PATCH", f"/api/projects/{project['id']}", {"name": "renamed"})
        assert r.status_code == 200 and r.json() == {**project, "name": "renamed"}
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "project.updated" and ev["seq"] == seq_of(r)
        assert ev["data"]["project"] == r.json()
        assert daemon.get(f"/api/projects/{project['id']}").json() == r.json()

        r = call(daemon, "DELETE", f"/api/projects/{project['id']}")
        assert r.status_code == 200 and r.json()["name"] == "renamed"
        [ev] = await ws.recv_events(1)
        assert ev["type"] == "project.removed" and ev["seq"] == seq_of(r)
    assert daemon.get("/api/projects").json()["items"] == []
    assert call(daemon, "GET", f"/api/projects/{project['id']}").status_code == 404


def test_refusals_are_json_errors_that_change_nothing(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    plain = tmp_path / "plain"
    plain.mkdir()
    project = daemon.post("/api/projects", {"path": str(repo)}).json()
    pid = project["id"]
    daemon.post("/api/tasks", {"title": "keeps it", "project_id": pid})
    before = daemon.health()["seq"]
    gone = str(tmp_path / "gone")
    cases: list[tuple[str, str, Any, int, str, str]] = [
        ("POST", "/api/projects", {"path": gone}, 422, "invalid_argument", "no such directory"),
        ("POST", "/api/projects", {"path": str(plain)}, 422, "invalid_argument", "not a git repository"),
        ("POST", "/api/projects", {"path": str(repo)}, 409, "conflict", pid),
        ("POST", "/api/projects", {"path": "relative"}, 422, "invalid_argument", "path"),
        ("PATCH", f"/api/projects/{pid}", {"name": ""}, 422, "invalid_argument", "name"),
        ("PATCH", f"/api/projects/{pid}", {"name": "x", "path": "/"}, 422, "invalid_argument", "path"),
        ("PATCH", "/api/projects/prj_nope", {"name": "x"}, 404, "not_found", "prj_nope"),
        ("DELETE", "/api/projects/prj_nope", None, 404, "not_found", "prj_nope"),
        ("DELETE", f"/api/projects/{pid}", None, 409, "project_in_use", "1 task"),
    ]
    for method, path, body, status, code, words in cases:
        r = call(daemon, method, path, body)
        assert r.status_code == status, (method, path, body, r.text)
        assert error_of(r)[0] == code and words in error_of(r)[1], (method, path, r.text)
    assert daemon.health()["seq"] == before
    assert daemon.get("/api/projects").json()["items"] == [project]


def test_openapi_publishes_the_project_endpoints(daemon: Daemon) -> None:
    paths = daemon.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/projects"])
    assert {"get", "patch", "delete"} <= set(paths["/api/projects/{project_id}"])
    assert "409" in paths["/api/projects/{project_id}"]["delete"]["responses"]
