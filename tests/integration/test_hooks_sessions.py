"""Agent CLI hooks through `tidewire hook`, sessions from them, transcripts followed into messages."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import make_repo, next_event, register_project, write_config
from support import Daemon, free_port, ws_connect

pytestmark = pytest.mark.daemon

SESSION = "3f1c2d3e-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def _own_hook_spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `tidewire hook` spools what it cannot deliver under the data dir: each test its own.
    monkeypatch.setenv("TIDEWIRE_DATA_DIR", str(tmp_path / "hook-client"))


def run_hook(url: str, payload: Any, source: str = "claude") -> subprocess.CompletedProcess[bytes]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "hook", "--source", source, "--url", url],
        input=body,
        capture_output=True,
        timeout=60,
        check=False,
    )


def claude_payloads(cwd: str, transcript: str) -> list[dict[str, Any]]:
    base = {"session_id": SESSION, "transcript_path": transcript, "cwd": cwd, "permission_mode": "default"}
    return [
        {**base, "hook_event_name": "SessionStart", "source": "startup"},
        {**base, "hook_event_name": "UserPromptSubmit", "prompt": "Run the tests"},
        {
            **base,
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "make test"},
        },
        {
            **base,
            "hook_event_name": "PostToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "make test"},
            "tool_response": {"stdout": "ok", "stderr": "", "interrupted": False},
        },
        {**base, "hook_event_name": "Notification", "message": "Claude is waiting for your input"},
        {**base, "hook_event_name": "PreCompact", "trigger": "manual", "custom_instructions": ""},
        {**base, "hook_event_name": "SubagentStop", "stop_hook_active": False},
        {**base, "hook_event_name": "Stop", "stop_hook_active": False},
        {**base, "hook_event_name": "FutureHookName", "detail": 1},
        {**base, "hook_event_name": "SessionEnd", "reason": "prompt_input_exit"},
    ]


def transcript_line(i: int) -> bytes:
    if i % 2 == 0:
        record: dict[str, Any] = {
            "type": "user",
            "message": {"role": "user", "content": f"prompt {i}"},
            "timestamp": "2026-11-26T06:00:00.000Z",
            "gitBranch": "main",
        }
    else:
        record = {
            "type": "assistant",
            "timestamp": "2026-11-26T06:00:01.000Z",
            "message": {"role": "assistant", "content": [{"type": "text", "text": f"answer {i}"}]},
        }
    return (json.dumps(record) + "\n").encode()


async def test_each_hook_type_creates_and_updates_the_session(daemon: Daemon, tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.touch()
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["hook.*", "session.*"])
        for payload in claude_payloads(str(tmp_path), str(transcript)):
            done = await asyncio.to_thread(run_hook, daemon.base_url, payload)
            assert done.returncode == 0 and done.stdout == b"", done.stderr
        events = await ws.recv_events(15)
    names = [e["type"] for e in events]
    assert names == [
        "session.created",
        "hook.session_start",
        "hook.user_prompt_submit",
        "hook.pre_tool_use",
        "session.updated",
        "hook.post_tool_use",
        "hook.notification",
        "session.updated",
        "hook.pre_compact",
        "hook.subagent_stop",
        "hook.stop",
        "session.updated",
        "hook.generic",
        "hook.session_end",
        "session.ended",
    ]
    by_type = {e["type"]: e["data"] for e in events}
    assert by_type["hook.pre_tool_use"]["summary"] == "Bash: make test"
    assert by_type["hook.pre_tool_use"]["tool_name"] == "Bash"
    assert by_type["hook.generic"]["hook_type"] == "FutureHookName"
    assert all(e["data"]["session_id"] == SESSION for e in events)
    ended = by_type["session.ended"]["session"]
    assert ended["status"] == "ended" and ended["tool_count"] == 1 and ended["cwd"] == str(tmp_path)
    async with httpx.AsyncClient(base_url=daemon.base_url) as http:
        listed = (await http.get("/api/sessions")).json()
        assert [s["id"] for s in listed["items"]] == [SESSION]
        one = await http.get(f"/api/sessions/{SESSION}")
        assert one.json()["status"] == "ended" and one.json()["last_hook"] == "SessionEnd"
        assert int(one.headers["X-Tidewire-Seq"]) >= events[-1]["seq"]
        assert (await http.get("/api/sessions/nope")).status_code == 404


async def test_bad_payloads_are_refused_and_record_nothing(daemon: Daemon) -> None:
    async with httpx.AsyncClient(base_url=daemon.base_url) as http:
        before = (await http.get("/api/events")).json()["seq"]
        for body in (b"not json", b"[]", json.dumps({"hook_event_name": "Stop"}).encode()):
            r = await http.post("/api/hooks/claude", content=body)
            assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_argument"
        assert (await http.get("/api/events")).json()["seq"] == before
        assert (await http.get("/api/sessions")).json()["items"] == []
        # The CLI still exits 0 with nothing on stdout when the daemon refuses the payload.
        done = await asyncio.to_thread(run_hook, daemon.base_url, b"{broken")
        assert done.returncode == 0 and done.stdout == b""


def test_hook_with_the_daemon_down_exits_zero_silently(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = run_hook(url, claude_payloads(str(tmp_path), str(tmp_path / "t.jsonl"))[0])
    assert done.returncode == 0
    assert done.stdout == b""


async def _messages(ws: Any, n: int) -> list[dict[str, Any]]:
    events = await ws.recv_events(n)
    assert all(e["type"] == "session.message" for e in events), events
    return [e["data"] for e in events]


async def test_transcript_lines_become_messages_once_across_a_restart(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    # Transcripts are read only from known directories: this test's is one by --transcript-root.
    daemon = daemon_factory("--transcript-root", str(tmp_path))
    transcript = tmp_path / "session.jsonl"
    transcript.touch()
    start = claude_payloads(str(tmp_path), str(transcript))[0]
    async with ws_connect(daemon) as ws:
        await ws.subscribe([f"session.message:session_id={SESSION}"])
        assert (await asyncio.to_thread(run_hook, daemon.base_url, start)).returncode == 0
        with transcript.open("ab") as f:
            for i in range(4):
                line = transcript_line(i)
                f.write(line[:7])  # a half-written line is not a message yet
                f.flush()
                await asyncio.sleep(0.05)
                f.write(line[7:])
                f.flush()
        first = await _messages(ws, 4)
    assert [m["index"] for m in first] == [0, 1, 2, 3]
    assert first[1]["role"] == "assistant" and first[1]["content"][0]["text"] == "answer 1"

    await asyncio.to_thread(daemon.restart)
    with transcript.open("ab") as f:
        for i in range(4, 7):
            f.write(transcript_line(i))
    async with ws_connect(daemon) as ws:
        await ws.subscribe([f"session.message:session_id={SESSION}"])
        later = await _messages(ws, 3)
    assert [m["index"] for m in later] == [4, 5, 6]
    assert later[0]["content"][0]["text"] == "prompt 4"

    async with httpx.AsyncClient(base_url=daemon.base_url) as http:
        log = (await http.get("/api/events", params={"limit": 1000})).json()["items"]
        indices = [e["data"]["index"] for e in log if e["type"] == "session.message"]
        assert indices == list(range(7))
        stored = (await http.get(f"/api/sessions/{SESSION}/messages", params={"after_index": 2})).json()
        assert [m["index"] for m in stored["items"]] == [3, 4, 5, 6]
        assert (await http.get(f"/api/sessions/{SESSION}")).json()["message_count"] == 7

    # The CLI moved the session to another transcript file: its messages continue the numbering.
    moved = tmp_path / "moved.jsonl"
    moved.write_bytes(transcript_line(7) + transcript_line(8))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        await ws.subscribe([f"session.message:session_id={SESSION}"])
        r = await http.post("/api/hooks/claude", json={**start, "transcript_path": str(moved)})
        assert r.status_code == 200
        assert [m["index"] for m in await _messages(ws, 2)] == [7, 8]


async def test_other_clis_idle_timeout_and_project_match(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(tmp_path / "tidewire.toml", {"sessions": {"idle_timeout_seconds": 1}}, {})
    daemon = daemon_factory("--config", str(config))
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url) as http:
        project = await register_project(http, repo)
        await ws.subscribe(["hook.*", "session.*"])
        gemini = {
            "session_id": "gem-1",
            "transcript_path": str(tmp_path / "g.json"),
            "cwd": str(repo / "sub"),
            "hook_event_name": "BeforeTool",
            "timestamp": "2026-11-26T06:00:00Z",
            "tool_name": "run_shell_command",
            "tool_input": {"command": "ls"},
        }
        (repo / "sub").mkdir()
        assert (await asyncio.to_thread(run_hook, daemon.base_url, gemini, "gemini")).returncode == 0
        created = await next_event(ws, "session.created", session_id="gem-1")
        session = created["data"]["session"]
        assert session["source"] == "gemini" and session["project_id"] == project
        assert session["git_branch"] == "main" and session["tool_count"] == 1
        hook = await next_event(ws, "hook.pre_tool_use", session_id="gem-1")
        assert hook["data"]["hook_type"] == "BeforeTool" and hook["data"]["source"] == "gemini"
        # Codex's notify hands the payload over as the last argument instead of stdin.
        codex = {
            "type": "agent-turn-complete",
            "thread-id": "cdx-1",
            "turn-id": "1",
            "cwd": str(repo),
            "input-messages": ["fix it"],
            "last-assistant-message": "Fixed.",
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "tidewire",
                "hook",
                "--source",
                "codex",
                "--url",
                daemon.base_url,
                json.dumps(codex),
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and done.stdout == b""
        stop = await next_event(ws, "hook.stop", session_id="cdx-1")
        assert stop["data"]["summary"] == "Fixed." and stop["data"]["source"] == "codex"

        # Neither session hears from its CLI again: both end after the idle timeout.
        def ended() -> set[str]:
            return {f["data"]["session_id"] for f in ws.received if f["type"] == "session.ended"}

        while ended() != {"gem-1", "cdx-1"}:
            await ws.recv_events(1)
        statuses = {s["id"]: s["status"] for s in (await http.get("/api/sessions")).json()["items"]}
        assert statuses == {"gem-1": "ended", "cdx-1": "ended"}


@pytest.mark.parametrize(
    "field",
    [
        '"session_id": "\\ud800", "hook_event_name": "Stop"',
        '"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Bash\\udc80"',
        '"session_id": "s", "hook_event_name": "Stop", "cwd": "/repo/\\ud800"',
        '"session_id": "s", "hook_event_name": "Stop", "transcript_path": "/t/\\ud800.jsonl"',
        '"session_id": "s", "hook_event_name": "PreToolUse", "tool_input": {"command": "\\udfff"}',
        '"session_id": "s", "hook_event_name": "Stop", "nested": [{"\\ud800": 1}]',
    ],
)
async def test_a_lone_surrogate_in_any_field_is_refused_and_records_nothing(
    daemon: Daemon, field: str
) -> None:
    async with httpx.AsyncClient(base_url=daemon.base_url) as http:
        before = (await http.get("/api/events")).json()["seq"]
        r = await http.post(
            "/api/hooks/claude",
            content=("{" + field + "}").encode(),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 422, r.text
        assert (
            r.json()["error"]["code"] == "invalid_argument"
            and "lone surrogate" in r.json()["error"]["message"]
        )
        assert (await http.get("/api/events")).json()["seq"] == before
        assert (await http.get("/api/sessions")).json()["items"] == []
