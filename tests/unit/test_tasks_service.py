"""Task and project services against a real SQLite store in a temporary directory."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.git import make_repo
from tidewire.errors import DomainError
from tidewire.protocol import EVENT_MODELS
from tidewire.services import projects, tasks
from tidewire.store import LogEntry, Store


class Recorder:
    def __init__(self, store: Store) -> None:
        self.entries: list[LogEntry] = []
        store.add_commit_listener(self.entries.extend)

    @property
    def frames(self) -> list[dict[str, Any]]:
        return [json.loads(e.text) for e in self.entries]

    def types(self) -> list[str]:
        return [e.type for e in self.entries]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "db.sqlite")
    yield s
    await s.close()


@pytest.fixture
def events(store: Store) -> Recorder:
    return Recorder(store)


async def count_rows(store: Store, table: str) -> int:
    value, _ = await store.read(lambda c: c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    return int(value)


async def test_register_project_resolves_and_refuses(store: Store, events: Recorder, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    project, _ = await projects.register_project(store, str(repo / "sub"))
    assert project.path == str(repo.resolve()) and project.name == "repo" and project.id.startswith("prj_")
    with pytest.raises(DomainError) as dup:
        await projects.register_project(store, str(repo), name="again")
    assert dup.value.status == 409 and project.id in dup.value.message
    (tmp_path / "plain").mkdir()
    for bad in (str(tmp_path / "plain"), str(tmp_path / "missing"), "relative/path", ""):
        with pytest.raises(DomainError) as err:
            await projects.register_project(store, bad)
        assert err.value.status == 422
    listed, seq = await projects.list_projects(store)
    assert [p.id for p in listed] == [project.id]
    assert events.types() == ["project.created"] and seq == events.entries[0].seq  # refusals emit nothing


async def test_create_update_close_emit_events(store: Store, events: Recorder) -> None:
    task, _ = await tasks.create_task(store, title="  Write docs ", labels=["docs", "docs", "web"])
    assert task.title == "Write docs" and task.status == "open" and task.priority == 2
    assert task.labels == ["docs", "web"] and task.project_id is None
    updated, _ = await tasks.update_task(store, task.id, status="in_progress", priority=1, title="Write docs")
    assert updated.status == "in_progress" and updated.priority == 1
    same, same_seq = await tasks.update_task(store, task.id, status="in_progress")
    assert same == updated and same_seq == 2  # no change: no event, and the seq it reflects is the head
    closed, closed_seq = await tasks.close_task(store, task.id, reason="done")
    assert closed_seq == 3
    assert closed.status == "closed" and closed.closed_reason == "done" and closed.closed_at is not None
    assert events.types() == ["task.created", "task.updated", "task.closed"]
    frames = events.frames
    for frame in frames:
        EVENT_MODELS[frame["type"]].model_validate(frame)
        assert frame["data"]["task_id"] == task.id and frame["data"]["project_id"] is None
    assert frames[1]["data"]["changed"] == ["status", "priority"]
    assert frames[1]["data"]["previous"] == {"status": "open", "priority": 2}
    assert frames[2]["data"]["task"]["closed_reason"] == "done"
    assert [f["seq"] for f in frames] == [1, 2, 3]
    got, seq = await tasks.get_task(store, task.id)
    assert got == closed and seq == 3


async def test_reopen_clears_close_fields(store: Store, events: Recorder) -> None:
    task, _ = await tasks.create_task(store, title="t")
    await tasks.close_task(store, task.id, reason="dup")
    reopened, _ = await tasks.update_task(store, task.id, status="open")
    assert reopened.closed_at is None and reopened.closed_reason is None
    frame = events.frames[-1]
    assert frame["type"] == "task.updated"
    assert frame["data"]["changed"] == ["status", "closed_at", "closed_reason"]
    assert frame["data"]["previous"]["closed_reason"] == "dup"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": ""},
        {"title": "   "},
        {"title": None},
        {"title": "x" * 501},
        {"title": "ok", "priority": 5},
        {"title": "ok", "priority": -1},
        {"title": "ok", "priority": True},
        {"title": "ok", "priority": "1"},
        {"title": "ok", "labels": "a,b"},
        {"title": "ok", "labels": [1]},
        {"title": "ok", "description": 3},
        {"title": "ok", "project_id": "prj_missing"},
        {"title": "nul\x00inside"},
        {"title": "two\nlines"},
        {"title": "lone \ud800 surrogate"},
        {"title": "ok", "description": "nul\x00inside"},
        {"title": "ok", "labels": ["tab\tlabel"]},
        {"title": "ok", "parent_id": "tsk_missing"},
    ],
)
async def test_bad_create_writes_and_emits_nothing(
    store: Store, events: Recorder, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(DomainError) as err:
        await tasks.create_task(store, **kwargs)
    assert err.value.status in (404, 422)
    assert events.entries == [] and await count_rows(store, "tasks") == 0


async def test_bad_update_and_close_change_nothing(store: Store, events: Recorder) -> None:
    task, _ = await tasks.create_task(store, title="t")
    before = len(events.entries)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"status": "done"}, 422),
        ({"status": "closed"}, 409),
        ({"priority": 9}, 422),
        ({"title": ""}, 422),
    ]
    for kwargs, status in cases:
        with pytest.raises(DomainError) as err:
            await tasks.update_task(store, task.id, **kwargs)
        assert err.value.status == status
    with pytest.raises(DomainError) as missing:
        await tasks.update_task(store, "tsk_nope", title="x")
    assert missing.value.status == 404
    await tasks.close_task(store, task.id)
    with pytest.raises(DomainError) as again:
        await tasks.close_task(store, task.id)
    assert again.value.status == 409
    assert events.types()[before:] == ["task.closed"]


async def test_expand_creates_subtasks_then_expanded(store: Store, events: Recorder, tmp_path: Path) -> None:
    project, _ = await projects.register_project(store, str(make_repo(tmp_path / "r")))
    parent, _ = await tasks.create_task(store, title="big", priority=1, labels=["x"])
    assert parent.project_id == project.id  # the only project is the default
    (got_parent, subs), _ = await tasks.expand_task(
        store, parent.id, [{"title": "a"}, {"title": "b", "description": "d", "priority": 4}]
    )
    assert got_parent.id == parent.id
    assert [s.parent_id for s in subs] == [parent.id, parent.id]
    assert [s.priority for s in subs] == [1, 4] and subs[1].description == "d"
    assert all(s.project_id == project.id and s.labels == ["x"] for s in subs)
    assert events.types() == ["project.created", *["task.created"] * 3, "task.expanded"]
    expanded = events.frames[-1]["data"]
    assert expanded["subtask_ids"] == [s.id for s in subs] and expanded["task_id"] == parent.id
    children, _ = await tasks.list_tasks(store, parent_id=parent.id)
    assert [c.id for c in children] == [s.id for s in subs]
    for bad in ([], [{"description": "no title"}], [{"title": "a", "extra": 1}], "a", [{"title": "a"}] * 101):
        with pytest.raises(DomainError):
            await tasks.expand_task(store, parent.id, bad)
    assert len(events.entries) == 5


async def test_expand_is_atomic_when_one_subtask_is_bad(store: Store, events: Recorder) -> None:
    parent, _ = await tasks.create_task(store, title="p")
    with pytest.raises(DomainError):
        await tasks.expand_task(store, parent.id, [{"title": "fine"}, {"title": ""}])
    assert await count_rows(store, "tasks") == 1 and events.types() == ["task.created"]


async def test_default_project_rules(store: Store, tmp_path: Path) -> None:
    no_project, _ = await tasks.create_task(store, title="free")
    assert no_project.project_id is None
    p1, _ = await projects.register_project(store, str(make_repo(tmp_path / "a")))
    await projects.register_project(store, str(make_repo(tmp_path / "b")))
    with pytest.raises(DomainError) as err:
        await tasks.create_task(store, title="which?")
    assert err.value.status == 422 and "project_id" in err.value.message
    named, _ = await tasks.create_task(store, title="named", project_id=p1.id)
    child, _ = await tasks.create_task(store, title="child", parent_id=named.id)
    assert child.project_id == p1.id  # inherited from the parent, no ambiguity
    listed, _ = await tasks.list_tasks(store, project_id=p1.id)
    assert {t.id for t in listed} == {named.id, child.id}
    with pytest.raises(DomainError):
        await tasks.list_tasks(store, status="nope")


async def test_closed_parent_refuses_children(store: Store) -> None:
    parent, _ = await tasks.create_task(store, title="p")
    await tasks.close_task(store, parent.id)
    with pytest.raises(DomainError) as err:
        await tasks.create_task(store, title="c", parent_id=parent.id)
    assert err.value.status == 409
    with pytest.raises(DomainError):
        await tasks.expand_task(store, parent.id, [{"title": "c"}])


async def test_record_failure_counts(store: Store, events: Recorder) -> None:
    task, _ = await tasks.create_task(store, title="t")
    after = await store.write(lambda tx: tasks.record_failure(tx, task.id, "exit 1"))
    assert after.failure_count == 1 and after.last_failure == "exit 1"
    assert events.frames[-1]["data"]["changed"] == ["failure_count", "last_failure"]


# Any text at all, surrogates included: each call either round-trips or is refused cleanly.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)


@given(
    title=any_text, description=any_text, labels=st.lists(any_text, max_size=3), priority=st.integers(-1, 5)
)
async def test_any_input_round_trips_or_is_refused(
    tmp_path_factory: pytest.TempPathFactory, title: str, description: str, labels: list[str], priority: int
) -> None:
    s = await Store.open(tmp_path_factory.mktemp("db") / "db.sqlite")
    try:
        rec = Recorder(s)
        try:
            created, _ = await tasks.create_task(
                s, title=title, description=description, priority=priority, labels=labels
            )
        except DomainError as err:
            assert err.status == 422 and err.message
            assert rec.entries == [] and await count_rows(s, "tasks") == 0
            return
        got, _ = await tasks.get_task(s, created.id)
        assert got == created and got.title == title.strip() and got.description == description
        frame = rec.frames[0]
        EVENT_MODELS["task.created"].model_validate(frame)
        assert frame["data"]["task"] == got.model_dump(mode="json")
    finally:
        await s.close()
