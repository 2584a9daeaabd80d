"""Rows of the sources' tables as the protocol's entity models."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel

from tidewire.protocol.models import AgentRun, AutonomousLoop, ContentBlock, Session, SessionMessage

_M = TypeVar("_M", bound=BaseModel)


def _from_row(model: type[_M], row: dict[str, Any], **decoded: Any) -> _M:
    # Only the model's fields: the tables also keep daemon-side state (a transcript cursor, a
    # log path) that the models allow as extras and would otherwise put on the wire. A field
    # the table lacks (added to the schema first) stays unset instead of failing every read.
    data = {name: row[name] for name in model.model_fields if name in row}
    return model.model_validate(data | decoded)


def session_from_row(row: dict[str, Any]) -> Session:
    return _from_row(Session, row)


def message_from_row(row: dict[str, Any]) -> SessionMessage:
    return _from_row(
        SessionMessage,
        row,
        index=row["idx"],
        content=[ContentBlock.model_validate(block) for block in json.loads(row["content"])],
    )


def agent_from_row(row: dict[str, Any]) -> AgentRun:
    return _from_row(
        AgentRun, row, command=json.loads(row["command"]), stderr_tail=json.loads(row["stderr_tail"])
    )


def loop_from_row(row: dict[str, Any]) -> AutonomousLoop:
    return _from_row(AutonomousLoop, row)
