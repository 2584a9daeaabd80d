"""Transcripts a hook names cannot hang, starve or flood the daemon: FIFOs, foreign paths, huge lines."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import Daemon, ws_connect

pytestmark = pytest.mark.daemon

# A bound on how long SIGTERM may take to end the daemon (a failure bound, not a timing check).
EXIT_WITHIN_S = 20.0


def _line(text: str) -> bytes:
    record = {"type": "user", "message": {"role": "user", "content": text}}
    return (json.dumps(record) + "\n").encode()


def _start(session_id: str, transcript: Path, cwd: Path) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "hook_event_name": "SessionStart",
        "transcript_path": str(transcript),
        "cwd": str(cwd),
    }


async def _texts(ws: Any, n: int) -> list[tuple[str, int, str]]:
    events = await ws.recv_events(n)
    assert all(e["type"] == "session.message" for e in events), events
    return [(e["data"]["session_id"], e["data"]["index"], e["data"]["content"][0]["text"]) for e in events]


async def test_a_fifo_transcript_is_refused_and_blocks_neither_others_nor_shutdown(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    root = tmp_path / "transcripts"
    root.mkdir()
    fifo = root / "fifo.jsonl"
    os.mkfifo(fifo)
    (root / "link.jsonl").symlink_to(fifo)
    good = root / "good.jsonl"
    good.touch()
    daemon = daemon_factory("--transcript-root", str(root))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        await ws.subscribe(["session.message"])
        r = await http.post("/api/hooks/claude", json=_start("fifo", fifo, tmp_path))
        assert r.status_code == 200, r.text
        assert "FIFO" in r.json()["notes"][0] and "not followed" in r.json()["notes"][0]
        r = await http.post("/api/hooks/claude", json=_start("link", root / "link.jsonl", tmp_path))
        assert r.status_code == 200 and "FIFO" in r.json()["notes"][0]
        r = await http.post("/api/hooks/claude", json=_start("good", good, tmp_path))
        assert r.status_code == 200 and "notes" not in r.json()
        good.write_bytes(_line("one") + _line("two"))
        await http.post(
            "/api/hooks/claude", json={**_start("good", good, tmp_path), "hook_event_name": "Stop"}
        )
        assert await _texts(ws, 2) == [("good", 0, "one"), ("good", 1, "two")]
        # The follower keeps passing over the FIFO (it is never opened for a blocking read):
        # a later line of the good session still arrives.
        with good.open("ab") as f:
            f.write(_line("three"))
        assert await _texts(ws, 1) == [("good", 2, "three")]
        assert (await http.get("/api/sessions/fifo")).json()["message_count"] == 0
    assert "session fifo: transcript not followed" in daemon.log()
    assert daemon.log().count("session fifo: transcript not followed") == 1  # logged once, not per pass

    assert daemon.proc is not None
    daemon.proc.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.to_thread(daemon.proc.wait, EXIT_WITHIN_S)
    except subprocess.TimeoutExpired:
        daemon.kill()
        raise AssertionError(f"the daemon did not exit on SIGTERM:\n{daemon.log()}") from None
    assert code == 0
    # The data-dir lock went with the process: another daemon starts on the same directory.
    again = daemon_factory("--transcript-root", str(root), data_dir=daemon.data_dir)
    assert again.health()["status"] == "ok"


async def test_a_transcript_outside_the_transcript_directories_is_not_read(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    root = tmp_path / "transcripts"
    root.mkdir()
    outside = tmp_path / "elsewhere" / "secret.jsonl"
    outside.parent.mkdir()
    outside.write_bytes(_line("private"))
    (root / "escape.jsonl").symlink_to(outside)  # a link inside the root to a file outside it
    mine = root / "mine.jsonl"
    daemon = daemon_factory("--transcript-root", str(root))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        await ws.subscribe(["session.message"])
        for sid, path in (("out", outside), ("esc", root / "escape.jsonl")):
            # The session's own cwd does not widen what is read: a hook names both.
            r = await http.post("/api/hooks/claude", json=_start(sid, path, outside.parent))
            assert r.status_code == 200
            assert "outside the directories transcripts are read from" in r.json()["notes"][0]
        mine.write_bytes(_line("mine"))
        r = await http.post("/api/hooks/claude", json=_start("mine", mine, tmp_path))
        assert "notes" not in r.json()
        assert await _texts(ws, 1) == [("mine", 0, "mine")]
        for sid in ("out", "esc"):
            assert (await http.get(f"/api/sessions/{sid}")).json()["message_count"] == 0


async def test_an_oversized_line_is_skipped_and_the_lines_after_it_are_read(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    root = tmp_path / "transcripts"
    root.mkdir()
    transcript = root / "big.jsonl"
    transcript.touch()
    daemon = daemon_factory("--transcript-root", str(root), "--transcript-max-line-bytes", "4096")
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        await ws.subscribe(["session.message"])
        await http.post("/api/hooks/claude", json=_start("big", transcript, tmp_path))
        with transcript.open("ab") as f:
            f.write(_line("before"))
            f.write(_line("x" * 10_000))  # a whole record over the cap
            f.write(b"y" * 3_000_000)  # a line still being written, with no newline yet
            f.flush()
            deadline = time.monotonic() + 60
            # Both long lines are noted (the second while it is still unfinished) before it ends.
            while daemon.log().count("is longer than 4096 bytes") < 2:
                assert time.monotonic() < deadline, daemon.log()
                await asyncio.sleep(0.1)
            f.write(b"y" * 1000 + b"\n" + _line("after"))
        assert await _texts(ws, 2) == [("big", 0, "before"), ("big", 1, "after")]
    assert daemon.log().count("is longer than 4096 bytes; it is skipped") == 2


async def test_a_huge_backlog_in_one_transcript_does_not_hold_up_the_others(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    root = tmp_path / "transcripts"
    root.mkdir()
    backlog, small = root / "backlog.jsonl", root / "small.jsonl"
    backlog.write_bytes(b"".join(_line(f"m{i}") for i in range(12_000)))
    small.write_bytes(_line("hello"))
    daemon = daemon_factory("--transcript-root", str(root))
    async with ws_connect(daemon) as ws, httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        await ws.subscribe(["session.message:session_id=small"])
        await http.post("/api/hooks/claude", json=_start("backlog", backlog, tmp_path))
        await http.post("/api/hooks/claude", json=_start("small", small, tmp_path))
        assert await _texts(ws, 1) == [("small", 0, "hello")]
        # The small session was read while the backlog was still being taken in.
        assert (await http.get("/api/sessions/backlog")).json()["message_count"] < 12_000
        # And the backlog is taken in whole, in later passes.
        for _ in range(600):
            if (await http.get("/api/sessions/backlog")).json()["message_count"] == 12_000:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the backlog was never read to its end")
