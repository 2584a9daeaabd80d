"""A fixed-capacity ring of log entries indexed by seq (seqs are consecutive within an epoch)."""

from __future__ import annotations

from ..store.entry import LogEntry


class Ring:
    def __init__(self, capacity: int, head: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._slots: list[LogEntry | None] = [None] * capacity
        self.head = head
        self.oldest = head + 1  # nothing retained yet

    def append(self, entry: LogEntry) -> None:
        if entry.seq != self.head + 1:
            raise ValueError(f"ring expects seq {self.head + 1}, got {entry.seq}")
        self._slots[entry.seq % self.capacity] = entry
        self.head = entry.seq
        if self.head - self.oldest + 1 > self.capacity:
            self.oldest = self.head - self.capacity + 1

    def get(self, seq: int) -> LogEntry | None:
        # Either check alone rules out a stale slot; the bounds check is the cheap one.
        if seq < self.oldest or seq > self.head:
            return None
        entry = self._slots[seq % self.capacity]
        return entry if entry is not None and entry.seq == seq else None

    def since(self, after_seq: int, limit: int) -> list[LogEntry]:
        start = max(after_seq + 1, self.oldest)
        stop = min(self.head, start + limit - 1)
        out: list[LogEntry] = []
        for seq in range(start, stop + 1):
            entry = self.get(seq)
            if entry is not None:
                out.append(entry)
        return out
