"""The flooding client: one socket sending `ping` as fast as it can, in a process of its own.

`python -m bench.flooder WS_URL` connects, prints `{"flooding": true}` once the first frames are
out, and keeps sending while reading every reply (so the daemon has to write them all). When the
daemon closes it (the rate limit's 1008), it connects again at once: a client that will not take
no for an answer. On `stop` (stdin) it prints `{"result": ...}` with what it sent and heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections import Counter
from typing import Any

import uvloop
import websockets
from websockets.asyncio.client import ClientConnection, connect

PING = json.dumps({"type": "ping", "id": "f"})
BATCH = 64


def _print(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Flood:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sent = 0
        self.received: Counter[str] = Counter()  # frame type, or "error:<code>"
        self.closes: Counter[str] = Counter()
        self.connections = 0
        self.announced = False

    async def _read(self, ws: ClientConnection) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type", "?")
            self.received[f"error:{frame.get('code')}" if kind == "error" else kind] += 1

    async def _one_connection(self) -> None:
        async with connect(self.url, max_size=None, open_timeout=30, close_timeout=0.5) as ws:
            self.connections += 1
            reader = asyncio.create_task(self._read(ws))
            try:
                while True:
                    for _ in range(BATCH):
                        await ws.send(PING)
                    self.sent += BATCH
                    if not self.announced:
                        self.announced = True
                        _print({"flooding": True})
                    await asyncio.sleep(0)  # let the reader take the replies
            except websockets.ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                self.closes[f"{code} {exc.rcvd.reason if exc.rcvd else ''}".strip()] += 1
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
                    await reader

    async def run(self) -> None:
        while True:
            try:
                await self._one_connection()
            except (OSError, websockets.InvalidHandshake, TimeoutError):
                await asyncio.sleep(0.01)

    def result(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": dict(self.received),
            "closes": dict(self.closes),
            "connections": self.connections,
        }


async def main_async(url: str) -> None:
    flood = Flood(url)
    task = asyncio.create_task(flood.run())
    await asyncio.to_thread(sys.stdin.readline)  # "stop", or the parent went away
    _print({"result": flood.result()})
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def main() -> None:
    uvloop.run(main_async(sys.argv[1]))


if __name__ == "__main__":
    main()
