"""Flow control: frames over the rate limit get ``rate_limited`` (no id, at most one a second)
and are dropped; a connection still flooding 2 s after its first refusal is closed with 1008."""

from __future__ import annotations

import asyncio
import json

import websockets

from ..report import Case, CaseFailed, expect
from .peer import Frame, Server, brief

RULE = "§Flow control"
MAX_FRAMES = 100_000  # far beyond any burst the doc allows (1,000 by default)
CLOSE_WITHIN_S = 6.0  # 2 s after the first refusal, and room for a busy machine


def cases(server: Server) -> list[Case]:
    async def flood() -> None:
        loop = asyncio.get_running_loop()
        async with server.connect() as peer:
            refusals: list[tuple[float, Frame]] = []
            pongs = 0

            async def read() -> None:
                nonlocal pongs
                while True:
                    frame = await peer.recv(CLOSE_WITHIN_S * 2, "frames while flooding")
                    if frame["type"] == "pong":
                        pongs += 1
                    elif frame["type"] == "error" and frame.get("code") == "rate_limited":
                        refusals.append((loop.time(), frame))

            reader = asyncio.create_task(read())
            sent = 0
            first_at: float | None = None
            try:
                while sent < MAX_FRAMES:
                    if reader.done():
                        break
                    for _ in range(50):
                        await peer.conn.send(json.dumps({"type": "ping", "id": sent}))
                        sent += 1
                    await asyncio.sleep(0)
                    if refusals and first_at is None:
                        first_at = refusals[0][0]
                    if first_at is not None and loop.time() - first_at > CLOSE_WITHIN_S:
                        raise CaseFailed(
                            f"{RULE}: still open {CLOSE_WITHIN_S:g} s after the first rate_limited"
                        )
            except websockets.ConnectionClosed:
                pass
            try:
                await asyncio.wait_for(reader, CLOSE_WITHIN_S * 2)
            except CaseFailed:
                pass
            rcvd = peer.conn.protocol.close_rcvd
            closed = f"{(rcvd.code, rcvd.reason)}" if rcvd else "no close frame"
            expect(
                bool(refusals),
                f"{RULE}: {sent} frames sent as fast as possible got no rate_limited error (closed: "
                f"{closed})",
            )
            for _at, frame in refusals:
                expect("id" not in frame, f"{RULE}: rate_limited carries no id: {brief(frame)}")
            span = refusals[-1][0] - refusals[0][0]
            expect(
                len(refusals) <= int(span) + 2,
                f"{RULE}: at most one rate_limited a second, got {len(refusals)} in {span:.1f} s",
            )
            expect(
                pongs < sent,
                f"{RULE}: frames over the limit are dropped unhandled, yet all {sent} pings got a pong",
            )
            expect(
                rcvd is not None and rcvd.code == 1008 and rcvd.reason == "rate limit exceeded",
                f"{RULE}: a connection still over the limit is closed with 1008 'rate limit exceeded', got "
                f"{(rcvd.code, rcvd.reason) if rcvd else 'no close frame'}",
            )

    return [
        Case(
            "flow.rate_limited",
            f"{RULE}: frames over the limit get rate_limited (no id, at most one a second) and are dropped; "
            "still flooding 2 s after the first refusal closes with 1008",
            flood,
            limit_s=20,
        )
    ]
