"""The worktree service with a real store and real git repositories."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support.git import commit_file, make_repo, sh
from tidewire.errors import DomainError
from tidewire.protocol import EVENT_MODELS
from tidewire.protocol.models import Project
from tidewire.services import projects, tasks, worktrees
from tidewire.store import LogEntry, Store


def exists(path: str | Path) -> bool:
    return Path(path).exists()


def is_dir(path: str | Path) -> bool:
    return Path(path).is_dir()


class Env:
    def __init__(self, store: Store, repo: Path, project: Project, wt_dir: Path) -> None:
        self.store = store
        self.repo = repo
        self.project = project
        self.wt_dir = wt_dir
        self.entries: list[LogEntry] = []
        store.add_commit_listener(self.entries.extend)

    def frames(self) -> list[dict[str, Any]]:
        return [json.loads(e.text) for e in self.entries]


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    store = await Store.open(tmp_path / "data" / "db.sqlite")
    repo = make_repo(tmp_path / "repo")
    project, _ = await projects.register_project(store, str(repo))
    yield Env(store, repo, project, tmp_path / "data" / "worktrees")
    await store.close()


async def test_full_life_cycle_emits_each_event(env: Env) -> None:
    task, _ = await tasks.create_task(env.store, title="feature")
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/feat", task_id=task.id)
    assert wt.status == "active" and wt.base_branch == "main" and wt.project_id == env.project.id
    assert is_dir(wt.path) and Path(wt.path).parent.parent == env.wt_dir
    assert sh(Path(wt.path), "branch", "--show-current").strip() == "tw/feat"
    claimed, _ = await worktrees.claim_worktree(env.store, wt.id, "agent-7")
    assert claimed.status == "claimed" and claimed.owner == "agent-7"
    released, _ = await worktrees.release_worktree(env.store, wt.id)
    assert released.status == "active" and released.owner is None
    commit_file(Path(wt.path), "feature.txt", "hello\n")
    merged, _ = await worktrees.merge_worktree(env.store, wt.id)
    assert merged.status == "merged" and merged.merged_into == "main"
    assert merged.merge_commit == sh(env.repo, "rev-parse", "main").strip()
    assert (env.repo / "feature.txt").read_text() == "hello\n"
    deleted, _ = await worktrees.delete_worktree(env.store, wt.id)
    assert deleted.status == "deleted" and not exists(wt.path)
    assert "tw/feat" not in sh(env.repo, "branch", "--list")  # merged, so deleting it lost nothing
    frames = [f for f in env.frames() if f["type"].startswith("worktree.")]
    assert [f["type"] for f in frames] == [
        "worktree.created", "worktree.updated", "worktree.updated", "worktree.merged", "worktree.deleted",
    ]
    assert [f["data"].get("action") for f in frames] == [None, "claim", "release", None, None]
    for frame in frames:
        EVENT_MODELS[frame["type"]].model_validate(frame)
        assert frame["data"]["worktree_id"] == wt.id and frame["data"]["project_id"] == env.project.id
    assert frames[3]["data"]["worktree"]["merge_commit"] == merged.merge_commit
    listed, seq = await worktrees.list_worktrees(env.store, env.project.id)
    assert listed == [deleted] and seq == frames[-1]["seq"]


async def test_bad_arguments_write_nothing(env: Env) -> None:
    before = len(env.entries)
    cases: list[dict[str, Any]] = [
        {"branch": ""},
        {"branch": "bad..name"},
        {"branch": "ok", "base_branch": "nope"},
        {"branch": "ok", "project_id": "prj_missing"},
        {"branch": "ok", "task_id": "tsk_missing"},
        {"branch": "main"},  # exists
    ]
    for kwargs in cases:
        with pytest.raises(DomainError):
            await worktrees.create_worktree(env.store, env.wt_dir, **kwargs)
    assert len(env.entries) == before
    assert sh(env.repo, "worktree", "list").count("\n") == 1
    assert sh(env.repo, "branch", "--list").strip() == "* main"
    for call in (
        worktrees.claim_worktree(env.store, "wt_missing", "me"),
        worktrees.release_worktree(env.store, "wt_missing"),
        worktrees.merge_worktree(env.store, "wt_missing"),
        worktrees.delete_worktree(env.store, "wt_missing"),
    ):
        with pytest.raises(DomainError) as err:
            await call
        assert err.value.status == 404


async def test_illegal_transitions_are_conflicts(env: Env) -> None:
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/x")
    with pytest.raises(DomainError) as not_claimed:
        await worktrees.release_worktree(env.store, wt.id)
    assert not_claimed.value.status == 409
    await worktrees.claim_worktree(env.store, wt.id, "a")
    with pytest.raises(DomainError) as taken:
        await worktrees.claim_worktree(env.store, wt.id, "b")
    assert taken.value.status == 409 and "a" in taken.value.message
    with pytest.raises(DomainError) as claimed_delete:
        await worktrees.delete_worktree(env.store, wt.id)
    assert claimed_delete.value.status == 409
    with pytest.raises(DomainError) as empty_owner:
        await worktrees.claim_worktree(env.store, wt.id, " ")
    assert empty_owner.value.status == 422
    await worktrees.delete_worktree(env.store, wt.id, force=True)
    for call in (
        worktrees.claim_worktree(env.store, wt.id, "c"),
        worktrees.merge_worktree(env.store, wt.id),
        worktrees.delete_worktree(env.store, wt.id),
    ):
        with pytest.raises(DomainError) as err:
            await call
        assert err.value.status == 409


async def test_merge_conflict_aborts_and_names_files(env: Env) -> None:
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/conflict")
    commit_file(Path(wt.path), "f.txt", "a\nFROM BRANCH\n")
    commit_file(env.repo, "f.txt", "a\nFROM MAIN\n")
    head = sh(env.repo, "rev-parse", "HEAD")
    before = len(env.entries)
    with pytest.raises(DomainError) as err:
        await worktrees.merge_worktree(env.store, wt.id)
    assert err.value.status == 409 and err.value.code == "merge_conflict" and "f.txt" in err.value.message
    assert sh(env.repo, "rev-parse", "HEAD") == head
    assert sh(env.repo, "status", "--porcelain") == ""
    assert (env.repo / "f.txt").read_text() == "a\nFROM MAIN\n"
    assert len(env.entries) == before
    got, _ = await worktrees.get_worktree(env.store, wt.id)
    assert got.status == "active"


async def test_merge_refuses_uncommitted_work(env: Env) -> None:
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/dirty")
    (Path(wt.path) / "wip.txt").write_text("not committed")
    with pytest.raises(DomainError) as err:
        await worktrees.merge_worktree(env.store, wt.id)
    assert err.value.status == 409 and "wip.txt" in err.value.message
    with pytest.raises(DomainError) as delete_err:
        await worktrees.delete_worktree(env.store, wt.id)
    assert delete_err.value.status == 409 and "wip.txt" in delete_err.value.message
    assert exists(Path(wt.path) / "wip.txt")


async def test_delete_keeps_unmerged_branch_unless_forced(env: Env) -> None:
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/keep")
    commit_file(Path(wt.path), "k.txt", "k")
    await worktrees.delete_worktree(env.store, wt.id)
    assert "tw/keep" in sh(env.repo, "branch", "--list")
    # The branch survives, so a new worktree cannot reuse its name until it is dealt with.
    with pytest.raises(DomainError) as err:
        await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/keep")
    assert err.value.status == 409
    wt2, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/drop")
    commit_file(Path(wt2.path), "d.txt", "d")
    await worktrees.delete_worktree(env.store, wt2.id, force=True)
    assert "tw/drop" not in sh(env.repo, "branch", "--list")


async def test_merge_into_other_target_branch(env: Env) -> None:
    sh(env.repo, "branch", "release")
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/rel")
    commit_file(Path(wt.path), "r.txt", "r")
    main_before = sh(env.repo, "rev-parse", "main")
    merged, _ = await worktrees.merge_worktree(env.store, wt.id, target_branch="release")
    assert merged.merged_into == "release"
    assert sh(env.repo, "rev-parse", "release").strip() == merged.merge_commit
    assert sh(env.repo, "rev-parse", "main") == main_before
    with pytest.raises(DomainError):
        await worktrees.merge_worktree(env.store, wt.id, target_branch="release")


async def test_concurrent_creates_of_one_branch(env: Env) -> None:
    results = await asyncio.gather(
        *(worktrees.create_worktree(env.store, env.wt_dir, branch="tw/race") for _ in range(3)),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1 and len(errors) == 2
    assert [f["type"] for f in env.frames()] == ["worktree.created"]


async def test_no_project_registered(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        with pytest.raises(DomainError) as err:
            await worktrees.create_worktree(store, tmp_path / "wt", branch="x")
        assert err.value.status == 422 and "register_project" in err.value.message
    finally:
        await store.close()


async def test_failed_write_removes_the_new_checkout(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    async def failing_write(fn: Any) -> Any:
        raise sqlite3.OperationalError("disk I/O error")  # injected fault: the disk fails after git ran

    monkeypatch.setattr(env.store, "write", failing_write)
    with pytest.raises(sqlite3.OperationalError):
        await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/orphan")
    assert "tw/orphan" not in sh(env.repo, "branch", "--list")
    assert sh(env.repo, "worktree", "list").count("\n") == 1
    assert list(env.wt_dir.glob("*/wt_*")) == []


async def test_relative_worktrees_dir_is_taken_from_the_cwd(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    wt, _ = await worktrees.create_worktree(env.store, Path("rel"), branch="tw/rel")
    assert Path(wt.path).is_absolute() and Path(wt.path).parent.parent == (tmp_path / "rel").resolve()
    assert is_dir(wt.path) and not exists(env.repo / "rel")


async def test_concurrent_merges_into_one_checkout_all_land(env: Env) -> None:
    created = [
        (await worktrees.create_worktree(env.store, env.wt_dir, branch=f"tw/par{i}"))[0] for i in range(3)
    ]
    for i, wt in enumerate(created):
        commit_file(Path(wt.path), f"par{i}.txt", str(i))
    results = await asyncio.gather(*(worktrees.merge_worktree(env.store, wt.id) for wt in created))
    assert [r[0].status for r in results] == ["merged"] * 3
    for i in range(3):
        assert (env.repo / f"par{i}.txt").read_text() == str(i)
    assert sh(env.repo, "status", "--porcelain") == ""
    # Each recorded merge commit is on main's history.
    history = sh(env.repo, "rev-list", "main").split()
    assert all(r[0].merge_commit in history for r in results)


async def test_concurrent_claims_have_one_winner(env: Env) -> None:
    wt, _ = await worktrees.create_worktree(env.store, env.wt_dir, branch="tw/claim")
    results = await asyncio.gather(
        *(worktrees.claim_worktree(env.store, wt.id, f"agent-{i}") for i in range(5)), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1 and all(isinstance(r, DomainError) for r in results if r not in winners)
    claims = [f for f in env.frames() if f["type"] == "worktree.updated"]
    assert len(claims) == 1 and claims[0]["data"]["worktree"]["owner"] == winners[0][0].owner
