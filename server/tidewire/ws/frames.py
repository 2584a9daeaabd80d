"""Building and parsing socket frames with the generated models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import MISSING, BaseModel, ValidationError

from ..protocol import ClientFrame
from ..protocol import models as m

CLIENT_TYPES = frozenset({"subscribe", "unsubscribe", "ping", "resume"})

ClientMessage = m.SubscribeFrame | m.UnsubscribeFrame | m.PingFrame | m.ResumeFrame


class FrameError(Exception):
    """A refused client frame: becomes an ``error`` frame; the connection stays open."""

    def __init__(self, code: str, message: str, frame_id: str | int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.frame_id = frame_id


def dump(frame: BaseModel) -> str:
    return frame.model_dump_json(exclude_defaults=True)


def present(**fields: Any) -> dict[str, Any]:
    """Only the fields that have a value: optional frame fields are left out, never null."""
    return {k: v for k, v in fields.items() if v is not None and v is not MISSING}


def id_of(frame: ClientMessage) -> str | int | None:
    """The client's ``id`` for echoing, or None when it sent none."""
    value = frame.id
    return None if value is MISSING else value


# The schema's integer range for a frame `id` (JSON's exactly representable integers).
_ID_LIMIT = 9007199254740991
_ID_RULE = f"id: must be a string or an integer from -{_ID_LIMIT} to {_ID_LIMIT}"


def _utf8(text: str) -> bool:
    """Whether ``text`` can go out in a frame: JSON escapes like ``\\ud800`` parse to lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def echoable_id(value: object) -> str | int | None:
    """The ``id`` as the reply may echo it, or None when the schema refuses it (or it is absent).

    A float with no fraction is the integer it names (``14.0`` is ``14``), as the schema
    reads it; ``true`` is not an integer.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if -_ID_LIMIT <= value <= _ID_LIMIT else None
    if isinstance(value, str):
        return value if _utf8(value) else None
    return None


def _where(obj: Any, loc: tuple[int | str, ...]) -> str:
    """The JSON path of a validation error, without the validator names pydantic adds for unions
    (``id.function-after[functools.partial(...)]``): only steps that exist in the frame."""
    steps: list[str] = []
    node = obj
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        steps.append(str(part))
    return ".".join(steps)


def _problems(obj: dict[str, Any], kind: str, exc: ValidationError) -> str:
    by_place: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        place = _where(obj, tuple(err["loc"][1:]))
        messages = by_place.setdefault(place, [])
        if err["msg"] not in messages:
            messages.append(err["msg"])
    return "; ".join(
        f"{place}: {' or '.join(msgs)}" if place else " or ".join(msgs)
        for place, msgs in list(by_place.items())[:5]
    )


def parse_client_frame(text: str) -> ClientMessage:
    try:
        obj = json.loads(text)
    except RecursionError:
        raise FrameError("invalid_json", "the frame is nested too deeply") from None
    except ValueError as exc:
        raise FrameError("invalid_json", f"the frame is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise FrameError("invalid_json", "a frame must be a JSON object")
    frame_id = echoable_id(obj.get("id"))
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise FrameError("invalid_frame", "a frame needs a string 'type'", frame_id)
    if kind not in CLIENT_TYPES:
        shown = kind if len(kind) <= 64 else kind[:64] + "..."
        raise FrameError("unknown_type", f"unknown frame type {shown!r}", frame_id)
    if "id" in obj and frame_id is None:
        # Refused here, not by the model: the reply could not carry this id back.
        raise FrameError("invalid_frame", f"{kind}: {_ID_RULE}")
    try:
        return ClientFrame.model_validate(obj).root
    except ValidationError as exc:
        raise FrameError("invalid_frame", f"{kind}: {_problems(obj, kind, exc)}", frame_id) from None
    except RecursionError:
        raise FrameError("invalid_frame", f"{kind}: the frame is nested too deeply", frame_id) from None


def error_frame(code: str, message: str, frame_id: str | int | None) -> str:
    """Never raises: an id the frame cannot carry is left out, and text that is not UTF-8
    (a lone surrogate quoted from the client) is escaped."""
    text = message[:1000].encode("utf-8", "backslashreplace").decode("utf-8")
    echo = echoable_id(frame_id)
    return dump(m.ErrorFrame(type="error", code=code, message=text, **present(id=echo)))
