"""resume: replay then `resumed`, or `resync` for another epoch / a gap / a rewind past a sent event."""

from __future__ import annotations

from collections.abc import Callable

from support import Daemon, ws_connect
from support.examples import example_data


def _task(i: int) -> tuple[str, dict[str, object]]:
    return ("task.created", example_data("task.created", task_id=f"t{i}"))


async def test_resume_replays_exactly_the_missed_subscribed_events_then_continues(daemon: Daemon) -> None:
    seqs = daemon.emit_many(
        [_task(i) for i in range(6)] + [("worktree.created", example_data("worktree.created"))]
    )
    async with ws_connect(daemon) as ws:
        epoch = ws.welcome["epoch"]
        await ws.send_json({"type": "resume", "epoch": epoch, "after_seq": 2, "id": "r"})
        await ws.send_json({"type": "subscribe", "events": ["task.*"]})
        replay = await ws.recv_events(4)
        assert [e["seq"] for e in replay] == seqs[2:6]
        resumed = await ws.recv_type("resumed")
        assert [f["type"] for f in ws.received[:2]] == ["welcome", "subscribed"]
        assert resumed == {"type": "resumed", "after_seq": 2, "to_seq": seqs[-1], "replayed": 4, "id": "r"}
        live = await daemon.aemit(*_task(99))
        [event] = await ws.recv_events(1)
        assert event["seq"] == live


async def test_subscribe_then_resume_before_any_delivery_works_too(daemon: Daemon) -> None:
    seqs = daemon.emit_many([_task(i) for i in range(3)])
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.created"])
        await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": 0})
        replay = await ws.recv_events(3)
        assert [e["seq"] for e in replay] == seqs
        assert (await ws.recv_type("resumed"))["replayed"] == 3


async def test_resume_at_the_head_is_immediate(daemon: Daemon) -> None:
    head = daemon.emit_many([_task(i) for i in range(2)])[-1]
    async with ws_connect(daemon) as ws:
        reply = await ws.request(
            {"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": head}, "resumed"
        )
        assert reply == {"type": "resumed", "after_seq": head, "to_seq": head, "replayed": 0}


async def test_other_epoch_gives_resync_epoch_changed(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        reply = await ws.request({"type": "resume", "epoch": "ep_other", "after_seq": 0, "id": 1}, "resync")
        assert (
            reply["reason"] == "epoch_changed" and reply["epoch"] == ws.welcome["epoch"] and reply["id"] == 1
        )


async def test_resume_beyond_the_head_is_an_error(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        reply = await ws.request(
            {"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": 5, "id": 2}, "resync"
        )
        assert reply["type"] == "error" and reply["code"] == "invalid_resume" and reply["id"] == 2
        assert (await ws.ping())["type"] == "pong"


async def test_resume_older_than_the_log_gives_gap_too_old(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--retain", "3")
    daemon.emit_many([_task(i) for i in range(6)])
    async with ws_connect(daemon) as ws:
        assert ws.welcome["oldest_seq"] == 4
        # resume waits for a subscription before it replays.
        await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": 3})
        ok = await ws.request({"type": "subscribe", "events": ["*"]}, "resumed", "resync")
        assert ok["type"] == "resumed" and ok["replayed"] == 3
        old = await ws.request(
            {"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": 2}, "resumed", "resync"
        )
        assert old["type"] == "resync" and old["reason"] == "gap_too_old" and old["seq"] == 6


async def test_rewinding_past_a_delivered_event_gives_gap_too_old(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.*"])
        seqs = daemon.emit_many([_task(i) for i in range(3)])
        await ws.recv_events(3)
        reply = await ws.request(
            {"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": seqs[0]}, "resync"
        )
        assert reply["reason"] == "gap_too_old"
        # The connection goes on live, without repeating anything.
        live = await daemon.aemit(*_task(9))
        [event] = await ws.recv_events(1)
        assert event["seq"] == live


async def test_resume_across_a_restart_replays_from_the_database(daemon: Daemon) -> None:
    seqs = daemon.emit_many([_task(i) for i in range(4)])
    epoch = daemon.health()["epoch"]
    daemon.restart()
    async with ws_connect(daemon) as ws:
        assert ws.welcome["epoch"] == epoch and ws.welcome["seq"] == seqs[-1]
        await ws.send_json({"type": "resume", "epoch": epoch, "after_seq": seqs[1]})
        await ws.send_json({"type": "subscribe", "events": ["*"]})
        replay = await ws.recv_events(2)
        assert [e["seq"] for e in replay] == seqs[2:]
