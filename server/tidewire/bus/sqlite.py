"""The default bus: the store's event outbox, mirrored into an in-memory ring of serialised frames."""

from __future__ import annotations

import asyncio

from ..store import LogEntry, Store
from .ring import Ring


class SqliteEventBus:
    """Fed by the store's commit listener; holds the last ``retain`` events for replay.

    The ring is filled from the database at start-up, so resume works across restarts
    within the same epoch.
    """

    def __init__(self, store: Store, retain: int | None = None) -> None:
        self._epoch = store.epoch
        capacity = retain if retain is not None else store.retain
        recent = store.load_recent(capacity)
        first = recent[0].seq - 1 if recent else store.head
        self._ring = Ring(capacity, head=first)
        # `recent` ends at the store's head, so the ring's head is the store's; with nothing
        # retained (pruned in an older run) it starts empty at that head.
        for entry in recent:
            self._ring.append(entry)
        self._wakers: set[asyncio.Event] = set()
        store.add_commit_listener(self.publish)

    @property
    def epoch(self) -> str:
        return self._epoch

    @property
    def head(self) -> int:
        return self._ring.head

    @property
    def oldest(self) -> int:
        return self._ring.oldest

    def get(self, seq: int) -> LogEntry | None:
        return self._ring.get(seq)

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self._ring.since(after_seq, limit)

    def add_waker(self, waker: asyncio.Event) -> None:
        self._wakers.add(waker)

    def remove_waker(self, waker: asyncio.Event) -> None:
        self._wakers.discard(waker)

    def publish(self, entries: list[LogEntry]) -> None:
        for entry in entries:
            self._ring.append(entry)
        for waker in self._wakers:
            waker.set()
