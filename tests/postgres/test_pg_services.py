"""Domain services on both backends, called as the REST and MCP layers call them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tidewire.services import tasks
from tidewire.store import Store
from tidewire.store_pg import PgStore


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    if request.param == "sqlite":
        opened: Any = await Store.open(tmp_path / "db.sqlite")
    else:
        opened = await PgStore.open(request.getfixturevalue("pg_dsn"))
    try:
        yield opened
    finally:
        await opened.close()


async def test_tasks_made_in_one_write_list_in_the_order_they_were_made_after_updates(store: Any) -> None:
    # The subtasks of one expand share one created_at: the tie-breaker alone orders them (rowid on
    # SQLite, its stand-in column on PostgreSQL, where an UPDATE moves the row within the table).
    parent, _ = await tasks.create_task(store, title="parent")
    (_, subtasks), _ = await tasks.expand_task(store, parent.id, [{"title": f"s{i}"} for i in range(12)])
    made = [t.id for t in subtasks]
    assert len({t.created_at for t in subtasks}) == 1
    for task_id in (made[0], made[5], made[0]):
        await tasks.update_task(store, task_id, title=f"renamed {task_id}")
    listed, _ = await tasks.list_tasks(store, parent_id=parent.id)
    assert [t.id for t in listed] == made
    everything, _ = await tasks.list_tasks(store)
    assert [t.id for t in everything] == [parent.id, *made]
