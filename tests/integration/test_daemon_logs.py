"""What a real daemon writes to its log: never the token, and not a traceback per failed accept
when descriptors run out; and it raises its own open-file limit at start."""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from support import Daemon, ws_connect
from tidewire.logs import AcceptErrorThrottle, redact

TOKEN = "s3cret-Token-9f2c"


async def test_the_token_never_reaches_the_log_at_info(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--token", TOKEN, "--log-level", "info")
    async with httpx.AsyncClient(base_url=daemon.base_url) as http:
        assert (await http.get("/api/health?token=wrong-guess-77&x=1")).status_code == 401
        assert (await http.get(f"/api/health?token={TOKEN}")).status_code == 200  # sets the cookie
        assert (await http.get(f"/?token={TOKEN}")).status_code == 200
        # A browser navigation: the cookie, and a redirect that drops the token from the URL.
        nav = await http.get(f"/?token={TOKEN}", headers={"Accept": "text/html"})
        assert nav.status_code == 303 and nav.headers["location"] == "/"
    async with ws_connect(daemon, token="", query_token=TOKEN) as ws:
        assert ws.welcome["type"] == "welcome"
    async with ws_connect(daemon, token="", query_token="wrong-guess-78", read_welcome=False) as ws:
        assert await ws.expect_closed() == 1008
    await asyncio.sleep(0.3)  # let the access log lines land
    output = daemon.log().splitlines()
    # The ready line is the one place the token is printed: the URL the person who started the
    # daemon opens. Every log line (the rest of the output) is redacted.
    ready = [line for line in output if line.startswith("tidewire ready:")]
    assert len(ready) == 1 and f"?token={TOKEN} " in ready[0], ready
    log = "\n".join(line for line in output if not line.startswith("tidewire ready:"))
    assert "GET /api/health?token=***" in log and "/ws?token=***" in log, log[-2000:]
    for secret in (TOKEN, "wrong-guess-77", "wrong-guess-78"):
        assert secret not in log, secret


def test_redaction_covers_query_forms_and_the_token_itself() -> None:
    line = '"GET /api/x?a=1&token=abc HTTP/1.1" 200'
    assert redact(line, None) == '"GET /api/x?a=1&token=*** HTTP/1.1" 200'
    assert redact("/ws?TOKEN=abc;x", None) == "/ws?TOKEN=***;x"
    assert redact("next=%2F%3Ftoken%3Dabc", None) == "next=%2F%3Ftoken%3D***"
    assert redact("Authorization: Bearer s3", "s3") == "Authorization: Bearer ***"
    assert redact("tokens=5 mytoken_count", None) == "tokens=5 mytoken_count"


def _spawn_with_nofile(daemon: Daemon, soft: int, hard: int) -> subprocess.Popen[bytes]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    log = daemon.log_path.open("ab")
    try:
        return subprocess.Popen(
            daemon.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=limit
        )
    finally:
        log.close()


def _wait_healthy(daemon: Daemon, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert daemon.proc is not None and daemon.proc.poll() is None, daemon.log()
        try:
            if httpx.get(f"{daemon.base_url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"daemon did not become ready:\n{daemon.log()}")


def _soft_nofile(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no open-files line")


def test_the_soft_open_file_limit_is_raised_to_the_hard_limit(daemon_factory: Callable[..., Daemon]) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, 4096) if hard != resource.RLIM_INFINITY else 4096
    daemon = daemon_factory("--log-level", "info", start=False)
    daemon.proc = _spawn_with_nofile(daemon, 256, target)
    _wait_healthy(daemon)
    assert _soft_nofile(daemon.proc.pid) == target
    assert f"open-file limit raised from 256 to {target}" in daemon.log()


def test_running_out_of_descriptors_logs_one_line_per_interval(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(start=False)
    daemon.proc = _spawn_with_nofile(daemon, 100, 100)  # hard limit too: nothing to raise to
    _wait_healthy(daemon)
    held: list[socket.socket] = []
    try:
        for _ in range(300):  # the listener's backlog takes what the daemon cannot accept
            held.append(socket.create_connection(("127.0.0.1", daemon.port), timeout=5))
        time.sleep(3)
    finally:
        for sock in held:
            sock.close()
    _wait_healthy(daemon, timeout=30)
    log = daemon.log()
    lines = [line for line in log.splitlines() if "out of system resource" in line]
    assert 1 <= len(lines) <= 2, len(lines)
    assert "Too many open files" in lines[0]
    assert "Traceback" not in log and len(log) < 20_000, len(log)


def test_the_throttle_counts_what_it_held_back() -> None:
    now = [0.0]
    throttle = AcceptErrorThrottle(interval=10, clock=lambda: now[0])
    logger = logging.getLogger("test.accept")

    def record() -> logging.LogRecord:
        try:
            raise OSError(24, "Too many open files")
        except OSError as exc:
            return logger.makeRecord(
                "asyncio",
                logging.ERROR,
                __file__,
                1,
                "socket.accept() out of system resource\nsocket: s",
                (),
                (type(exc), exc, exc.__traceback__),
            )

    assert throttle.filter(record())
    assert not any(throttle.filter(record()) for _ in range(50))
    now[0] = 10.5
    shown = record()
    assert throttle.filter(shown)
    assert "50 more since the last report" in shown.getMessage() and shown.exc_info is None
    other = logger.makeRecord("asyncio", logging.ERROR, __file__, 1, "something else", (), None)
    assert throttle.filter(other)
