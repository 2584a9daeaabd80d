"""Heartbeats: ``ping`` gets ``pong`` with its echoes, the head and the server's clock; the server
sends protocol pings every ``heartbeat_ms`` and closes a peer that does not answer with 1011."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from ..report import Case, CaseFailed, expect
from .peer import Server, brief, check_frame

RULE = "§Heartbeats"
HEARTBEAT_MS_DEFAULT = 30000


@dataclass
class _Raw:
    """A socket driven with the websockets sans-I/O protocol, so the case decides whether protocol
    pings are answered (a normal library always answers them)."""

    pings: list[float] = field(default_factory=list)
    close: Close | None = None
    heartbeat_ms: int = HEARTBEAT_MS_DEFAULT


async def _raw_socket(server: Server, answer: bool, within_s: float) -> _Raw:
    """Handshake, read ``welcome``, then read until the server closes or ``within_s`` passes."""
    host, port = server.host_port
    reader, writer = await asyncio.open_connection(host, port)
    proto = ClientProtocol(parse_uri(server.ws_url), max_size=None)
    request = proto.connect()
    for name, value in server.auth().items():
        request.headers[name] = value
    proto.send_request(request)
    writer.write(b"".join(proto.data_to_send()))
    seen = _Raw()
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        while loop.time() - start < within_s:
            try:
                data = await asyncio.wait_for(reader.read(65536), within_s - (loop.time() - start))
            except TimeoutError:
                break
            if not data:
                proto.receive_eof()
            else:
                proto.receive_data(data)
            for event in proto.events_received():
                if isinstance(event, Response):
                    expect(
                        event.status_code == 101, f"§Handshake: expected HTTP 101, got {event.status_code}"
                    )
                elif isinstance(event, Frame):
                    if event.opcode == Opcode.PING:
                        seen.pings.append(loop.time() - start)
                    elif event.opcode == Opcode.TEXT:
                        frame = check_frame(bytes(event.data).decode())
                        if frame["type"] == "welcome":
                            seen.heartbeat_ms = int(frame["heartbeat_ms"])
            out = proto.data_to_send()
            if answer:
                writer.write(b"".join(out))
            if proto.close_rcvd is not None or not data:
                seen.close = proto.close_rcvd
                break
            if answer and seen.pings and loop.time() - start > seen.pings[0] + heartbeat_s(seen) / 2:
                break
    finally:
        writer.close()
    return seen


def heartbeat_s(seen: _Raw) -> float:
    return seen.heartbeat_ms / 1000


def cases(server: Server) -> list[Case]:
    async def ping_pong() -> None:
        async with server.connect() as peer:
            [s] = await server.emit([("conformance.heartbeat", {"run": server.nonce()})])
            for t in (0, 1764136800123, -5, 1.5, 9007199254740991, -9007199254740991):
                pong = await peer.request({"type": "ping", "t": t})
                expect(pong["type"] == "pong", f"{RULE}: ping gets pong, got {brief(pong)}")
                expect(pong.get("t") == t, f"§Frames: pong echoes t exactly: sent {t}, got {brief(pong)}")
                expect(pong["seq"] >= s, f"§Frames: pong.seq is the head (>= {s}), got {pong['seq']}")
            await peer.send({"type": "ping"})
            bare = await peer.until(lambda f: f["type"] in ("pong", "error"), "the pong to a bare ping")
            expect(
                bare["type"] == "pong" and "id" not in bare and "t" not in bare,
                f"§Frames: a ping without id or t gets a pong without them: {brief(bare)}",
            )

    async def server_pings() -> None:
        async with server.connect() as peer:
            heartbeat_s = int(peer.welcome["heartbeat_ms"]) / 1000
        answered = await _raw_socket(server, answer=True, within_s=1.5 * heartbeat_s + 2)
        expect(
            bool(answered.pings),
            f"{RULE}: the server sends protocol pings every heartbeat_ms ({heartbeat_s:g} s); "
            f"none came in {1.5 * heartbeat_s + 2:g} s",
        )
        expect(
            answered.close is None,
            f"{RULE}: a peer that answers pings stays connected, closed {answered.close}",
        )
        deaf = await _raw_socket(server, answer=False, within_s=3.5 * heartbeat_s + 3)
        if deaf.close is None:
            raise CaseFailed(
                f"{RULE}: a peer that does not answer pings must be closed with 1011 (no close frame came)"
            )
        expect(
            deaf.close.code == 1011,
            f"{RULE}: a peer that does not answer pings is closed with 1011, got {deaf.close.code}",
        )

    return [
        Case(
            "heartbeat.ping_pong",
            f"{RULE}: ping gets pong echoing id and t, with server_time and the head seq",
            ping_pong,
        ),
        Case(
            "heartbeat.server_pings",
            f"{RULE}: the server pings every heartbeat_ms and closes a peer that does not answer with 1011",
            server_pings,
            limit_s=6 * server.heartbeat_ms / 1000 + 10,
        ),
    ]
