"""What docs/protocol.md and docs/rest.md state about the daemon, checked against a real one."""

from __future__ import annotations

from pathlib import Path

from support import Daemon, ws_connect
from support.examples import example_data
from support.git import make_repo


async def test_a_frame_without_a_string_type_is_invalid_frame(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        for frame, echoed in (("{}", None), ('{"type":5,"id":3}', 3), ('{"type":null,"id":"a"}', "a")):
            await ws.send_text(frame)
            reply = await ws.recv_type("error")
            assert reply["code"] == "invalid_frame", frame
            assert reply["message"] == "a frame needs a string 'type'"
            assert reply.get("id") == echoed, frame
        assert (await ws.ping("still-open"))["type"] == "pong"


async def test_unknown_fields_in_client_frames_are_ignored_and_not_echoed(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.send_json({"type": "ping", "id": 14.0, "extra": {"x": 1}})
        pong = await ws.recv_type("pong")
        assert pong["id"] == 14 and isinstance(pong["id"], int)
        assert "extra" not in pong
        await ws.send_json({"type": "subscribe", "events": ["task.*"], "id": "s", "future_option": True})
        subscribed = await ws.recv_type("subscribed")
        assert subscribed["events"] == ["task.*"] and "future_option" not in subscribed


async def test_server_fields_the_schemas_leave_optional_are_always_sent(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        assert {"oldest_seq", "max_frame_bytes"} <= set(ws.welcome)
        await ws.send_json({"type": "subscribe", "events": ["task.*"]})
        assert "seq" in await ws.recv_type("subscribed")
        await ws.send_json({"type": "unsubscribe", "events": ["task.*"]})
        assert "seq" in await ws.recv_type("unsubscribed")
        await ws.send_json({"type": "resume", "epoch": "ep_other", "after_seq": 0})
        resync = await ws.recv_type("resync")
        assert resync["epoch"] == ws.welcome["epoch"] and resync["seq"] == ws.welcome["seq"]


async def test_invalid_resume_leaves_the_cursor_at_welcome(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        head = ws.welcome["seq"]
        await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": head + 5, "id": "r"})
        error = await ws.recv_type("error")
        assert error["code"] == "invalid_resume" and error["id"] == "r"
        await ws.subscribe(["*"])
        seq = await daemon.aemit("task.created", example_data("task.created"))
        event = await ws.recv_type("task.created")
        assert event["seq"] == seq == head + 1


def test_hook_reply_names_the_session_and_the_events(daemon: Daemon) -> None:
    payload = {"session_id": "s1", "hook_event_name": "PreToolUse", "tool_name": "Bash"}
    r = daemon.post("/api/hooks/claude", payload)
    assert r.status_code == 200, r.text
    assert r.json() == {"ok": True, "session_id": "s1", "events": ["session.created", "hook.pre_tool_use"]}


def test_a_task_without_project_id_is_refused_once_two_projects_exist(daemon: Daemon, tmp_path: Path) -> None:
    assert daemon.post("/api/tasks", {"title": "no project yet"}).json()["project_id"] is None
    first = daemon.post("/api/projects", {"path": str(make_repo(tmp_path / "one"))}).json()
    assert daemon.post("/api/tasks", {"title": "the only one"}).json()["project_id"] == first["id"]
    assert daemon.post("/api/projects", {"path": str(make_repo(tmp_path / "two"))}).status_code == 201
    r = daemon.post("/api/tasks", {"title": "which one?"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_argument"
    assert "project_id is required" in r.json()["error"]["message"]
    assert daemon.post("/api/tasks", {"title": "this one", "project_id": first["id"]}).status_code == 201
