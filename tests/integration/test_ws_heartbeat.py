"""Server heartbeats: a peer that answers protocol pings stays; one that stops answering is closed (1011)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from support import Daemon, check_frame, ws_connect
from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.uri import parse_uri


async def _deaf_client(daemon: Daemon) -> tuple[list[Frame], Close | None]:
    """Handshake, then read everything but never answer a ping; return frames seen and the close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", daemon.port)
    proto = ClientProtocol(parse_uri(daemon.ws_url))
    proto.send_request(proto.connect())
    writer.write(b"".join(proto.data_to_send()))  # the handshake, and nothing after it
    seen: list[Frame] = []
    while True:
        data = await asyncio.wait_for(reader.read(65536), 60)
        if not data:
            break
        proto.receive_data(data)
        for event in proto.events_received():
            if isinstance(event, Frame):
                seen.append(event)
                if event.opcode == Opcode.TEXT:
                    check_frame(event.data.decode())
        proto.data_to_send()  # drop the pongs (and the close reply) instead of sending them
    writer.close()
    return seen, proto.close_rcvd


async def test_a_peer_that_stops_answering_pings_is_closed_with_1011(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--heartbeat-ms", "200")
    frames, close = await _deaf_client(daemon)
    assert any(f.opcode == Opcode.PING for f in frames)
    assert close is not None and close.code == 1011


async def test_a_peer_that_answers_stays_connected(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--heartbeat-ms", "200")
    async with ws_connect(daemon, ping_interval=None) as ws:
        assert ws.welcome["heartbeat_ms"] == 200
        pings = 0
        for _ in range(5):
            # The client library answers protocol pings itself; several heartbeats pass here.
            await asyncio.sleep(0.3)
            pings += 1
            assert (await ws.ping(id=pings))["id"] == pings
