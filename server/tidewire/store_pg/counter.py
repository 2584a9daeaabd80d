"""The counter row (``log_head``): the last seq handed out, and the lock that orders commits.

A PostgreSQL sequence is not enough: its values are handed out when a row is inserted, not when
the transaction commits, so a reader could see seq 11 committed before seq 10. Instead a
transaction that emits locks the single counter row before its first event (``SELECT ... FOR
UPDATE``), numbers its events from the head it read, and writes the new head as its last
statement. The next transaction that emits waits on that row lock until this one has committed
(or rolled back, which hands out nothing), and then reads the head it wrote. So:

* seqs are strictly increasing in commit order across every daemon, and gapless: a rolled-back
  or killed transaction never advanced the row;
* a reader sees a prefix: a transaction can only take the lock after the previous holder is
  visible, so whoever sees seq n also sees every seq below it;
* seqs are never reused: the row only moves forward, in the same commit as the events.

The cost: transactions that emit commit one at a time, each holding the row from its first
event through its COMMIT (including the WAL flush). Each daemon's group commit (see ``store``)
puts many writes under one lock and one flush, which is what keeps the ceiling high.
"""

from __future__ import annotations

from .connect import Conn

# LISTEN/NOTIFY channel woken by every commit that emits; the payload is the new head.
CHANNEL = "tidewire_log"


def lock_head(conn: Conn) -> int:
    """Lock the counter row for the rest of this transaction; return the last seq handed out."""
    row = conn.execute("SELECT head FROM log_head WHERE id = 1 FOR UPDATE").fetchone()
    if row is None:
        raise RuntimeError("the log_head row is missing: the schema is not migrated")
    return int(row[0])


def read_head(conn: Conn) -> int:
    """The last committed seq, as this transaction's snapshot sees it (no lock)."""
    row = conn.execute("SELECT head FROM log_head WHERE id = 1").fetchone()
    if row is None:
        raise RuntimeError("the log_head row is missing: the schema is not migrated")
    return int(row[0])


def advance(conn: Conn, head: int) -> None:
    """Record ``head`` and wake every follower at commit; the transaction's last statements."""
    # NOTIFY is delivered at commit, and only if the transaction commits.
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(head)))
    conn.execute("UPDATE log_head SET head = %s WHERE id = 1", (head,))
