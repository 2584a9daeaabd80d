"""The epoch: one per database, shared by every daemon on it, so a seq means the same event on all."""

from __future__ import annotations

import secrets

from .connect import Conn


def new_epoch() -> str:
    return "ep_" + secrets.token_hex(8)


def shared_epoch(conn: Conn) -> str:
    """The database's epoch, created by whichever daemon gets here first.

    Two daemons starting at once both insert; the unique key makes the second wait for the first
    to commit and then insert nothing, so both read the same epoch.
    """
    with conn.transaction():
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('epoch', %s) ON CONFLICT (key) DO NOTHING", (new_epoch(),)
        )
        row = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
    if row is None:
        raise RuntimeError("the meta table has no epoch right after one was inserted")
    return str(row[0])
