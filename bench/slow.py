"""Slow-consumer isolation: one client of 100 stops reading; how do the other 99 and the server fare?"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import fanout
from bench.memory import RssSampler
from bench.servers import FanoutServer
from bench.stats import ratio

MEMORY_BOUND_MIB = 16.0
# Frames big enough that a few hundred of them fill the kernel's socket buffers (several MB on
# loopback): below that a "stalled" client is still absorbed by the kernel and nothing is tested.
PAD = 8_000
# The daemon's default max_lag is the whole retained log (10,000); a smaller setting makes the
# stalled client overflow within a run of a few hundred events.
DAEMON_MAX_LAG = 300
# Every server gets the same steady stream (a burst would put the readers, too, more than max_lag
# behind). The stall must outlast the socket buffers (a few hundred frames) plus max_lag.


def daemon() -> FanoutServer:
    """The daemon for this test; each tick's events go in one transaction, so slow fsyncs cannot
    hold the stream below its rate (this test is about the socket path; commits have their own)."""
    from bench.daemon import TidewireHost

    return TidewireHost(max_lag=DAEMON_MAX_LAG, per_tx=50)


async def run_one(
    factory: Callable[[], FanoutServer], clients: int, rate: int, stall_s: float, timeout_s: float
) -> dict[str, Any]:
    """The same server twice: every client reading, then client 0 stalled; RSS sampled in both runs.

    The memory figure is the stalled run's peak growth minus the all-reading run's, which leaves
    what the stall itself costs (the event ring, caches and allocator warm-up cancel out).
    """
    events = int(rate * (stall_s + 1.5))
    server = factory()
    await server.start()
    try:
        free_rss = RssSampler()
        free = await fanout.measure(
            server,
            clients,
            events,
            timeout_s=timeout_s,
            sampler=free_rss,
            pad=PAD,
            window_s=stall_s,
            rate=rate,
        )
        stalled_rss = RssSampler()
        stalled = await fanout.measure(
            server,
            clients,
            events,
            timeout_s=timeout_s,
            stall=[0],
            stall_s=stall_s,
            sampler=stalled_rss,
            pad=PAD,
            window_s=stall_s,
            rate=rate,
        )
    finally:
        await server.stop()
    others = ratio(stalled.get("per_client_rate_mean"), free.get("per_client_rate_mean"))
    # Frames the other clients received while client 0 was stalled, against the same window with
    # every client reading (per reader, since the stalled run has one reader fewer).
    free_window = ratio(free.get("window_frames"), clients)
    stalled_window = ratio(stalled.get("window_frames"), clients - 1)
    return {
        "all_reading": free,
        "one_stalled": stalled,
        "others_rate_ratio": others,
        "others_rate_during_stall_ratio": ratio(stalled_window, free_window),
        "rss_growth_all_reading_mib": free_rss.growth_mib,
        "rss_growth_stalled_mib": stalled_rss.growth_mib,
        "rss_growth_mib": round(stalled_rss.growth_mib - free_rss.growth_mib, 2),
        "stalled_outcome": stalled.get("stalled"),
    }


async def run_suite(
    variants: dict[str, Callable[[], FanoutServer]],
    clients: int,
    rate: int,
    stall_s: float,
    timeout_s: float,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clients": clients,
        "rate": rate,
        "events": int(rate * (stall_s + 1.5)),
        "stall_s": stall_s,
        "frame_bytes": PAD + 600,
        "max_lag": DAEMON_MAX_LAG,
    }
    for name, factory in variants.items():
        try:
            out[name] = await run_one(factory, clients, rate, stall_s, timeout_s)
        except Exception as exc:
            out[name] = {"error": repr(exc)}
    a = out.get("a")
    if isinstance(a, dict) and "others_rate_ratio" in a:
        outcome = (a.get("stalled_outcome") or [{}])[0]
        # The designed outcomes: a `resync` overflow, or a close with 1013 (overflow while a resync
        # could not be delivered) or 1011 for a heartbeat timeout; "internal error" is a failure.
        got_outcome = "overflow" in (outcome.get("resync") or []) or (
            outcome.get("close_code") in (1011, 1013) and outcome.get("close_reason") != "internal error"
        )
        # "Bounded": the daemon holds no per-event backlog for the stalled client, so its growth stays
        # well under what (b) buffers for the same stall (one copy of every frame).
        bounded = a["rss_growth_mib"] < MEMORY_BOUND_MIB
        out["goal"] = {
            "text": "others keep >= 0.9 of their rate during the stall; RSS bounded; "
            "the stalled client gets its outcome",
            "met": bool((a["others_rate_during_stall_ratio"] or 0) >= 0.9 and got_outcome and bounded),
        }
    return out
