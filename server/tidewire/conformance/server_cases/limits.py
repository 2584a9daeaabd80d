"""The documented limits: patterns per frame and their length, patterns and filter clauses held,
and the frame size (1009)."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack

from ..report import Case, expect
from .peer import Peer, Server, brief

RULE = "§Subscriptions"
CONNECTION_CLAUSES = 4096
DAEMON_CLAUSES = 262144


def _clause_patterns(run: str, clauses: int, start: int = 0) -> list[str]:
    """Distinct filtered patterns holding ``clauses`` filter clauses in all (one per path segment),
    as few patterns as the 512-character limit allows."""
    out: list[str] = []
    i = start
    while clauses > 0:
        head = f"conformance.limit_{run}_{i}:"
        segments = min(clauses, (512 - len(head) - 2) // 2)
        out.append(head + ".".join(["f"] * segments) + "=v")
        clauses -= segments
        i += 1
    return out


def cases(server: Server) -> list[Case]:
    async def frame_limits() -> None:
        async with server.connect() as peer:
            ok = [f"conformance.many.p{i}" for i in range(256)]
            reply = await peer.subscribe(ok)
            expect(len(reply["events"]) == 256, f"{RULE}: 256 patterns in one frame are accepted")
            long_ok = "conformance." + "a" * 500
            expect(len(long_ok) == 512, "pattern length")
            await peer.subscribe([long_ok])
            for label, events in (
                ("257 patterns", [f"conformance.many.q{i}" for i in range(257)]),
                ("a 513-character pattern", ["conformance." + "a" * 501]),
                ("an empty pattern", [""]),
            ):
                await peer.error_for(
                    {"type": "subscribe", "events": events, "id": "lim"},
                    "invalid_frame",
                    f"{RULE} limits: {label} is outside the schema",
                    frame_id="lim",
                )

    async def held_patterns() -> None:
        async with server.connect() as peer:
            for block in range(4):
                reply = await peer.subscribe([f"conformance.held.p{block}_{i}" for i in range(256)])
            expect(
                len(reply["events"]) == 1024,
                f"{RULE} limits: 1,024 patterns may be held, got {len(reply['events'])}",
            )
            await peer.error_for(
                {"type": "subscribe", "events": ["conformance.held.one_more"], "id": "over"},
                "invalid_subscription",
                f"{RULE} limits: the 1,025th held pattern",
                frame_id="over",
            )
            reply = await peer.request({"type": "unsubscribe", "events": ["conformance.held.p0_0"]})
            expect(
                len(reply.get("events", [])) == 1023,
                f"{RULE}: the refused pattern was not added: {len(reply.get('events', []))}",
            )

    async def connection_clauses() -> None:
        run = server.nonce()
        async with server.connect() as peer:
            reply = await peer.subscribe(_clause_patterns(run, CONNECTION_CLAUSES))
            held = len(reply["events"])
            over = [f"conformance.extra_{run}", f"conformance.extra_{run}:x=1"]
            await peer.error_for(
                {"type": "subscribe", "events": over, "id": "tmf"},
                "too_many_filters",
                f"{RULE} limits: clause {CONNECTION_CLAUSES + 1} on one connection",
                frame_id="tmf",
            )
            reply = await peer.subscribe([f"conformance.plain_{run}"])
            expect(
                len(reply["events"]) == held + 1 and f"conformance.extra_{run}" not in reply["events"],
                f"{RULE}: nothing in a too_many_filters frame is applied: {reply['events'][-3:]}",
            )

    async def daemon_clauses() -> None:
        run = server.nonce()
        async with AsyncExitStack() as stack:
            peers: list[Peer] = []
            for _ in range(DAEMON_CLAUSES // CONNECTION_CLAUSES):
                peers.append(await stack.enter_async_context(server.connect()))

            async def fill(i: int, peer: Peer) -> None:
                await peer.subscribe(_clause_patterns(f"{run}_{i}", CONNECTION_CLAUSES))

            await asyncio.gather(*(fill(i, p) for i, p in enumerate(peers)))
            async with server.connect() as last:
                pattern = f"conformance.last_{run}:x=1"
                await last.error_for(
                    {"type": "subscribe", "events": [pattern], "id": "all"},
                    "too_many_filters",
                    f"{RULE} limits: clause {DAEMON_CLAUSES + 1} held by all connections together",
                    frame_id="all",
                )
                await peers[0].request(
                    {"type": "unsubscribe", "events": _clause_patterns(f"{run}_0", CONNECTION_CLAUSES)[:1]}
                )
                reply = await last.subscribe([pattern])
                expect(
                    pattern in reply["events"], f"{RULE}: clauses freed by an unsubscribe can be used again"
                )

    async def frame_size() -> None:
        async with server.connect() as peer:
            limit = int(peer.welcome.get("max_frame_bytes", 1 << 20))
            frame = {"type": "ping", "id": "big", "pad": ""}
            frame["pad"] = "x" * (limit - len(json.dumps(frame)))
            text = json.dumps(frame)
            expect(len(text.encode()) == limit, "frame size arithmetic")
            await peer.send_text(text)
            reply = await peer.reply("big", "the pong to a frame of exactly max_frame_bytes", 10)
            expect(
                reply["type"] == "pong",
                f"§Subscriptions limits: a frame of max_frame_bytes is accepted: {brief(reply)}",
            )
            await peer.send_text(text + " ")
            code, _reason = await peer.closed(10)
            expect(
                code == 1009,
                f"§Close codes: a client frame over max_frame_bytes closes with 1009, got {code}",
            )

    return [
        Case(
            "limits.frame_patterns",
            f"{RULE}: 1-256 patterns per frame, 1-512 characters each, else invalid_frame",
            frame_limits,
        ),
        Case(
            "limits.held_patterns",
            f"{RULE}: at most 1,024 patterns held by a connection, more is invalid_subscription",
            held_patterns,
        ),
        Case(
            "limits.connection_filters",
            f"{RULE}: at most 4,096 filter clauses per connection, more is too_many_filters and applies "
            "nothing",
            connection_clauses,
        ),
        Case(
            "limits.daemon_filters",
            f"{RULE}: at most 262,144 filter clauses held by all connections, more is too_many_filters",
            daemon_clauses,
            limit_s=30,
        ),
        Case(
            "limits.frame_size",
            "§Close codes: a frame of max_frame_bytes is accepted, one byte more closes with 1009",
            frame_size,
        ),
    ]
