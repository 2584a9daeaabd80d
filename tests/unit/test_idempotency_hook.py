"""The idempotency key commits in the write's own transaction: with it, or not at all."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from tidewire.errors import Conflict
from tidewire.idempotency import records
from tidewire.idempotency.route import _Recording
from tidewire.store import Store, Tx, write_hook


def _emit(tx: Tx) -> int:
    return tx.emit("task.created", _task_data())


def _task_data() -> dict[str, Any]:
    task = {
        "id": "tsk_1",
        "project_id": None,
        "title": "t",
        "description": "",
        "status": "open",
        "priority": 2,
        "labels": [],
        "parent_id": None,
        "created_at": "2026-11-26T06:00:00Z",
        "updated_at": "2026-11-26T06:00:00Z",
        "closed_at": None,
        "closed_reason": None,
    }
    return {"task_id": "tsk_1", "project_id": None, "task": task}


def _recording(key: str, render: Any = lambda seq: {"seq": seq}) -> _Recording:
    return _Recording(key, "fp", "POST", "/api/x", 201, render, 60.0)


async def _keys(store: Store) -> list[tuple[str, int, bytes]]:
    rows, _ = await store.read(
        lambda c: [
            (r[0], r[1], bytes(r[2])) for r in c.execute("SELECT key, seq, body FROM idempotency_keys")
        ]
    )
    return rows


async def test_the_key_commits_with_the_write_and_only_the_first_write(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        recording = _recording("k1")
        token = write_hook.attach(recording)
        try:
            seq = await store.write(_emit)
            # A task the request starts copies its context; its writes must not take the hook again.
            later = await asyncio.create_task(store.write(_emit))
        finally:
            write_hook.detach(token)
        assert await _keys(store) == [("k1", seq, b'{"seq":1}')]
        assert recording.reply is not None and recording.reply.seq == seq and later == seq + 1
    finally:
        await store.close()


async def test_a_failing_hook_rolls_the_write_back(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:

        def broken(_: object) -> object:
            raise RuntimeError("cannot render")

        token = write_hook.attach(_recording("k2", broken))
        try:
            with pytest.raises(RuntimeError):
                await store.write(_emit)
        finally:
            write_hook.detach(token)
        assert await _keys(store) == []
        assert store.head == 0
        events, _ = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        assert events == 0
    finally:
        await store.close()


async def test_a_key_already_stored_refuses_the_write(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        for expected in (None, Conflict):
            token = write_hook.attach(_recording("k3"))
            try:
                if expected is None:
                    await store.write(_emit)
                else:
                    with pytest.raises(expected):
                        await store.write(_emit)
            finally:
                write_hook.detach(token)
        assert store.head == 1 and [k for k, _, _ in await _keys(store)] == ["k3"]
        found, _ = await store.read(lambda c: records.lookup(c, "k3", 0.0))
        assert found is not None and found.status == 201
    finally:
        await store.close()
