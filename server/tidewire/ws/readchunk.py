"""uvicorn's WebSocket protocol, reading at most ``READ_CHUNK`` bytes from a socket per callback.

asyncio's socket transport reads up to 256 KiB at a time, and the protocol parses every frame in
what it read before returning to the loop: a client that keeps its socket buffer full (a flood of
small frames, or one that goes on sending after its close) holds the loop for some 9,000 frames,
150 ms and more, on each read, and REST and every other socket wait meanwhile. Smaller reads
bound that to a few milliseconds. Client frames are small (subscriptions, pings, resumes), so the
extra reads cost little; a 1 MiB frame takes 128 of them.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

READ_CHUNK = 8 * 1024


class ChunkedReadWebSocketProtocol(WebSocketsSansIOProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        # `max_size` is the read size of asyncio's selector transports; others (uvloop) keep theirs.
        if isinstance(getattr(transport, "max_size", None), int):
            transport.max_size = READ_CHUNK  # type: ignore[attr-defined]
