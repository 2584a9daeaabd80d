"""`tidewire serve` says once, at the default log level, where it is and what it uses."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from support.daemon import free_port

READY_TIMEOUT_S = 60.0


def _serve_until_ready(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str, int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tidewire", "serve", "--port", str(port), "--data-dir", str(data_dir), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        if line.startswith("tidewire ready:"):
            return proc, line.strip(), port
    proc.kill()
    raise AssertionError(f"no ready line (exit {proc.wait()})")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    finally:
        proc.kill()


def test_ready_line_names_url_data_dir_and_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    proc, line, port = _serve_until_ready(data_dir)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert url in line
        assert f"data dir {data_dir}" in line
        assert f"store sqlite {data_dir / 'tidewire.db'}" in line
        assert "token=" not in line
        # Printed once the socket listens: the URL answers at once.
        assert httpx.get(url + "api/health", timeout=5).status_code == 200
    finally:
        _stop(proc)


def test_ready_line_carries_the_token(tmp_path: Path) -> None:
    proc, line, port = _serve_until_ready(tmp_path / "data", "--token", "s3cret-Tok")
    try:
        url = f"http://127.0.0.1:{port}/?token=s3cret-Tok"
        assert url in line  # the log redaction does not touch this line
        assert httpx.get(url, timeout=5, headers={"accept": "application/json"}).status_code in (200, 303)
    finally:
        _stop(proc)
