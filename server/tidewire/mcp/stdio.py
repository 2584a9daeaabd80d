"""`tidewire mcp`: a stdio MCP server for agent CLIs that forwards to the running daemon.

Agent CLIs start MCP servers as subprocesses speaking MCP over stdin/stdout. This bridge
answers them by forwarding `tools/list` and `tools/call` to the daemon's `/mcp` endpoint with
the SDK's streamable HTTP client, so every change is made (and its event emitted) by the
daemon itself. Forwarding is generic: whatever tools the daemon lists, the bridge lists too.

Every `tools/call` is forwarded with a fresh call key in `_meta["tidewire/call-key"]` (or the
agent's own key, if it sent one), and the same key on each retry. Until the daemon answers (it is
down, restarting, or lost the connection mid-call, or said 5xx) the bridge retries with the
shared `Backoff` for at most `--retry-for` seconds; the daemon runs a keyed call once and answers
a retry with the first result (`tidewire.mcp.call_keys`), so a restart in the middle of a call
neither loses nor repeats it. Past the bound the call returns a tool error; the next call
reconnects.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from typing import Any, cast

import anyio
import httpx2
import mcp_types as types
from anyio.abc import TaskGroup, TaskStatus
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from tidewire import __version__
from tidewire.backoff import Backoff
from tidewire.sources import daemon_url

from .call_key_records import CALL_KEY_META
from .server import INSTRUCTIONS

log = logging.getLogger("tidewire.mcp.stdio")

DEFAULT_RETRY_FOR_S = 30.0
# What the SDK's transport turns a lost connection or a non-2xx reply into (it reports no status).
_RETRIED_CODES = frozenset({types.CONNECTION_CLOSED, types.INTERNAL_ERROR})


def endpoint_url(explicit: str | None = None) -> str:
    """`/mcp` of the daemon named by `--url` (a base URL or the endpoint itself) or `$TIDEWIRE_URL`."""
    return daemon_url.mcp_url(daemon_url.base_url(explicit))


class Upstream:
    """A lazily (re)connected MCP client session to the daemon.

    The SDK's client holds anyio task groups, which must be entered and exited by one task; so
    each connection lives in its own owner task in the bridge's task group, and handler tasks
    only borrow the connected client.
    """

    def __init__(self, url: str, token: str | None, tg: TaskGroup) -> None:
        self.url = url
        self.token = token
        self._tg = tg
        self._client: Client | None = None
        self._stop: anyio.Event | None = None
        self._lock = anyio.Lock()
        # The status of the daemon's last HTTP reply: the SDK turns any non-2xx into the same
        # INTERNAL_ERROR, and only a 5xx (a daemon going down or not ready) is worth a retry.
        # Shared by concurrent calls: at worst a call retries once more (its key makes that safe)
        # or gives up on a 5xx another call saw, which the agent can retry.
        self.last_status: int | None = None

    async def _note_status(self, response: httpx2.Response) -> None:
        self.last_status = response.status_code

    async def client(self) -> Client:
        async with self._lock:
            if self._client is None:
                stop = anyio.Event()
                self._client = await self._tg.start(self._own, stop)
                self._stop = stop
            return self._client

    async def _own(self, stop: anyio.Event, *, task_status: TaskStatus[Client]) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        started = False
        try:
            # The SDK's documented way to send headers: hand it a configured client. A long read
            # timeout: a tool call (a merge, say) may take a while.
            timeout = httpx2.Timeout(30.0, read=300.0)
            hooks = {"response": [self._note_status]}
            async with httpx2.AsyncClient(headers=headers, timeout=timeout, event_hooks=hooks) as http:
                # cache=None: the daemon's tool list is fetched fresh each time, so tools it
                # gains later are forwarded too.
                async with Client(streamable_http_client(self.url, http_client=http), cache=None) as client:
                    task_status.started(client)
                    started = True
                    await stop.wait()
        except Exception:
            if not started:
                raise  # the caller of client() gets it
            # A broken connection must not take the bridge down: the next call reconnects.
            log.debug("the upstream connection ended with an error", exc_info=True)
        finally:
            if started:
                await self._forget(stop)

    async def _forget(self, stop: anyio.Event) -> None:
        async with self._lock:
            if self._stop is stop:
                self._client, self._stop = None, None

    async def reset(self) -> None:
        """Drop the current connection (after a failure); the next call opens a new one."""
        async with self._lock:
            stop, self._client, self._stop = self._stop, None, None
        if stop is not None:
            stop.set()

    def retryable(self, exc: BaseException) -> bool:
        """Whether the daemon may answer a retry: it was unreachable, dropped the call, or said 5xx."""
        exc = _root(exc)
        if isinstance(exc, MCPError):
            if exc.error.code not in _RETRIED_CODES:
                return False  # the daemon answered with a JSON-RPC error: a retry gets the same
            if exc.error.code == types.INTERNAL_ERROR:
                return self.last_status is not None and self.last_status >= 500
            return True
        if isinstance(exc, httpx2.HTTPStatusError):
            return exc.response.status_code >= 500
        return isinstance(exc, httpx2.TransportError | OSError | TimeoutError)

    def unreachable(self, exc: BaseException) -> str:
        exc = _root(exc)
        detail = f"{type(exc).__name__}: {exc}"
        return (
            f"the Tidewire daemon at {self.url} is not reachable ({detail}); check that it is running, "
            "and pass its token (--token or TIDEWIRE_TOKEN) if it was started with one"
        )


def _root(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]  # task groups wrap the transport's own error
    return exc


def keyed_meta(meta: types.RequestParamsMeta | None) -> types.RequestParamsMeta:
    """The call's `_meta` with a call key: the agent's own if it sent one, else a fresh one."""
    out: dict[str, Any] = dict(meta) if meta else {}
    if not out.get(CALL_KEY_META):
        out[CALL_KEY_META] = uuid.uuid4().hex
    return cast(types.RequestParamsMeta, out)  # a TypedDict open to extra keys


def build_bridge(
    upstream: Upstream, retry_for: float = DEFAULT_RETRY_FOR_S, backoff: Backoff | None = None
) -> Server[Any]:
    policy = backoff or Backoff(initial=0.1, maximum=2.0)

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        cursor = params.cursor if params is not None else None
        try:
            client = await upstream.client()
            result = await client.list_tools(cursor=cursor)
        except MCPError:
            raise
        except Exception as exc:
            await upstream.reset()
            raise MCPError(types.INTERNAL_ERROR, upstream.unreachable(exc)) from exc
        return types.ListToolsResult(tools=result.tools, next_cursor=result.next_cursor)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        meta = keyed_meta(params.meta)
        deadline = anyio.current_time() + max(0.0, retry_for)
        attempt = 0
        while True:
            upstream.last_status = None
            failure: Exception
            try:
                client = await upstream.client()
            except Exception as exc:  # not connected: reported as a tool error below
                failure = exc
            else:
                try:
                    return await client.call_tool(params.name, params.arguments, meta=meta)
                except MCPError as exc:
                    if not upstream.retryable(exc):
                        raise  # the daemon's own JSON-RPC answer to this call
                    failure = exc
                except Exception as exc:
                    failure = exc
            await upstream.reset()
            left = deadline - anyio.current_time()
            if not upstream.retryable(failure) or left <= 0:
                return types.CallToolResult(
                    content=[types.TextContent(type="text", text=upstream.unreachable(failure))],
                    is_error=True,
                )
            log.debug("tools/call %s: retry %d after %r", params.name, attempt + 1, failure)
            await anyio.sleep(min(policy.delay(attempt), left))
            attempt += 1

    return Server(
        "tidewire",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(url: str, token: str | None, retry_for: float = DEFAULT_RETRY_FOR_S) -> None:
    async with anyio.create_task_group() as tg:
        upstream = Upstream(url, token, tg)
        server = build_bridge(upstream, retry_for)
        try:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, server.create_initialization_options())
        finally:
            await upstream.reset()


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        url = endpoint_url(args.url)
    except daemon_url.BadDaemonUrl as exc:
        print(f"tidewire mcp: {exc}", file=sys.stderr)
        return 2
    if args.retry_for < 0:
        print("tidewire mcp: --retry-for must be 0 or more seconds", file=sys.stderr)
        return 2
    anyio.run(serve_stdio, url, args.token, args.retry_for)
    return 0


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mcp",
        help="stdio MCP server for agent CLIs, forwarding to the running daemon",
        description="Serve MCP over stdin/stdout, forwarding every tool to the running daemon's /mcp.",
    )
    parser.add_argument(
        "--url",
        default=None,
        help="the daemon's base URL, or its /mcp endpoint (default: $TIDEWIRE_URL, else http://127.0.0.1:8787)",
    )
    parser.add_argument(
        "--token", default=os.environ.get("TIDEWIRE_TOKEN"), help="the daemon's token (env TIDEWIRE_TOKEN)"
    )
    parser.add_argument(
        "--retry-for",
        type=float,
        default=DEFAULT_RETRY_FOR_S,
        metavar="SECONDS",
        help="how long a tool call is retried while the daemon is unreachable or restarting "
        f"(default {DEFAULT_RETRY_FOR_S:g}; 0: never retried)",
    )
    parser.set_defaults(func=run)
