"""The counter row (``log_head``): the last seq handed out, and the lock that orders commits.

A PostgreSQL sequence is not enough: its values are handed out when a row is inserted, not when
the transaction commits, so a reader could see seq 11 committed before seq 10. Instead every write
transaction locks the single counter row as its first statement (``SELECT ... FOR UPDATE``),
numbers its events from the head it read, and writes the new head as its last statement. The next
write transaction, on any daemon, waits on that row lock until this one has committed (or rolled
back, which hands out nothing), and then reads the head it wrote. So seqs are strictly increasing
in commit order and gapless, a reader always sees a prefix, and seqs are never reused. The cost:
writes from every daemon run one at a time (see docs/architecture.md, "Seq in commit order").
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
