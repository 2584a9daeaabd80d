"""A writing daemon's store in a process of its own, for tests of several daemons on one database.

``python -m support.pg_writer DSN TAG COUNT IN_FLIGHT`` commits COUNT writes through a
``PgStore``, at most IN_FLIGHT at a time; write n inserts ``probe (tag, n, seq)`` and emits
``test.probe`` events (1 + n % 3 of them) with ``{"tag", "n", "i"}``, then prints ``done``.
``python -m support.pg_writer DSN TAG hang`` starts one write that emits, prints ``holding`` and
never finishes, so a test can kill the process in the middle of the transaction.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import Any

from tidewire.store_pg import PgStore, PgTx

PROBE_DDL = "CREATE TABLE IF NOT EXISTS probe (tag text, n integer, seq bigint, PRIMARY KEY (tag, n))"


def write_probe(tag: str, n: int, events: int) -> Any:
    def fn(tx: PgTx) -> int:
        seq = 0
        for i in range(events):
            seq = tx.emit("test.probe", {"tag": tag, "n": n, "i": i}, allow_unknown=True)
        tx.conn.execute("INSERT INTO probe (tag, n, seq) VALUES (?, ?, ?)", (tag, n, seq))
        return seq

    return fn


async def _write(dsn: str, tag: str, count: int, in_flight: int) -> None:
    store = await PgStore.open(dsn)
    try:
        sem = asyncio.Semaphore(in_flight)

        async def one(n: int) -> None:
            async with sem:
                await store.write(write_probe(tag, n, 1 + n % 3))

        await asyncio.gather(*(one(n) for n in range(count)))
    finally:
        await store.close()
    print("done", flush=True)


async def _hang(dsn: str, tag: str) -> None:
    store = await PgStore.open(dsn)
    blocked = threading.Event()

    def fn(tx: PgTx) -> None:
        write_probe(tag, 0, 2)(tx)
        print("holding", flush=True)
        blocked.wait()  # never set: the process is killed here, inside the transaction

    await store.write(fn)


def main() -> None:
    dsn, tag = sys.argv[1], sys.argv[2]
    if sys.argv[3] == "hang":
        asyncio.run(_hang(dsn, tag))
    else:
        asyncio.run(_write(dsn, tag, int(sys.argv[3]), int(sys.argv[4])))


if __name__ == "__main__":
    main()
