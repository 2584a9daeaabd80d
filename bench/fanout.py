"""Fan-out throughput: one event stream to N subscribers, frames per second delivered at the clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bench import events as sample
from bench.clients import ClientConfig
from bench.loadproc import ClientProcess
from bench.memory import RssSampler
from bench.pacing import paced
from bench.servers import FanoutServer
from bench.stats import ratio


async def measure(
    server: FanoutServer,
    n: int,
    count: int,
    *,
    timeout_s: float,
    stall: list[int] | None = None,
    stall_s: float = 0.0,
    subscribe: list[str] | None = None,
    sampler: RssSampler | None = None,
    pad: int = 0,
    window_s: float = 0.0,
    rate: int = 0,
) -> dict[str, Any]:
    """Emit `count` events to `n` clients of a started server; return delivery counts and rates.

    The clock starts just before the first event is handed to the server and stops at the last frame
    any reading client received, so the figure includes serialisation, commit (for the daemon) and
    the socket writes; connection setup is outside it.
    """
    payload = sample.frames(count, pad=pad)
    cfg = ClientConfig(
        url=server.url,
        n=n,
        protocol=server.protocol,
        subscribe=subscribe or [sample.EVENT_TYPE],
        expect=count,
        timeout_s=timeout_s,
        stall=stall or [],
        stall_s=stall_s,
        window_s=window_s,
    )
    async with ClientProcess(cfg) as clients:
        connected = int(clients.ready["connected"])
        if connected < n:
            raise RuntimeError(f"{server.name}: only {connected}/{n} clients connected: {clients.ready}")
        await server.wait_clients(n, limit_s=60)
        if sampler is not None:
            sampler.reset()
        t0 = time.monotonic_ns()
        emit = asyncio.create_task(
            _paced_emit(server, payload, rate, timeout_s) if rate else server.emit(payload)
        )
        sampling = asyncio.create_task(_sample_until(emit, sampler)) if sampler else None
        result_task = asyncio.create_task(clients.result())
        done, _ = await asyncio.wait({emit}, timeout=timeout_s + 30)
        emit_s = (time.monotonic_ns() - t0) / 1e9 if done else None
        if not done:
            emit.cancel()
        per_client = await result_task
        if sampling is not None:
            sampling.cancel()
    return summarise(per_client, t0, count, set(stall or []), emit_s)


async def _paced_emit(server: FanoutServer, payload: list[dict[str, Any]], rate: int, limit_s: float) -> None:
    """Hand the events to the server at `rate` per second instead of all at once."""
    position = 0
    stop = asyncio.Event()

    async def emit(k: int) -> None:
        nonlocal position
        chunk = payload[position : position + k]
        position += len(chunk)
        if chunk:
            await server.emit(chunk)
        if position >= len(payload):
            stop.set()

    await paced(rate, emit, stop, limit_s)


async def _sample_until(task: asyncio.Task[None], sampler: RssSampler) -> None:
    while not task.done():
        sampler()
        await asyncio.sleep(0.05)
    sampler()


def summarise(
    per_client: list[dict[str, Any]], t0: int, expected: int, stalled: set[int], emit_s: float | None
) -> dict[str, Any]:
    readers = [c for c in per_client if c["index"] not in stalled]
    frames = sum(c["count"] for c in readers)
    last = max((c["t_last"] for c in readers if c["t_last"] is not None), default=None)
    seconds = (last - t0) / 1e9 if last is not None else None
    per_client_rates = [
        c["count"] / ((c["t_last"] - t0) / 1e9)
        for c in readers
        if c["t_last"] is not None and c["t_last"] > t0
    ]
    out: dict[str, Any] = {
        "clients": len(per_client),
        "events": expected,
        "frames_delivered": frames,
        "frames_expected": expected * len(readers),
        "complete": all(c["count"] == expected for c in readers),
        "out_of_order": sum(c["out_of_order"] for c in per_client),
        "errors": sorted({c["error"] for c in per_client if c["error"]})[:3],
        "seconds": seconds,
        "emit_seconds": emit_s,
        "frames_per_s": ratio(frames, seconds),
        "per_client_rate_mean": (sum(per_client_rates) / len(per_client_rates)) if per_client_rates else None,
        "window_frames": sum(c.get("window_count") or 0 for c in readers),
    }
    if stalled:
        out["stalled"] = [
            {
                "count": c["count"],
                "resync": [r.get("reason") for r in c["resync"]],
                "close_code": c["close_code"],
                "close_reason": c["close_reason"],
                "error": c["error"],
            }
            for c in per_client
            if c["index"] in stalled
        ]
    return out


async def run_variant(
    factory: Callable[[], FanoutServer], n: int, count: int, timeout_s: float
) -> dict[str, Any]:
    server = factory()
    await server.start()
    try:
        return await measure(server, n, count, timeout_s=timeout_s)
    finally:
        await server.stop()


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rated = sorted((r for r in runs if r.get("frames_per_s")), key=lambda r: r["frames_per_s"])
    best = dict(rated[len(rated) // 2]) if rated else dict(runs[0])
    best["runs_frames_per_s"] = [r.get("frames_per_s") for r in runs]
    return best


async def run_suite(
    variants: dict[str, Callable[[], FanoutServer]],
    sizes: tuple[int, ...],
    frames: int,
    min_events: int,
    max_events: int,
    repeats: int,
    timeout_s: float,
) -> dict[str, Any]:
    """Every variant at every N; repeats interleave the variants so background noise hits them alike."""
    rows: list[dict[str, Any]] = []
    for n in sizes:
        count = min(max_events, max(min_events, frames // n))
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for _ in range(repeats):
            for name, factory in variants.items():
                try:
                    runs[name].append(await run_variant(factory, n, count, timeout_s))
                except Exception as exc:
                    runs[name].append({"error": repr(exc), "frames_per_s": None})
        row: dict[str, Any] = {"clients": n, "events": count}
        for name, rs in runs.items():
            row[name] = _median_run(rs)
        rate = {name: row[name].get("frames_per_s") for name in variants}
        for name in variants:
            if name.startswith("a"):
                for base in ("b", "c", "d"):
                    row[f"{name}_over_{base}"] = ratio(rate[name], rate.get(base))
        rows.append(row)
    goal_row = next((r for r in rows if r["clients"] == 100), None)
    goal: dict[str, Any] | None = None
    if goal_row is not None and "a_over_b" in goal_row:
        a_b, a_c, a_d = goal_row["a_over_b"], goal_row["a_over_c"], goal_row["a_over_d"]
        goal = {
            "text": "at N=100: daemon >= 0.7 x (b), and above (c) and (d)",
            "met": bool(a_b is not None and a_b >= 0.7 and (a_c or 0) > 1 and (a_d or 0) > 1),
        }
    return {"rows": rows, "goal": goal}
