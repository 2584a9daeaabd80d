"""A server under test in a process of its own, so its resident memory can be read cleanly.

`python -m bench.connserver KIND` with KIND `a` (the daemon) or `b` (plain websockets). Prints
`{"url": ...}` when listening; then for each stdin line `measure N` waits until N connections are
registered and prints `{"rss": bytes, "connections": N}`; exits on `stop` or end of input.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from typing import Any

import psutil
import uvloop

from bench.daemon import TidewireHost
from bench.limits import raise_nofile
from bench.servers import BroadcastServer


def _print(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _rss() -> int:
    gc.collect()
    value: int = psutil.Process().memory_info().rss
    return value


async def main_async(kind: str) -> None:
    server: TidewireHost | BroadcastServer = TidewireHost() if kind == "a" else BroadcastServer()
    await server.start()
    try:
        await asyncio.sleep(0.2)
        _print({"url": server.url, "rss": _rss()})
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).strip()
            if not line or line == "stop":
                break
            _, n = line.split()
            try:
                await server.wait_clients(int(n), limit_s=120)
            except TimeoutError as exc:
                _print({"error": str(exc)})
                continue
            await asyncio.sleep(0.5)  # let the subscriptions settle
            _print({"rss": _rss(), "connections": int(n)})
    finally:
        await server.stop()


def main() -> None:
    raise_nofile()
    uvloop.run(main_async(sys.argv[1]))


if __name__ == "__main__":
    main()
