"""Commit throughput of the event log: one state row plus one event per transaction, events per second.

The daemon path is the real `Store.write` (writer thread, BEGIN IMMEDIATE, event validation and
serialisation, outbox, commit listeners). The baselines run plain `sqlite3` on the same kind of file
with the same pragmas, so the ratio shows what the store adds on top of SQLite itself, and the
batched baseline shows what group commit would buy.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import events as sample
from bench.stats import ratio

_STATE_DDL = "CREATE TABLE IF NOT EXISTS bench_state (id TEXT PRIMARY KEY, body TEXT NOT NULL)"


async def _store_rate(
    count: int, concurrency: int, data_dir: Path, synchronous: str = "full", with_mark: bool = True
) -> dict[str, Any]:
    from tidewire.store import Store
    from tidewire.store.startup import MARK_NAME
    from tidewire.store.watermark import FileMark

    # The daemon keeps a high-water mark beside its database (one pwrite + fdatasync per group
    # commit); the cases without it show what that costs.
    store = await Store.open(
        data_dir / "tidewire.db",
        retain=max(count, 10_000),
        synchronous=synchronous,
        mark=FileMark(data_dir / MARK_NAME) if with_mark else None,
    )
    try:
        await store.write(lambda tx: tx.conn.execute(_STATE_DDL))
        payloads = [sample.task_data(i) for i in range(count)]

        def one(i: int) -> Any:
            data = payloads[i]

            def fn(tx: Any) -> int:
                tx.conn.execute(
                    "INSERT OR REPLACE INTO bench_state (id, body) VALUES (?, ?)",
                    (data.task_id, data.task.model_dump_json()),
                )
                seq: int = tx.emit(sample.EVENT_TYPE, data)
                return seq

            return fn

        published = 0

        def listener(entries: list[Any]) -> None:
            nonlocal published
            published += len(entries)

        store.add_commit_listener(listener)
        sem = asyncio.Semaphore(concurrency)

        async def write(i: int) -> None:
            async with sem:
                await store.write(one(i))

        t0 = time.perf_counter()
        if concurrency == 1:
            for i in range(count):
                await store.write(one(i))
        else:
            await asyncio.gather(*(write(i) for i in range(count)))
        seconds = time.perf_counter() - t0
        await asyncio.sleep(0)  # let the last call_soon_threadsafe publication run
        return {
            "events": count,
            "in_flight": concurrency,
            "synchronous": synchronous,
            "high_water_mark": with_mark,
            "published": published,
            "seconds": seconds,
            "events_per_s": ratio(count, seconds),
        }
    finally:
        await store.close()


def _sqlite_rate(count: int, per_tx: int, synchronous: str, path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute(_STATE_DDL)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT, ts TEXT, frame TEXT)"
        )
        frames = sample.frames(count)
        rows = [(f["seq"], json.dumps(f), json.dumps(f["data"]["task"])) for f in frames]
        t0 = time.perf_counter()
        for start in range(0, count, per_tx):
            conn.execute("BEGIN IMMEDIATE")
            for seq, frame, body in rows[start : start + per_tx]:
                conn.execute("INSERT OR REPLACE INTO bench_state (id, body) VALUES (?, ?)", (str(seq), body))
                conn.execute(
                    "INSERT INTO events (seq, type, ts, frame) VALUES (?, ?, ?, ?)",
                    (seq, sample.EVENT_TYPE, "", frame),
                )
            conn.execute("COMMIT")
        seconds = time.perf_counter() - t0
    finally:
        conn.close()
    return {
        "events": count,
        "events_per_tx": per_tx,
        "synchronous": synchronous,
        "seconds": seconds,
        "events_per_s": ratio(count, seconds),
    }


async def run_suite(count: int, with_daemon: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"events": count}
    with tempfile.TemporaryDirectory(prefix="tidewire-bench-commit-") as tmp:
        root = Path(tmp)
        base = await asyncio.to_thread(_sqlite_rate, count, 1, "FULL", root / "raw-full.db")
        out["sqlite_1_per_tx_full"] = base
        out["sqlite_1_per_tx_normal"] = await asyncio.to_thread(
            _sqlite_rate, count, 1, "NORMAL", root / "raw-normal.db"
        )
        out["sqlite_100_per_tx_full"] = await asyncio.to_thread(
            _sqlite_rate, count, 100, "FULL", root / "raw-batch.db"
        )
        if with_daemon:
            # Store.write with one write in flight (no group commit possible) and with 32 in flight
            # (group commit merges what queues up), at both `synchronous` levels the store offers.
            cases = {
                "a_sequential": (1, "full", True),
                "a_concurrent": (32, "full", True),
                "a_sequential_normal": (1, "normal", True),
                "a_concurrent_normal": (32, "normal", True),
                "a_sequential_nomark": (1, "full", False),
                "a_concurrent_nomark": (32, "full", False),
                "a_sequential_normal_nomark": (1, "normal", False),
                "a_concurrent_normal_nomark": (32, "normal", False),
            }
            try:
                for key, (in_flight, level, with_mark) in cases.items():
                    (root / key).mkdir()
                    out[key] = await _store_rate(count, in_flight, root / key, level, with_mark)
            except Exception as exc:
                out["error"] = repr(exc)
                return out
            for key in cases:
                out[f"{key}_over_sqlite"] = ratio(out[key]["events_per_s"], base["events_per_s"])
            for key in cases:
                if not key.endswith("_nomark"):
                    # Below 1: the share of the throughput without the mark that is left with it.
                    out[f"{key}_mark_over_nomark"] = ratio(
                        out[key]["events_per_s"], out[f"{key}_nomark"]["events_per_s"]
                    )
    return out
