"""PostgreSQL restarted while a daemon writes and another follows: nothing acknowledged is lost,
no event without its state, and delivery resumes with no gap."""

from __future__ import annotations

import asyncio

import psycopg
from support.pg_writer import PROBE_DDL, write_probe
from tidewire.store.entry import LogEntry
from tidewire.store_pg import PgStore, StoreUnavailable
from tidewire.store_pg.scratch import Cluster, Server

WAIT_S = 60.0
WRITES_BEFORE = 10
WRITES_AFTER = 10


async def test_a_server_restart_during_writes_loses_no_acknowledged_write_and_delivery_resumes(
    pg_own_cluster: tuple[Server, Cluster],
) -> None:
    server, cluster = pg_own_cluster
    dsn = server.create_database()
    writer = await PgStore.open(dsn)
    await writer.write(lambda tx: tx.conn.execute(PROBE_DDL))
    reader = await PgStore.open(dsn, poll_interval=0.2)
    delivered: list[LogEntry] = []
    reader.add_commit_listener(delivered.extend)
    acked: dict[int, int] = {}
    unknown: set[int] = set()
    refused = 0
    try:
        restart: asyncio.Task[None] | None = None
        n = after_restart = 0
        # Write without pause from before the restart until well after it: some writes must meet
        # the server going down, and every one is retried until it is acknowledged.
        while after_restart < WRITES_AFTER:
            if n == WRITES_BEFORE:
                restart = asyncio.create_task(asyncio.to_thread(cluster.restart, "fast"))
            if restart is not None and restart.done():
                after_restart += 1
            for _ in range(400):  # refused while the server is down: retry, as a client would
                try:
                    acked[n] = await writer.write(write_probe("w", n, 1 + n % 3))
                    break
                except StoreUnavailable as exc:
                    refused += 1
                    if "may have been committed" in exc.message:
                        unknown.add(n)  # a retry could apply it twice; the check below decides
                        break
                    await asyncio.sleep(0.02)
            n += 1
        assert restart is not None
        await restart
        assert refused > 0 and len(acked) + len(unknown) == n
        head = writer.head
        await asyncio.wait_for(reader.follower.wait_for(head), WAIT_S)
        assert reader.follower.connections >= 2

        with psycopg.connect(dsn) as conn:
            rows = {int(n): int(seq) for n, seq in conn.execute("SELECT n, seq FROM probe").fetchall()}
            seqs = [int(r[0]) for r in conn.execute("SELECT seq FROM events ORDER BY seq").fetchall()]
        # Every acknowledged write is there with the seq it was acknowledged with.
        assert all(rows.get(n) == seq for n, seq in acked.items())
        assert set(rows) <= set(acked) | unknown
        # Gapless, and each write's events are exactly those ending at its recorded seq.
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) == sum(1 + n % 3 for n in rows)
        assert [e.seq for e in delivered] == seqs
        for entry in delivered:
            n = int(entry.data["n"])
            assert n in rows and rows[n] - (1 + n % 3) < entry.seq <= rows[n]
    finally:
        await reader.close()
        await writer.close()
