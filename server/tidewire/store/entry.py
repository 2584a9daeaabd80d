"""One committed event as the log and the socket keep it: serialised once, parsed data kept for filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class LogEntry:
    seq: int
    type: str
    text: str  # the wire frame, exactly as sent to every connection
    data: dict[str, Any]

    @classmethod
    def from_text(cls, seq: int, type_: str, text: str) -> LogEntry:
        frame = json.loads(text)
        data = frame.get("data")
        return cls(seq, type_, text, data if isinstance(data, dict) else {})
