"""Socket limits against a real daemon: the connection cap."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
import websockets
from support import Daemon, ws_connect
from support.ws import TapSocket
from tidewire.config import load_settings
from tidewire.serve import FD_RESERVE, fit_connections


@asynccontextmanager
async def _sockets(daemon: Daemon, n: int) -> AsyncIterator[list[TapSocket]]:
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(ws_connect(daemon)) for _ in range(n)]


async def _refused(daemon: Daemon) -> websockets.InvalidStatus:
    with pytest.raises(websockets.InvalidStatus) as info:
        async with ws_connect(daemon):
            pass
    return info.value


async def _connect_when_a_place_frees(daemon: Daemon, within_s: float = 10.0) -> None:
    """The daemon frees a place once it has seen the close; until then it refuses."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while True:
        try:
            async with ws_connect(daemon) as ws:
                assert (await ws.ping())["type"] == "pong"
                return
        except websockets.InvalidStatus:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


async def test_sockets_past_the_cap_get_a_503_with_the_rest_error_body(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--max-connections", "3")
    async with _sockets(daemon, 3) as held:
        refusal = await _refused(daemon)
        assert refusal.response.status_code == 503
        assert refusal.response.headers["content-type"] == "application/json"
        body = json.loads(refusal.response.body)
        assert body["error"]["code"] == "too_many_connections"
        assert "3" in body["error"]["message"]
        # REST and the sockets already open are untouched.
        assert daemon.health()["status"] == "ok"
        assert daemon.post("/api/tasks", {"title": "while full"}).status_code == 201
        for ws in held:
            assert (await ws.ping())["type"] == "pong"
        # A cross-site handshake is still told why it is refused, full or not.
        with pytest.raises(websockets.InvalidStatus) as info:
            async with ws_connect(daemon, origin="http://evil.example"):
                pass
        assert info.value.response.status_code == 403
        await held[0].close()
        await _connect_when_a_place_frees(daemon)


async def test_refused_handshakes_take_no_place(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--max-connections", "2")
    async with _sockets(daemon, 2):
        for _ in range(20):
            assert (await _refused(daemon)).response.status_code == 503
    # Every place came back: the full count fits again, and one more does not.
    for _ in range(50):
        try:
            async with _sockets(daemon, 2) as again:
                assert len(again) == 2
                assert (await _refused(daemon)).response.status_code == 503
            break
        except websockets.InvalidStatus:
            await asyncio.sleep(0.05)
    else:
        pytest.fail("the places of closed sockets never came back")


async def test_a_bad_token_handshake_gives_its_place_back(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--max-connections", "1", "--token", "right")
    for _ in range(5):
        async with ws_connect(daemon, token="wrong", read_welcome=False) as ws:
            assert await ws.expect_closed() == 1008
    await _connect_when_a_place_frees(daemon)


def test_the_cap_comes_from_the_config_file_env_and_flag(tmp_path: Path) -> None:
    config = tmp_path / "tidewire.toml"
    config.write_text("[server]\nmax_connections = 7\n")
    assert load_settings({"config_file": str(config)}, env={}).max_connections == 7
    env = {"TIDEWIRE_MAX_CONNECTIONS": "8"}
    assert load_settings({"config_file": str(config)}, env=env).max_connections == 8
    assert load_settings({"max_connections": 9}, env=env).max_connections == 9
    assert load_settings({}, env={}).max_connections == 1000


def test_the_cap_stays_below_the_open_file_limit() -> None:
    settings = load_settings({"max_connections": 5000}, env={})
    assert fit_connections(settings, 512).max_connections == 512 - FD_RESERVE
    assert fit_connections(settings, 100_000) is settings
    assert fit_connections(settings, -1) is settings  # unlimited


def test_a_zero_cap_is_refused_at_start(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--max-connections", "0", start=False)
    proc = daemon.spawn()
    assert proc.wait(30) == 2
    assert "max_connections must be at least 1" in daemon.log()
