"""``tidewire serve``: run the daemon on one port until SIGTERM / Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import uvicorn

from .config import Settings, load_settings
from .errors import DomainError
from .lockfile import AlreadyRunning, DataDirLock
from .logs import install_accept_error_throttle, install_token_redaction
from .rlimits import raise_nofile_limit
from .store.errors import EXIT_CHECKPOINT_FAILED, StoreStartError
from .store.startup import open_daemon_store
from .ws import Hub
from .ws.direct import DirectWriteWebSocketProtocol

# Descriptors kept free of sockets: the database and its WAL, REST requests, hooks, agent pipes.
FD_RESERVE = 256


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser("serve", help="run the daemon")
    p.add_argument("--host", help="bind address (default 127.0.0.1; beyond loopback needs --token)")
    p.add_argument("--port", type=int, help="port (default 8787)")
    p.add_argument("--data-dir", dest="data_dir", help="data directory (default ~/.local/share/tidewire)")
    p.add_argument("--config", dest="config_file", help="TOML config file")
    p.add_argument(
        "--allow-origin",
        dest="allow_origins",
        action="append",
        metavar="ORIGIN",
        help="another browser origin allowed to use the socket and API (repeatable)",
    )
    p.add_argument(
        "--allow-host",
        dest="allow_hosts",
        action="append",
        metavar="HOST",
        help="another Host name this daemon answers to (repeatable)",
    )
    p.add_argument("--token", help="require this token (env TIDEWIRE_TOKEN); needed beyond loopback")
    p.add_argument(
        "--store",
        metavar="URL",
        help="a postgresql:// database several daemons share (default: the SQLite file in the data dir)",
    )
    p.add_argument(
        "--node-id",
        dest="node_id",
        metavar="ID",
        help="this daemon's name among those sharing a database (default: kept in the data dir)",
    )
    p.add_argument(
        "--lease-ms",
        dest="lease_ms",
        type=int,
        help="how long a node's lease on a shared database lasts unrenewed (default 15000)",
    )
    p.add_argument("--retain", type=int, help="events kept for resume (default 10000)")
    p.add_argument(
        "--max-lag",
        dest="max_lag",
        type=int,
        help="events for a socket committed while it reads nothing before resync overflow (default: retain)",
    )
    p.add_argument("--heartbeat-ms", dest="heartbeat_ms", type=int, help="socket heartbeat (default 30000)")
    p.add_argument("--max-frame-bytes", dest="max_frame_bytes", type=int, help="largest client frame (1 MiB)")
    p.add_argument(
        "--max-body-bytes", dest="max_body_bytes", type=int, help="largest HTTP request body (4 MiB)"
    )
    p.add_argument(
        "--max-hook-body-bytes",
        dest="max_hook_body_bytes",
        type=int,
        help="largest hook payload, POST /api/hooks/* (16 MiB)",
    )
    p.add_argument(
        "--max-connections",
        dest="max_connections",
        type=int,
        help="open sockets at once; more are refused with HTTP 503 (default 1000)",
    )
    p.add_argument(
        "--ws-rate",
        dest="ws_rate",
        type=int,
        help="frames per second one socket may send, sustained (default 500)",
    )
    p.add_argument(
        "--ws-burst",
        dest="ws_burst",
        type=int,
        help="frames one socket may send at once after a quiet spell (default 1000)",
    )
    p.add_argument(
        "--synchronous",
        choices=("full", "normal"),
        help="SQLite durability (default full; normal survives a crash, not a power cut)",
    )
    p.add_argument(
        "--allow-test-events",
        dest="allow_test_events",
        action="store_true",
        default=None,
        help="enable POST /api/test-events, for client authors testing their clients",
    )
    p.add_argument(
        "--transcript-root",
        dest="transcript_roots",
        action="append",
        metavar="DIR",
        help="another directory hook-named transcripts may be read from (repeatable)",
    )
    p.add_argument(
        "--transcript-max-line-bytes",
        dest="transcript_max_line_bytes",
        type=int,
        help="longest transcript line read (default 8 MiB); longer lines are skipped",
    )
    p.add_argument(
        "--allow-reinit",
        dest="allow_reinit",
        action="store_true",
        default=None,
        help="start a new, empty database even though the data directory was in use (once, on purpose)",
    )
    p.add_argument(
        "--idempotency-ttl",
        dest="idempotency_ttl",
        type=int,
        metavar="SECONDS",
        help="how long an Idempotency-Key and its reply are kept (default 86400)",
    )
    p.add_argument("--log-level", dest="log_level", default="warning", help="uvicorn log level")
    p.set_defaults(func=run)


def ready_url(host: str, port: int, token: str | None) -> str:
    """The address a person opens: a wildcard bind is reached on loopback; the token rides along."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    query = f"?token={quote(token, safe='')}" if token else ""
    return f"http://{shown}:{port}/{query}"


def ready_line(settings: Settings, port: int, node_id: str = "") -> str:
    node = f", node {node_id}" if node_id else ""
    return (
        f"tidewire ready: {ready_url(settings.host, port, settings.token)} "
        f"(data dir {settings.data_dir}, store {settings.store_label}{node})"
    )


class _Server(uvicorn.Server):
    """Closes sockets with 1001 (going away) before uvicorn's own shutdown would send 1012;
    prints the ready line once it listens."""

    hub: Hub | None = None
    settings: Settings | None = None
    node_id: str = ""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started or self.should_exit or self.settings is None:
            return
        port = self.settings.port
        for server in self.servers:
            for sock in server.sockets:
                port = int(sock.getsockname()[1])
                break
        # Written straight to stderr, not logged: the log redacts tokens, and this one line is
        # where the person who started the daemon learns the URL to open (with its token).
        print(ready_line(self.settings, port, self.node_id), file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises the caught signal after shutting down; a clean SIGTERM shutdown
        # should exit 0 so supervisors and tests see success.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.hub is not None:
            await self.hub.close_all(1001, "the daemon is shutting down")
        await super().shutdown(sockets)


def _server(app: Any, settings: Settings, log_level: str) -> _Server:
    heartbeat = settings.heartbeat_ms / 1000
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        ws_max_size=settings.max_frame_bytes,
        ws_ping_interval=heartbeat,
        ws_ping_timeout=heartbeat,
        # Compression would cost CPU per frame per connection; frames are serialised once for all.
        ws_per_message_deflate=False,
        # Bounded reads per callback, so one socket's full buffer cannot hold the loop, and
        # event frames written straight to the transport, encoded once for all sockets.
        ws=DirectWriteWebSocketProtocol,
        timeout_graceful_shutdown=5,
        proxy_headers=False,
        server_header=False,
    )
    server = _Server(config)
    server.hub = app.state.hub
    server.settings = settings
    server.node_id = app.state.ctx.node_id
    return server


def serve(settings: Settings, log_level: str = "warning") -> int:
    lock = DataDirLock(settings.lock_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"tidewire: {exc}", file=sys.stderr)
        return 3
    try:
        if settings.pg_dsn is not None:
            from .serve_pg import serve_pg

            return asyncio.run(serve_pg(settings, settings.pg_dsn, log_level))
        return _serve_sqlite(settings, log_level)
    finally:
        lock.release()


def _serve_sqlite(settings: Settings, log_level: str) -> int:
    from .app import create_app

    try:
        store = open_daemon_store(settings)
    except StoreStartError as exc:
        print(f"tidewire: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except (OSError, sqlite3.Error) as exc:
        print(f"tidewire: could not open the database {settings.db_path}: {exc}", file=sys.stderr)
        return 1
    app = create_app(settings, store)
    server = _server(app, settings, log_level)
    asyncio.run(server.serve())
    if store.close_error:
        print(
            f"tidewire: shutdown was not clean: {store.close_error}; nothing is lost (the changes are "
            f"in {settings.db_path.name}-wal and the next start reads them), but free disk space first",
            file=sys.stderr,
        )
        return EXIT_CHECKPOINT_FAILED
    return 0 if server.started else 1


def run(args: argparse.Namespace) -> int:
    cli = {
        key: getattr(args, key, None)
        for key in (
            "host",
            "port",
            "data_dir",
            "config_file",
            "allow_origins",
            "allow_hosts",
            "token",
            "store",
            "node_id",
            "lease_ms",
            "retain",
            "max_lag",
            "heartbeat_ms",
            "max_frame_bytes",
            "max_body_bytes",
            "max_hook_body_bytes",
            "max_connections",
            "ws_rate",
            "ws_burst",
            "synchronous",
            "allow_test_events",
            "transcript_roots",
            "transcript_max_line_bytes",
            "allow_reinit",
            "idempotency_ttl",
        )
    }
    try:
        settings = load_settings(cli)
    except DomainError as exc:
        print(f"tidewire: {exc.message}", file=sys.stderr)
        return 2
    # Before anything logs: no record may carry the token, whatever handler writes it.
    install_token_redaction(settings.token)
    install_accept_error_throttle()
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.WARNING))
    _, soft = raise_nofile_limit()
    return serve(fit_connections(settings, soft), args.log_level)


def fit_connections(settings: Settings, nofile: int) -> Settings:
    """Keep the socket cap below the open-file limit, so a full house of sockets still leaves
    descriptors for REST, the database, hooks and agents."""
    if nofile < 0:  # RLIM_INFINITY
        return settings
    room = max(1, nofile - FD_RESERVE)
    if settings.max_connections <= room:
        return settings
    logging.getLogger("tidewire").warning(
        "max_connections %d is more than the open-file limit %d allows; holding at most %d sockets",
        settings.max_connections,
        nofile,
        room,
    )
    return dataclasses.replace(settings, max_connections=room)
