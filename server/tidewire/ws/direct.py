"""uvicorn's WebSocket protocol with a way past ASGI for the event stream: ready-made frame bytes written
straight to the socket's transport.

ASGI has one message per frame (``websocket.send``), and uvicorn answers each with a frame
encoding and a ``transport.write``: per event and per connection, the daemon's largest cost under
fan-out. The handshake, every check on it, incoming frames, pings and closes stay with uvicorn and
the ASGI endpoint; this only adds the ``tidewire.direct_write`` scope extension
(``{"sink": DirectSink}``), through which the endpoint writes event frames encoded once for all
connections (``wire``), and several of them in one write for a connection that is behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from websockets.http11 import Request

from .readchunk import ChunkedReadWebSocketProtocol

EXTENSION = "tidewire.direct_write"


class DirectSink:
    """Writes whole, pre-encoded server frames to one connection's transport.

    Writes and uvicorn's own (pings, the close frame) go to the same transport from the same loop,
    so they reach the peer in the order they were made.
    """

    def __init__(self, protocol: DirectWriteWebSocketProtocol) -> None:
        self._protocol = protocol

    async def drain(self) -> None:
        """Wait while the transport's buffer is above its high-water mark (the peer is not reading)."""
        protocol = self._protocol
        await protocol.writable.wait()
        if protocol.disconnected:
            raise ClientDisconnected()

    def write(self, data: bytes) -> None:
        protocol = self._protocol
        if protocol.disconnected or protocol.close_sent or protocol.transport.is_closing():
            # Nothing may follow the close frame; the endpoint's reader sees the disconnect.
            raise ClientDisconnected()
        protocol.transport.write(data)


class DirectWriteWebSocketProtocol(ChunkedReadWebSocketProtocol):
    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The scope exists once the upgrade is accepted by the protocol layer; the app's task that
        # reads it has been created but has not run yet.
        scope = getattr(self, "scope", None)
        extensions = scope.get("extensions") if scope is not None else None
        if extensions is not None:
            extensions[EXTENSION] = {"sink": DirectSink(self)}


def sink_of(scope: Mapping[str, Any]) -> DirectSink | None:
    """The connection's direct sink, when it is served by ``DirectWriteWebSocketProtocol``."""
    extension = (scope.get("extensions") or {}).get(EXTENSION) or {}
    sink = extension.get("sink")
    return sink if isinstance(sink, DirectSink) else None
