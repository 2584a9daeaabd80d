"""The first connection and a refused one."""

from __future__ import annotations

import asyncio

from ..client_report import Delivered
from ..client_scenario import START_S, ClientCase, Scenario
from ..fake_daemon import Refusal
from ..report import CaseFailed, expect


async def first_connection(s: Scenario) -> None:
    # Events committed before the client came: it starts at welcome.seq and must not ask for them.
    await s.daemon.commit_many(3)
    peer = await s.connected(START_S, "connect")
    resumes = peer.sent_of("resume")
    expect(not resumes, f"sent resume on its first connection: {resumes[:1]}")
    seqs = await s.daemon.commit_many(4)
    for seq in seqs:
        await s.delivered(seq)
    got = sorted({line.seq for line in s.client.lines if isinstance(line, Delivered)})
    expect(
        set(got) <= set(seqs), f"reported events {got}; expected {seqs}, the events committed after welcome"
    )


async def resume_from_zero(s: Scenario) -> None:
    # An empty log: welcome.seq is 0, and 0 is the position to resume from.
    first = await s.connected(START_S, "connect")
    first.abort()
    seqs = await s.daemon.commit_many(2)
    peer = await s.daemon.next_peer(10, "reconnect after the drop")
    frame = await s.resume_frame(peer)
    s.expect_resume(frame, 0, "the position after welcome.seq 0 is 0")
    await peer.wait_subscribed()
    await s.delivered(seqs[-1])


async def token_refused(s: Scenario) -> None:
    s.daemon.refuse = lambda attempt: Refusal(close=1008, reason="a valid token is required")
    deadline = asyncio.get_running_loop().time() + START_S
    while not s.daemon.attempts:
        if asyncio.get_running_loop().time() > deadline:
            raise CaseFailed(f"the client made no connection attempt within {START_S:g} s")
        await asyncio.sleep(0.05)
    await asyncio.sleep(2.5)
    n = len(s.daemon.attempts)
    expect(
        n == 1,
        f"{n} connection attempts within 2.5 s of a close 1008; reconnecting cannot fix a refused token",
    )


CASES = (
    ClientCase(
        "first_connection",
        "§Resume and reconnecting: the first connection sends no resume, subscribes to the whole set "
        "and gets the events after welcome.seq",
        first_connection,
    ),
    ClientCase(
        "resume_from_zero",
        "§Resume and reconnecting: position 0 (the welcome.seq of an empty log) is a position: "
        "resume after_seq 0",
        resume_from_zero,
    ),
    ClientCase(
        "token_refused",
        "§Close codes: 1008 (missing or bad token): reconnecting will not help; do not retry",
        token_refused,
        may_exit=True,
    ),
)
