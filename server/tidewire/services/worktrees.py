"""Worktrees: real `git worktree` checkouts under the data dir, one branch each.

Life cycle: `active` -(claim)-> `claimed` -(release)-> `active`; `active`/`claimed` -(merge)->
`merged`; any live state -(delete)-> `deleted`. Git work happens first, under a per-project
lock so two operations never race on one repository; the record and its event are written only
after git succeeded. If that write fails, a freshly added checkout is removed again.

Deleting removes the checkout. Its branch is deleted too when that loses nothing (git's own
"fully merged" check) or when `force` is given; otherwise the branch stays, so no commit is lost.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from tidewire.errors import Conflict, DomainError, InvalidArgument, NotFound
from tidewire.protocol.models import Project, Worktree, WorktreeEventData

from . import check_id, check_name, git, new_id, write_with_seq
from .projects import default_project, require_project
from .rows import fetch_all, fetch_one
from .tasks import require_task

if TYPE_CHECKING:
    from tidewire.store import Store, Tx

LIVE = ("active", "claimed")

_COLUMNS = (
    "id, project_id, task_id, branch, base_branch, path, status, owner, "
    "created_at, updated_at, merged_into, merge_commit"
)

# One lock per (store, project): git operations on one repository run one at a time.
_locks: weakref.WeakKeyDictionary[Any, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def _project_lock(store: Store, project_id: str) -> AsyncIterator[None]:
    locks = _locks.setdefault(store, {})
    lock = locks.setdefault(project_id, asyncio.Lock())
    async with lock:
        yield


def _git_error(exc: git.GitError) -> DomainError:
    if isinstance(exc, git.MergeConflict):
        return Conflict(exc.message, code="merge_conflict")
    if exc.code == "conflict":
        return Conflict(exc.message)
    if exc.code == "invalid_argument":
        return InvalidArgument(exc.message)
    return DomainError("git_error", exc.message, 500)


# ---- rows ----


def worktree_from_row(row: dict[str, Any]) -> Worktree:
    return Worktree.model_validate(row)


def fetch_worktree(conn: sqlite3.Connection, worktree_id: str) -> Worktree | None:
    row = fetch_one(conn, f"SELECT {_COLUMNS} FROM worktrees WHERE id = ?", (worktree_id,))
    return worktree_from_row(row) if row else None


def require_worktree(conn: sqlite3.Connection, worktree_id: str) -> Worktree:
    wt = fetch_worktree(conn, worktree_id)
    if wt is None:
        raise NotFound(f"no worktree with id {worktree_id!r}")
    return wt


def fetch_worktrees(conn: sqlite3.Connection, *, project_id: str | None = None) -> list[Worktree]:
    sql = f"SELECT {_COLUMNS} FROM worktrees"
    params: list[Any] = []
    if project_id is not None:
        sql += " WHERE project_id = ?"
        params.append(project_id)
    return [worktree_from_row(r) for r in fetch_all(conn, sql + " ORDER BY created_at, rowid", params)]


def _save(conn: sqlite3.Connection, wt: Worktree) -> None:
    conn.execute(
        "UPDATE worktrees SET status = ?, owner = ?, updated_at = ?, merged_into = ?, merge_commit = ? "
        "WHERE id = ?",
        (wt.status, wt.owner, wt.updated_at, wt.merged_into, wt.merge_commit, wt.id),
    )


def _emit(tx: Tx, event: str, wt: Worktree, action: str | None = None) -> None:
    tx.emit(event, WorktreeEventData(worktree_id=wt.id, project_id=wt.project_id, worktree=wt, action=action))


def _change(tx: Tx, before: Worktree, event: str, action: str | None = None, **fields: Any) -> Worktree:
    after = Worktree.model_validate({**before.model_dump(), **fields, "updated_at": tx.now})
    _save(tx.conn, after)
    _emit(tx, event, after, action)
    return after


# ---- operations ----


async def create_worktree(
    store: Store,
    worktrees_dir: Path,
    *,
    branch: object,
    project_id: object = None,
    base_branch: object = None,
    task_id: object = None,
) -> tuple[Worktree, int]:
    """Create `branch` from `base_branch` (default: the branch checked out in the repository) and
    check it out in a new worktree under `worktrees_dir/<project id>/<worktree id>`."""
    clean_branch = check_name(branch, "branch")
    clean_base = None if base_branch is None else check_name(base_branch, "base_branch")
    pid = None if project_id is None else check_id(project_id, "project_id")
    tid = None if task_id is None else check_id(task_id, "task_id")

    def lookup(conn: sqlite3.Connection) -> Project:
        project = default_project(conn, pid)
        if project is None:
            raise InvalidArgument("no project is registered: register_project(path) first")
        if tid is not None:
            task = require_task(conn, tid)
            if task.project_id is not None and task.project_id != project.id:
                raise InvalidArgument(f"task {tid} belongs to project {task.project_id}, not {project.id}")
        return project

    project, _ = await store.read(lookup)
    repo = Path(project.path)
    async with _project_lock(store, project.id):
        if not await git.valid_branch_name(repo, clean_branch):
            raise InvalidArgument(f"{clean_branch!r} is not a valid branch name")
        base = clean_base or await git.current_branch(repo)
        if base is None:
            raise InvalidArgument("the repository is on a detached HEAD: give base_branch")
        if await git.branch_commit(repo, base) is None:
            raise InvalidArgument(f"base branch {base!r} does not exist in {repo}")
        if await git.branch_commit(repo, clean_branch) is not None:
            raise Conflict(f"branch {clean_branch!r} already exists in {repo}")
        wt_id = new_id("wt")
        # Absolute: git would resolve a relative path against the repository, not the daemon's cwd.
        path = Path(await anyio.Path(worktrees_dir).absolute()) / project.id / wt_id
        try:
            await git.add_worktree(repo, path, clean_branch, base)
        except git.GitError as exc:
            raise _git_error(exc) from exc

        def write(tx: Tx) -> Worktree:
            lookup(tx.conn)  # the task may have gone meanwhile
            wt = Worktree(
                id=wt_id,
                project_id=project.id,
                task_id=tid,
                branch=clean_branch,
                base_branch=base,
                path=str(path),
                status="active",
                owner=None,
                created_at=tx.now,
                updated_at=tx.now,
                merged_into=None,
                merge_commit=None,
            )
            tx.conn.execute(
                f"INSERT INTO worktrees ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (wt.id, wt.project_id, wt.task_id, wt.branch, wt.base_branch, wt.path, wt.status,
                 wt.owner, wt.created_at, wt.updated_at, wt.merged_into, wt.merge_commit),
            )
            _emit(tx, "worktree.created", wt)
            return wt

        try:
            return await write_with_seq(store, write)
        except BaseException:
            # Nothing was recorded, so nothing may stay behind in the repository either.
            await asyncio.shield(_undo_add(repo, path, clean_branch))
            raise


async def _undo_add(repo: Path, path: Path, branch: str) -> None:
    try:
        await git.remove_worktree(repo, path, force=True)
        await git.delete_branch(repo, branch, force=True)
    except git.GitError:
        pass


async def claim_worktree(store: Store, worktree_id: object, owner: object) -> tuple[Worktree, int]:
    wid = check_id(worktree_id, "worktree_id")
    who = check_name(owner, "owner")

    def write(tx: Tx) -> Worktree:
        before = require_worktree(tx.conn, wid)
        if before.status == "claimed":
            raise Conflict(f"worktree {wid} is already claimed by {before.owner}")
        if before.status != "active":
            raise Conflict(f"worktree {wid} is {before.status} and cannot be claimed")
        return _change(tx, before, "worktree.updated", "claim", status="claimed", owner=who)

    return await write_with_seq(store, write)


async def release_worktree(store: Store, worktree_id: object) -> tuple[Worktree, int]:
    wid = check_id(worktree_id, "worktree_id")

    def write(tx: Tx) -> Worktree:
        before = require_worktree(tx.conn, wid)
        if before.status != "claimed":
            raise Conflict(f"worktree {wid} is {before.status}, not claimed")
        return _change(tx, before, "worktree.updated", "release", status="active", owner=None)

    return await write_with_seq(store, write)


async def _live(store: Store, wid: str) -> tuple[Worktree, Project]:
    def read(conn: sqlite3.Connection) -> tuple[Worktree, Project]:
        wt = require_worktree(conn, wid)
        return wt, require_project(conn, wt.project_id)

    return (await store.read(read))[0]


async def merge_worktree(
    store: Store, worktree_id: object, target_branch: object = None
) -> tuple[Worktree, int]:
    """Merge the worktree's branch into `target_branch` (default: its base branch)."""
    wid = check_id(worktree_id, "worktree_id")
    target_arg = None if target_branch is None else check_name(target_branch, "target_branch")
    _, project = await _live(store, wid)
    repo = Path(project.path)
    async with _project_lock(store, project.id):
        wt, _ = await _live(store, wid)
        if wt.status not in LIVE:
            raise Conflict(f"worktree {wid} is {wt.status} and cannot be merged")
        target = target_arg or wt.base_branch
        if target == wt.branch:
            raise InvalidArgument("a branch cannot be merged into itself")
        if await git.branch_commit(repo, target) is None:
            raise InvalidArgument(f"target branch {target!r} does not exist in {repo}")
        try:
            if await anyio.Path(wt.path).exists():
                dirty = await git.dirty_files(wt.path)
                if dirty:
                    raise Conflict(
                        f"worktree {wid} has uncommitted changes ({', '.join(dirty)}); commit them first"
                    )
            commit = await git.merge(repo, wt.branch, target)
        except git.GitError as exc:
            raise _git_error(exc) from exc

        def write(tx: Tx) -> Worktree:
            before = require_worktree(tx.conn, wid)
            if before.status not in LIVE:
                raise Conflict(f"worktree {wid} is {before.status} and cannot be merged")
            return _change(tx, before, "worktree.merged", None, status="merged", merged_into=target,
                           merge_commit=commit)

        return await write_with_seq(store, write)


async def delete_worktree(store: Store, worktree_id: object, force: object = False) -> tuple[Worktree, int]:
    """Remove the checkout (refused if it has uncommitted changes or is claimed, unless `force`)."""
    wid = check_id(worktree_id, "worktree_id")
    if not isinstance(force, bool):
        raise InvalidArgument("force must be true or false")
    _, project = await _live(store, wid)
    repo = Path(project.path)
    async with _project_lock(store, project.id):
        wt, _ = await _live(store, wid)
        if wt.status == "deleted":
            raise Conflict(f"worktree {wid} is already deleted")
        if wt.status == "claimed" and not force:
            raise Conflict(f"worktree {wid} is claimed by {wt.owner}; release it first or use force")
        try:
            await git.remove_worktree(repo, wt.path, force=force)
        except git.GitError as exc:
            raise _git_error(exc) from exc
        await git.delete_branch(repo, wt.branch, force=force)

        def write(tx: Tx) -> Worktree:
            before = require_worktree(tx.conn, wid)
            if before.status == "deleted":
                raise Conflict(f"worktree {wid} is already deleted")
            return _change(tx, before, "worktree.deleted", None, status="deleted")

        return await write_with_seq(store, write)


async def list_worktrees(store: Store, project_id: object = None) -> tuple[list[Worktree], int]:
    pid = None if project_id is None else check_id(project_id, "project_id")
    return await store.read(lambda conn: fetch_worktrees(conn, project_id=pid))


async def get_worktree(store: Store, worktree_id: object) -> tuple[Worktree, int]:
    wid = check_id(worktree_id, "worktree_id")
    return await store.read(lambda conn: require_worktree(conn, wid))
