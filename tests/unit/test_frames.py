"""Parsing client frames and building error frames: codes, messages and which ids are echoed."""

from __future__ import annotations

import json

import pytest
from pydantic import MISSING
from tidewire.protocol import models as m
from tidewire.ws.frames import (
    FrameError,
    dump,
    echoable_id,
    error_frame,
    id_of,
    parse_client_frame,
    present,
)
from tidewire.ws.frames import _where as where

LIMIT = 9007199254740991


def refused(text: str) -> FrameError:
    with pytest.raises(FrameError) as raised:
        parse_client_frame(text)
    return raised.value


# -- ids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "echoed"),
    [
        (7, 7),
        (-LIMIT, -LIMIT),
        (LIMIT, LIMIT),
        (LIMIT + 1, None),
        (-LIMIT - 1, None),
        (14.0, 14),
        (14.5, None),
        (True, None),
        (False, None),
        ("abc", "abc"),
        ("", ""),
        ("\ud800", None),
        (None, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_which_ids_a_reply_can_echo(value: object, echoed: object) -> None:
    got = echoable_id(value)
    assert got == echoed and type(got) is type(echoed)


def test_an_id_that_cannot_be_echoed_is_refused_without_it() -> None:
    err = refused(json.dumps({"type": "ping", "id": LIMIT + 1}))
    assert (err.code, err.frame_id) == ("invalid_frame", None)
    assert err.message == f"ping: id: must be a string or an integer from -{LIMIT} to {LIMIT}"
    assert refused('{"type": "ping", "id": "\\ud800"}').code == "invalid_frame"
    assert refused('{"type": "ping", "id": null}').message.startswith("ping: id: must be")


def test_id_of_is_none_without_an_id() -> None:
    assert id_of(m.PingFrame(type="ping")) is None
    assert id_of(m.PingFrame(type="ping", id="x")) == "x"
    assert id_of(m.PingFrame(type="ping", id=0)) == 0


def test_present_leaves_out_none_and_missing_only() -> None:
    assert present(a=None, b=MISSING, c=0, d="", e=False) == {"c": 0, "d": "", "e": False}


def test_dump_leaves_out_defaults() -> None:
    assert json.loads(dump(m.PingFrame(type="ping"))) == {"type": "ping"}


# -- parsing --------------------------------------------------------------------------------------


def test_each_client_frame_type_parses_to_its_model() -> None:
    assert isinstance(parse_client_frame('{"type": "ping", "id": 1}'), m.PingFrame)
    assert isinstance(parse_client_frame('{"type": "subscribe", "events": ["*"]}'), m.SubscribeFrame)
    assert isinstance(parse_client_frame('{"type": "unsubscribe", "events": ["*"]}'), m.UnsubscribeFrame)
    frame = parse_client_frame('{"type": "resume", "epoch": "e", "after_seq": 3}')
    assert isinstance(frame, m.ResumeFrame) and frame.after_seq == 3
    assert id_of(parse_client_frame('{"type": "ping", "id": 2.0}')) == 2


def test_text_that_is_not_json_is_invalid_json() -> None:
    err = refused("{nope")
    assert (err.code, err.frame_id) == ("invalid_json", None)
    assert err.message.startswith("the frame is not JSON: Expecting property name")
    err = refused("[" * 100_000)
    assert (err.code, err.message) == ("invalid_json", "the frame is nested too deeply")


@pytest.mark.parametrize("text", ["[]", "1", '"ping"', "null"])
def test_a_frame_must_be_an_object(text: str) -> None:
    err = refused(text)
    assert (err.code, err.message) == ("invalid_json", "a frame must be a JSON object")


def test_a_frame_needs_a_string_type_and_keeps_its_id() -> None:
    for text in ['{"id": 4}', '{"type": 1, "id": 4}', '{"type": null, "id": 4}']:
        err = refused(text)
        assert (err.code, err.message, err.frame_id) == ("invalid_frame", "a frame needs a string 'type'", 4)


def test_an_unknown_type_is_named_up_to_64_characters() -> None:
    err = refused('{"type": "pong", "id": "q"}')
    assert (err.code, err.message, err.frame_id) == ("unknown_type", "unknown frame type 'pong'", "q")
    exactly = "x" * 64
    assert refused(json.dumps({"type": exactly})).message == f"unknown frame type {exactly!r}"
    longer = "y" * 65
    assert refused(json.dumps({"type": longer})).message == f"unknown frame type {'y' * 64 + '...'!r}"


def test_schema_problems_name_the_field_and_keep_the_id() -> None:
    err = refused('{"type": "subscribe", "events": [1, 2], "id": 3}')
    assert (err.code, err.frame_id) == ("invalid_frame", 3)
    assert err.message == (
        "subscribe: events.0: Input should be a valid string; events.1: Input should be a valid string"
    )
    err = refused('{"type": "resume", "epoch": 5, "after_seq": -1}')
    assert err.message == (
        "resume: epoch: Input should be a valid string; after_seq: Input should be greater than or equal to 0"
    )
    assert refused('{"type": "subscribe"}').message == "subscribe: Field required"


def test_at_most_five_places_are_named() -> None:
    err = refused(json.dumps({"type": "subscribe", "events": list(range(8))}))
    assert err.message.count("Input should be a valid string") == 5
    assert "events.4:" in err.message and "events.5:" not in err.message


def test_the_same_message_twice_at_one_place_is_said_once() -> None:
    err = refused('{"type": "ping", "t": "a"}')
    assert err.message == "ping: t: Input should be a valid number"


def test_where_follows_only_steps_that_exist() -> None:
    obj = {"a": [{"b": 1}], "c": 2}
    assert where(obj, ("a", 0, "b")) == "a.0.b"
    assert where(obj, ("a", 1, "b")) == "a"
    assert where(obj, ("a", -1)) == "a"
    assert where(obj, ("a", "0")) == "a"
    assert where(obj, ("x",)) == ""
    assert where(obj, ("c", "function-after[x]")) == "c"
    assert where(obj, ()) == ""


# -- error frames -----------------------------------------------------------------------------------


def test_an_error_frame_carries_code_message_and_an_echoable_id() -> None:
    assert json.loads(error_frame("c", "m", 5)) == {"type": "error", "code": "c", "message": "m", "id": 5}
    assert json.loads(error_frame("c", "m", None)) == {"type": "error", "code": "c", "message": "m"}
    assert "id" not in json.loads(error_frame("c", "m", LIMIT + 1))


def test_an_error_message_is_cut_at_1000_characters_and_escapes_lone_surrogates() -> None:
    long = json.loads(error_frame("c", "é" * 1200, None))["message"]
    assert long == "é" * 1000
    assert json.loads(error_frame("c", "bad \ud800 here", None))["message"] == "bad \\ud800 here"


def test_frame_error_keeps_its_parts() -> None:
    err = FrameError("code", "message", 9)
    assert (err.code, err.message, err.frame_id, str(err)) == ("code", "message", 9, "message")
    assert FrameError("c", "m").frame_id is None
