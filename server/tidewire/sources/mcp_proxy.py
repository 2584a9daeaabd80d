"""Downstream MCP servers: connected with the `mcp` SDK client, supervised, and proxied.

Each server has a supervisor task that owns its client (the SDK's context managers must
be entered and left in one task): it connects, lists the tools, emits
`mcp.server_connected`, waits for the connection to end (the process exits, the stream
closes, a health probe or a call finds it dead), emits `mcp.server_disconnected` and
reconnects with jittered exponential backoff, capped at `backoff_max`. After `max_failures`
consecutive failed attempts the server is marked failed, but it is still retried, the delay
growing on to `failed_backoff_max`: a server that comes back (a package installed, a service
started) is picked up without a restart. Every failed attempt is announced with when the
next one is due, so a dashboard can say so. A reconnect request skips the wait (or drops a
live connection) and starts counting anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import anyio
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import CONNECTION_CLOSED

from tidewire.backoff import Backoff
from tidewire.errors import Conflict, DomainError, InvalidArgument, NotFound
from tidewire.protocol.models import (
    McpServer,
    McpServerConnectedData,
    McpServerDisconnectedData,
    McpToolCalledData,
    McpToolDetail,
)
from tidewire.services.rows import fetch_all
from tidewire.sources.mcp_watch import WatchedTransport
from tidewire.sources.options import mcp_options, warn_unknown_keys
from tidewire.sources.timefmt import format_utc, now_utc, parse_utc
from tidewire.sources.txn import Tx

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

Transport = Literal["stdio", "streamable_http"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_TOOL_PAGES = 100


@dataclass(frozen=True)
class ServerSpec:
    name: str
    transport: Transport
    command: str | None = None
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    origin: Literal["config", "api"] = "api"

    @classmethod
    def parse(cls, raw: Any, origin: Literal["config", "api"]) -> ServerSpec:
        """Validates a server definition (config table or API body); InvalidArgument when unusable."""
        if not isinstance(raw, dict):
            raise InvalidArgument("an MCP server definition must be an object")
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise InvalidArgument("name must be 1-64 characters: letters, digits, '_', '.', '-'")
        command, url = raw.get("command"), raw.get("url")
        if (command is None) == (url is None):
            raise InvalidArgument(
                f"MCP server {name}: give either a command (stdio) or a url (streamable HTTP)"
            )
        args = raw.get("args", [])
        env = raw.get("env", {})
        if command is not None:
            if not isinstance(command, str) or not command:
                raise InvalidArgument(f"MCP server {name}: command must be a non-empty string")
            if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                raise InvalidArgument(f"MCP server {name}: args must be a list of strings")
            if not isinstance(env, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in env.items()
            ):
                raise InvalidArgument(f"MCP server {name}: env must map strings to strings")
            return cls(name, "stdio", command, tuple(args), tuple(sorted(env.items())), None, origin)
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            raise InvalidArgument(f"MCP server {name}: url must be an http(s) URL")
        return cls(name, "streamable_http", None, (), (), url, origin)


# How long stop() waits for the supervisors it cancelled.
STOP_TIMEOUT_S = 5.0


@dataclass
class _Downstream:
    spec: ServerSpec
    state: Literal["connecting", "connected", "disconnected", "failed"] = "connecting"
    tools: list[str] = field(default_factory=list)
    descriptions: dict[str, str | None] = field(default_factory=dict)
    failures: int = 0
    next_attempt_at: str | None = None
    # Set by a reconnect request: ends the wait between attempts, or the live connection.
    reconnect: asyncio.Event = field(default_factory=asyncio.Event)
    calls: int = 0
    last_error: str | None = None
    connected_at: str | None = None
    client: Client | None = None
    dead: asyncio.Event = field(default_factory=asyncio.Event)
    dead_reason: str | None = None
    task: asyncio.Task[None] | None = None

    def record(self) -> McpServer:
        return McpServer(
            name=self.spec.name,
            transport=self.spec.transport,
            state=self.state,
            tool_count=len(self.tools),
            tools=list(self.tools),
            calls=self.calls,
            last_error=self.last_error,
            connected_at=self.connected_at if self.state == "connected" else None,
            tool_details=[McpToolDetail(name=n, description=self.descriptions.get(n)) for n in self.tools],
            origin=self.spec.origin,
            attempts=self.failures,
            next_attempt_at=self.next_attempt_at if self.state in ("disconnected", "failed") else None,
        )

    def mark_dead(self, reason: str) -> None:
        if not self.dead.is_set():
            self.dead_reason = reason
            self.dead.set()


def _store_spec(tx: Tx, spec: ServerSpec) -> None:
    tx.conn.execute(
        """INSERT INTO mcp_servers (name, transport, command, args, env, url, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            spec.name,
            spec.transport,
            spec.command,
            json.dumps(list(spec.args)),
            json.dumps(dict(spec.env)),
            spec.url,
            tx.now,
        ),
    )


def _spec_from_row(row: dict[str, Any]) -> ServerSpec:
    raw: dict[str, Any] = {"name": row["name"]}
    if row["transport"] == "stdio":
        raw.update(command=row["command"], args=json.loads(row["args"]), env=json.loads(row["env"]))
    else:
        raw["url"] = row["url"]
    return ServerSpec.parse(raw, "api")


def _last_line(path: Path, since: int) -> str | None:
    """The last line written to `path` after offset `since` (this attempt's stderr)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(since, path.stat().st_size - 2048))
            lines = handle.read().decode("utf-8", errors="replace").strip().splitlines()
    except OSError:
        return None
    return lines[-1][:300] if lines else None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _describe(exc.exceptions[0])
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 500 else text[:499] + "…"


class McpProxy:
    """`ctx.components["mcp_proxy"]`: the downstream servers and the calls made through them."""

    name = "mcp_proxy"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        options = mcp_options(ctx.settings.raw_config)
        warn_unknown_keys(ctx.settings.raw_config, "mcp")
        self.backoff = Backoff(initial=options.backoff_base, maximum=options.backoff_max)
        self.failed_backoff = Backoff(
            initial=options.backoff_base, maximum=max(options.backoff_max, options.failed_backoff_max)
        )
        self.max_failures = options.max_failures
        self.connect_timeout = options.connect_timeout
        self.call_timeout = options.call_timeout
        self.health_interval = options.health_interval
        self.servers: dict[str, _Downstream] = {}
        self._stopping = False

    async def start(self) -> None:
        # A bad or duplicate entry is reported and skipped: one misconfigured server must not
        # keep the daemon (and every other server) from running.
        specs: dict[str, ServerSpec] = {}
        for index, raw in enumerate(self.ctx.settings.mcp_servers):
            try:
                spec = ServerSpec.parse(raw, "config")
            except InvalidArgument as exc:
                log.error("config: mcp_servers[%d] skipped: %s", index, exc.message)
                continue
            if spec.name in specs:
                log.error("config: mcp_servers[%d] skipped: the name %s is used twice", index, spec.name)
                continue
            specs[spec.name] = spec
        rows, _ = await self.ctx.store.read(lambda conn: fetch_all(conn, "SELECT * FROM mcp_servers"))
        for row in rows:
            if row["name"] in specs:
                log.warning(
                    "MCP server %s is defined in the config file and at run time; using the config",
                    row["name"],
                )
                continue
            try:
                specs[row["name"]] = _spec_from_row(row)
            except InvalidArgument as exc:
                log.warning("skipping stored MCP server %s: %s", row["name"], exc.message)
        for spec in specs.values():
            self._launch(spec)

    async def stop(self) -> None:
        self._stopping = True
        tasks = [s.task for s in self.servers.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a downstream that never lets go must not keep the daemon from stopping.
            done, pending = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_S)
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved: a failure while stopping is not news
            for task in pending:
                log.error("%s did not stop within %g s; leaving it", task.get_name(), STOP_TIMEOUT_S)
        self.servers.clear()

    def _launch(self, spec: ServerSpec) -> _Downstream:
        server = _Downstream(spec)
        self.servers[spec.name] = server
        server.task = asyncio.create_task(self._supervise(server), name=f"mcp-{spec.name}")
        return server

    # -- supervision -----------------------------------------------------------------------

    def _transport(self, spec: ServerSpec, errlog: TextIO | None) -> WatchedTransport:
        if spec.transport == "stdio":
            assert spec.command is not None and errlog is not None
            params = StdioServerParameters(
                command=spec.command, args=list(spec.args), env=dict(spec.env) or None
            )
            return WatchedTransport(stdio_client(params, errlog=errlog))
        assert spec.url is not None
        return WatchedTransport(streamable_http_client(spec.url))

    def _open_stderr_log(self, spec: ServerSpec) -> TextIO:
        """The server's stderr goes to `<data dir>/mcp/<name>.log` rather than the daemon's own."""
        folder = Path(self.ctx.settings.data_dir) / "mcp"
        folder.mkdir(parents=True, exist_ok=True)
        return (folder / f"{spec.name}.log").open("a", encoding="utf-8")

    async def _list_tools(self, client: Client) -> dict[str, str | None]:
        """Tool name -> description, in the server's order."""
        tools: dict[str, str | None] = {}
        cursor: str | None = None
        for _ in range(_MAX_TOOL_PAGES):
            page = await client.list_tools(cursor=cursor)
            tools.update((tool.name, tool.description) for tool in page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        return tools

    async def _emit(self, name: str, data: Any) -> None:
        await self.ctx.store.write(lambda tx: tx.emit(name, data))

    async def _supervise(self, server: _Downstream) -> None:
        spec = server.spec
        while True:
            server.state = "connecting"
            server.next_attempt_at = None
            server.dead = asyncio.Event()
            server.dead_reason = None
            # A request made before this attempt is answered by it.
            server.reconnect.clear()
            connected = False
            reason = "connection closed"
            errlog = None
            if spec.transport == "stdio":
                errlog = await asyncio.to_thread(self._open_stderr_log, spec)
            log_start = errlog.tell() if errlog is not None else 0
            try:
                transport = self._transport(spec, errlog)
                async with contextlib.AsyncExitStack() as stack:
                    # No cancel scope around this: the client opens task groups that must
                    # stay nested in this task's scopes; the read timeout bounds the handshake.
                    client = await stack.enter_async_context(
                        Client(transport, read_timeout_seconds=self.connect_timeout, cache=None)
                    )
                    tools = await self._list_tools(client)
                    server.client, server.tools, server.descriptions = client, list(tools), tools
                    server.state, server.connected_at, server.last_error = "connected", now_utc(), None
                    connected, server.failures = True, 0
                    await self._emit(
                        "mcp.server_connected",
                        McpServerConnectedData(
                            server_name=spec.name, transport=spec.transport, tool_count=len(tools)
                        ),
                    )
                    reason = await self._wait_until_dead(server, transport)
            except asyncio.CancelledError:
                server.client = None
                raise
            except Exception as exc:
                if self._stopping:
                    # The SDK can turn the stop's cancellation into an error of its own
                    # (a closed stream, a failed handshake): that is no failure to retry.
                    server.client = None
                    if errlog is not None:
                        errlog.close()
                    raise asyncio.CancelledError from exc
                reason = _describe(exc)
            finally:
                if errlog is not None and not errlog.closed:
                    errlog.close()
            if errlog is not None and not connected:
                last = await asyncio.to_thread(_last_line, Path(errlog.name), log_start)
                if last:
                    reason = f"{reason} (stderr: {last})"
            server.client = None
            if self._stopping:
                return
            if server.reconnect.is_set():
                # Asked for: the request's own event announced it, and the next attempt is now.
                server.failures = 0
                continue
            if not connected:
                server.failures += 1
            server.last_error = reason
            failed = server.failures >= self.max_failures
            # After a connection that worked, the first retry comes quickly again.
            delay = (self.failed_backoff if failed else self.backoff).delay(max(server.failures - 1, 0))
            server.next_attempt_at = format_utc(parse_utc(now_utc()) + timedelta(seconds=delay))
            server.state = "failed" if failed else "disconnected"
            if failed and server.failures == self.max_failures:
                log.warning(
                    "MCP server %s failed %d times; retrying, at most %g s apart: %s",
                    spec.name, server.failures, self.failed_backoff.maximum, reason,
                )
            await self._emit(
                "mcp.server_disconnected",
                McpServerDisconnectedData(
                    server_name=spec.name,
                    reason=reason,
                    will_retry=True,
                    next_attempt_at=server.next_attempt_at,
                    attempts=server.failures,
                    failed=failed,
                ),
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.reconnect.wait(), delay)
            if server.reconnect.is_set():
                server.failures = 0

    async def _wait_until_dead(self, server: _Downstream, transport: WatchedTransport) -> str:
        async def closed() -> str:
            await transport.closed.wait()
            return "the server closed the connection (process exited or stream ended)"

        async def flagged() -> str:
            await server.dead.wait()
            return server.dead_reason or "a call found the connection dead"

        async def asked() -> str:
            await server.reconnect.wait()
            return "reconnect requested"

        async def probe() -> str:
            # Listing the tools now and then finds what `closed` cannot: a streamable HTTP server
            # has no stream to watch between calls, and a stdio server whose process is alive
            # but no longer answers (hung) keeps its pipes open. So both transports are probed.
            while True:
                await asyncio.sleep(self.health_interval)
                try:
                    assert server.client is not None
                    with anyio.fail_after(self.connect_timeout):
                        await server.client.list_tools()
                except Exception as exc:
                    return f"health check failed: {_describe(exc)}"

        tasks = [asyncio.create_task(c) for c in (closed(), flagged(), asked(), probe())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            return next(iter(done)).result()
        finally:
            for task in tasks:
                task.cancel()

    # -- operations ------------------------------------------------------------------------

    def _server(self, name: Any) -> _Downstream:
        if not isinstance(name, str) or name not in self.servers:
            raise NotFound(f"no MCP server {name!r}")
        return self.servers[name]

    def list_servers(self) -> list[McpServer]:
        return [self.servers[name].record() for name in sorted(self.servers)]

    def get_server(self, name: Any) -> McpServer:
        return self._server(name).record()

    async def add_server(self, raw: Any) -> McpServer:
        spec = ServerSpec.parse(raw, "api")
        if spec.name in self.servers:
            raise Conflict(f"an MCP server named {spec.name} already exists")
        await self.ctx.store.write(lambda tx: _store_spec(tx, spec))
        return self._launch(spec).record()

    def tools_of(self, name: Any) -> list[McpToolDetail]:
        server = self._server(name)
        return [McpToolDetail(name=n, description=server.descriptions.get(n)) for n in server.tools]

    async def reconnect_server(self, name: Any) -> McpServer:
        """Connect again now: ends the wait between attempts, or drops the live connection."""
        server = self._server(name)
        if self._stopping:
            raise Conflict("the daemon is shutting down")
        await self._emit(
            "mcp.server_disconnected",
            McpServerDisconnectedData(
                server_name=server.spec.name,
                reason="reconnect requested",
                will_retry=True,
                next_attempt_at=now_utc(),
                attempts=0,
                failed=False,
            ),
        )
        # After the event, so the `mcp.server_connected` that follows is never older than it.
        server.failures = 0
        if server.state != "connecting":
            # An attempt under way already answers the request; a second would follow it at once.
            server.state = "connecting"
            server.next_attempt_at = None
            server.reconnect.set()
        return server.record()

    async def remove_server(self, name: Any) -> McpServer:
        server = self._server(name)
        if server.spec.origin == "config":
            raise Conflict(f"MCP server {name} is defined in the config file; remove it there")
        self.servers.pop(server.spec.name, None)
        if server.task is not None:
            server.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await server.task
        server.state = "disconnected"

        def forget(tx: Tx) -> None:
            tx.conn.execute("DELETE FROM mcp_servers WHERE name = ?", (server.spec.name,))
            # Whatever its state: a list that shows the server learns from this that it is gone.
            tx.emit(
                "mcp.server_disconnected",
                McpServerDisconnectedData(server_name=server.spec.name, reason="removed", will_retry=False),
            )

        await self.ctx.store.write(forget)
        return server.record()

    async def call_tool(self, server_name: Any, tool_name: Any, arguments: Any) -> dict[str, Any]:
        server = self._server(server_name)
        if not isinstance(tool_name, str) or not tool_name:
            raise InvalidArgument("tool_name must be a non-empty string")
        if arguments is not None and not isinstance(arguments, dict):
            raise InvalidArgument("arguments must be an object")
        client = server.client
        if server.state != "connected" or client is None:
            raise Conflict(f"MCP server {server.spec.name} is {server.state}; try again when it is connected")
        if tool_name not in server.tools:
            raise NotFound(f"MCP server {server.spec.name} has no tool {tool_name!r}")
        started = time.monotonic()
        error: str | None = None
        result: dict[str, Any] | None = None
        try:
            outcome = await client.call_tool(
                tool_name, arguments or {}, read_timeout_seconds=self.call_timeout
            )
            result = outcome.model_dump(mode="json", by_alias=True, exclude_none=True)
            if outcome.is_error:
                texts = [getattr(block, "text", "") for block in outcome.content]
                error = "; ".join(t for t in texts if t) or "the tool reported an error"
        except MCPError as exc:
            error = exc.message
            if exc.code == CONNECTION_CLOSED:
                server.mark_dead(f"a call found the connection closed: {exc.message}")
        except Exception as exc:
            error = _describe(exc)
            server.mark_dead(f"a call failed: {error}")
        duration_ms = (time.monotonic() - started) * 1000
        server.calls += 1
        await self._emit(
            "mcp.tool_called",
            McpToolCalledData(
                server_name=server.spec.name,
                tool_name=tool_name,
                duration_ms=duration_ms,
                ok=error is None,
                error=error,
            ),
        )
        if result is None:
            message = f"calling {tool_name} on {server.spec.name} failed: {error}"
            raise DomainError("downstream_error", message, 502)
        return result
