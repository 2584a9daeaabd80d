"""Projects: registered git repositories that tasks and worktrees belong to.

Each change writes the project and its event (`project.created`, `project.updated`,
`project.removed`) in one store transaction, so a client that fetched the list at seq N
keeps it right by applying the `project.*` events above N.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import anyio

from tidewire.errors import Conflict, InvalidArgument, NotFound
from tidewire.protocol.models import Project, ProjectEventData

from . import check_id, clean_text, git, new_id, write_with_seq
from .rows import fetch_all, fetch_one

if TYPE_CHECKING:
    from tidewire.store import Store, Tx

_COLUMNS = "id, name, path, created_at"

# What keeps a project from being removed: (table, singular, plural). Sessions have no foreign
# key to projects but would be left naming a project that no longer exists.
_DEPENDENTS = (
    ("tasks", "task", "tasks"),
    ("worktrees", "worktree", "worktrees"),
    ("agent_runs", "agent run", "agent runs"),
    ("autonomous_loops", "autonomous loop", "autonomous loops"),
    ("sessions", "session", "sessions"),
)


class ProjectInUse(Conflict):
    def __init__(self, project: Project, uses: list[str]) -> None:
        super().__init__(
            f"project {project.id} ({project.name}) cannot be removed: {', '.join(uses)} belong to it",
            code="project_in_use",
        )


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


def check_project_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("name must be a non-empty string")
    return clean_text(name.strip(), "name", single_line=True)


async def _check_directory(path: str) -> None:
    """Say which of "missing", "not a directory" and "not a repository" a bad path is."""
    p = await anyio.Path(path).expanduser()
    if not await p.exists():
        raise InvalidArgument(f"no such directory: {path}")
    if not await p.is_dir():
        raise InvalidArgument(f"not a directory: {path}")


def _emit(tx: Tx, event_type: str, project: Project) -> None:
    tx.emit(event_type, ProjectEventData(project_id=project.id, project=project))


async def register_project(store: Store, path: object, name: object = None) -> tuple[Project, int]:
    if not isinstance(path, str) or not path.strip():
        raise InvalidArgument("path is required: the path of a git repository")
    project_name = check_project_name(name) if name is not None else None
    clean_text(path, "path", single_line=True)
    path = path.strip()
    if not (path.startswith("/") or path.startswith("~")):
        raise InvalidArgument(f"path must be absolute: {path!r}")
    await _check_directory(path)
    try:
        root = await git.repo_root(path)
    except git.GitError as exc:
        raise InvalidArgument(exc.message) from exc

    def write(tx: Tx) -> Project:
        existing = fetch_one(tx.conn, "SELECT id, name FROM projects WHERE path = ?", (str(root),))
        if existing is not None:
            raise Conflict(f"{root} is already registered as project {existing['id']} ({existing['name']})")
        project = Project(id=new_id("prj"), name=project_name or root.name, path=str(root), created_at=tx.now)
        tx.conn.execute(
            "INSERT INTO projects (id, name, path, created_at) VALUES (?, ?, ?, ?)",
            (project.id, project.name, project.path, project.created_at),
        )
        _emit(tx, "project.created", project)
        # Imported here: the sessions source imports this package's row helpers.
        from tidewire.sources.sessions import adopt_sessions

        adopt_sessions(tx, project.path)
        return project

    return await write_with_seq(store, write)


async def rename_project(store: Store, project_id: object, name: object) -> tuple[Project, int]:
    """Give a project a new display name; the same name again changes nothing and emits nothing."""
    pid = check_id(project_id, "project_id")
    new_name = check_project_name(name)

    def write(tx: Tx) -> Project:
        before = require_project(tx.conn, pid)
        if before.name == new_name:
            return before
        after = before.model_copy(update={"name": new_name})
        tx.conn.execute("UPDATE projects SET name = ? WHERE id = ?", (new_name, pid))
        _emit(tx, "project.updated", after)
        return after

    return await write_with_seq(store, write)


def _uses(conn: sqlite3.Connection, project_id: str) -> list[str]:
    uses = []
    for table, one, many in _DEPENDENTS:
        row = fetch_one(conn, f"SELECT count(*) AS n FROM {table} WHERE project_id = ?", (project_id,))
        count = int(row["n"]) if row else 0
        if count:
            uses.append(f"{count} {one if count == 1 else many}")
    return uses


async def remove_project(store: Store, project_id: object) -> tuple[Project, int]:
    """Forget a project nothing belongs to (the repository is left alone); returns it as it was."""
    pid = check_id(project_id, "project_id")

    def write(tx: Tx) -> Project:
        project = require_project(tx.conn, pid)
        uses = _uses(tx.conn, pid)
        if uses:
            raise ProjectInUse(project, uses)
        tx.conn.execute("DELETE FROM projects WHERE id = ?", (pid,))
        _emit(tx, "project.removed", project)
        return project

    return await write_with_seq(store, write)


async def get_project(store: Store, project_id: object) -> tuple[Project, int]:
    pid = check_id(project_id, "project_id")
    return await store.read(lambda conn: require_project(conn, pid))


async def list_projects(store: Store) -> tuple[list[Project], int]:
    return await store.read(fetch_projects)
