"""The error table: each refused client frame gets its ``error`` code, the right ``id`` echo, and
the connection stays open; and the daemon's lenient reading of client frames."""

from __future__ import annotations

from typing import Any

from ..report import Case, expect
from .peer import Server, brief

RULE = "§Error codes"


def cases(server: Server) -> list[Case]:
    async def invalid_json() -> None:
        async with server.connect() as peer:
            for text in ("not json", "[1, 2]", '"a string"', '{"type": "ping"'):
                await peer.error_for(text, "invalid_json", f"{RULE} invalid_json")
            await peer.send_text(b'{"type": "ping"}')
            reply = await peer.until(lambda f: f["type"] == "error", "the error for a binary frame")
            expect(
                reply.get("code") == "invalid_json",
                f"§Transport: a binary frame gets invalid_json, got {brief(reply)}",
            )
            await peer.still_open(f"{RULE}: the connection stays open after every error")

    async def missing_type() -> None:
        async with server.connect() as peer:
            await peer.error_for({}, "invalid_frame", "§Transport: a frame with no string type")
            await peer.error_for(
                {"type": 5, "id": 3}, "invalid_frame", "§Transport: a frame with no string type", frame_id=3
            )
            await peer.error_for(
                {"type": None, "id": "n"},
                "invalid_frame",
                "§Transport: a frame with no string type",
                frame_id="n",
            )
            await peer.still_open(RULE)

    async def unknown_type() -> None:
        async with server.connect() as peer:
            await peer.error_for(
                {"type": "conformance_nope", "id": "u1"},
                "unknown_type",
                f"{RULE} unknown_type",
                frame_id="u1",
            )
            await peer.error_for(
                {"type": "welcome", "id": 7},
                "unknown_type",
                f"{RULE} unknown_type (a server frame type)",
                frame_id=7,
            )
            await peer.still_open(RULE)

    async def invalid_frame() -> None:
        shapes: list[dict[str, Any]] = [
            {"type": "subscribe"},
            {"type": "subscribe", "events": []},
            {"type": "subscribe", "events": "task.*"},
            {"type": "subscribe", "events": [5]},
            {"type": "unsubscribe"},
            {"type": "resume", "after_seq": 0},
            {"type": "resume", "epoch": "e", "after_seq": -1},
            {"type": "resume", "epoch": "e", "after_seq": "3"},
            {"type": "ping", "t": "now"},
            {"type": "ping", "t": 9007199254740992},
        ]
        async with server.connect() as peer:
            for i, shape in enumerate(shapes):
                await peer.error_for(
                    {**shape, "id": f"f{i}"}, "invalid_frame", f"{RULE} invalid_frame", frame_id=f"f{i}"
                )
            await peer.still_open(RULE)

    async def invalid_id() -> None:
        async with server.connect() as peer:
            for bad in (True, 1.5, None, {"a": 1}, 9007199254740992):
                await peer.error_for(
                    {"type": "ping", "id": bad}, "invalid_frame", f"{RULE}: an id the schema refuses"
                )
            await peer.error_for(
                {"type": "conformance_nope", "id": None},
                "unknown_type",
                f"{RULE}: an id the schema refuses, unknown type",
            )
            await peer.still_open(RULE)

    async def lenient_reading() -> None:
        async with server.connect() as peer:
            await peer.send({"type": "ping", "id": 14.0, "x": {"y": 2}})
            pong = await peer.until(lambda f: f["type"] in ("pong", "error"), "the pong")
            expect(
                pong["type"] == "pong" and pong.get("id") == 14 and type(pong.get("id")) is int,
                f"§Evolution rules: id 14.0 is the id 14 and comes back as 14, got {brief(pong)}",
            )
            expect(
                "x" not in pong,
                f"§Evolution rules: an unknown field is neither used nor echoed: {brief(pong)}",
            )
            reply = await peer.request(
                {"type": "subscribe", "events": ["conformance.lenient"], "future": True}
            )
            expect(
                reply["type"] == "subscribed",
                f"§Evolution rules: unknown fields in subscribe are ignored: {brief(reply)}",
            )

    async def invalid_subscription() -> None:
        bad = [
            "task",
            "Task.created",
            "task..created",
            "task.created:",
            "task.created:status",
            "task.created:status=",
            "task.created:1st=x",
            "task.created:a..b=x",
            "task.*.x",
            "",
        ]
        async with server.connect() as peer:
            for i, pattern in enumerate(bad):
                if pattern == "":
                    continue  # an empty pattern is outside the schema: invalid_frame (limits case)
                await peer.error_for(
                    {"type": "subscribe", "events": [pattern], "id": f"b{i}"},
                    "invalid_subscription",
                    f"§Subscriptions: malformed pattern {pattern!r}",
                    frame_id=f"b{i}",
                )
            await peer.error_for(
                {"type": "subscribe", "events": ["conformance.ok", "task"], "id": "mixed"},
                "invalid_subscription",
                "§Subscriptions: a frame with any malformed pattern is refused as a whole",
                frame_id="mixed",
            )
            reply = await peer.subscribe(["conformance.other"])
            expect(
                reply["events"] == ["conformance.other"],
                f"§Subscriptions: a refused frame changes nothing, but the set is now {reply['events']}",
            )

    return [
        Case(
            "errors.invalid_json",
            f"{RULE}: invalid_json for text that is not a JSON object and for binary frames",
            invalid_json,
        ),
        Case(
            "errors.missing_type",
            "§Transport and endpoints: a frame without a string type is invalid_frame, its id echoed",
            missing_type,
        ),
        Case(
            "errors.unknown_type",
            f"{RULE}: unknown_type for a type the server does not take, id echoed",
            unknown_type,
        ),
        Case(
            "errors.invalid_frame",
            f"{RULE}: invalid_frame for a known type with a wrong shape, id echoed",
            invalid_frame,
        ),
        Case(
            "errors.invalid_id",
            f"{RULE}: an id the schema refuses is invalid_frame and the error carries no id",
            invalid_id,
        ),
        Case(
            "errors.lenient_reading",
            "§Evolution rules: unknown fields ignored, 14.0 read and echoed as 14",
            lenient_reading,
        ),
        Case(
            "errors.invalid_subscription",
            "§Subscriptions: a malformed pattern is invalid_subscription and the whole frame changes nothing",
            invalid_subscription,
        ),
    ]
