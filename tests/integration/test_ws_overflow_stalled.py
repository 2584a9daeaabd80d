"""A client that stops reading still gets ``resync`` overflow, and costs the daemon no memory
per event: what it has not taken stays in the log, not in a queue.

The stalled client has a tiny receive buffer and a client library that stops reading once
one frame waits, so the daemon's sends to it block almost at once. A reading client on the
same daemon gets everything, with no overflow.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import Callable
from typing import Any

from support import Daemon, ws_connect
from support.examples import example_data

ROUNDS = 40
BATCH = 50
PADDING = "x" * 32_000  # 40 x 50 x 32 KB: 64 MB that the stalled client never reads
RETAIN = 50


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _stored_events(daemon: Daemon) -> int:
    db = sqlite3.connect(f"file:{daemon.data_dir / 'tidewire.db'}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        db.close()


async def _small_buffer_socket(daemon: Daemon) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", daemon.port))
    return sock


async def test_a_stalled_client_gets_overflow_and_the_daemon_memory_stays_bounded(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory(
        "--max-lag",
        "20",
        "--retain",
        str(RETAIN),
        "--heartbeat-ms",
        "600000",
        "--max-body-bytes",
        str(8 << 20),
    )
    assert daemon.proc is not None
    loop = asyncio.get_running_loop()
    sock = await _small_buffer_socket(daemon)
    async with ws_connect(daemon) as reader, ws_connect(daemon, max_queue=1, sock=sock) as stalled:
        await reader.subscribe(["*"])
        await stalled.subscribe(["*"])
        # Warm up (imports, caches, the ring filled with large frames) before the baseline.
        warm = [("hook.generic", example_data("hook.generic", padding=PADDING, n=i)) for i in range(RETAIN)]
        await loop.run_in_executor(None, daemon.emit_many, warm)
        await reader.recv_events(RETAIN)
        before = _rss_bytes(daemon.proc.pid)
        emitted: list[int] = []
        for r in range(ROUNDS):
            batch = [
                ("hook.generic", example_data("hook.generic", padding=PADDING, n=r * BATCH + i))
                for i in range(BATCH)
            ]
            emitted += await loop.run_in_executor(None, daemon.emit_many, batch)
            got = await reader.recv_events(BATCH)
            assert [e["seq"] for e in got] == emitted[-BATCH:]
        grown = _rss_bytes(daemon.proc.pid) - before
        sent = ROUNDS * BATCH * len(PADDING)
        # Buffering per event for the stalled client would cost at least `sent` (64 MB).
        assert grown < sent // 4, f"the daemon grew by {grown} bytes while {sent} went unread"
        # The store keeps what a socket still needs, but not for one that overflowed.
        assert _stored_events(daemon) <= RETAIN + 2 * BATCH
        assert not [f for f in reader.received if f["type"] == "resync"]

        # The stalled client reads again: a few frames that were already in flight, then
        # `resync` overflow, then events strictly after the head it named.
        last = emitted[-1]
        frames: list[dict[str, Any]] = []
        while True:
            frame = await stalled.recv()
            frames.append(frame)
            if frame.get("seq") == last and frame["type"] in ("hook.generic", "resync"):
                break
        resyncs = [f for f in frames if f["type"] == "resync"]
        assert resyncs and all(r["reason"] == "overflow" for r in resyncs)
        events = [int(f["seq"]) for f in frames if f["type"] == "hook.generic"]
        assert len(events) < ROUNDS * BATCH // 4 and events == sorted(set(events))
        position = 0
        for f in frames:
            if f["type"] in ("resync", "hook.generic"):
                assert int(f["seq"]) > position or f["type"] == "resync"
                position = int(f["seq"])
        seq = await daemon.aemit("hook.generic", example_data("hook.generic"))
        assert [e["seq"] for e in await stalled.recv_events(1)] == [seq]
        assert [e["seq"] for e in await reader.recv_events(1)] == [seq]
