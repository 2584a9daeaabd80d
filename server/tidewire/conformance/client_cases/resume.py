"""Reconnecting: resume after a drop and after a restart, and the delays between attempts."""

from __future__ import annotations

import itertools

from ..client_scenario import START_S, ClientCase, Scenario
from ..client_timing import backoff_problems
from ..fake_daemon import Refusal
from ..report import CaseFailed


async def drop_mid_stream(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(3)
    await s.delivered(seqs[-1])
    first.abort()
    missed = await s.daemon.commit_many(2)  # committed while the client is away
    peer = await s.daemon.next_peer(10, "reconnect after the drop")
    s.expect_resume(await s.resume_frame(peer), seqs[-1], "the seq of the last event received")
    await peer.wait_subscribed()
    await s.delivered(missed[-1])
    live = await s.daemon.commit("task.created")
    await s.delivered(live)


async def restart_same_epoch(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(2)
    await s.delivered(seqs[-1])
    # Shutting down: close 1001, then two handshakes find it still starting (503).
    base = len(s.daemon.attempts)
    s.daemon.refuse = lambda n: Refusal(status=503, reason="starting") if n - base < 2 else None
    await first.close(1001, "the daemon is shutting down")
    missed = await s.daemon.commit("task.updated")
    peer = await s.daemon.next_peer(15, "reconnect after the restart")
    s.expect_resume(await s.resume_frame(peer), seqs[-1], "the same epoch continues after a restart")
    await peer.wait_subscribed()
    await s.delivered(missed)
    await s.delivered(await s.daemon.commit("task.created"))


async def reconnect_backoff(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    base = len(s.daemon.attempts)
    refused = 3
    s.daemon.refuse = lambda n: Refusal(status=503, reason="starting") if n - base < refused else None
    dropped = s.now()
    first.abort()
    await s.daemon.next_peer(30, f"reconnect after {refused} refused attempts")
    times = [dropped, *(a.at for a in s.daemon.attempts[base : base + refused + 1])]
    delays = [b - a for a, b in itertools.pairwise(times)]
    found = backoff_problems(delays)
    if found:
        raise CaseFailed("; ".join(found))


CASES = (
    ClientCase(
        "drop_mid_stream",
        "§Resume and reconnecting: after a drop, resume after the last seq received, subscribe to the "
        "whole set again, and get the missed events once",
        drop_mid_stream,
    ),
    ClientCase(
        "restart_same_epoch",
        "§Close codes: 1001 (the daemon is shutting down): reconnect with backoff, then resume",
        restart_same_epoch,
    ),
    ClientCase(
        "reconnect_backoff",
        "§Resume and reconnecting: wait a jittered, growing delay before every reconnect; never a tight loop",
        reconnect_backoff,
    ),
)
