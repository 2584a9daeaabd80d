"""Tasks: create, update, close, expand into subtasks; each change is one write with its events.

Status rules: `open`, `in_progress` and `blocked` move freely among themselves; a task is
closed only by `close_task` (an update to `closed` is a conflict); a closed task can be
reopened by updating its status, which clears `closed_at` and `closed_reason`. An update that
changes nothing writes nothing and emits nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tidewire.errors import Conflict, InvalidArgument, NotFound
from tidewire.protocol.models import (
    Task,
    TaskEventData,
    TaskExpandedData,
    TaskUpdatedData,
)

from . import check_id, clean_text, new_id, write_with_seq
from .projects import default_project, require_project
from .rows import fetch_all, fetch_one

if TYPE_CHECKING:
    from tidewire.store import Store, Tx

STATUSES = ("open", "in_progress", "blocked", "closed")
OPEN_STATUSES = ("open", "in_progress", "blocked")
DEFAULT_PRIORITY = 2
MAX_TITLE = 500
MAX_SUBTASKS = 100

_COLUMNS = (
    "id, project_id, title, description, status, priority, labels, parent_id, "
    "created_at, updated_at, closed_at, closed_reason, failure_count, last_failure"
)


# ---- validation (pure: runs before anything is read or written) ----


def check_title(title: object, field: str = "title") -> str:
    if not isinstance(title, str) or not title.strip():
        raise InvalidArgument(f"{field} is required and must be a non-empty string")
    title = clean_text(title.strip(), field, single_line=True)
    if len(title) > MAX_TITLE:
        raise InvalidArgument(f"{field} is longer than {MAX_TITLE} characters")
    return title


def check_description(description: object) -> str:
    if not isinstance(description, str):
        raise InvalidArgument("description must be a string")
    return clean_text(description, "description", single_line=False)


def check_priority(priority: object) -> int:
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 4:
        raise InvalidArgument(f"priority must be an integer from 0 (most urgent) to 4, not {priority!r}")
    return priority


def check_labels(labels: object) -> list[str]:
    if not isinstance(labels, list | tuple) or not all(isinstance(x, str) and x.strip() for x in labels):
        raise InvalidArgument("labels must be a list of non-empty strings")
    # Keep the caller's order, drop repeats: a label is a set member, not a count.
    return list(dict.fromkeys(clean_text(x.strip(), "labels", single_line=True) for x in labels))


def check_status(status: object, *, allow_closed: bool = True) -> str:
    allowed = STATUSES if allow_closed else OPEN_STATUSES
    if status not in STATUSES:
        raise InvalidArgument(f"status must be one of {', '.join(allowed)}, not {status!r}")
    assert isinstance(status, str)
    return status


@dataclass(frozen=True)
class SubtaskSpec:
    title: str
    description: str = ""
    priority: int | None = None


def check_subtasks(subtasks: object) -> list[SubtaskSpec]:
    if not isinstance(subtasks, list | tuple) or not subtasks:
        raise InvalidArgument("subtasks must be a non-empty list of {title, description?, priority?}")
    if len(subtasks) > MAX_SUBTASKS:
        raise InvalidArgument(f"at most {MAX_SUBTASKS} subtasks per expansion")
    specs: list[SubtaskSpec] = []
    for i, item in enumerate(subtasks):
        if isinstance(item, SubtaskSpec):
            item = {"title": item.title, "description": item.description, "priority": item.priority}
        if not isinstance(item, dict):
            raise InvalidArgument(f"subtasks[{i}] must be an object with a title")
        unknown = set(item) - {"title", "description", "priority"}
        if unknown:
            raise InvalidArgument(f"subtasks[{i}] has unknown fields: {', '.join(sorted(unknown))}")
        specs.append(
            SubtaskSpec(
                title=check_title(item.get("title"), f"subtasks[{i}].title"),
                description=check_description(item.get("description") or ""),
                priority=None if item.get("priority") is None else check_priority(item.get("priority")),
            )
        )
    return specs


# ---- rows ----


def task_from_row(row: dict[str, Any]) -> Task:
    data = dict(row)
    data["labels"] = json.loads(data["labels"])
    return Task.model_validate(data)


def fetch_task(conn: sqlite3.Connection, task_id: str) -> Task | None:
    row = fetch_one(conn, f"SELECT {_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
    return task_from_row(row) if row else None


def require_task(conn: sqlite3.Connection, task_id: str) -> Task:
    task = fetch_task(conn, task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id!r}")
    return task


def fetch_tasks(
    conn: sqlite3.Connection,
    *,
    project_id: str | None = None,
    status: str | None = None,
    parent_id: str | None = None,
) -> list[Task]:
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("project_id", project_id), ("status", status), ("parent_id", parent_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {_COLUMNS} FROM tasks"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at, rowid"
    return [task_from_row(r) for r in fetch_all(conn, sql, params)]


def _insert(conn: sqlite3.Connection, task: Task) -> None:
    conn.execute(
        f"INSERT INTO tasks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            task.id,
            task.project_id,
            task.title,
            task.description,
            task.status,
            task.priority,
            json.dumps(task.labels),
            task.parent_id,
            task.created_at,
            task.updated_at,
            task.closed_at,
            task.closed_reason,
            _failures(task),
            task.last_failure,
        ),
    )


_UPDATABLE = ("title", "description", "status", "priority", "labels", "closed_at", "closed_reason",
              "failure_count", "last_failure", "updated_at")


def _save(conn: sqlite3.Connection, task: Task) -> None:
    values = [json.dumps(task.labels) if name == "labels" else getattr(task, name) for name in _UPDATABLE]
    conn.execute(
        f"UPDATE tasks SET {', '.join(f'{name} = ?' for name in _UPDATABLE)} WHERE id = ?",
        (*values, task.id),
    )


def _new_task(
    tx: Tx,
    *,
    title: str,
    project_id: str | None,
    description: str,
    priority: int,
    labels: list[str],
    parent_id: str | None,
) -> Task:
    task = Task(
        id=new_id("tsk"),
        project_id=project_id,
        title=title,
        description=description,
        status="open",
        priority=priority,
        labels=labels,
        parent_id=parent_id,
        created_at=tx.now,
        updated_at=tx.now,
        closed_at=None,
        closed_reason=None,
        failure_count=0,
        last_failure=None,
    )
    _insert(tx.conn, task)
    tx.emit("task.created", TaskEventData(task_id=task.id, project_id=task.project_id, task=task))
    return task


def _apply_changes(tx: Tx, before: Task, changes: dict[str, Any]) -> Task:
    """Write the fields that really differ and emit `task.updated`; returns the task after."""
    # Listed in the record's field order, whatever order the caller gave them in.
    changed = [n for n in Task.model_fields if n in changes and getattr(before, n) != changes[n]]
    if not changed:
        return before
    after = before.model_copy(update={**{n: changes[n] for n in changed}, "updated_at": tx.now})
    after = Task.model_validate(after.model_dump())
    _save(tx.conn, after)
    tx.emit(
        "task.updated",
        TaskUpdatedData(
            task_id=after.id,
            project_id=after.project_id,
            task=after,
            changed=changed,
            previous={name: getattr(before, name) for name in changed},
        ),
    )
    return after


# ---- operations ----


async def create_task(
    store: Store,
    *,
    title: object,
    project_id: object = None,
    description: object = None,
    priority: object = None,
    labels: object = None,
    parent_id: object = None,
) -> tuple[Task, int]:
    """Create an open task. Without project_id it joins the parent's project, else the only
    registered project, else no project (none registered); several projects and none named is an error."""
    clean_title = check_title(title)
    clean_description = "" if description is None else check_description(description)
    clean_priority = DEFAULT_PRIORITY if priority is None else check_priority(priority)
    clean_labels = [] if labels is None else check_labels(labels)
    wanted_project = None if project_id is None else check_id(project_id, "project_id")
    wanted_parent = None if parent_id is None else check_id(parent_id, "parent_id")

    def write(tx: Tx) -> Task:
        resolved_project: str | None
        if wanted_parent is not None:
            parent = require_task(tx.conn, wanted_parent)
            if parent.status == "closed":
                raise Conflict(f"parent task {parent.id} is closed; reopen it before adding subtasks")
            if wanted_project is not None and wanted_project != parent.project_id:
                require_project(tx.conn, wanted_project)
                raise InvalidArgument(
                    f"project_id {wanted_project!r} differs from the parent's project {parent.project_id!r}"
                )
            resolved_project = parent.project_id
        else:
            project = default_project(tx.conn, wanted_project)
            resolved_project = project.id if project is not None else None
        return _new_task(
            tx,
            title=clean_title,
            project_id=resolved_project,
            description=clean_description,
            priority=clean_priority,
            labels=clean_labels,
            parent_id=wanted_parent,
        )

    return await write_with_seq(store, write)


async def update_task(
    store: Store,
    task_id: object,
    *,
    title: object = None,
    description: object = None,
    status: object = None,
    priority: object = None,
    labels: object = None,
) -> tuple[Task, int]:
    tid = check_id(task_id, "task_id")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = check_title(title)
    if description is not None:
        changes["description"] = check_description(description)
    if priority is not None:
        changes["priority"] = check_priority(priority)
    if labels is not None:
        changes["labels"] = check_labels(labels)
    new_status = None if status is None else check_status(status)
    if new_status == "closed":
        raise Conflict("a task is closed with close_task (which records the reason), not by an update")

    def write(tx: Tx) -> Task:
        before = require_task(tx.conn, tid)
        all_changes = dict(changes)
        if new_status is not None and new_status != before.status:
            all_changes["status"] = new_status
            if before.status == "closed":  # reopening
                all_changes["closed_at"] = None
                all_changes["closed_reason"] = None
        return _apply_changes(tx, before, all_changes)

    return await write_with_seq(store, write)


async def close_task(store: Store, task_id: object, reason: object = None) -> tuple[Task, int]:
    tid = check_id(task_id, "task_id")
    if reason is not None and not isinstance(reason, str):
        raise InvalidArgument("reason must be a string")
    if reason is not None:
        clean_text(reason, "reason", single_line=False)

    def write(tx: Tx) -> Task:
        before = require_task(tx.conn, tid)
        if before.status == "closed":
            raise Conflict(f"task {tid} is already closed")
        closing = {"status": "closed", "closed_at": tx.now, "closed_reason": reason or None}
        after = before.model_copy(update={**closing, "updated_at": tx.now})
        _save(tx.conn, after)
        tx.emit("task.closed", TaskEventData(task_id=after.id, project_id=after.project_id, task=after))
        return after

    return await write_with_seq(store, write)


async def expand_task(
    store: Store, task_id: object, subtasks: object
) -> tuple[tuple[Task, list[Task]], int]:
    """Create subtasks under a task: one `task.created` each, then `task.expanded` with their ids.

    Subtasks join the parent's project, inherit its labels, and its priority unless given one.
    """
    tid = check_id(task_id, "task_id")
    specs = check_subtasks(subtasks)

    def write(tx: Tx) -> tuple[Task, list[Task]]:
        parent = require_task(tx.conn, tid)
        if parent.status == "closed":
            raise Conflict(f"task {tid} is closed; reopen it before expanding it")
        created = [
            _new_task(
                tx,
                title=spec.title,
                project_id=parent.project_id,
                description=spec.description,
                priority=parent.priority if spec.priority is None else spec.priority,
                labels=list(parent.labels),
                parent_id=parent.id,
            )
            for spec in specs
        ]
        expanded = TaskExpandedData.model_validate(
            {
                "task_id": parent.id,
                "project_id": parent.project_id,
                "task": parent,
                "subtask_ids": [t.id for t in created],
            }
        )
        tx.emit("task.expanded", expanded)
        return parent, created

    return await write_with_seq(store, write)


async def get_task(store: Store, task_id: object) -> tuple[Task, int]:
    tid = check_id(task_id, "task_id")
    return await store.read(lambda conn: require_task(conn, tid))


async def list_tasks(
    store: Store, *, project_id: object = None, status: object = None, parent_id: object = None
) -> tuple[list[Task], int]:
    pid = None if project_id is None else check_id(project_id, "project_id")
    st = None if status is None else check_status(status)
    par = None if parent_id is None else check_id(parent_id, "parent_id")
    return await store.read(lambda conn: fetch_tasks(conn, project_id=pid, status=st, parent_id=par))


def _failures(task: Task) -> int:
    return task.failure_count if isinstance(task.failure_count, int) else 0


def record_failure(tx: Tx, task_id: str, message: str) -> Task:
    """For agent runs: count a failed run on a task (inside the caller's write) and emit `task.updated`."""
    before = require_task(tx.conn, task_id)
    return _apply_changes(
        tx, before, {"failure_count": _failures(before) + 1, "last_failure": message}
    )


def set_status(tx: Tx, task_id: str, status: str) -> Task:
    """For autonomous loops: move a task between open statuses inside the caller's write."""
    check_status(status, allow_closed=False)
    if status == "closed":
        raise Conflict("use close_task to close a task")
    before = require_task(tx.conn, task_id)
    changes: dict[str, Any] = {"status": status}
    if before.status == "closed":
        changes |= {"closed_at": None, "closed_reason": None}
    return _apply_changes(tx, before, changes)
