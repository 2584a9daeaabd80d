"""Frames a client must take in its stride: repeats, disorder, unknown types and fields, garbage."""

from __future__ import annotations

from ..client_scenario import START_S, ClientCase, Scenario
from ..report import expect


def _one_connection(s: Scenario, why: str) -> None:
    n = len(s.daemon.peers)
    expect(n == 1, f"the client reconnected ({n} connections) after {why}; the connection was fine")


async def duplicate_event(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(2)
    await s.delivered(seqs[-1])
    await peer.send(s.daemon.log.events[-1])  # the same event again
    await s.delivered(await s.daemon.commit("task.created"))


async def out_of_order_event(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    await s.delivered(await s.daemon.commit("task.created"))
    dlog = s.daemon.log
    older, newer = dlog.append("task.updated"), dlog.append("worktree.created")
    peer.cursor = dlog.head
    await peer.send(newer)
    await peer.send(older)  # below the position now: never applied
    await s.delivered(await s.daemon.commit("task.created"))


async def unknown_event_type(s: Scenario) -> None:
    await s.connected(START_S, "connect")
    await s.daemon.commit("task.created")
    await s.daemon.commit("task.frobnicated")  # a type from a newer daemon; task.* matches it
    await s.delivered(await s.daemon.commit("task.updated"))
    _one_connection(s, "an event of an unknown type")


async def unknown_fields(s: Scenario) -> None:
    extra = {"region": "eu-west", "features": {"compression": False}}
    s.daemon.welcome_extra = extra
    s.daemon.frame_extra = extra
    await s.connected(START_S, "connect")
    seq = 0
    for kind in ("task.created", "worktree.created"):
        ev = s.daemon.log.append(kind)
        ev["data"]["origin"] = "replica-2"  # a new field in the payload
        ev["data"].get("task", ev["data"].get("worktree", {}))["estimate_h"] = 3  # and in the record
        ev["trace_id"] = "t-1"  # and in the frame
        seq = ev["seq"]
    for peer in s.daemon.peers:
        await peer.deliver()
    await s.delivered(seq)
    _one_connection(s, "frames with unknown fields")


async def unknown_control_frame(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    await peer.send({"type": "notice", "message": "maintenance at 10:00", "seq": 99})
    await s.delivered(await s.daemon.commit("task.created"))
    _one_connection(s, "a control frame of an unknown type")


async def bad_frames(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    for junk in ("not json", b"\x00\x01binary", "[1,2,3]", '{"seq":40,"data":{}}', '"task.created"'):
        await peer.send_text(junk)
    # Whether it keeps the connection or reconnects and resumes, it must go on receiving events.
    await s.delivered(await s.daemon.commit("task.created"), within=10)


CASES = (
    ClientCase(
        "duplicate_event",
        "§Guarantees: each event at most once: an event at or below the position is not applied again",
        duplicate_event,
    ),
    ClientCase(
        "out_of_order_event",
        "§Guarantees: events in strictly increasing seq: one below the position is not applied",
        out_of_order_event,
    ),
    ClientCase(
        "unknown_event_type",
        "§Evolution rules: ignore events of a type you do not know; later events still arrive",
        unknown_event_type,
    ),
    ClientCase(
        "unknown_fields",
        "§Evolution rules: ignore fields you do not know, in every frame and record",
        unknown_fields,
    ),
    ClientCase(
        "unknown_control_frame",
        "§Evolution rules: ignore control frames of a type you do not know",
        unknown_control_frame,
    ),
    ClientCase(
        "bad_frames",
        "§Frames: only a text frame holding one JSON object with a string type is a frame; "
        "anything else is not an event",
        bad_frames,
    ),
)
