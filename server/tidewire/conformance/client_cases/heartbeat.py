"""Heartbeats: WebSocket pings from the daemon, and the client's own `ping` frames."""

from __future__ import annotations

import asyncio

from ..client_frames import HEARTBEAT_MS
from ..client_scenario import START_S, ClientCase, Scenario
from ..report import CaseFailed, CaseNotApplicable, expect

HEARTBEAT_S = HEARTBEAT_MS / 1000


async def _first_ping(s: Scenario, within: float) -> None:
    peer = s.daemon.peers[0]
    try:
        await peer.wait_frame("ping", lambda f: f.get("type") == "ping", within)
    except CaseFailed:
        raise CaseNotApplicable(
            f"the client sent no ping frame within {within:g} s (pings are optional)"
        ) from None


async def protocol_ping(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    for n in range(3):
        waiter = await peer.ws.ping(f"conformance-{n}".encode())
        try:
            await asyncio.wait_for(waiter, 2 * HEARTBEAT_S)
        except TimeoutError:
            raise CaseFailed(
                f"no pong to WebSocket ping {n + 1} within {2 * HEARTBEAT_S:g} s; the daemon closes such a "
                "connection with 1011 (keep reading the socket; WebSocket libraries answer pings)"
            ) from None
        await asyncio.sleep(0.2)


async def slow_pong(s: Scenario) -> None:
    s.daemon.pong_delay = HEARTBEAT_S / 2
    peer = await s.connected(START_S, "connect")
    await _first_ping(s, 3 * HEARTBEAT_S)
    await asyncio.sleep(3.5 * HEARTBEAT_S)
    expect(
        not peer.closed.is_set() and len(s.daemon.peers) == 1,
        f"the client dropped the connection although every pong came within {HEARTBEAT_S / 2:g} s, "
        f"well inside a heartbeat ({HEARTBEAT_S:g} s)",
    )
    await s.delivered(await s.daemon.commit("task.created"))


async def missing_pong(s: Scenario) -> None:
    s.daemon.pong_delay = None
    peer = await s.connected(START_S, "connect")
    seq = await s.daemon.commit("task.created")
    await s.delivered(seq)
    await _first_ping(s, 3 * HEARTBEAT_S)
    limit = 10.0
    if not await peer.wait_closed(limit):
        raise CaseFailed(
            f"the connection is still open {limit:g} s after a ping that got no pong; close it and reconnect"
        )
    s.daemon.pong_delay = 0.0
    again = await s.daemon.next_peer(10, "reconnect after closing the silent connection")
    s.expect_resume(await s.resume_frame(again), seq, "the seq of the last event received")


CASES = (
    ClientCase(
        "protocol_ping",
        "§Heartbeats: answer the daemon's WebSocket pings (keep reading the socket)",
        protocol_ping,
    ),
    ClientCase(
        "slow_pong",
        "§Heartbeats: a pong that is late but within a heartbeat keeps the connection",
        slow_pong,
    ),
    ClientCase(
        "missing_pong",
        "§Heartbeats: no pong within a heartbeat: close, reconnect and resume",
        missing_pong,
    ),
)
