"""Opening connections to the shared database, the same way for every part of the backend."""

from __future__ import annotations

from typing import Any, TypeAlias

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow

Conn: TypeAlias = psycopg.Connection[TupleRow]
AsyncConn: TypeAlias = psycopg.AsyncConnection[TupleRow]

# The name each connection shows in pg_stat_activity, so an operator can tell the daemons' roles.
APP_NAME = "tidewire"
# How long a connection attempt may take. A stopped server refuses at once; this bounds a host
# that drops packets (start-up, and each reconnect while the daemon runs).
CONNECT_TIMEOUT_S = 5

# A request never waits on the database for longer than this: a statement (a lock wait included)
# is cancelled by the server, and a server that stops answering mid-statement is given up by the
# kernel (unacknowledged data) or by keepalives (an idle connection), each within seconds.
STATEMENT_TIMEOUT = "30s"
TCP_USER_TIMEOUT_MS = 10_000
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}


# A writer holds the counter row for its whole transaction, so every daemon's writes wait while
# it does. A writer whose daemon vanished without closing its connection (a partitioned host,
# where no FIN ever comes) must not hold it for as long as TCP keepalive takes: the server ends a
# session left idle inside a transaction after this long, which rolls it back and frees the row.
WRITER_IDLE_IN_TX_TIMEOUT = "30s"


def _settings(dsn: str, role: str) -> dict[str, Any]:
    """The timeouts above, each unless the URL sets it itself (its ``options`` are kept, ours after)."""
    given = conninfo_to_dict(dsn)
    params: dict[str, Any] = {
        key: value
        for key, value in {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
            **_KEEPALIVES,
        }.items()
        if key not in given
    }
    options = [f"-c statement_timeout={STATEMENT_TIMEOUT}"]
    if role == "writer":
        options.append(f"-c idle_in_transaction_session_timeout={WRITER_IDLE_IN_TX_TIMEOUT}")
    if given.get("options"):
        # libpq applies options in order, so the URL's own settings come last and win.
        options.append(str(given["options"]))
    params["options"] = " ".join(options)
    return params


def connect(dsn: str, role: str, *, autocommit: bool = False) -> Conn:
    return psycopg.connect(
        dsn, autocommit=autocommit, application_name=f"{APP_NAME} {role}", **_settings(dsn, role)
    )


async def connect_async(dsn: str, role: str, *, autocommit: bool = True) -> AsyncConn:
    return await psycopg.AsyncConnection.connect(
        dsn, autocommit=autocommit, application_name=f"{APP_NAME} {role}", **_settings(dsn, role)
    )
