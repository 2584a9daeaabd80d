"""The bus over the PostgreSQL store: the shared log as this daemon's follower delivers it,
mirrored into the same in-memory ring of serialised frames the SQLite bus keeps."""

from __future__ import annotations

import asyncio

from ..backoff import Backoff
from ..bus.base import BusReader
from ..bus.ring import Ring
from ..store.entry import LogEntry
from .errors import StoreUnavailable
from .store import PgStore


class PgEventBus:
    """Implements ``bus.base.EventBus``; fed by the store's follower, so it holds every daemon's
    events. A reader further behind than the ring reads the ``events`` table."""

    def __init__(self, store: PgStore, retain: int | None = None) -> None:
        self._store = store
        self._epoch = store.epoch
        capacity = retain if retain is not None else store.retain
        recent = store.load_recent(capacity)
        first = recent[0].seq - 1 if recent else store.head
        self._ring = Ring(capacity, head=first)
        # `recent` ends at what the follower has delivered; it delivers each later seq once.
        for entry in recent:
            self._ring.append(entry)
        self._readers: set[BusReader] = set()
        store.add_commit_listener(self.publish)
        store.prune_floor = self._floor

    def _floor(self) -> int | None:
        """The lowest reader cursor; called from the store's writer thread while it prunes."""
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

    async def catch_up(self) -> None:
        """Deliver what the database has committed so far, from every daemon, before returning.

        The follower would within its poll anyway; a read makes it do so now (``PgStore.read``
        returns once the follower has delivered its snapshot's head).
        """
        await self._store.read(lambda _conn: None)

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        """Events past the ring, from the table; while the database is away, tried again until it
        is back: the socket that needs them waits, open, rather than being closed."""
        backoff = Backoff(initial=0.1, maximum=2.0)
        attempt = 0
        while True:
            try:
                return await self._store.fetch(after_seq, limit)
            except StoreUnavailable:
                await asyncio.sleep(backoff.delay(attempt))
                attempt += 1

    def add_reader(self, reader: BusReader) -> None:
        self._readers.add(reader)

    def remove_reader(self, reader: BusReader) -> None:
        self._readers.discard(reader)

    def publish(self, entries: list[LogEntry]) -> None:
        for entry in entries:
            self._ring.append(entry)
        for reader in list(self._readers):
            reader.published(entries)
