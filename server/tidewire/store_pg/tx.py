"""A write transaction on PostgreSQL, shaped like the SQLite store's ``Tx``: its connection, its
timestamp, ``emit`` (which returns the event's seq) and its outbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..store.entry import LogEntry
from ..store.store import build_frame
from .connect import Conn
from .counter import lock_head
from .portable import PortableConn


class GroupLog:
    """The counter row as one group commit holds it: locked before the group's first statement,
    with the last seq the group has handed out so far."""

    def __init__(self, conn: Conn) -> None:
        self.head = lock_head(conn)

    def take(self) -> int:
        self.head += 1
        return self.head

    def mark(self) -> int:
        return self.head

    def restore(self, mark: int) -> None:
        """After a write's ROLLBACK TO SAVEPOINT: its events are gone, and so are their seqs."""
        self.head = mark


class PgTx:
    def __init__(self, conn: Conn, now: str, log: GroupLog) -> None:
        # The domain's SQL (``?`` placeholders) runs through `conn`; `raw` is psycopg's own.
        self.conn = PortableConn(conn)
        self.raw = conn
        self.now = now
        self._log = log
        self.outbox: list[LogEntry] = []

    def emit(self, type: str, data: BaseModel | Mapping[str, Any], *, allow_unknown: bool = False) -> int:
        seq = self._log.take()
        text = build_frame(type, seq, self.now, data, allow_unknown=allow_unknown)
        self.raw.execute(
            "INSERT INTO events (seq, type, ts, frame) VALUES (%s, %s, %s, %s)", (seq, type, self.now, text)
        )
        self.outbox.append(LogEntry.from_text(seq, type, text))
        return seq

    @property
    def seq(self) -> int:
        """The seq the state reflects so far: this write's last event, or the head it started from."""
        return self._log.head
