"""A real ``tidewire serve`` subprocess for tests: free loopback port, temporary data dir.

Typical use (through the ``daemon`` / ``daemon_factory`` fixtures in tests/conftest.py)::

    async def test_x(daemon):
        seq = await daemon.aemit("task.created", data)      # POST /api/test-events
        async with ws_connect(daemon) as ws: ...

``start()`` waits until ``/api/health`` answers; ``stop()`` sends SIGTERM and waits;
``kill()`` sends SIGKILL; ``restart()`` stops and starts again on the same port and data dir.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DaemonError(RuntimeError):
    pass


class Daemon:
    def __init__(
        self,
        data_dir: Path,
        args: list[str] | None = None,
        *,
        test_events: bool = True,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.args = list(args or [])
        self.test_events = test_events
        self.env = env or {}
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir.parent / f"{data_dir.name}-daemon.log"
        self.token: str | None = self._arg_value("--token")

    def _arg_value(self, flag: str) -> str | None:
        if flag in self.args:
            i = self.args.index(flag)
            return self.args[i + 1] if i + 1 < len(self.args) else None
        return None

    # -- addresses -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    # -- lifecycle -------------------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "tidewire",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        if self.test_events:
            cmd.append("--allow-test-events")
        return cmd + self.args

    def spawn(self) -> subprocess.Popen[bytes]:
        """Start the process without waiting for it to be ready (for tests of start-up failures)."""
        env = {**os.environ, **self.env}
        for inherited in ("TIDEWIRE_TOKEN", "TIDEWIRE_CONFIG", "TIDEWIRE_DATA_DIR"):
            if inherited not in self.env:
                env.pop(inherited, None)  # the test's own settings only
        log = self.log_path.open("ab")
        try:
            return subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
            )
        finally:
            log.close()

    def start(self) -> Daemon:
        if self.proc is not None and self.proc.poll() is None:
            raise DaemonError("already running")
        for _attempt in range(3):
            self.proc = self.spawn()
            if self._wait_ready():
                return self
            if "address already in use" in self.log().lower() and self.proc.poll() is not None:
                self.port = free_port()  # another test took the port between probe and bind
                continue
            break
        raise DaemonError(
            f"daemon did not start (exit {self.proc.poll() if self.proc else None}):\n{self.log()}"
        )

    def _wait_ready(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = httpx.get(f"{self.base_url}/api/health", headers=self.auth_headers, timeout=2.0)
                if r.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        return False

    def stop(self) -> int | None:
        """SIGTERM and wait; returns the exit code (None if it was not running)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise DaemonError(f"daemon ignored SIGTERM:\n{self.log()}") from None
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> Daemon:
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # -- REST helpers ----------------------------------------------------------------------

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.get(
            self.base_url + path, headers={**self.auth_headers, **kw.pop("headers", {})}, timeout=30.0, **kw
        )

    def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return httpx.post(
            self.base_url + path,
            json=json,
            headers={**self.auth_headers, **kw.pop("headers", {})},
            timeout=30.0,
            **kw,
        )

    def health(self) -> dict[str, Any]:
        r = self.get("/api/health")
        r.raise_for_status()
        body: dict[str, Any] = r.json()
        return body

    def emit(self, type_: str, data: dict[str, Any]) -> int:
        """Commit one event through ``POST /api/test-events``; returns its seq."""
        r = self.post("/api/test-events", {"type": type_, "data": data})
        if r.status_code != 201:
            raise DaemonError(f"test event refused: {r.status_code} {r.text}")
        return int(r.json()["seq"])

    def emit_many(self, events: list[tuple[str, dict[str, Any]]]) -> list[int]:
        r = self.post("/api/test-events", {"events": [{"type": t, "data": d} for t, d in events]})
        if r.status_code != 201:
            raise DaemonError(f"test events refused: {r.status_code} {r.text}")
        return [int(s) for s in r.json()["seqs"]]

    async def aemit(self, type_: str, data: dict[str, Any]) -> int:
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.auth_headers, timeout=30.0) as c:
            r = await c.post("/api/test-events", json={"type": type_, "data": data})
        if r.status_code != 201:
            raise DaemonError(f"test event refused: {r.status_code} {r.text}")
        return int(r.json()["seq"])
