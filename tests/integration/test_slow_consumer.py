"""A client that stops reading does not slow the others; it gets `resync` overflow, and its
stream stays ordered with no duplicates."""

from __future__ import annotations

from collections.abc import Callable

from support import Daemon, ws_connect
from support.examples import example_data

EVENTS = 400
BATCH = 20
PADDING = "x" * 64_000  # large frames fill the socket buffers quickly


async def test_a_stalled_reader_overflows_and_others_get_everything(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--max-lag", "50", "--retain", "1000", "--heartbeat-ms", "600000")
    # max_queue=1: the client library stops reading the socket once one frame is waiting,
    # so the daemon's sends to it block as soon as the kernel buffers are full.
    async with ws_connect(daemon) as reader, ws_connect(daemon, max_queue=1) as stalled:
        await reader.subscribe(["*"])
        await stalled.subscribe(["*"])
        emitted: list[int] = []
        got: list[dict[str, object]] = []
        for start in range(0, EVENTS, BATCH):
            batch = [
                ("hook.generic", example_data("hook.generic", padding=PADDING, n=i))
                for i in range(start, start + BATCH)
            ]
            emitted += await _emit_many(daemon, batch)
            # The healthy reader keeps pace (its lag stays under max_lag); the stalled one reads nothing.
            got += await reader.recv_events(BATCH)
        assert emitted == list(range(1, EVENTS + 1))
        assert [e["seq"] for e in got] == emitted
        assert not [f for f in reader.received if f["type"] == "resync"]

        # Now the stalled client reads again: what it gets is ordered, has no duplicates,
        # and says where it lost events.
        last = emitted[-1]
        frames: list[dict[str, object]] = []
        while True:
            frame = await stalled.recv()
            frames.append(frame)
            if frame.get("seq") == last and frame["type"] in ("hook.generic", "resync"):
                break
        event_seqs = [int(f["seq"]) for f in frames if f["type"] == "hook.generic"]  # type: ignore[call-overload]
        resyncs = [f for f in frames if f["type"] == "resync"]
        assert resyncs, "the stalled client should have been told to resync"
        assert all(r["reason"] == "overflow" for r in resyncs)
        assert len(event_seqs) < EVENTS
        assert event_seqs == sorted(set(event_seqs))
        # After each resync, events continue strictly after the head it named.
        position = 0
        for f in frames:
            if f["type"] == "resync":
                position = int(f["seq"])  # type: ignore[call-overload]
            elif f["type"] == "hook.generic":
                assert int(f["seq"]) > position  # type: ignore[call-overload]
                position = int(f["seq"])  # type: ignore[call-overload]

        # Both are live afterwards.
        seq = await daemon.aemit("hook.generic", example_data("hook.generic"))
        assert [e["seq"] for e in await reader.recv_events(1)] == [seq]
        assert [e["seq"] for e in await stalled.recv_events(1)] == [seq]


async def _emit_many(daemon: Daemon, events: list[tuple[str, dict[str, object]]]) -> list[int]:
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, daemon.emit_many, events)
