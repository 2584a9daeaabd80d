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


# A writer holds the counter row for its whole transaction, so every daemon's writes wait while
# it does. A writer whose daemon vanished without closing its connection (a partitioned host,
# where no FIN ever comes) must not hold it for as long as TCP keepalive takes: the server ends a
# session left idle inside a transaction after this long, which rolls it back and frees the row.
WRITER_IDLE_IN_TX_TIMEOUT = "30s"


def connect(dsn: str, role: str, *, autocommit: bool = False) -> Conn:
    options = (
        f"-c idle_in_transaction_session_timeout={WRITER_IDLE_IN_TX_TIMEOUT}" if role == "writer" else ""
    )
    return psycopg.connect(
        dsn,
        autocommit=autocommit,
        application_name=f"{APP_NAME} {role}",
        connect_timeout=CONNECT_TIMEOUT_S,
        options=options,
    )


async def connect_async(dsn: str, role: str, *, autocommit: bool = True) -> AsyncConn:
    return await psycopg.AsyncConnection.connect(
        dsn, autocommit=autocommit, application_name=f"{APP_NAME} {role}", connect_timeout=CONNECT_TIMEOUT_S
    )
