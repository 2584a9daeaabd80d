"""A session that started before its repository was registered gets the project when it is: in
the registering transaction, with a `session.updated` naming `project_id`, and only for sessions
working inside that repository and not already in a deeper registered one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import make_repo, next_event, register_project
from support import Daemon, ws_connect

pytestmark = pytest.mark.daemon


def start(session_id: str, cwd: Path) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "transcript_path": "/nowhere/t.jsonl",
        "cwd": str(cwd),
        "hook_event_name": "SessionStart",
        "source": "startup",
    }


async def test_sessions_inside_a_newly_registered_repository_take_it_as_their_project(
    daemon: Daemon, tmp_path: Path
) -> None:
    outer = make_repo(tmp_path / "shop")
    inner = make_repo(outer / "vendor" / "payments")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sessions = {
        "in-root": outer,
        "in-subdir": outer / "vendor",
        "in-inner": inner / "src",
        "outside": elsewhere,
        "sibling-prefix": tmp_path / "shopping",
    }
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        await ws.subscribe(["session.*", "project.*"])
        inner_id = await register_project(http, inner)
        for sid, cwd in sessions.items():
            cwd.mkdir(parents=True, exist_ok=True)
            r = await http.post("/api/hooks/claude", json=start(sid, cwd))
            assert r.status_code == 200, r.text
        before = {s["id"]: s["project_id"] for s in (await http.get("/api/sessions")).json()["items"]}
        assert before == {
            "in-root": None,
            "in-subdir": None,
            "in-inner": inner_id,
            "outside": None,
            "sibling-prefix": None,
        }

        outer_id = await register_project(http, outer)
        created = await next_event(ws, "project.created", project_id=outer_id)
        adopted = []
        for _ in range(2):
            frame = await next_event(ws, "session.updated")
            assert frame["seq"] > created["seq"]
            assert "project_id" in frame["data"]["changed"]
            assert frame["data"]["session"]["project_id"] == outer_id
            adopted.append(frame["data"]["session_id"])
        assert sorted(adopted) == ["in-root", "in-subdir"]

        after = {s["id"]: s["project_id"] for s in (await http.get("/api/sessions")).json()["items"]}
        assert after == {**before, "in-root": outer_id, "in-subdir": outer_id}
        # What the project now holds keeps it from being removed, as for any session of it.
        r = await http.delete(f"/api/projects/{outer_id}")
        assert r.status_code == 409, r.text
        assert "2 sessions" in r.text
