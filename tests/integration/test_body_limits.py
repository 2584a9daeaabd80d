"""Request bodies have one streaming size limit (hooks their own, larger): 413 with the JSON error
shape, decided from Content-Length before anything is read, or as soon as the counted bytes pass
the limit, so an oversized body never sits in the daemon's memory."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import pytest
from support import Daemon
from tidewire.config import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HOOK_BODY_BYTES, load_settings

SMALL = 64 * 1024
HOOKS = 256 * 1024
LIMIT_ARGS = ("--max-body-bytes", str(SMALL), "--max-hook-body-bytes", str(HOOKS))


def _read_response(sock: socket.socket, timeout: float = 20.0) -> tuple[int, dict[str, str], bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    want = int(headers.get("content-length", "0"))
    while len(body) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def _request_head(daemon: Daemon, path: str, extra: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def _assert_too_large(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413, (status, body[:200])
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and "limit" in error["message"], error
    assert "x-tidewire-seq" in headers


def _rss(daemon: Daemon) -> int:
    assert daemon.proc is not None
    return int(psutil.Process(daemon.proc.pid).memory_info().rss)


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(daemon: Daemon) -> None:
    # 300 MB announced, nothing sent: the answer comes from the headers alone.
    with socket.create_connection(("127.0.0.1", daemon.port)) as sock:
        sock.sendall(_request_head(daemon, "/api/tasks", f"Content-Length: {300 * 1024 * 1024}\r\n"))
        _assert_too_large(*_read_response(sock))
    assert daemon.health()["status"] == "ok"


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(*LIMIT_ARGS)
    before = _rss(daemon)
    chunk = b"x" * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", daemon.port)) as sock:
        sock.sendall(_request_head(daemon, "/api/tasks", "Transfer-Encoding: chunked\r\n"))
        # Without a limit the daemon would wait for the end of the body (which never comes here):
        # the reply must arrive while the client is still sending.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sent < 512 * 1024 * 1024:
            readable, writable, _ = select.select([sock], [sock], [], 1.0)
            if readable:
                break
            if writable:
                try:
                    sock.send(framed)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(chunk)
        _assert_too_large(*_read_response(sock))
    assert sent < 256 * 1024 * 1024, sent
    assert _rss(daemon) - before < 64 * 1024 * 1024
    assert daemon.health()["status"] == "ok"


def test_a_body_at_the_limit_is_accepted_and_one_byte_more_is_not(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory(*LIMIT_ARGS)
    prefix, suffix = b'{"title": "t", "description": "', b'"}'
    fits = prefix + b"t" * (SMALL - len(prefix) - len(suffix)) + suffix
    assert len(fits) == SMALL
    r = daemon.post("/api/tasks", content=fits, headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    over = prefix + b"t" * (SMALL + 1 - len(prefix) - len(suffix)) + suffix
    r = daemon.post("/api/tasks", content=over, headers={"Content-Type": "application/json"})
    _assert_too_large(r.status_code, dict(r.headers), r.content)


def test_hooks_have_their_own_larger_limit(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(*LIMIT_ARGS)
    payload = {
        "session_id": "big-hook",
        "hook_event_name": "UserPromptSubmit",
        "cwd": "/tmp",
        "prompt": "p" * (SMALL * 2),
    }
    r = daemon.post("/api/hooks/claude", payload)
    assert r.status_code == 200, r.text
    payload["prompt"] = "p" * (HOOKS + 1)
    r = daemon.post("/api/hooks/claude", payload)
    _assert_too_large(r.status_code, dict(r.headers), r.content)


def test_mcp_shares_the_limit_and_the_error_shape(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(*LIMIT_ARGS)
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"pad": "p" * (SMALL + 1)}}
    r = daemon.post("/mcp", call, headers={"Accept": "application/json, text/event-stream"})
    _assert_too_large(r.status_code, dict(r.headers), r.content)


def test_limits_come_from_flags_env_and_config(tmp_path: Path) -> None:
    assert DEFAULT_MAX_BODY_BYTES == 4 * 1024 * 1024 and DEFAULT_MAX_HOOK_BODY_BYTES == 16 * 1024 * 1024
    config = tmp_path / "c.toml"
    config.write_text("[server]\nmax_body_bytes = 2048\nmax_hook_body_bytes = 4096\n")
    settings = load_settings({"config_file": str(config)}, env={})
    assert (settings.max_body_bytes, settings.max_hook_body_bytes) == (2048, 4096)
    settings = load_settings({}, env={"TIDEWIRE_MAX_BODY_BYTES": "8192"})
    assert settings.max_body_bytes == 8192
    settings = load_settings({"max_hook_body_bytes": 10_000}, env={"TIDEWIRE_MAX_HOOK_BODY_BYTES": "8192"})
    assert settings.max_hook_body_bytes == 10_000
    from tidewire.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="max_body_bytes"):
        load_settings({"max_body_bytes": 10}, env={})


def test_a_body_refused_by_the_guard_is_not_read(daemon: Daemon) -> None:
    # The Host check answers before any limit: a foreign page learns nothing about the limits.
    r = httpx.post(
        f"{daemon.base_url}/api/tasks", content=b"x" * 1024, headers={"Host": "evil.example"}, timeout=10
    )
    assert r.status_code == 403
