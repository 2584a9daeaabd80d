"""The direct-write protocol offers its sink to the ASGI app, and what is written there reaches a real
client in order with uvicorn's own frames; nothing can be written after the close."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send
from tidewire.ws.direct import DirectSink, DirectWriteWebSocketProtocol, sink_of
from tidewire.ws.readchunk import ChunkedReadWebSocketProtocol
from tidewire.ws.wire import text_frame
from uvicorn.protocols.utils import ClientDisconnected
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


class _Server:
    """uvicorn serving ``app`` on a free loopback port with the given WebSocket protocol."""

    def __init__(self, app: Any, protocol: type[ChunkedReadWebSocketProtocol]) -> None:
        config = uvicorn.Config(app=app, host="127.0.0.1", port=0, ws=protocol, log_level="warning")
        config.lifespan = "off"
        self.server = uvicorn.Server(config)
        self.port = 0
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> int:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(500):
            if self.server.started:
                break
            await asyncio.sleep(0.01)
        assert self.server.started
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        assert self.task is not None
        await asyncio.wait_for(self.task, 10)


async def test_frames_written_through_the_sink_arrive_between_asgi_frames() -> None:
    seen: list[DirectSink | None] = []
    after_close: list[BaseException] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        sink = sink_of(scope)
        seen.append(sink)
        await send({"type": "websocket.accept"})
        assert sink is not None
        await send({"type": "websocket.send", "text": "first"})
        await sink.drain()
        sink.write(text_frame("second") + text_frame("third"))
        await send({"type": "websocket.send", "text": "fourth"})
        await send({"type": "websocket.close", "code": 4000, "reason": "done"})
        try:
            sink.write(text_frame("after the close"))
        except ClientDisconnected as exc:
            after_close.append(exc)
        while (await receive())["type"] != "websocket.disconnect":
            pass

    async with _Server(app, DirectWriteWebSocketProtocol) as port:
        async with connect(f"ws://127.0.0.1:{port}/ws") as ws:
            got = [await ws.recv() for _ in range(4)]
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            assert ws.close_code == 4000
    assert got == ["first", "second", "third", "fourth"]
    assert isinstance(seen[0], DirectSink) and len(after_close) == 1


async def test_uvicorns_own_protocol_offers_no_sink() -> None:
    seen: list[object] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        seen.append(sink_of(scope))
        await send({"type": "websocket.close", "code": 1000})

    async with _Server(app, ChunkedReadWebSocketProtocol) as port:
        with pytest.raises(InvalidStatus):  # refused before accept: a 403 handshake
            async with connect(f"ws://127.0.0.1:{port}/ws"):
                pass
    assert seen == [None]
