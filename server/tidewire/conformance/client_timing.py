"""Judging reconnect delays measured by the fake daemon (pure).

One run cannot prove that delays are random, and a full-jitter policy (a delay drawn from
[0, cap]) may legitimately draw a very short one, so the bounds are generous: what fails is a
tight loop (several near-zero delays, or almost no waiting in total) and a constant delay
(neither growing nor jittered).
"""

from __future__ import annotations

from collections.abc import Sequence

# A delay shorter than this is "immediate"; one such draw is allowed, two are a loop.
IMMEDIATE_S = 0.02
# Several attempts in a row must wait at least this much in total.
MIN_TOTAL_S = 0.25
# Delays whose spread is under this share of their mean are constant.
MIN_SPREAD = 0.25


def backoff_problems(delays: Sequence[float]) -> list[str]:
    """What is wrong with the delays (seconds) before consecutive connection attempts."""
    if len(delays) < 2:
        return [f"need at least two delays to judge, got {len(delays)}"]
    shown = ", ".join(f"{d * 1000:.0f}" for d in delays) + " ms"
    out: list[str] = []
    immediate = sum(1 for d in delays if d < IMMEDIATE_S)
    if immediate > 1 or sum(delays) < MIN_TOTAL_S:
        out.append(
            f"a tight reconnect loop: delays {shown} (wait a jittered, growing delay before every retry)"
        )
    mean = sum(delays) / len(delays)
    if max(delays) - min(delays) < MIN_SPREAD * mean:
        out.append(f"the same delay before every retry: {shown} (the delay must grow and be jittered)")
    return out
