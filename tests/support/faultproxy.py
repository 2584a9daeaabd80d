"""An HTTP proxy in front of a real daemon that loses writes' replies on demand.

It forwards everything (REST, the dashboard's files, the `/ws` socket) to the daemon, and for
armed faults it drops a write:

- ``after_commit``: the request goes to the daemon, which runs it and answers; the proxy reads
  the whole reply (so the write has committed) and closes the client's connection without it.
  The client sees a network error for a write that was applied: the case idempotency is for.
- ``before_commit``: the proxy closes the client's connection without forwarding anything.

Faults are armed with ``POST /__faults`` on the proxy itself,
``{"mode": "after_commit", "count": 2, "match": "POST /api/tasks"}`` (``match`` is a method and
a path prefix; without it every POST, PATCH and DELETE under /api/ matches; ``body``, a string
the request body must contain, picks one JSON-RPC method out of the POSTs to /mcp), and
``GET /__faults`` reports ``{"armed": [...], "dropped": [...]}``. In Python tests use
``FaultProxy`` (a thread of its own); browser tests run ``python tests/support/faultproxy.py
--port P --upstream-port U`` and print nothing until the line ``ready``.

The proxy opens one daemon connection per request and ends each reply with ``Connection: close``,
so it never has to find where one reply ends on a kept-alive connection. The Host and Origin
headers are rewritten to the daemon's own, so the daemon's Host and Origin checks hold as they
would for a page served by the daemon itself. Written by hand because the job is to lose a reply
at one exact point, which is what general proxies are built not to do.

``FaultProxy(on_drop=...)`` runs a function when it has a reply in hand and before it closes the
client's connection: ``on_drop=daemon.kill`` makes "the daemon was SIGKILLed after committing
and before answering", as the client sees it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WRITES = ("POST", "PATCH", "DELETE", "PUT")
_MAX_HEAD = 64 * 1024


@dataclass
class Fault:
    mode: str  # "after_commit" or "before_commit"
    count: int
    method: str | None = None
    path_prefix: str = "/api/"
    body: bytes | None = None

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        if self.method is not None and method != self.method:
            return False
        if self.method is None and method not in WRITES:
            return False
        if self.body is not None and self.body not in body:
            return False
        return path.startswith(self.path_prefix)


@dataclass
class _Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head[:-4].decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = [(k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)]
    request = _Request(method.upper(), target, version, headers, b"")
    length = request.header("content-length")
    if length is not None and int(length) > 0:
        request.body = await reader.readexactly(int(length))
    return request


@dataclass
class ProxyState:
    upstream_host: str
    upstream_port: int
    faults: list[Fault] = field(default_factory=list)
    dropped: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_drop: Callable[[], None] | None = None

    def take_fault(self, method: str, path: str, body: bytes = b"") -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.matches(method, path, body):
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def arm(self, mode: str, count: int, match: str | None = None, body: str | None = None) -> None:
        if mode not in ("after_commit", "before_commit"):
            raise ValueError(f"unknown fault mode {mode!r}")
        method, prefix = None, "/api/"
        if match:
            method, _, prefix = match.partition(" ")
            method = method.upper()
            prefix = prefix or "/api/"
        with self.lock:
            self.faults.append(Fault(mode, count, method, prefix, body.encode() if body else None))

    def report(self) -> dict[str, Any]:
        with self.lock:
            armed = [
                {"mode": f.mode, "count": f.count, "method": f.method, "path": f.path_prefix}
                for f in self.faults
            ]
            return {"armed": armed, "dropped": list(self.dropped)}


def _rewrite(request: _Request, state: ProxyState, upgrade: bool) -> bytes:
    upstream = f"{state.upstream_host}:{state.upstream_port}"
    out = [f"{request.method} {request.target} {request.version}"]
    for key, value in request.headers:
        lower = key.lower()
        if lower == "host":
            value = upstream
        elif lower == "origin":
            value = f"http://{upstream}"
        elif lower in ("connection", "keep-alive") and not upgrade:
            continue
        out.append(f"{key}: {value}")
    if not upgrade:
        out.append("Connection: close")
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + request.body


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(ConnectionError, OSError, RuntimeError):
        writer.close()


async def _control(request: _Request, writer: asyncio.StreamWriter, state: ProxyState) -> None:
    status = "200 OK"
    if request.method == "POST":
        try:
            spec = json.loads(request.body or b"{}")
            state.arm(str(spec["mode"]), int(spec.get("count", 1)), spec.get("match"), spec.get("body"))
        except (ValueError, KeyError, TypeError) as exc:
            status = "400 Bad Request"
            payload = json.dumps({"error": str(exc)}).encode()
        else:
            payload = json.dumps(state.report()).encode()
    elif request.method == "DELETE":
        with state.lock:
            state.faults.clear()
        payload = json.dumps(state.report()).encode()
    else:
        payload = json.dumps(state.report()).encode()
    writer.write(
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n".encode()
        + payload
    )
    await writer.drain()


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: ProxyState) -> None:
    try:
        request = await _read_request(reader)
        if request is None:
            return
        if request.path == "/__faults":
            await _control(request, writer, state)
            return
        fault = state.take_fault(request.method, request.path, request.body)
        if fault is not None and fault.mode == "before_commit":
            with state.lock:
                state.dropped.append({"mode": fault.mode, "request": f"{request.method} {request.path}"})
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(state.upstream_host, state.upstream_port)
        except OSError:
            return  # the daemon is down: the client sees its connection close, as it would
        upgrade = (request.header("upgrade") or "").lower() == "websocket"
        up_writer.write(_rewrite(request, state, upgrade))
        await up_writer.drain()
        if upgrade:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
            return
        reply = await up_reader.read(-1)  # Connection: close, so the reply ends with the stream
        up_writer.close()
        if fault is not None:
            with state.lock:
                state.dropped.append(
                    {
                        "mode": fault.mode,
                        "request": f"{request.method} {request.path}",
                        "reply": reply[:12].decode(),
                    }
                )
            if state.on_drop is not None:
                await asyncio.to_thread(state.on_drop)
            return
        writer.write(reply)
        await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            writer.close()


class FaultProxy:
    """The proxy on a thread of its own, for synchronous and asynchronous tests alike."""

    def __init__(
        self,
        upstream_port: int,
        upstream_host: str = "127.0.0.1",
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.state = ProxyState(upstream_host, upstream_port, on_drop=on_drop)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(
            lambda r, w: _serve(r, w, self.state), "127.0.0.1", 0, limit=_MAX_HEAD
        )

    def arm(self, mode: str, count: int = 1, match: str | None = None, body: str | None = None) -> None:
        self.state.arm(mode, count, match, body)

    @property
    def dropped(self) -> list[dict[str, str]]:
        return list(self.state.report()["dropped"])

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="A proxy in front of a daemon that loses writes' replies.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    args = parser.parse_args()
    state = ProxyState("127.0.0.1", args.upstream_port)

    async def run() -> None:
        server = await asyncio.start_server(
            lambda r, w: _serve(r, w, state), "127.0.0.1", args.port, limit=_MAX_HEAD
        )
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
