"""Slow-consumer isolation: one client of 100 stops reading; how do the other 99 and the server fare?"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import fanout
from bench.memory import RssSampler
from bench.servers import FanoutServer
from bench.stats import ratio

CLIENTS = 100
MEMORY_BOUND_MIB = 32.0
# The daemon's default max_lag is the whole retained log (10,000); a smaller setting makes the
# stalled client overflow within a run of a few thousand events.
DAEMON_MAX_LAG = 500


async def run_one(
    factory: Callable[[], FanoutServer], events: int, stall_s: float, timeout_s: float
) -> dict[str, Any]:
    server = factory()
    await server.start()
    try:
        free = await fanout.measure(server, CLIENTS, events, timeout_s=timeout_s)
        sampler = RssSampler()
        stalled = await fanout.measure(
            server, CLIENTS, events, timeout_s=timeout_s, stall=[0], stall_s=stall_s, sampler=sampler
        )
    finally:
        await server.stop()
    others = ratio(stalled.get("per_client_rate_mean"), free.get("per_client_rate_mean"))
    return {
        "all_reading": free,
        "one_stalled": stalled,
        "others_rate_ratio": others,
        "rss_growth_mib": sampler.growth_mib,
        "stalled_outcome": stalled.get("stalled"),
    }


async def run_suite(
    variants: dict[str, Callable[[], FanoutServer]], events: int, stall_s: float, timeout_s: float
) -> dict[str, Any]:
    out: dict[str, Any] = {"clients": CLIENTS, "events": events, "stall_s": stall_s}
    for name, factory in variants.items():
        try:
            out[name] = await run_one(factory, events, stall_s, timeout_s)
        except Exception as exc:
            out[name] = {"error": repr(exc)}
    a = out.get("a")
    if isinstance(a, dict) and "others_rate_ratio" in a:
        outcome = a.get("stalled_outcome") or [{}]
        got_outcome = bool(outcome[0].get("resync") or outcome[0].get("close_code"))
        # "Bounded": the daemon holds no per-event backlog for the stalled client, so its growth stays
        # well under what (b) buffers for the same stall (one copy of every frame).
        bounded = a["rss_growth_mib"] < MEMORY_BOUND_MIB
        out["goal"] = {
            "text": "others keep >= 0.9 of their rate; RSS growth bounded; stalled client gets its outcome",
            "met": bool((a["others_rate_ratio"] or 0) >= 0.9 and got_outcome and bounded),
        }
    return out
