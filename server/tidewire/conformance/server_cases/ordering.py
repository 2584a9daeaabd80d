"""Ordering and at-most-once across concurrent writers: several REST writers commit at once; every
connection sees each matching event once, in strictly increasing seq, none missing."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from ..report import Case, expect
from .peer import Peer, Server, marker

RULE = "§Guarantees"
WRITERS = 6
WRITES = 10  # per writer; every other write is a batch of 5
READERS = 4


def cases(server: Server) -> list[Case]:
    async def concurrent_writers() -> None:
        r = server.nonce()
        async with AsyncExitStack() as stack:
            readers: list[Peer] = [await stack.enter_async_context(server.connect()) for _ in range(READERS)]
            for i, peer in enumerate(readers):
                await peer.subscribe(
                    ["conformance.order.*"] if i % 2 == 0 else ["*", f"conformance.order.w0:run={r}"]
                )
            async with server.http() as client:

                async def writer(w: int) -> list[int]:
                    seqs: list[int] = []
                    for k in range(WRITES):
                        batch = [
                            (f"conformance.order.w{w}", {"run": r, "k": k, "b": b})
                            for b in range(1 + 4 * (k % 2))
                        ]
                        seqs += await server.emit(batch, client)
                    return seqs

                written = await asyncio.gather(*(writer(w) for w in range(WRITERS)))
                for seqs in written:
                    expect(
                        seqs == sorted(seqs),
                        f"§Seq, epoch and the cursor: one writer's commits got seqs out of order: {seqs}",
                    )
                all_seqs = sorted(s for seqs in written for s in seqs)
                expect(
                    len(set(all_seqs)) == len(all_seqs),
                    "§Seq, epoch and the cursor: a seq was handed out twice",
                )
                [end] = await server.emit([("conformance.order.end", {"run": r, "end": True})], client)
            want = [*all_seqs, end]
            for i, peer in enumerate(readers):
                got = [
                    e["seq"]
                    for e in await peer.collect_until(marker(r), "the end marker", 15)
                    if e["data"].get("run") == r
                ]
                missing = sorted(set(want) - set(got))
                extra = sorted(set(got) - set(want))
                expect(
                    got == want,
                    f"{RULE}: reader {i} should see all {len(want)} events once in seq order; "
                    f"missing {missing[:5]}, unexpected {extra[:5]}, {len(got)} received",
                )

    return [
        Case(
            "ordering.concurrent_writers",
            f"{RULE}: with concurrent writers each connection gets every matching event once, in strictly "
            "increasing seq",
            concurrent_writers,
            limit_s=30,
        )
    ]
