"""How PostgreSQL failures reach callers: a lost database is a 503 the client may retry."""

from __future__ import annotations

import psycopg

from ..errors import DomainError


class StoreUnavailable(DomainError):
    """The database cannot be reached (or the connection was lost); nothing of the write is kept,
    unless the message says the outcome is unknown (the connection was lost during COMMIT)."""

    retry_after = 1

    def __init__(self, message: str) -> None:
        super().__init__("store_unavailable", message, 503)


def translate(exc: BaseException, *, committing: bool = False) -> BaseException:
    """``exc`` as callers should see it: connection failures become ``StoreUnavailable``.

    OperationalError covers a refused or lost connection, a server shutting down or starting up,
    a terminated backend and a statement or lock timeout; InterfaceError a connection psycopg has
    already found closed.
    """
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        if committing:
            return StoreUnavailable(
                f"the database connection was lost during COMMIT; the write may have been committed "
                f"(its events are delivered if it was): {exc}"
            )
        return StoreUnavailable(f"the database is unavailable: {exc}")
    return exc
