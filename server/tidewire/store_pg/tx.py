"""A write transaction on PostgreSQL, shaped like the SQLite store's ``Tx``: its connection, its
timestamp, ``emit`` (which returns the event's seq) and its outbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..store.entry import LogEntry
from ..store.store import build_frame
from .connect import Conn
from .counter import lock_head
from .portable import PortableConn


@dataclass(frozen=True, slots=True)
class HeadMark:
    """Where the group's numbering stood before a write, to undo it if the write rolls back."""

    head: int | None


class GroupLog:
    """The counter row as one group commit holds it: unlocked, or locked with the last seq taken."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self.head: int | None = None  # None until the row is locked in this transaction
        self.first: int | None = None  # the first seq this group hands out

    def lock(self) -> int:
        if self.head is None:
            self.head = lock_head(self._conn)
            if self.first is None:
                self.first = self.head + 1
        return self.head

    def take(self) -> int:
        seq = self.lock() + 1
        self.head = seq
        return seq

    def mark(self) -> HeadMark:
        return HeadMark(self.head)

    def restore(self, mark: HeadMark) -> None:
        """After ROLLBACK TO SAVEPOINT: a lock taken inside the savepoint was released with it."""
        self.head = mark.head
        if mark.head is None:
            self.first = None


class PgTx:
    def __init__(self, conn: Conn, now: str, log: GroupLog, known_head: int) -> None:
        # The domain's SQL (``?`` placeholders) runs through `conn`; `raw` is psycopg's own.
        self.conn = PortableConn(conn)
        self.raw = conn
        self.now = now
        self._log = log
        self._known_head = known_head
        self.outbox: list[LogEntry] = []

    def emit(self, type: str, data: BaseModel | Mapping[str, Any], *, allow_unknown: bool = False) -> int:
        seq = self._log.take()
        text = build_frame(type, seq, self.now, data, allow_unknown=allow_unknown)
        self.raw.execute(
            "INSERT INTO events (seq, type, ts, frame) VALUES (%s, %s, %s, %s)", (seq, type, self.now, text)
        )
        self.outbox.append(LogEntry.from_text(seq, type, text))
        return seq

    def hold_log(self) -> int:
        """Lock the counter row now (before any read), so this write runs alone among writers that
        emit or hold it, as a SQLite write does; returns the head."""
        return self._log.lock()

    @property
    def seq(self) -> int:
        """The seq the state reflects so far: this write's last event, else the head it knows of."""
        if self.outbox:
            return self.outbox[-1].seq
        return self._log.head if self._log.head is not None else self._known_head
