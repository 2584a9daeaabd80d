"""Opening connections to the shared database, the same way for every part of the backend."""

from __future__ import annotations

from typing import TypeAlias

import psycopg
from psycopg.rows import TupleRow

Conn: TypeAlias = psycopg.Connection[TupleRow]
AsyncConn: TypeAlias = psycopg.AsyncConnection[TupleRow]

# The name each connection shows in pg_stat_activity, so an operator can tell the daemons' roles.
APP_NAME = "tidewire"
CONNECT_TIMEOUT_S = 10


def connect(dsn: str, role: str, *, autocommit: bool = False) -> Conn:
    return psycopg.connect(
        dsn, autocommit=autocommit, application_name=f"{APP_NAME} {role}", connect_timeout=CONNECT_TIMEOUT_S
    )


async def connect_async(dsn: str, role: str, *, autocommit: bool = True) -> AsyncConn:
    return await psycopg.AsyncConnection.connect(
        dsn, autocommit=autocommit, application_name=f"{APP_NAME} {role}", connect_timeout=CONNECT_TIMEOUT_S
    )
