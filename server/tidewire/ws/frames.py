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


def _frame_id(obj: dict[str, Any]) -> str | int | None:
    value = obj.get("id")
    if isinstance(value, bool):
        return None
    return value if isinstance(value, str | int) else None


def parse_client_frame(text: str) -> ClientMessage:
    try:
        obj = json.loads(text)
    except RecursionError:
        raise FrameError("invalid_json", "the frame is nested too deeply") from None
    except ValueError as exc:
        raise FrameError("invalid_json", f"the frame is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise FrameError("invalid_json", "a frame must be a JSON object")
    frame_id = _frame_id(obj)
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise FrameError("invalid_frame", "a frame needs a string 'type'", frame_id)
    if kind not in CLIENT_TYPES:
        shown = kind if len(kind) <= 64 else kind[:64] + "..."
        raise FrameError("unknown_type", f"unknown frame type {shown!r}", frame_id)
    try:
        return ClientFrame.model_validate(obj).root
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or kind}: {err['msg']}"
            for err in exc.errors(include_url=False)[:5]
        )
        raise FrameError("invalid_frame", f"{kind}: {problems}", frame_id) from None
    except RecursionError:
        raise FrameError("invalid_frame", f"{kind}: the frame is nested too deeply", frame_id) from None


def error_frame(code: str, message: str, frame_id: str | int | None) -> str:
    return dump(m.ErrorFrame(type="error", code=code, message=message[:1000], **present(id=frame_id)))
