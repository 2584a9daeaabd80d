"""The default bus: the store's event outbox, mirrored into an in-memory ring of serialised frames."""

from __future__ import annotations

import sqlite3

from ..store import LogEntry, Store
from .base import BusReader
from .ring import Ring


class SqliteEventBus:
    """Fed by the store's commit listener; holds the last ``retain`` events in memory.

    The ring is filled from the database at start-up, so resume works across restarts
    within the same epoch. A reader further behind than the ring reads the outbox table,
    which the store keeps from the lowest reader cursor on (``Store.prune_floor``).
    """

    def __init__(self, store: Store, retain: int | None = None) -> None:
        self._store = store
        self._epoch = store.epoch
        capacity = retain if retain is not None else store.retain
        recent = store.load_recent(capacity)
        first = recent[0].seq - 1 if recent else store.head
        self._ring = Ring(capacity, head=first)
        # `recent` ends at the store's head, so the ring's head is the store's; with nothing
        # retained (pruned in an older run) it starts empty at that head.
        for entry in recent:
            self._ring.append(entry)
        self._readers: set[BusReader] = set()
        store.add_commit_listener(self.publish)
        store.prune_floor = self._floor

    def _floor(self) -> int | None:
        """The lowest reader cursor; called from the store's writer thread while it prunes."""
        # list() copies the set in one step under the GIL; the loop may add or remove meanwhile.
        cursors = [r.cursor for r in list(self._readers)]
        return min(cursors) if cursors else None

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

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        def read(conn: sqlite3.Connection) -> list[LogEntry]:
            rows = conn.execute(
                "SELECT seq, type, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
            ).fetchall()
            return [LogEntry.from_text(r[0], r[1], r[2]) for r in rows]

        entries, _ = await self._store.read(read)
        return entries

    def add_reader(self, reader: BusReader) -> None:
        self._readers.add(reader)

    def remove_reader(self, reader: BusReader) -> None:
        self._readers.discard(reader)

    def publish(self, entries: list[LogEntry]) -> None:
        for entry in entries:
            self._ring.append(entry)
        for reader in list(self._readers):
            reader.published(entries)
