"""Versioned schema migrations for PostgreSQL: numbered ``NNNN_name.sql`` files, each applied in
one transaction with its bookkeeping row, under an advisory lock so daemons starting together
apply each file once."""

from __future__ import annotations

from pathlib import Path

import psycopg

from ..store.migrations import Migration, MigrationError, discover
from .connect import Conn

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# pg_advisory_xact_lock key for migrations (any constant, the same in every daemon): "twmig".
_LOCK_KEY = 0x74776D6967


def migrate(conn: Conn, now: str, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply every migration not yet recorded; return the versions this call applied.

    ``conn`` must not be in a transaction. Each file runs in its own transaction, so a failing
    file leaves the database as the previous one left it.
    """
    applied: list[int] = []
    for migration in discover(directory):
        if _apply(conn, migration, now):
            applied.append(migration.version)
    return applied


def _apply(conn: Conn, migration: Migration, now: str) -> bool:
    sql = migration.path.read_text(encoding="utf-8")
    try:
        with conn.transaction():
            # Held to the end of this transaction: a second daemon waits here, then sees the row.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)"
            )
            done = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,)
            ).fetchone()
            if done is not None:
                return False
            # A whole file as one simple-protocol call: psycopg sends it unparsed when it has no
            # parameters, so a file may hold several statements.
            conn.execute(sql.encode("utf-8"))
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                (migration.version, migration.name, now),
            )
    except psycopg.Error as exc:
        raise MigrationError(f"migration {migration.path.name} failed: {exc}") from exc
    return True
