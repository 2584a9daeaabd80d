"""Projects: registered git repositories that tasks and worktrees belong to.

No event is defined for projects in the protocol, so registering one writes state only;
clients learn about projects from `GET /api/projects` / `list_projects`.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from tidewire.errors import Conflict, InvalidArgument, NotFound
from tidewire.protocol.models import Project

from . import clean_text, git, new_id, write_with_seq
from .rows import fetch_all, fetch_one

if TYPE_CHECKING:
    from tidewire.store import Store, Tx

_COLUMNS = "id, name, path, created_at"


def project_from_row(row: dict[str, Any]) -> Project:
    return Project.model_validate(row)


def fetch_project(conn: sqlite3.Connection, project_id: str) -> Project | None:
    row = fetch_one(conn, f"SELECT {_COLUMNS} FROM projects WHERE id = ?", (project_id,))
    return project_from_row(row) if row else None


def fetch_projects(conn: sqlite3.Connection) -> list[Project]:
    rows = fetch_all(conn, f"SELECT {_COLUMNS} FROM projects ORDER BY created_at, id")
    return [project_from_row(r) for r in rows]


def require_project(conn: sqlite3.Connection, project_id: str) -> Project:
    project = fetch_project(conn, project_id)
    if project is None:
        raise NotFound(f"no project with id {project_id!r}")
    return project


def default_project(conn: sqlite3.Connection, project_id: str | None) -> Project | None:
    """The project a call means: the one named, else the only one registered, else None if there are none.

    With several projects registered and none named the call is ambiguous: `InvalidArgument`.
    """
    if project_id is not None:
        return require_project(conn, project_id)
    rows = fetch_all(conn, f"SELECT {_COLUMNS} FROM projects ORDER BY created_at, id LIMIT 2")
    if not rows:
        return None
    if len(rows) > 1:
        raise InvalidArgument("project_id is required when more than one project is registered")
    return project_from_row(rows[0])


async def register_project(store: Store, path: object, name: object = None) -> tuple[Project, int]:
    if not isinstance(path, str) or not path.strip():
        raise InvalidArgument("path is required: the path of a git repository")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise InvalidArgument("name, when given, must be a non-empty string")
    clean_text(path, "path", single_line=True)
    if name is not None:
        clean_text(name, "name", single_line=True)
    if not (path.startswith("/") or path.startswith("~")):
        raise InvalidArgument(f"path must be absolute: {path!r}")
    try:
        root = await git.repo_root(path.strip())
    except git.GitError as exc:
        raise InvalidArgument(exc.message) from exc
    project_name = name.strip() if name is not None else root.name

    def write(tx: Tx) -> Project:
        existing = fetch_one(tx.conn, "SELECT id FROM projects WHERE path = ?", (str(root),))
        if existing is not None:
            raise Conflict(f"{root} is already registered as project {existing['id']}")
        project = Project(id=new_id("prj"), name=project_name, path=str(root), created_at=tx.now)
        tx.conn.execute(
            "INSERT INTO projects (id, name, path, created_at) VALUES (?, ?, ?, ?)",
            (project.id, project.name, project.path, project.created_at),
        )
        return project

    return await write_with_seq(store, write)


async def list_projects(store: Store) -> tuple[list[Project], int]:
    return await store.read(fetch_projects)
