"""The event bus interface: a retained, ordered log of committed events plus its readers.

The socket layer only talks to this protocol, so another backend (another process, a
broker) can replace the SQLite-backed default without touching ``ws/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..store.entry import LogEntry


class BusReader(Protocol):
    """One consumer of the log (a socket connection)."""

    @property
    def cursor(self) -> int:
        """The last seq this reader has taken: it still needs every later one."""
        ...

    def published(self, entries: Sequence[LogEntry]) -> None:
        """Called on the event loop with each commit's events, right after they are published."""
        ...


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
        """The oldest seq still retained in memory; ``head + 1`` when nothing is retained."""
        ...

    def get(self, seq: int) -> LogEntry | None:
        """The event with this seq from memory, or None if it is not (or no longer) there."""
        ...

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        """Up to ``limit`` events with seq > after_seq from memory, in order."""
        ...

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        """Up to ``limit`` events with seq > after_seq from durable storage, in order.

        Events a registered reader still needs (seq > its cursor) are kept there even when
        memory no longer holds them, within a bound (see ``Store``); the result starts
        after ``after_seq + 1`` when they are gone.
        """
        ...

    def add_reader(self, reader: BusReader) -> None:
        """Tell ``reader`` about every publish, and keep what it still needs."""
        ...

    def remove_reader(self, reader: BusReader) -> None: ...

    def publish(self, entries: list[LogEntry]) -> None:
        """Append committed events (consecutive seqs, in order) and tell every reader."""
        ...
