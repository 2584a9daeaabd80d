"""A daemon stops on SIGTERM whatever its downstream MCP servers are doing: answering nothing,
mid-handshake, between retries, or being added and refused many times over."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fixtures.sources_support import write_config
from support import Daemon

pytestmark = pytest.mark.daemon

SILENT_STDIO = "import sys, time\nsys.stdin.read(1)\ntime.sleep(3600)\n"


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port that accepts connections and never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("settle_s", [0.0, 0.3, 1.5])
async def test_sigterm_stops_the_daemon_with_servers_that_never_answer(
    daemon_factory: Callable[..., Daemon], tmp_path: Path, black_hole: int, settle_s: float
) -> None:
    silent = tmp_path / "silent_mcp.py"
    silent.write_text(SILENT_STDIO)
    config = write_config(
        tmp_path / "tidewire.toml",
        {"mcp": {"backoff_base_seconds": 0.05, "backoff_max_seconds": 0.2, "connect_timeout_seconds": 0.5}},
        {
            "mcp_servers": [
                {"name": "silent", "command": sys.executable, "args": [str(silent)]},
                {"name": "hole", "url": f"http://127.0.0.1:{black_hole}/mcp"},
            ]
        },
    )
    daemon = daemon_factory("--config", str(config))
    async with httpx.AsyncClient(base_url=daemon.base_url, timeout=30) as http:
        # Servers added at run time too, some of them refused at once (no such command).
        for n in range(6):
            body = {"name": f"gone{n}", "command": str(tmp_path / "no-such-command")}
            assert (await http.post("/api/mcp-servers", json=body)).status_code == 201
            body = {"name": f"hole{n}", "url": f"http://127.0.0.1:{black_hole}/mcp"}
            assert (await http.post("/api/mcp-servers", json=body)).status_code == 201
    await asyncio.sleep(settle_s)
    started = time.monotonic()
    # Daemon.stop raises if the process is still running STOP_TIMEOUT_S after SIGTERM.
    assert daemon.stop() == 0, daemon.log()
    assert "Traceback" not in daemon.log(), daemon.log()
    print(f"stopped in {time.monotonic() - started:.2f}s")
