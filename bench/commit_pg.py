"""Commit throughput on PostgreSQL beside the SQLite store, in one run: one state row plus one event
per write, with 1 and 32 writes in flight, writes per second and CPU per write.

(a) is the SQLite store (`Store.write`, synchronous=FULL with the high-water mark, as the daemon
runs it). (p) is `PgStore.write` on a throwaway durable cluster (fsync on): one store, and three
stores in this process, as three daemons would share the counter row. The raw psycopg baselines
run 32 connections with one write per transaction: with a sequence for seq (no commit-order
guarantee: PostgreSQL's own group commit merges the WAL flushes), and with the counter row (each
transaction holds it through its COMMIT, so commits go one at a time: the cap the row imposes
when nothing batches). PgStore's group commit puts many writes under one hold of the row.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil

from bench import events as sample
from bench.stats import ratio

_SQLITE_STATE = "CREATE TABLE IF NOT EXISTS bench_state (id TEXT PRIMARY KEY, body TEXT NOT NULL)"
_PG_STATE = "CREATE TABLE IF NOT EXISTS bench_state (id text PRIMARY KEY, body text NOT NULL)"
# One statement text for both stores (the domain's portable SQL); the raw baselines use psycopg's own.
_UPSERT = (
    "INSERT INTO bench_state (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body"
)
_PG_UPSERT = _UPSERT.replace("?", "%s")
_RAW_CONNECTIONS = 32


def _cpu_s(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


class _ServerCpu:
    """CPU used by the PostgreSQL server (its postmaster and every backend) while a case ran."""

    def __init__(self, postmaster: int | None) -> None:
        self._root = psutil.Process(postmaster) if postmaster else None
        self._seen: dict[int, float] = {}

    def _sample(self) -> dict[int, float]:
        if self._root is None:
            return {}
        out: dict[int, float] = {}
        for proc in [self._root, *self._root.children(recursive=True)]:
            try:
                out[proc.pid] = _cpu_s(proc)
            except psutil.Error:
                continue
        return out

    def start(self) -> None:
        self._seen = self._sample()

    def used_s(self) -> float | None:
        if self._root is None:
            return None
        now = self._sample()
        # Backends that ended during the case are not counted (none do: connections stay open).
        return sum(cpu - self._seen.get(pid, 0.0) for pid, cpu in now.items())


async def _timed(
    count: int, in_flight: int, one: Callable[[int], Awaitable[Any]], server: _ServerCpu | None
) -> dict[str, Any]:
    me = psutil.Process()
    sem = asyncio.Semaphore(in_flight)

    async def write(i: int) -> None:
        async with sem:
            await one(i)

    if server is not None:
        server.start()
    cpu0, t0 = _cpu_s(me), time.perf_counter()
    await asyncio.gather(*(write(i) for i in range(count)))
    seconds, cpu = time.perf_counter() - t0, _cpu_s(me) - cpu0
    server_cpu = server.used_s() if server is not None else None
    return {
        "writes": count,
        "in_flight": in_flight,
        "seconds": seconds,
        "writes_per_s": ratio(count, seconds),
        "client_cpu_ms_per_write": round(cpu * 1000 / count, 4),
        "server_cpu_ms_per_write": round(server_cpu * 1000 / count, 4) if server_cpu is not None else None,
    }


async def _sqlite_case(count: int, in_flight: int, root: Path) -> dict[str, Any]:
    from tidewire.store import Store
    from tidewire.store.startup import MARK_NAME
    from tidewire.store.watermark import FileMark

    await asyncio.to_thread(root.mkdir)
    store = await Store.open(root / "tidewire.db", retain=max(count, 10_000), mark=FileMark(root / MARK_NAME))
    try:
        await store.write(lambda tx: tx.conn.execute(_SQLITE_STATE))
        payloads = [sample.task_data(i) for i in range(count)]

        def one(i: int) -> Awaitable[int]:
            data = payloads[i]

            def fn(tx: Any) -> int:
                tx.conn.execute(_UPSERT, (data.task_id, data.task.model_dump_json()))
                seq: int = tx.emit(sample.EVENT_TYPE, data)
                return seq

            return store.write(fn)

        return await _timed(count, in_flight, one, None)
    finally:
        await store.close()


async def _pg_case(count: int, in_flight: int, dsn: str, stores: int, server: _ServerCpu) -> dict[str, Any]:
    from tidewire.store_pg import PgStore

    opened = [await PgStore.open(dsn, retain=max(count, 10_000)) for _ in range(stores)]
    try:
        await opened[0].write(lambda tx: tx.conn.execute(_PG_STATE))
        payloads = [sample.task_data(i) for i in range(count)]

        def one(i: int) -> Awaitable[int]:
            data = payloads[i]

            def fn(tx: Any) -> int:
                tx.conn.execute(_UPSERT, (data.task_id, data.task.model_dump_json()))
                seq: int = tx.emit(sample.EVENT_TYPE, data)
                return seq

            return opened[i % stores].write(fn)

        out = await _timed(count, in_flight, one, server)
        out["stores"] = stores
        # Every store delivers every write's event, whichever store it was made through (a store's
        # write waits for its own events only, so the others' may arrive just after the clock).
        for store in opened:
            await asyncio.wait_for(store.follower.wait_for(count), 60)
        out["delivered_by_each"] = [s.head for s in opened]
        return out
    finally:
        for store in opened:
            await store.close()


def _raw_pg(count: int, dsn: str, with_counter: bool, connections: int, server: _ServerCpu) -> dict[str, Any]:
    import psycopg
    from tidewire.store_pg.connect import Conn, connect
    from tidewire.store_pg.counter import advance, lock_head
    from tidewire.store_pg.migrations import migrate

    with psycopg.connect(dsn, autocommit=True) as setup:
        migrate(setup, "")
        setup.execute(_PG_STATE)
        setup.execute("CREATE SEQUENCE IF NOT EXISTS bench_seq")
    frames = [json.dumps(f) for f in sample.frames(count)]
    bodies = [sample.task_data(i).task.model_dump_json() for i in range(count)]
    next_index = iter(range(count))
    lock = threading.Lock()
    errors: list[BaseException] = []

    # Every connection is open before the clock starts and stays open until the server's CPU is
    # read: a backend that exits takes its CPU time with it.
    conns = [connect(dsn, "bench") for _ in range(connections)]

    def work(conn: Conn) -> None:
        try:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                with conn.transaction():
                    conn.execute(_PG_UPSERT, (f"t{i}", bodies[i]))
                    if with_counter:
                        seq = lock_head(conn) + 1
                    else:
                        row = conn.execute("SELECT nextval('bench_seq')").fetchone()
                        assert row is not None
                        seq = int(row[0])
                    conn.execute(
                        "INSERT INTO events (seq, type, ts, frame) VALUES (%s, %s, '', %s)",
                        (seq, sample.EVENT_TYPE, frames[i]),
                    )
                    if with_counter:
                        advance(conn, seq)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(conn,)) for conn in conns]
    me = psutil.Process()
    try:
        server.start()
        cpu0, t0 = _cpu_s(me), time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds, cpu = time.perf_counter() - t0, _cpu_s(me) - cpu0
        server_cpu = server.used_s()
    finally:
        for conn in conns:
            conn.close()
    if errors:
        raise errors[0]
    return {
        "writes": count,
        "connections": connections,
        "seq_from": "counter row" if with_counter else "sequence",
        "seconds": seconds,
        "writes_per_s": ratio(count, seconds),
        "client_cpu_ms_per_write": round(cpu * 1000 / count, 4),
        "server_cpu_ms_per_write": round(server_cpu * 1000 / count, 4) if server_cpu is not None else None,
    }


async def run_suite(count: int, with_daemon: bool) -> dict[str, Any]:
    from tidewire.store_pg.scratch import postgres_server

    out: dict[str, Any] = {"writes": count}
    with (
        tempfile.TemporaryDirectory(prefix="tidewire-bench-commit-pg-") as tmp,
        postgres_server(durable=True) as (server, cluster),
    ):
        root = Path(tmp)
        cpu = _ServerCpu(cluster.postmaster_pid() if cluster is not None else None)
        out["server"] = "throwaway cluster, fsync on" if cluster is not None else "TIDEWIRE_TEST_PG_DSN"

        def fresh() -> str:
            return server.create_database("bench")

        out["pg_raw_sequence_32"] = await asyncio.to_thread(
            _raw_pg, count, fresh(), False, _RAW_CONNECTIONS, cpu
        )
        out["pg_raw_counter_32"] = await asyncio.to_thread(
            _raw_pg, count, fresh(), True, _RAW_CONNECTIONS, cpu
        )
        out["pg_raw_counter_1"] = await asyncio.to_thread(_raw_pg, count, fresh(), True, 1, cpu)
        if with_daemon:
            out["a_sqlite_1"] = await _sqlite_case(count, 1, root / "s1")
            out["a_sqlite_32"] = await _sqlite_case(count, 32, root / "s32")
            out["p_store_1"] = await _pg_case(count, 1, fresh(), 1, cpu)
            out["p_store_32"] = await _pg_case(count, 32, fresh(), 1, cpu)
            out["p_3_stores_32"] = await _pg_case(count, 32, fresh(), 3, cpu)
            for n in ("1", "32"):
                out[f"p_store_{n}_over_sqlite"] = ratio(
                    out[f"p_store_{n}"]["writes_per_s"], out[f"a_sqlite_{n}"]["writes_per_s"]
                )
            out["p_3_stores_over_1"] = ratio(
                out["p_3_stores_32"]["writes_per_s"], out["p_store_32"]["writes_per_s"]
            )
            out["p_store_32_over_raw_sequence"] = ratio(
                out["p_store_32"]["writes_per_s"], out["pg_raw_sequence_32"]["writes_per_s"]
            )
        # Below 1: what holding the counter row through each COMMIT costs when nothing batches.
        out["raw_counter_over_sequence"] = ratio(
            out["pg_raw_counter_32"]["writes_per_s"], out["pg_raw_sequence_32"]["writes_per_s"]
        )
    return out
