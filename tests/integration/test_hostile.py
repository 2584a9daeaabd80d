"""Hostile input on the socket: every bad frame gets an error with a stable code, nothing crashes,
and other clients do not notice."""

from __future__ import annotations

import json

from support import Daemon, ws_connect
from support.examples import example_data

BAD_FRAMES: list[tuple[str, str]] = [
    ("not json at all", "invalid_json"),
    ("{", "invalid_json"),
    ("[1, 2, 3]", "invalid_json"),
    ("42", "invalid_json"),
    ('"subscribe"', "invalid_json"),
    ("null", "invalid_json"),
    ("{}", "invalid_frame"),
    ('{"type": 5}', "invalid_frame"),
    ('{"type": "welcome", "protocol": "tidewire.v1"}', "unknown_type"),
    ('{"type": "task.created", "id": "u1"}', "unknown_type"),
    ('{"type": "subscribe"}', "invalid_frame"),
    ('{"type": "subscribe", "events": "task.*"}', "invalid_frame"),
    ('{"type": "subscribe", "events": []}', "invalid_frame"),
    ('{"type": "subscribe", "events": [1, 2]}', "invalid_frame"),
    ('{"type": "subscribe", "events": ["task.*"], "id": {"x": 1}}', "invalid_frame"),
    ('{"type": "subscribe", "events": ["not a pattern"]}', "invalid_subscription"),
    ('{"type": "subscribe", "events": ["task.created:=x"]}', "invalid_subscription"),
    ('{"type": "unsubscribe", "events": ["**"]}', "invalid_subscription"),
    ('{"type": "ping", "t": "soon"}', "invalid_frame"),
    ('{"type": "resume", "epoch": "", "after_seq": 0}', "invalid_frame"),
    ('{"type": "resume", "epoch": "e", "after_seq": -1}', "invalid_frame"),
    ('{"type": "resume", "epoch": "e"}', "invalid_frame"),
    ("[" * 100_000 + "]" * 100_000, "invalid_json"),
    ('{"type": "ping", "id": ' + "[" * 50_000 + "]" * 50_000 + "}", "invalid_json"),
    ('{"type": "ping", "id": ' + "[" * 50 + "]" * 50 + "}", "invalid_frame"),
    ('{"type": "subscribe", "events": ["' + "a" * 600 + '.x"]}', "invalid_frame"),
]


async def test_each_bad_frame_gets_its_error_and_the_connection_stays_usable(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        for i, (text, code) in enumerate(BAD_FRAMES):
            await ws.send_text(text)
            err = await ws.recv_type("error")
            assert err["code"] == code, (i, text[:80], err)
            reply = await ws.subscribe(["task.*"], id=f"after{i}")
            assert reply["type"] == "subscribed" and reply["id"] == f"after{i}"


async def test_error_echoes_the_id_when_known(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.send_json({"type": "subscribe", "events": "nope", "id": 17})
        assert (await ws.recv_type("error"))["id"] == 17
        await ws.send_json({"type": "frobnicate", "id": "abc"})
        err = await ws.recv_type("error")
        assert err["id"] == "abc" and err["code"] == "unknown_type"


async def test_binary_frames_are_refused_with_an_error(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.conn.send(b"\x00\x01binary")
        assert (await ws.recv_type("error"))["code"] == "invalid_json"
        assert (await ws.ping())["type"] == "pong"


async def test_oversized_frame_closes_with_1009_and_others_are_unaffected(daemon: Daemon) -> None:
    async with ws_connect(daemon) as bystander, ws_connect(daemon) as ws:
        await bystander.subscribe(["task.*"])
        await ws.send_text(json.dumps({"type": "ping", "id": "x" * (1024 * 1024 + 10)}))
        assert await ws.expect_closed() == 1009
        seq = await daemon.aemit("task.created", example_data("task.created"))
        [event] = await bystander.recv_events(1)
        assert event["seq"] == seq


async def test_a_frame_just_under_the_limit_is_fine(daemon_factory) -> None:  # type: ignore[no-untyped-def]
    daemon = daemon_factory("--max-frame-bytes", "4096")
    async with ws_connect(daemon) as ws:
        assert ws.welcome["max_frame_bytes"] == 4096
        frame = {"type": "ping", "id": ""}
        frame["id"] = "y" * (4096 - len(json.dumps(frame)))
        await ws.send_json(frame)
        assert (await ws.recv_type("pong"))["id"] == frame["id"]
        frame["id"] += "z"
        await ws.send_json(frame)
        assert await ws.expect_closed() == 1009


async def test_a_thousand_bad_frames_in_a_row(daemon: Daemon) -> None:
    async with ws_connect(daemon) as bystander, ws_connect(daemon) as ws:
        await bystander.subscribe(["*"])
        bad = [text for text, _ in BAD_FRAMES[:22]]  # the small ones
        for i in range(1000):
            await ws.send_text(bad[i % len(bad)])
        seq = await daemon.aemit("task.created", example_data("task.created"))
        errors = [await ws.recv() for _ in range(1000)]
        assert all(f["type"] == "error" for f in errors)
        assert [f["code"] for f in errors] == [BAD_FRAMES[i % len(bad)][1] for i in range(1000)]
        [event] = await bystander.recv_events(1)
        assert event["seq"] == seq
        assert (await ws.ping())["type"] == "pong"
        assert daemon.health()["status"] == "ok"
