"""One committed event as the log and the socket keep it: serialised once, parsed data kept for filters."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LogEntry:
    seq: int
    type: str
    text: str  # the wire frame, exactly as sent to every connection
    data: dict[str, Any]
    # The ASGI message that sends this frame, built once and shared by every connection (the
    # server only reads it), so the per-connection send allocates nothing.
    message: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", {"type": "websocket.send", "text": self.text})

    @classmethod
    def from_text(cls, seq: int, type_: str, text: str) -> LogEntry:
        frame = json.loads(text)
        data = frame.get("data")
        return cls(seq, type_, text, data if isinstance(data, dict) else {})
