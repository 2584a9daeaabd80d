"""Small SQL helpers shared by the services: rows as dicts, whatever the connection's row factory."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def fetch_all(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, tuple(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, tuple(row), strict=True)) for row in cur.fetchall()]


def fetch_one(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    rows = fetch_all(conn, sql, params)
    return rows[0] if rows else None
