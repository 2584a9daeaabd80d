"""Baseline servers, hosted in the benchmark process, each fanning one event stream out to every client.

- `BroadcastServer` (b): `websockets.broadcast` of one pre-serialised frame, the floor of the stack;
- `SequentialServer` (c): `await send()` to each client in turn;
- `SocketIOServer` (d): python-socketio emitting to all, served by uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Sequence
from typing import Any, Protocol

import socketio
import uvicorn
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class FanoutServer(Protocol):
    name: str
    url: str
    protocol: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def wait_clients(self, n: int, limit_s: float) -> None: ...
    async def emit(self, events: Sequence[dict[str, Any]]) -> None: ...


async def _wait_count(get: Any, n: int, limit_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while get() < n:
        if loop.time() > deadline:
            raise TimeoutError(f"only {get()} of {n} clients connected")
        await asyncio.sleep(0.02)


class _WebsocketsBase:
    protocol = "plain"

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/"
        self.clients: set[ServerConnection] = set()
        self._server: Server | None = None

    async def _handler(self, ws: ServerConnection) -> None:
        self.clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.clients.discard(ws)

    async def start(self) -> None:
        self._server = await serve(
            self._handler, "127.0.0.1", self.port, compression=None, ping_interval=None, max_queue=64
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 10)

    async def wait_clients(self, n: int, limit_s: float) -> None:
        await _wait_count(lambda: len(self.clients), n, limit_s)


class BroadcastServer(_WebsocketsBase):
    name = "b_websockets_broadcast"

    async def emit(self, events: Sequence[dict[str, Any]]) -> None:
        frames = [json.dumps(e) for e in events]  # serialised before the clock starts: the floor
        await self.emit_frames(frames)

    async def emit_frames(self, frames: Sequence[str]) -> None:
        for frame in frames:
            broadcast(self.clients, frame)
            # Yield so the loop can flush and read between events, as any real emitter would.
            await asyncio.sleep(0)


class SequentialServer(_WebsocketsBase):
    name = "c_send_each_in_turn"

    async def emit(self, events: Sequence[dict[str, Any]]) -> None:
        frames = [json.dumps(e) for e in events]
        await self.emit_frames(frames)

    async def emit_frames(self, frames: Sequence[str]) -> None:
        for frame in frames:
            for ws in list(self.clients):
                with contextlib.suppress(Exception):
                    await ws.send(frame)


class UvicornHost:
    """Runs an ASGI app under uvicorn inside this event loop."""

    def __init__(self, app: Any, port: int, **config: Any) -> None:
        self.config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="auto", **config
        )
        self.server = uvicorn.Server(self.config)
        self._task: asyncio.Task[None] | None = None

    async def start(self, limit_s: float = 30) -> None:
        self._task = asyncio.create_task(self.server.serve())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while not self.server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("uvicorn exited before it started")
            if loop.time() > deadline:
                raise TimeoutError("uvicorn did not start")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 15)
            except TimeoutError:
                self.server.force_exit = True
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task


class SocketIOServer:
    name = "d_python_socketio"
    protocol = "socketio"

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.sio = socketio.AsyncServer(async_mode="asgi", logger=False, engineio_logger=False)
        self.count = 0
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.host = UvicornHost(socketio.ASGIApp(self.sio), self.port, ws="auto")

    async def _on_connect(self, sid: str, environ: dict[str, Any]) -> None:
        self.count += 1

    async def _on_disconnect(self, sid: str, *args: Any) -> None:
        self.count -= 1

    async def start(self) -> None:
        await self.host.start()

    async def stop(self) -> None:
        await self.host.stop()

    async def wait_clients(self, n: int, limit_s: float) -> None:
        await _wait_count(lambda: self.count, n, limit_s)

    async def emit(self, events: Sequence[dict[str, Any]]) -> None:
        for event in events:
            await self.sio.emit("event", event)
