"""The event bus interface: a retained, ordered log of committed events plus wake-ups.

The socket layer only talks to this protocol, so another backend (another process, a
broker) can replace the SQLite-backed default without touching ``ws/``.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from ..store.entry import LogEntry


class EventBus(Protocol):
    @property
    def epoch(self) -> str:
        """Identifies this log; a different epoch voids every seq a client holds."""
        ...

    @property
    def head(self) -> int:
        """The latest published seq (0 before any event)."""
        ...

    @property
    def oldest(self) -> int:
        """The oldest seq still retained; ``head + 1`` when nothing is retained."""
        ...

    def get(self, seq: int) -> LogEntry | None:
        """The event with this seq, or None if it is not (or no longer) retained."""
        ...

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        """Up to ``limit`` retained events with seq > after_seq, in order."""
        ...

    def add_waker(self, waker: asyncio.Event) -> None:
        """Set ``waker`` every time new events are published."""
        ...

    def remove_waker(self, waker: asyncio.Event) -> None: ...

    def publish(self, entries: list[LogEntry]) -> None:
        """Append committed events (consecutive seqs, in order) and wake every waker."""
        ...
