"""A fan-out baseline in a process of its own, on the same event loop implementation as `tidewire serve`.

`python -m bench.fanserver KIND` with KIND one of:

- `b`: `websockets.broadcast` of each frame (one UTF-8 encode, framed and written per connection);
- `c`: `await ws.send()` to each client in turn;
- `e`: the floor: each frame encoded once, WebSocket framing included, and the same bytes handed
  to `transport.write` of every client.

Compression is off. The process talks to its parent one JSON object a line: it prints `{"url",
"pid"}` once listening, then answers `wait N` with `{"clients": N}` once N clients are connected,
`load PATH` (a JSON list of frame texts and the frames per group) with `{"loaded": count}`, and
`emit` with `{"emitted": count}` once every frame is handed over. Frames go out in the groups the
daemon commits them in (one `POST .../expand` is one transaction), with one yield to the loop
after each group, as the daemon's writers yield once per commit and not once per frame.

`tidewire serve` runs on asyncio's default loop (`asyncio.run`), so this does too: a baseline on
uvloop would be measured on a different loop from the daemon.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.frames import Frame, Opcode

from bench.limits import raise_nofile
from bench.servers import _wait_count


def encode_once(text: str) -> bytes:
    """One server-to-client text frame: unmasked, so the same bytes suit every connection."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FanServer:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.clients: set[ServerConnection] = set()
        self.frames: list[str] = []
        self.group = 1

    async def handler(self, ws: ServerConnection) -> None:
        self.clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.clients.discard(ws)

    async def emit(self) -> int:
        frames, group = self.frames, self.group
        for start in range(0, len(frames), group):
            chunk = frames[start : start + group]
            if self.kind == "b":
                for text in chunk:
                    broadcast(self.clients, text)
            elif self.kind == "e":
                transports = [ws.transport for ws in self.clients]
                for text in chunk:
                    data = encode_once(text)
                    for transport in transports:
                        transport.write(data)
            else:
                for text in chunk:
                    for ws in list(self.clients):
                        with contextlib.suppress(Exception):
                            await ws.send(text)
            await asyncio.sleep(0)
        return len(frames)


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main_async(kind: str) -> None:
    server = FanServer(kind)
    async with serve(
        server.handler, "127.0.0.1", 0, compression=None, ping_interval=None, max_queue=64, max_size=None
    ) as ws_server:
        port = next(iter(ws_server.sockets)).getsockname()[1]
        _say({"url": f"ws://127.0.0.1:{port}/", "pid": os.getpid()})
        loop = asyncio.get_running_loop()
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
            if not line or line == "stop":
                break
            cmd, _, arg = line.partition(" ")
            if cmd == "wait":
                await _wait_count(lambda: len(server.clients), int(arg), 120)
                _say({"clients": len(server.clients)})
            elif cmd == "load":
                spec = json.loads(await asyncio.to_thread(Path(arg).read_text, encoding="utf-8"))
                server.frames, server.group = list(spec["frames"]), int(spec["group"])
                _say({"loaded": len(server.frames)})
            elif cmd == "emit":
                _say({"emitted": await server.emit()})


def main() -> None:
    kind = sys.argv[1]
    if kind not in ("b", "c", "e"):
        raise SystemExit(f"unknown baseline {kind!r}: b, c or e")
    raise_nofile()
    asyncio.run(main_async(kind))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
