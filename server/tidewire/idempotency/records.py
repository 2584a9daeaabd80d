"""The `idempotency_keys` table: look a key up, save a reply, prune what expired."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredReply:
    key: str
    fingerprint: str
    method: str
    path: str
    status: int
    body: bytes
    seq: int


def lookup(conn: sqlite3.Connection, key: str, now: float) -> StoredReply | None:
    row = conn.execute(
        "SELECT key, fingerprint, method, path, status, body, seq FROM idempotency_keys"
        " WHERE key = ? AND expires_at > ?",
        (key, now),
    ).fetchone()
    if row is None:
        return None
    return StoredReply(row[0], row[1], row[2], row[3], int(row[4]), bytes(row[5]), int(row[6]))


def prune(conn: sqlite3.Connection, now: float) -> int:
    """Delete every expired key; the index on `expires_at` keeps this cheap on each keyed write."""
    return conn.execute("DELETE FROM idempotency_keys WHERE expires_at <= ?", (now,)).rowcount


def save(conn: sqlite3.Connection, reply: StoredReply, created_at: str, expires_at: float) -> None:
    conn.execute(
        "INSERT INTO idempotency_keys"
        " (key, fingerprint, method, path, status, body, seq, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            reply.key,
            reply.fingerprint,
            reply.method,
            reply.path,
            reply.status,
            reply.body,
            reply.seq,
            created_at,
            expires_at,
        ),
    )
