"""On PostgreSQL as on SQLite, what waits in a request's context (an idempotency or MCP call key)
commits in the request's first write's transaction: with it, or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from support.pg_writer import PROBE_DDL, write_probe
from tidewire.store import write_hook
from tidewire.store_pg import PgStore


class _Hook:
    """Writes a row of its own after the write it claims, as the key records do."""

    def __init__(self) -> None:
        self.claimed = False
        self.results: list[Any] = []

    def claim(self) -> bool:
        if self.claimed:
            return False
        self.claimed = True
        return True

    def after(self, tx: Any, result: Any) -> None:
        self.results.append(result)
        tx.conn.execute("INSERT INTO probe (tag, n, seq) VALUES ('hook', ?, ?)", (len(self.results), result))


async def _rows(store: PgStore) -> list[tuple[str, int]]:
    query = "SELECT tag, n FROM probe ORDER BY tag, n"
    rows, _ = await store.read(lambda conn: conn.execute(query).fetchall())
    return [(str(tag), int(n)) for tag, n in rows]


async def test_the_first_write_carries_the_hook_and_later_ones_do_not(pg_dsn: str) -> None:
    store = await PgStore.open(pg_dsn)
    try:
        await store.write(lambda tx: tx.conn.execute(PROBE_DDL))
        hook = _Hook()
        token = write_hook.attach(hook)
        try:
            with write_hook.passed_over():
                await store.write(write_probe("before", 0, 1))
            await store.write(write_probe("a", 0, 1))
            await store.write(write_probe("a", 1, 1))
        finally:
            write_hook.detach(token)
        assert hook.results == [2]
        assert await _rows(store) == [("a", 0), ("a", 1), ("before", 0), ("hook", 1)]
    finally:
        await store.close()


async def test_a_write_that_fails_takes_the_hook_s_rows_with_it(pg_dsn: str) -> None:
    store = await PgStore.open(pg_dsn)
    try:
        await store.write(lambda tx: tx.conn.execute(PROBE_DDL))
        await store.write(write_probe("a", 0, 1))
        hook = _Hook()
        token = write_hook.attach(hook)
        try:
            with pytest.raises(Exception, match=r"probe_pkey|duplicate key"):
                await store.write(write_probe("a", 0, 1))  # the same key again: refused
        finally:
            write_hook.detach(token)
        assert await _rows(store) == [("a", 0)]
    finally:
        await store.close()
