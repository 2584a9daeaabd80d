"""``tidewire serve --store postgresql://…``: the daemon on a PostgreSQL database that several
daemons may share (docs/operations.md, "Running several daemons").

The store is opened inside the event loop uvicorn then serves on, since its log follower is a task
of that loop; the SQLite store opens before the loop instead (serve.py).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

import psycopg

from .config import Settings, redact_dsn
from .store.migrations import MigrationError

if TYPE_CHECKING:
    from .store import Store

# Exit status when the PostgreSQL store cannot be reached at start-up (docs/operations.md).
EXIT_STORE_UNREACHABLE = 8


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


async def serve_pg(settings: Settings, dsn: str, log_level: str) -> int:
    from .app import create_app
    from .serve import _server
    from .store_pg import PgEventBus, PgStore

    shown = redact_dsn(dsn)
    try:
        store = await PgStore.open(dsn, retain=settings.retain)
    except MigrationError as exc:
        print(f"tidewire: the store {shown} could not be migrated: {_first_line(exc)}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as exc:
        print(f"tidewire: cannot reach the store {shown}: {_first_line(exc)}", file=sys.stderr)
        return EXIT_STORE_UNREACHABLE
    except psycopg.Error as exc:
        print(f"tidewire: the store {shown} refused the daemon: {_first_line(exc)}", file=sys.stderr)
        return 1
    try:
        bus = PgEventBus(store, settings.retain)
        # PgStore offers what the daemon uses of the SQLite store (write, read, head, epoch,
        # server_id, notices, close); its transactions' `conn` stands in for the sqlite3 connection
        # the services are annotated with (store_pg/portable.py).
        app = create_app(settings, cast("Store", store), bus)
    except BaseException:
        await store.close()
        raise
    server = _server(app, settings, log_level)
    await server.serve()
    if not server.started:
        # The lifespan never ran (the port could not be bound), so nothing closed the store.
        await store.close()
        return 1
    return 0
