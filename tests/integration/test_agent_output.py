"""An agent run's output, live over the socket (`agent.output`, high volume) and kept for REST."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import FIXTURES, make_repo, next_event, register_project, write_config
from support import Daemon, TapSocket, ws_connect

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]
LINES = 300


@pytest.fixture
def agent_daemon(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> Daemon:
    config = write_config(
        tmp_path / "tidewire.toml",
        {"agent": {"command": [*AGENT, "succeed", "{prompt}"], "grace_seconds": 2}},
        {},
    )
    return daemon_factory("--config", str(config))


def expected_output() -> tuple[str, str]:
    """What the scripted agent prints on stdout and on stderr."""
    out = "".join(f"\x1b[32mline {i}\x1b[0m café ✓\n" for i in range(LINES)) + "é" * 20_000 + "\ndone\n"
    err = "".join(f"\x1b[31mwarning {i}\x1b[0m\n" for i in range(LINES) if i % 10 == 9)
    return out, err


async def chunks_until(ws: TapSocket, agent_id: str, size: int) -> list[dict[str, Any]]:
    """The `agent.output` data of `agent_id` the socket gets until `size` bytes are covered."""
    got: list[dict[str, Any]] = []
    covered = 0
    while covered < size:
        event = await next_event(ws, "agent.output", agent_id=agent_id)
        got.append(event["data"])
        covered += event["data"]["size"]
    return got


async def read_whole_log(http: httpx.AsyncClient, agent_id: str, limit: int) -> str:
    text, offset = "", 0
    while True:
        r = await http.get(f"/api/agents/{agent_id}/output", params={"offset": offset, "limit": limit})
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["offset"] == offset and page["agent_id"] == agent_id
        if page["next_offset"] == page["size"] and page["next_offset"] == offset:
            return text
        text += page["text"]
        offset = page["next_offset"]


async def test_output_streams_in_order_to_exact_subscriptions_only_and_is_kept(
    agent_daemon: Daemon, tmp_path: Path
) -> None:
    gate = tmp_path / "go"
    async with (
        ws_connect(agent_daemon) as exact,
        ws_connect(agent_daemon) as filtered,
        ws_connect(agent_daemon) as wide,
        httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http,
    ):
        await exact.subscribe(["agent.output"])
        await wide.subscribe(["*", "agent.*", "agent.*:agent_id=" + "x", "*:stream=stdout"])
        project = await register_project(http, make_repo(tmp_path / "repo"))
        r = await http.post(
            "/api/agents",
            json={"prompt": "x", "project_id": project, "command": [*AGENT, "output", str(gate), str(LINES)]},
        )
        assert r.status_code == 201, r.text
        agent_id = r.json()["id"]
        # Nothing printed yet: the log is there, empty, and reading it is not an error.
        early = (await http.get(f"/api/agents/{agent_id}/output")).json()
        assert early == {
            "agent_id": agent_id, "status": "running", "offset": 0, "next_offset": 0, "size": 0,
            "text": "", "seq": early["seq"],
        }  # fmt: skip
        await filtered.subscribe([f"agent.output:agent_id={agent_id}", "agent.output:agent_id=someone-else"])
        gate.write_text("go")

        done = await next_event(wide, "agent.completed", agent_id=agent_id)
        assert done["data"]["stderr_tail"][-1] == f"\x1b[31mwarning {LINES - 1}\x1b[0m"
        out, err = expected_output()
        total = len(out.encode()) + len(err.encode())

        for ws in (exact, filtered):
            chunks = await chunks_until(ws, agent_id, total)
            # In order, without gap or overlap, each within the size limit.
            offset = 0
            for chunk in chunks:
                assert chunk["offset"] == offset and 0 < chunk["size"] <= 16384
                assert len(chunk["text"].encode()) == chunk["size"]
                offset += chunk["size"]
            assert offset == total
            assert "".join(c["text"] for c in chunks if c["stream"] == "stdout") == out
            assert "".join(c["text"] for c in chunks if c["stream"] == "stderr") == err
            # Lines printed one by one travel together, not one event per line.
            assert len(chunks) < (LINES + LINES // 10) / 4
            seqs = [e["seq"] for e in ws.received if e["type"] == "agent.output"]
            assert seqs == sorted(seqs)
        # The 40,000-byte line is cut for size, never inside a character.
        assert any(c["size"] > 16000 for c in chunks)

        # `*`, `agent.*` and their filtered forms never deliver the high-volume event.
        assert [e for e in wide.received if e["type"] == "agent.output"] == []
        assert {e["type"] for e in wide.received} >= {"agent.started", "agent.completed"}

        # The kept log of the finished run reads back whole, in pages cut at characters.
        whole = await read_whole_log(http, agent_id, 65536)
        assert len(whole.encode()) == total
        assert "".join(c["text"] for c in chunks) == whole
        assert await read_whole_log(http, agent_id, 1000) == whole
        last = (await http.get(f"/api/agents/{agent_id}/output", params={"offset": total})).json()
        assert last["status"] == "completed" and last["text"] == "" and last["next_offset"] == total


async def test_output_requests_get_clear_errors(agent_daemon: Daemon, tmp_path: Path) -> None:
    async with (
        ws_connect(agent_daemon) as ws,
        httpx.AsyncClient(base_url=agent_daemon.base_url, timeout=60) as http,
    ):
        await ws.subscribe(["agent.*"])
        r = await http.get("/api/agents/agt_nope/output")
        assert r.status_code == 404 and "agt_nope" in r.json()["error"]["message"]
        project = await register_project(http, make_repo(tmp_path / "repo"))
        r = await http.post("/api/agents", json={"prompt": "hello", "project_id": project})
        agent_id = r.json()["id"]
        await next_event(ws, "agent.completed", agent_id=agent_id)
        page = (await http.get(f"/api/agents/{agent_id}/output")).json()
        assert page["text"] == "hello\n"
        r = await http.get(f"/api/agents/{agent_id}/output", params={"offset": 7})
        assert r.status_code == 422 and "past the end of the log (6 bytes)" in r.json()["error"]["message"]
        for bad in ({"offset": -1}, {"limit": 0}, {"limit": 1_048_577}, {"offset": "x"}):
            r = await http.get(f"/api/agents/{agent_id}/output", params=bad)
            assert r.status_code == 422, (bad, r.text)
        await asyncio.to_thread(Path(agent_daemon.data_dir, "agents", f"{agent_id}.log").unlink)
        r = await http.get(f"/api/agents/{agent_id}/output")
        assert r.status_code == 404 and "is gone" in r.json()["error"]["message"]
