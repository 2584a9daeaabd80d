"""Filter cost: do many sockets holding many deep filters slow delivery to everyone?

End to end: a `tidewire serve` process, one socket subscribed to `task.*` receiving every event,
and `sockets` more, each holding as many filters as it may (1,024 patterns of four path segments
each, 4,096 clauses, none of which matches). The same events are posted (`POST /api/test-events`,
100 a request) before and after the filtered sockets connect, against the same daemon; the time
until the receiving socket has them all is compared.

In process: the same sets matched against the same events by the index and by the direct reading
of the rules (every pattern tried in turn), the baseline the index replaced.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.events import task_data
from bench.flood import _ServeProcess
from bench.stats import ratio

PATTERNS = 1024
PER_FRAME = 256
BATCH = 100


def _patterns(socket: int) -> list[str]:
    # Four segments, the first of which exists in every event: the walk goes a step in.
    return [f"*:task.title.s{socket}.v=x{i}" for i in range(PATTERNS)]


def _event_data(count: int) -> list[dict[str, Any]]:
    return [task_data(i).model_dump(mode="json") for i in range(count)]


async def _deliver(http: httpx.AsyncClient, reader: ClientConnection, data: list[dict[str, Any]]) -> float:
    """Seconds from the first post until the reader has received every event."""
    got = 0

    async def read() -> None:
        nonlocal got
        while got < len(data):
            frame = json.loads(await reader.recv())
            if frame.get("type") == "task.created":
                got += 1

    start = time.perf_counter()
    reading = asyncio.create_task(read())
    for i in range(0, len(data), BATCH):
        body = {"events": [{"type": "task.created", "data": d} for d in data[i : i + BATCH]]}
        (await http.post("/api/test-events", json=body)).raise_for_status()
    await asyncio.wait_for(reading, 600)
    return time.perf_counter() - start


async def _subscribed(url: str, patterns: list[str]) -> ClientConnection:
    ws = await connect(url, open_timeout=60, max_size=None)
    await ws.recv()  # welcome
    for i in range(0, len(patterns), PER_FRAME):
        await ws.send(json.dumps({"type": "subscribe", "events": patterns[i : i + PER_FRAME]}))
        reply = json.loads(await ws.recv())
        if reply.get("type") != "subscribed":
            raise RuntimeError(f"subscribe refused: {reply}")
    return ws


async def end_to_end(sockets: int, events: int) -> dict[str, Any]:
    data = _event_data(events)
    async with _ServeProcess(("--allow-test-events",)) as daemon, AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=daemon.http_url, timeout=600))
        reader = await _subscribed(daemon.ws_url, ["task.*"])
        stack.push_async_callback(reader.close)
        await _deliver(http, reader, data[: min(200, events)])  # warm-up
        cpu0 = daemon.cpu_s()
        plain_s = await _deliver(http, reader, data)
        plain_cpu = daemon.cpu_s() - cpu0
        for s in range(sockets):
            ws = await _subscribed(daemon.ws_url, _patterns(s))
            stack.push_async_callback(ws.close)
        cpu0 = daemon.cpu_s()
        filtered_s = await _deliver(http, reader, data)
        filtered_cpu = daemon.cpu_s() - cpu0
    return {
        "events": events,
        "filtered_sockets": sockets,
        "clauses_per_socket": PATTERNS * 4,
        "without_s": round(plain_s, 3),
        "with_s": round(filtered_s, 3),
        "ratio": ratio(filtered_s, plain_s),
        "daemon_cpu_ms_per_event_without": round(plain_cpu * 1000 / events, 3),
        "daemon_cpu_ms_per_event_with": round(filtered_cpu * 1000 / events, 3),
    }


def in_process(sockets: int, events: int) -> dict[str, Any]:
    from tidewire.ws.subscriptions import FilterBudget, SubscriptionSet, parse_pattern

    budget = FilterBudget()
    sets = []
    for s in range(sockets):
        subs = SubscriptionSet(budget)
        subs.add(_patterns(s))
        sets.append(subs)
    parsed = [[parse_pattern(p) for p in _patterns(s)] for s in range(sockets)]
    data = _event_data(events)
    t0 = time.perf_counter()
    indexed = sum(subs.matches("task.created", d) for d in data for subs in sets)
    indexed_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    direct = sum(
        any(p.matches_type("task.created") and p.matches_data(d) for p in patterns)
        for d in data
        for patterns in parsed
    )
    direct_s = time.perf_counter() - t0
    assert indexed == direct == 0
    checks = events * sockets
    return {
        "events": events,
        "sets": sockets,
        "indexed_us_per_event_per_socket": round(indexed_s * 1e6 / checks, 3),
        "direct_us_per_event_per_socket": round(direct_s * 1e6 / checks, 3),
        "direct_over_indexed": ratio(direct_s, indexed_s),
    }


async def run_suite(sockets: int, events: int, with_daemon: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"sockets": sockets, "events": events}
    if not with_daemon:
        out["error"] = "the daemon cannot be started here"
        return out
    try:
        out["end_to_end"] = await end_to_end(sockets, events)
    except Exception as exc:
        out["end_to_end"] = {"error": repr(exc)}
    try:
        # A tenth of the events: the direct reading takes seconds per thousand events.
        out["in_process"] = await asyncio.to_thread(in_process, sockets, max(20, events // 10))
    except Exception as exc:
        out["in_process"] = {"error": repr(exc)}
    e2e = out["end_to_end"]
    if isinstance(e2e, dict) and e2e.get("ratio") is not None:
        out["goal"] = {
            "text": f"{sockets} sockets at the filter cap slow delivery of {events} events by under 2x",
            "met": bool(e2e["ratio"] < 2),
        }
    return out
