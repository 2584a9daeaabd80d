"""A steady event rate from an emitter that is called once per tick."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

TICK_S = 0.01


async def paced(
    rate: int, emit: Callable[[int], Awaitable[None]], stop: asyncio.Event, limit_s: float
) -> int:
    """Call emit(k) every tick so that `rate` events per second go out; returns how many were sent.

    A tick that falls behind catches up by at most ten ticks' worth, so a stall cannot turn
    into an unbounded burst. Bounded by `limit_s` as well as by `stop`.
    """
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    sent = 0
    per_tick = max(1, round(rate * TICK_S))
    while not stop.is_set() and loop.time() - t0 < limit_s:
        due = int((loop.time() - t0) * rate)
        k = min(due - sent, 10 * per_tick)
        if k > 0:
            await emit(k)
            sent += k
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), TICK_S)
    return sent
