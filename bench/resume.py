"""Resume: a reconnecting client replays the events it missed; events per second."""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from bench import events as sample
from bench.clients import ClientConfig
from bench.loadproc import ClientProcess
from bench.servers import BroadcastServer
from bench.stats import ratio


class ResumableServer(Protocol):
    url: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def head(self) -> int: ...
    async def commit_many(self, count: int) -> None: ...


async def daemon_replay(server: ResumableServer, count: int, timeout_s: float) -> dict[str, Any]:
    await server.start()
    try:
        after = await server.head()
        await server.commit_many(count)
        cfg = ClientConfig(
            url=server.url,
            n=1,
            subscribe=[sample.EVENT_TYPE],
            expect=count,
            timeout_s=timeout_s,
            resume_after=after,
        )
        async with ClientProcess(cfg) as clients:
            client = (await clients.result())[0]
    finally:
        await server.stop()
    seconds = None
    if client["t_resumed"] is not None and client["t_resume_sent"] is not None:
        seconds = (client["t_resumed"] - client["t_resume_sent"]) / 1e9
    resumed = client["resumed"] or {}
    return {
        "events": count,
        "replayed": resumed.get("replayed"),
        "received": client["count"],
        "out_of_order": client["out_of_order"],
        "resync": [r.get("reason") for r in client["resync"]],
        "error": client["error"],
        "seconds": seconds,
        "events_per_s": ratio(resumed.get("replayed"), seconds),
    }


async def baseline_replay(count: int, timeout_s: float) -> dict[str, Any]:
    """(b): the same number of pre-serialised frames broadcast to one connected client."""
    server = BroadcastServer()
    await server.start()
    frames = [json.dumps(f) for f in sample.frames(count)]
    try:
        cfg = ClientConfig(url=server.url, n=1, protocol="plain", expect=count, timeout_s=timeout_s)
        async with ClientProcess(cfg) as clients:
            await server.wait_clients(1, limit_s=30)
            t0 = time.monotonic_ns()
            await server.emit_frames(frames)
            client = (await clients.result())[0]
    finally:
        await server.stop()
    seconds = (client["t_last"] - t0) / 1e9 if client["t_last"] else None
    return {
        "events": count,
        "received": client["count"],
        "seconds": seconds,
        "events_per_s": ratio(client["count"], seconds),
    }


async def run_suite(daemon: ResumableServer | None, count: int, timeout_s: float) -> dict[str, Any]:
    out: dict[str, Any] = {"events": count}
    try:
        out["b"] = await baseline_replay(count, timeout_s)
    except Exception as exc:
        out["b"] = {"error": repr(exc)}
    if daemon is not None:
        try:
            out["a"] = await daemon_replay(daemon, count, timeout_s)
        except Exception as exc:
            out["a"] = {"error": repr(exc)}
        a = out["a"]
        out["a_over_b"] = ratio(a.get("events_per_s"), out["b"].get("events_per_s"))
        secs = a.get("seconds")
        # The goal is stated for 10,000 events; scale the bound when quick mode replays fewer.
        bound = 0.5 * count / 10_000
        out["goal"] = {
            "text": f"replay {count} events in under {bound:.2f} s (10,000 in 0.5 s)",
            "met": bool(secs is not None and secs < bound and a.get("replayed") == count),
        }
    return out
