"""Browser: event-to-DOM latency and a 1,000 events/s storm, in headless Chromium (playwright-core).

The daemon (with the built dashboard) runs in this process; `bench/browser_js/probe.mjs` drives
Chromium in a node subprocess and records, in the page, when each `task.created` frame arrived on
the socket, when its row appeared in the DOM, every fetch the app made, and long tasks.

- Latency: tasks created over MCP (the real SDK client), one at a time; from the call returning
  (wall clock here) to the row in the DOM (wall clock in the page), and from the frame's arrival in
  the page to the row.
- Storm: `task.updated` (for the tasks on screen) and `mcp.tool_called` events committed at the
  storm rate, 10 per transaction so the rate is reached even when fsyncs are slow; counts of the
  fetches the app made per query and of main-thread long tasks during the storm.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.daemon import BACKGROUND_TYPE, TidewireHost
from bench.modes import Mode
from bench.pacing import paced
from bench.stats import percentile

CHROMIUM = Path("/usr/bin/chromium")
WEB_DIST = Path("web/dist")
PROBE_JS = Path(__file__).parent / "browser_js" / "probe.mjs"
STORM_PER_TX = 10
SETTLE_S = 1.0


def unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (`make test-deps` installs it)"
    if not (WEB_DIST / "index.html").exists():
        return f"the dashboard is not built ({WEB_DIST}/index.html is missing; `make web-build`)"
    if not Path("web/node_modules/playwright-core").exists():
        return "web/node_modules/playwright-core is missing (`make setup`)"
    return None


class BrowserProcess:
    def __init__(self, url: str) -> None:
        self.url = url
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> BrowserProcess:
        cfg = json.dumps({"url": self.url, "chromium": str(CHROMIUM)})
        self.proc = await asyncio.create_subprocess_exec(
            "node",
            str(PROBE_JS),
            cfg,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=64 * 2**20,
        )
        await self.read("ready", 120)
        return self

    async def read(self, key: str, limit_s: float) -> Any:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), limit_s)
            if not raw:
                raise RuntimeError(f"the browser process exited before {key!r}")
            obj = json.loads(raw)
            if "error" in obj:
                raise RuntimeError(f"browser: {obj['error'][:500]}")
            if key in obj:
                return obj[key]

    async def collect(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"collect\n")
        await self.proc.stdin.drain()
        result: dict[str, Any] = await self.read("result", 60)
        return result

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"quit\n")
            await self.proc.stdin.drain()
            await asyncio.wait_for(self.proc.wait(), 30)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.proc.kill()
            await self.proc.wait()


def _storm_events(tasks: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """One round of storm events: an update of every task on screen, then as many tool calls."""
    from tidewire.protocol.models import McpToolCalledData, Task, TaskUpdatedData

    out: list[tuple[str, Any]] = []
    for i, record in enumerate(tasks):
        task = Task.model_validate({**record, "title": f"{record['title']} (storm {i})"})
        out.append(
            (
                "task.updated",
                TaskUpdatedData(task_id=task.id, project_id=task.project_id, task=task, changed=["title"]),
            )
        )
        out.append(
            (
                BACKGROUND_TYPE,
                McpToolCalledData(server_name="bench", tool_name="noop", duration_ms=1.0, ok=True),
            )
        )
    return out


async def _storm(host: TidewireHost, tasks: list[dict[str, Any]], rate: int, seconds: float) -> int:
    cycle = _storm_events(tasks)
    position = 0

    async def emit(k: int) -> None:
        nonlocal position
        batch = [cycle[(position + j) % len(cycle)] for j in range(k)]
        position += k
        chunks = [batch[i : i + STORM_PER_TX] for i in range(0, len(batch), STORM_PER_TX)]
        for chunk in chunks:

            def fn(tx: Any, chunk: list[tuple[str, Any]] = chunk) -> None:
                for kind, data in chunk:
                    tx.emit(kind, data)

            await host.store.write(fn)

    stop = asyncio.Event()
    return await paced(rate, emit, stop, seconds)


def _query_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def measure(mode: Mode) -> dict[str, Any]:
    from mcp import Client

    host = TidewireHost(web_dist=Path.cwd() / WEB_DIST, retain=100_000)
    await host.start()
    try:
        async with Client(f"{host.http_url}/mcp") as mcp:
            screen: list[dict[str, Any]] = []
            for i in range(5):
                res = await mcp.call_tool("create_task", {"title": f"storm target {i}", "priority": 1})
                screen.append(dict(res.structured_content))
            async with BrowserProcess(f"{host.http_url}/tasks") as browser:
                returns: dict[str, float] = {}
                for i in range(mode.browser_probes):
                    res = await mcp.call_tool("create_task", {"title": f"dom probe {i}", "priority": 0})
                    returns[str(res.structured_content["id"])] = time.time() * 1000
                    await asyncio.sleep(0.2)
                await asyncio.sleep(SETTLE_S)
                t_storm = time.time() * 1000
                sent = await _storm(host, screen, mode.storm_rate, mode.storm_seconds)
                t_storm_end = time.time() * 1000
                await asyncio.sleep(SETTLE_S)
                page = await browser.collect()
    finally:
        await host.stop()
    return summarise(page, returns, t_storm, t_storm_end, sent)


def summarise(
    page: dict[str, Any], returns: dict[str, float], t_storm: float, t_storm_end: float, sent: int
) -> dict[str, Any]:
    dom: dict[str, float] = page["dom"]
    ws: dict[str, float] = page["ws"]
    from_return = [max(0.0, dom[i] - t) for i, t in returns.items() if i in dom]
    from_frame = [dom[i] - ws[i] for i in returns if i in dom and i in ws]
    storm_s = (t_storm_end - t_storm) / 1000
    window_end = t_storm_end + SETTLE_S * 1000
    fetches = Counter(_query_of(url) for t, url in page["fetches"] if t_storm <= t <= window_end)
    long_tasks = [d for t, d in page["longTasks"] if t_storm <= t <= window_end]
    per_query = {q: round(n / storm_s, 2) for q, n in fetches.most_common()}
    return {
        "probes": len(returns),
        "probes_seen": len(from_return),
        "dom_p50_ms": percentile(from_return, 50),
        "dom_p95_ms": percentile(from_return, 95),
        "frame_to_dom_p50_ms": percentile(from_frame, 50),
        "frame_to_dom_p95_ms": percentile(from_frame, 95),
        "storm_events": sent,
        "storm_seconds": round(storm_s, 2),
        "storm_rate_achieved": round(sent / storm_s) if storm_s > 0 else None,
        "refetches_total": sum(fetches.values()),
        "refetches_per_query_per_s": max(per_query.values(), default=0.0),
        "refetches_by_query": dict(fetches),
        "long_tasks": len(long_tasks),
        "long_task_ms_total": round(sum(long_tasks), 1),
    }


async def run_suite(mode: Mode) -> dict[str, Any]:
    why = unavailable()
    if why is not None:
        return {"skipped": why}
    return await measure(mode)
