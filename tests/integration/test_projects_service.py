"""The project service with a real store file and real git repositories: each change and its
`project.*` event commit together, and a refused call writes and emits nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support.git import make_repo
from tidewire.errors import DomainError
from tidewire.protocol import EVENT_MODELS
from tidewire.services import projects, tasks, worktrees
from tidewire.store import LogEntry, Store, Tx


class Env:
    def __init__(self, store: Store, root: Path) -> None:
        self.store = store
        self.root = root
        self.entries: list[LogEntry] = []
        store.add_commit_listener(self.entries.extend)

    def frames(self) -> list[dict[str, Any]]:
        return [json.loads(e.text) for e in self.entries]

    def db_rows(self, sql: str) -> list[tuple[Any, ...]]:
        # A second connection to the file: what is committed, not what a transaction sees.
        with sqlite3.connect(self.store.path) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    store = await Store.open(tmp_path / "data" / "db.sqlite")
    yield Env(store, tmp_path)
    await store.close()


async def refused(call: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        await call
    return info.value


async def test_register_rename_remove_each_commit_with_their_event(env: Env) -> None:
    repo = make_repo(env.root / "repo")
    project, seq = await projects.register_project(env.store, str(repo / "."), "demo")
    assert project.path == str(repo) and project.name == "demo"
    renamed, seq2 = await projects.rename_project(env.store, project.id, "  demo two ")
    assert renamed.name == "demo two" and renamed.created_at == project.created_at
    removed, seq3 = await projects.remove_project(env.store, project.id)
    assert removed == renamed
    frames = env.frames()
    assert [f["type"] for f in frames] == ["project.created", "project.updated", "project.removed"]
    assert [f["seq"] for f in frames] == [seq, seq2, seq3]
    for frame, record in zip(frames, [project, renamed, removed], strict=True):
        EVENT_MODELS[frame["type"]].model_validate(frame)
        assert frame["data"] == {"project_id": project.id, "project": record.model_dump(mode="json")}
    assert env.db_rows("SELECT seq, type FROM events ORDER BY seq") == [
        (seq, "project.created"), (seq2, "project.updated"), (seq3, "project.removed"),
    ]  # fmt: skip
    assert env.db_rows("SELECT * FROM projects") == []


async def test_renaming_to_the_same_name_changes_nothing(env: Env) -> None:
    project, seq = await projects.register_project(env.store, str(make_repo(env.root / "repo")))
    assert project.name == "repo"
    same, seq2 = await projects.rename_project(env.store, project.id, "repo")
    assert same == project and seq2 == seq and len(env.frames()) == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/definitely/not/here", "no such directory: /definitely/not/here"),
        ("relative/path", "path must be absolute"),
        ("", "path is required"),
    ],
)
async def test_bad_paths_are_refused_with_what_is_wrong(env: Env, path: str, message: str) -> None:
    error = await refused(projects.register_project(env.store, path))
    assert error.status == 422 and message in error.message
    assert env.frames() == [] and env.db_rows("SELECT * FROM projects") == []


async def test_a_file_and_a_plain_directory_are_not_repositories(env: Env) -> None:
    plain = env.root / "plain"
    plain.mkdir()
    (plain / "file.txt").write_text("x")
    error = await refused(projects.register_project(env.store, str(plain / "file.txt")))
    assert error.status == 422 and "not a directory" in error.message
    error = await refused(projects.register_project(env.store, str(plain)))
    assert error.status == 422 and "not a git repository" in error.message
    assert env.frames() == []


async def test_registering_a_repository_twice_names_the_first_registration(env: Env) -> None:
    repo = make_repo(env.root / "repo")
    first, _ = await projects.register_project(env.store, str(repo), "first")
    (repo / "sub").mkdir()
    error = await refused(projects.register_project(env.store, str(repo / "sub")))
    assert error.status == 409 and first.id in error.message and "first" in error.message
    assert len(env.frames()) == 1


async def test_rename_and_remove_refuse_unknown_ids_and_bad_names(env: Env) -> None:
    project, _ = await projects.register_project(env.store, str(make_repo(env.root / "repo")))
    assert (await refused(projects.rename_project(env.store, "prj_nope", "x"))).status == 404
    assert (await refused(projects.remove_project(env.store, "prj_nope"))).status == 404
    for bad in ("", "   ", "two\nlines", 5):
        assert (await refused(projects.rename_project(env.store, project.id, bad))).status == 422
    assert len(env.frames()) == 1


def _insert(sql: str, *params: Any) -> Any:
    def write(tx: Tx) -> None:
        tx.conn.execute(sql, params)

    return write


async def test_remove_refuses_while_anything_belongs_to_the_project(env: Env) -> None:
    repo = make_repo(env.root / "repo")
    project, _ = await projects.register_project(env.store, str(repo))
    task, _ = await tasks.create_task(env.store, title="a", project_id=project.id)
    await tasks.create_task(env.store, title="b", project_id=project.id)
    await worktrees.create_worktree(env.store, env.root / "wts", branch="tw/x", task_id=task.id)
    await env.store.write(
        _insert(
            "INSERT INTO sessions (id, source, status, project_id, started_at, updated_at)"
            " VALUES ('s1', 'claude', 'active', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            project.id,
        )
    )
    before = len(env.frames())
    error = await refused(projects.remove_project(env.store, project.id))
    assert error.status == 409 and error.code == "project_in_use"
    assert "2 tasks, 1 worktree, 1 session" in error.message and project.id in error.message
    assert len(env.frames()) == before
    assert env.db_rows("SELECT id FROM projects") == [(project.id,)]


async def test_another_project_in_use_does_not_block_removal(env: Env) -> None:
    busy, _ = await projects.register_project(env.store, str(make_repo(env.root / "busy")))
    idle, _ = await projects.register_project(env.store, str(make_repo(env.root / "idle")))
    await tasks.create_task(env.store, title="a", project_id=busy.id)
    await projects.remove_project(env.store, idle.id)
    listed, _ = await projects.list_projects(env.store)
    assert listed == [busy]
