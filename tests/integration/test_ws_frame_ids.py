"""A frame `id` the schema refuses gets an `error` frame without the id; the connection stays open.

Each case is sent as raw text over a real socket, so a JSON escape like ``\\ud800`` reaches the
daemon as written (a lone surrogate no UTF-8 frame can carry back).
"""

from __future__ import annotations

import json
import re

import pytest
from support import Daemon, ws_connect
from tidewire.protocol import models as m

LIMIT = 2**53 - 1
HUGE = "x" * 500_000

# (raw frame text, expected reply type, expected error code or None, the id the reply carries or None)
CASES: list[tuple[str, str, str | None, object]] = [
    ('{"type":"ping","id":9007199254740992}', "error", "invalid_frame", None),
    ('{"type":"ping","id":-9007199254740992}', "error", "invalid_frame", None),
    ('{"type":"nope","id":-9007199254740992}', "error", "unknown_type", None),
    ('{"type":"subscribe","events":["task.*"],"id":9223372036854775808}', "error", "invalid_frame", None),
    ('{"type":"unsubscribe","events":["task.*"],"id":' + "9" * 400 + "}", "error", "invalid_frame", None),
    ('{"type":"ping","id":"\\ud800"}', "error", "invalid_frame", None),
    ('{"type":"ping","id":"ok\\udfff"}', "error", "invalid_frame", None),
    ('{"type":"nope","id":"\\ud800"}', "error", "unknown_type", None),
    ('{"type":"resume","epoch":"e","after_seq":0,"id":"\\ud800"}', "error", "invalid_frame", None),
    ('{"type":"ping","id":14.5}', "error", "invalid_frame", None),
    ('{"type":"ping","id":1e400}', "error", "invalid_frame", None),
    ('{"type":"ping","id":-1e400}', "error", "invalid_frame", None),
    ('{"type":"ping","id":true}', "error", "invalid_frame", None),
    ('{"type":"ping","id":null}', "error", "invalid_frame", None),
    ('{"type":"ping","id":[]}', "error", "invalid_frame", None),
    ('{"type":"ping","id":{"a":{"b":[1,{"c":null}]}}}', "error", "invalid_frame", None),
    ('{"type":"ping","id":' + "[" * 40 + "]" * 40 + "}", "error", "invalid_frame", None),
    # A refused frame whose id is fine still echoes it, even when something else in it is not UTF-8.
    ('{"type":"ping","id":5,"\\ud800":1}', "error", "invalid_frame", 5),
    ('{"type":"subscribe","events":["task.\\ud800"],"id":6}', "error", "invalid_frame", 6),
    ('{"type":"resume","epoch":"\\ud800","after_seq":0,"id":7}', "error", "invalid_frame", 7),
    ('{"type":"ping","id":"a","t":"\\ud800"}', "error", "invalid_frame", "a"),
    # Accepted ids: the schema's whole range, and floats with no fraction as the integers they name.
    ('{"type":"ping","id":14.0}', "pong", None, 14),
    ('{"type":"ping","id":9007199254740991}', "pong", None, LIMIT),
    ('{"type":"ping","id":-9007199254740991}', "pong", None, -LIMIT),
    ('{"type":"ping","id":-9007199254740991.0}', "pong", None, -LIMIT),
    ('{"type":"ping","id":0}', "pong", None, 0),
    ('{"type":"ping","id":""}', "pong", None, ""),
    ('{"type":"ping","id":"\\ud83d\\ude00"}', "pong", None, "\U0001f600"),
    (json.dumps({"type": "ping", "id": HUGE}), "pong", None, HUGE),
    (
        '{"type":"subscribe","events":["task.*"],"id":12.0}',
        "subscribed",
        None,
        12,
    ),
]

# What a Python object's repr looks like inside a message: `<function f at 0x7f...>`, `functools.partial(`.
REPR = re.compile(r"<[a-z_]+ [^>]* at 0x[0-9a-f]+>|functools\.|0x[0-9a-f]{6,}|function-(after|before)\[")


def _ids(case: tuple[str, str, str | None, object]) -> str:
    text = case[0]
    return text if len(text) <= 70 else text[:67] + "..."


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
async def test_a_frame_id_gets_a_reply_and_the_connection_stays_open(
    daemon: Daemon, case: tuple[str, str, str | None, object]
) -> None:
    text, reply_type, code, echoed = case
    async with ws_connect(daemon) as ws:
        await ws.send_text(text)
        reply = await ws.recv()  # validated against the schemas and the generated models by the tap
        assert reply["type"] == reply_type, reply
        if code is not None:
            error = m.ErrorFrame.model_validate(reply)
            assert error.code == code
            assert not REPR.search(error.message), error.message
        if echoed is None:
            assert "id" not in reply
        else:
            assert reply["id"] == echoed
        pong = await ws.ping(id="after")
        assert pong["type"] == "pong" and pong["id"] == "after"
    assert "Traceback" not in daemon.log()


async def test_every_refused_id_in_a_row_on_one_connection(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        for text, reply_type, _code, _echoed in CASES:
            await ws.send_text(text)
            assert (await ws.recv())["type"] == reply_type
        assert (await ws.ping(id="still"))["id"] == "still"
    assert daemon.health()["status"] == "ok"
    log = daemon.log()
    assert "Traceback" not in log and "functools" not in log


async def test_validation_messages_name_the_field_not_the_validator(daemon: Daemon) -> None:
    async with ws_connect(daemon) as ws:
        await ws.send_text('{"type":"ping","id":"x","t":"soon"}')
        error = await ws.recv_type("error")
        assert error["message"] == "ping: t: Input should be a valid number"
        await ws.send_text('{"type":"resume","epoch":"e","after_seq":"0","id":1}')
        error = await ws.recv_type("error")
        assert error["id"] == 1 and error["message"].startswith("resume: after_seq: ")
        assert not REPR.search(error["message"])
