"""Socket reads are bounded per callback: a full buffer of small frames is parsed a slice at a time."""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import Receive, Scope, Send
from tidewire.ws.readchunk import READ_CHUNK, ChunkedReadWebSocketProtocol
from uvicorn.server import ServerState


async def _app(scope: Scope, receive: Receive, send: Send) -> None:  # never called
    raise AssertionError("no request is made")


async def test_the_transport_reads_at_most_a_chunk_per_callback() -> None:
    config = uvicorn.Config(app=_app, ws=ChunkedReadWebSocketProtocol, log_level="warning")
    config.load()
    state = ServerState()
    made: list[ChunkedReadWebSocketProtocol] = []

    def factory() -> ChunkedReadWebSocketProtocol:
        made.append(ChunkedReadWebSocketProtocol(config, state, app_state={}))
        return made[-1]

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    try:
        _, writer = await asyncio.open_connection(host, port)
        for _ in range(200):
            if made and made[0].transport is not None:
                break
            await asyncio.sleep(0.01)
        transport = made[0].transport
        default = type(transport).max_size  # type: ignore[attr-defined]
        assert default > READ_CHUNK  # what asyncio would read otherwise (256 KiB)
        assert transport.max_size == READ_CHUNK  # type: ignore[attr-defined]
        writer.close()
    finally:
        server.close()
