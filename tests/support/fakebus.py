"""An in-memory event bus for driving ``Connection`` without a store or sockets.

The real ring holds the last ``retain`` events; the "store" is a list that keeps them all, and
``fetch`` records each read so tests can see what the writer asked for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tidewire.bus.base import BusReader
from tidewire.bus.ring import Ring
from tidewire.store.entry import LogEntry


def entry(seq: int, type_: str = "task.created", data: dict[str, Any] | None = None) -> LogEntry:
    body = data if data is not None else {}
    return LogEntry(seq, type_, json.dumps({"type": type_, "seq": seq, "data": body}), body)


class FakeBus:
    def __init__(self, retain: int = 8, epoch: str = "ep_fake") -> None:
        self.ring = Ring(retain, head=0)
        self.store: list[LogEntry] = []
        self.readers: set[BusReader] = set()
        self.fetches: list[tuple[int, int]] = []
        self._epoch = epoch

    @property
    def epoch(self) -> str:
        return self._epoch

    @property
    def head(self) -> int:
        return self.ring.head

    @property
    def oldest(self) -> int:
        return self.ring.oldest

    def get(self, seq: int) -> LogEntry | None:
        return self.ring.get(seq)

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        return self.ring.since(after_seq, limit)

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        self.fetches.append((after_seq, limit))
        return self.store[after_seq : after_seq + limit]

    def add_reader(self, reader: BusReader) -> None:
        self.readers.add(reader)

    def remove_reader(self, reader: BusReader) -> None:
        self.readers.discard(reader)

    def publish(self, entries: Sequence[LogEntry]) -> None:
        for e in entries:
            self.ring.append(e)
        self.store.extend(entries)
        for r in list(self.readers):
            r.published(entries)

    def commit(self, *types: str, data: dict[str, Any] | None = None) -> list[LogEntry]:
        """Publish one event of each type, in one commit."""
        made = [entry(self.head + i + 1, t, data) for i, t in enumerate(types)]
        self.publish(made)
        return made
