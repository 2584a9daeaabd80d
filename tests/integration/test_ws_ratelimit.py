"""The inbound rate limit against a real daemon: a flooding socket is refused, then closed,
and everyone else keeps being answered meanwhile."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from support import Daemon, ws_connect
from tidewire.config import load_settings

PING = json.dumps({"type": "ping", "id": "flood"})


@dataclass
class FloodResult:
    started: threading.Event = field(default_factory=threading.Event)
    refused: threading.Event = field(default_factory=threading.Event)
    sent: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    flood_began_at: float = 0.0
    first_refusal_at: float | None = None
    closed_at: float | None = None
    close_code: int | None = None
    close_reason: str | None = None


def _flood(daemon: Daemon, out: FloodResult, stop: threading.Event) -> None:
    """Send pings as fast as the socket takes them, on a loop and thread of its own, so the
    flood does not slow the test's own clients down."""

    async def main() -> None:
        async with ws_connect(daemon) as ws:

            async def read() -> None:
                try:
                    while True:
                        frame = await ws.recv(60)
                        out.frames.append(frame)
                        if frame["type"] == "error" and out.first_refusal_at is None:
                            out.first_refusal_at = time.monotonic()
                            out.refused.set()
                except websockets.ConnectionClosed as exc:
                    out.closed_at = time.monotonic()
                    if exc.rcvd is not None:
                        out.close_code, out.close_reason = exc.rcvd.code, exc.rcvd.reason

            reader = asyncio.create_task(read())
            out.flood_began_at = time.monotonic()
            out.started.set()
            try:
                while not stop.is_set():
                    for _ in range(100):
                        await ws.send_text(PING)
                        out.sent += 1
                    await asyncio.sleep(0)  # let the reader in
            except websockets.ConnectionClosed:
                pass
            await asyncio.wait_for(reader, 30)

    asyncio.run(main())


async def test_a_flooding_socket_is_refused_then_closed_while_others_are_answered(
    daemon: Daemon,
) -> None:
    out, stop = FloodResult(), threading.Event()
    flooder = threading.Thread(target=_flood, args=(daemon, out, stop), daemon=True)
    async with ws_connect(daemon) as quiet, httpx.AsyncClient(base_url=daemon.base_url, timeout=5) as http:
        flooder.start()
        try:
            assert await asyncio.to_thread(out.refused.wait, 30), "the flood was never refused"
            # While the flood goes on: the other socket and REST answer (no timing beyond "at all").
            for i in range(5):
                assert (await asyncio.wait_for(quiet.ping(id=i), 5))["id"] == i
                assert (await http.get("/api/health")).status_code == 200
            await asyncio.to_thread(flooder.join, 30)
        finally:
            stop.set()
            await asyncio.to_thread(flooder.join, 30)
        assert not flooder.is_alive()
        assert (await quiet.ping(id="after"))["type"] == "pong"

    assert out.close_code == 1008
    assert out.close_reason == "rate limit exceeded"
    assert out.first_refusal_at is not None and out.closed_at is not None
    # Closed 2 s after the first refusal, which came after the flood began: not at once, not never.
    # (The client reads its pongs late, so when it saw the refusal is no clock for this.)
    assert 2 <= out.closed_at - out.flood_began_at < 20
    errors = [f for f in out.frames if f["type"] == "error"]
    assert {f["code"] for f in errors} == {"rate_limited"}
    # One error a second at most, not one per refused frame.
    assert len(errors) <= 1 + (out.closed_at - out.flood_began_at)
    pongs = sum(1 for f in out.frames if f["type"] == "pong")
    assert pongs < out.sent  # frames over the limit were dropped unanswered
    assert pongs >= 1000  # the burst was answered in full


async def test_the_limit_comes_from_the_flags(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--ws-rate", "5", "--ws-burst", "3")
    async with ws_connect(daemon) as ws:
        for i in range(4):
            await ws.send_json({"type": "ping", "id": i})
        frames = [await ws.recv() for _ in range(4)]
        assert [f["type"] for f in frames] == ["pong", "pong", "pong", "error"]
        assert frames[3]["code"] == "rate_limited"
        assert "5 frames/s" in frames[3]["message"]
        await asyncio.sleep(1.2)  # the bucket refills and the spell is over
        assert (await ws.ping(id="again"))["id"] == "again"


async def test_binary_frames_count_against_the_limit(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--ws-rate", "1", "--ws-burst", "2")
    async with ws_connect(daemon) as ws:
        for _ in range(3):
            await ws.conn.send(b"\x00")
        frames = [await ws.recv() for _ in range(3)]
        assert [f["code"] for f in frames] == ["invalid_json", "invalid_json", "rate_limited"]


def test_the_limit_comes_from_the_config_file_and_env(tmp_path: Path) -> None:
    config = tmp_path / "tidewire.toml"
    config.write_text("[server]\nws_rate = 7\nws_burst = 70\n")
    settings = load_settings({"config_file": str(config)}, env={})
    assert (settings.ws_rate, settings.ws_burst) == (7, 70)
    env = {"TIDEWIRE_WS_RATE": "8", "TIDEWIRE_WS_BURST": "80"}
    settings = load_settings({"config_file": str(config)}, env=env)
    assert (settings.ws_rate, settings.ws_burst) == (8, 80)
    assert load_settings({"ws_rate": 9}, env=env).ws_rate == 9
    defaults = load_settings({}, env={})
    assert (defaults.ws_rate, defaults.ws_burst) == (500, 1000)


@pytest.mark.parametrize("flag", ["--ws-rate", "--ws-burst"])
def test_a_zero_limit_is_refused_at_start(daemon_factory: Callable[..., Daemon], flag: str) -> None:
    daemon = daemon_factory(flag, "0", start=False)
    assert daemon.spawn().wait(30) == 2
    assert "must be at least 1" in daemon.log()
