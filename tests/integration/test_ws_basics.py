"""The socket's basic conversation: welcome, subscribe, events, ping, unsubscribe."""

from __future__ import annotations

from support import Daemon, ws_connect
from support.examples import example_data


def task_data(task_id: str = "t1") -> dict[str, object]:
    return example_data("task.created", task_id=task_id)


def worktree_data() -> dict[str, object]:
    return example_data("worktree.created")


async def test_welcome_describes_the_log(daemon: Daemon) -> None:
    seq = daemon.emit("task.created", task_data())
    health = daemon.health()
    async with ws_connect(daemon) as ws:
        w = ws.welcome
        assert w["protocol"] == "tidewire.v1"
        assert w["epoch"] == health["epoch"] and w["server_id"] == health["server_id"]
        assert w["seq"] == seq == 1
        assert w["oldest_seq"] == 1
        assert w["heartbeat_ms"] == 30000 and w["max_frame_bytes"] == 1024 * 1024


async def test_subscribe_then_receive_in_order(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        reply = await ws.subscribe(["task.*"], id=7)
        assert reply == {"type": "subscribed", "events": ["task.*"], "seq": 0, "id": 7}
        seqs = [await daemon.aemit("task.created", task_data(f"t{i}")) for i in range(5)]
        events = await ws.recv_events(5)
        assert [e["seq"] for e in events] == seqs
        assert all(e["type"] == "task.created" for e in events)


async def test_events_between_welcome_and_subscribe_are_delivered(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        first = await daemon.aemit("task.created", task_data("a"))
        reply = await ws.subscribe(["task.created"])
        assert reply["seq"] == 0
        [event] = await ws.recv_events(1)
        assert event["seq"] == first


async def test_nothing_before_subscribe_and_ping_works(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await daemon.aemit("task.created", task_data())
        pong = await ws.request({"type": "ping", "id": "x", "t": 12}, "pong")
        assert pong["id"] == "x" and pong["t"] == 12 and pong["seq"] == 1
        assert [f["type"] for f in ws.received] == ["welcome", "pong"]


async def test_unsubscribe_stops_delivery_and_is_idempotent(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.*", "task.*", "worktree.*"])
        reply = await ws.unsubscribe(["task.*", "never.subscribed"])
        assert reply["events"] == ["worktree.*"]
        await daemon.aemit("task.created", task_data())
        wt_seq = await daemon.aemit("worktree.created", worktree_data())
        [event] = await ws.recv_events(1)
        assert event["type"] == "worktree.created" and event["seq"] == wt_seq
