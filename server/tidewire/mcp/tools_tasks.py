"""MCP tools for projects, tasks and worktrees: thin adapters over `tidewire.services`.

Names and arguments are fixed by the protocol brief. Each tool returns the record it created or
changed (structured content, and the same JSON as text); a refused call (`DomainError`) becomes
a tool error whose text starts with the error code, and nothing is written or emitted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from tidewire.errors import DomainError
from tidewire.protocol.models import Project, Task, Worktree
from tidewire.services import projects, tasks, worktrees

if TYPE_CHECKING:
    from tidewire.context import AppContext

_R = TypeVar("_R")


class ProjectList(BaseModel):
    items: list[Project]
    seq: int = Field(description="The event seq this list reflects.")


class TaskList(BaseModel):
    items: list[Task]
    seq: int = Field(description="The event seq this list reflects.")


class WorktreeList(BaseModel):
    items: list[Worktree]
    seq: int = Field(description="The event seq this list reflects.")


class Expansion(BaseModel):
    task: Task
    subtasks: list[Task]


class SubtaskInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    description: str | None = None
    priority: Annotated[int | None, Field(description="0 (most urgent) to 4; default: the parent's.")] = None


@contextmanager
def tool_errors() -> Iterator[None]:
    try:
        yield
    except DomainError as exc:
        raise ToolError(f"{exc.code}: {exc.message}") from exc


async def record_of(call: Awaitable[tuple[_R, int]]) -> _R:
    """The record a service call returns, without its seq (a tool result carries no seq)."""
    with tool_errors():
        record, _ = await call
    return record


READ = ToolAnnotations(read_only_hint=True)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True)

ProjectId = Annotated[
    str | None,
    Field(description="Project id; may be omitted when exactly one project is registered."),
]
Priority = Annotated[int | None, Field(description="0 (most urgent) to 4; default 2.")]
Status = Annotated[str | None, Field(description="open, in_progress, blocked (close with close_task).")]


def register(server: MCPServer[Any], ctx: AppContext) -> None:
    store = ctx.store
    # Absolute: git resolves a relative worktree path against the repository, not our cwd.
    worktrees_dir = (ctx.settings.data_dir / "worktrees").expanduser().resolve()

    # ---- projects ----

    @server.tool(description="Register a git repository as a project.", annotations=WRITE)
    async def register_project(
        path: Annotated[str, Field(description="Absolute path of a git repository (or a directory in one).")],
        name: Annotated[str | None, Field(description="Display name; default: the directory name.")] = None,
    ) -> Project:
        return await record_of(projects.register_project(store, path, name))

    @server.tool(description="List the registered projects.", annotations=READ)
    async def list_projects() -> ProjectList:
        items, seq = await projects.list_projects(store)
        return ProjectList(items=items, seq=seq)

    # ---- tasks ----

    @server.tool(description="Create an open task.", annotations=WRITE)
    async def create_task(
        title: str,
        project_id: ProjectId = None,
        description: str | None = None,
        priority: Priority = None,
        labels: list[str] | None = None,
        parent_id: Annotated[str | None, Field(description="Make this a subtask of that task.")] = None,
    ) -> Task:
        return await record_of(
            tasks.create_task(
                store,
                title=title,
                project_id=project_id,
                description=description,
                priority=priority,
                labels=labels,
                parent_id=parent_id,
            )
        )

    @server.tool(
        description="Change a task's title, description, status, priority or labels.", annotations=WRITE
    )
    async def update_task(
        task_id: str,
        title: str | None = None,
        description: str | None = None,
        status: Status = None,
        priority: Priority = None,
        labels: Annotated[list[str] | None, Field(description="Replaces the task's labels.")] = None,
    ) -> Task:
        return await record_of(
            tasks.update_task(
                store,
                task_id,
                title=title,
                description=description,
                status=status,
                priority=priority,
                labels=labels,
            )
        )

    @server.tool(description="Close a task, with an optional reason.", annotations=WRITE)
    async def close_task(task_id: str, reason: str | None = None) -> Task:
        return await record_of(tasks.close_task(store, task_id, reason))

    @server.tool(description="Break a task into subtasks (created under it, in order).", annotations=WRITE)
    async def expand_task(task_id: str, subtasks: list[SubtaskInput]) -> Expansion:
        parent, created = await record_of(
            tasks.expand_task(store, task_id, [s.model_dump(exclude_none=True) for s in subtasks])
        )
        return Expansion(task=parent, subtasks=created)

    @server.tool(description="Get one task.", annotations=READ)
    async def get_task(task_id: str) -> Task:
        return await record_of(tasks.get_task(store, task_id))

    @server.tool(description="List tasks, optionally filtered.", annotations=READ)
    async def list_tasks(
        project_id: str | None = None,
        status: Annotated[str | None, Field(description="open, in_progress, blocked or closed.")] = None,
        parent_id: str | None = None,
    ) -> TaskList:
        with tool_errors():
            items, seq = await tasks.list_tasks(
                store, project_id=project_id, status=status, parent_id=parent_id
            )
            return TaskList(items=items, seq=seq)

    # ---- worktrees ----

    @server.tool(description="Create a branch and check it out in a new git worktree.", annotations=WRITE)
    async def create_worktree(
        branch: Annotated[str, Field(description="New branch to create and check out.")],
        project_id: ProjectId = None,
        base_branch: Annotated[
            str | None, Field(description="Branch to start from; default: the repository's current branch.")
        ] = None,
        task_id: Annotated[str | None, Field(description="The task this worktree is for.")] = None,
    ) -> Worktree:
        return await record_of(
            worktrees.create_worktree(
                store, worktrees_dir, branch=branch, project_id=project_id, base_branch=base_branch,
                task_id=task_id,
            )
        )

    @server.tool(description="Claim an active worktree for an owner (an agent or person).", annotations=WRITE)
    async def claim_worktree(worktree_id: str, owner: str) -> Worktree:
        return await record_of(worktrees.claim_worktree(store, worktree_id, owner))

    @server.tool(description="Release a claimed worktree.", annotations=WRITE)
    async def release_worktree(worktree_id: str) -> Worktree:
        return await record_of(worktrees.release_worktree(store, worktree_id))

    @server.tool(
        description="Merge the worktree's branch into a target branch. A conflict aborts the merge, "
        "leaves the repository as it was, and names the conflicting files.",
        annotations=WRITE,
    )
    async def merge_worktree(
        worktree_id: str,
        target_branch: Annotated[
            str | None, Field(description="Default: the worktree's base branch.")
        ] = None,
    ) -> Worktree:
        return await record_of(worktrees.merge_worktree(store, worktree_id, target_branch))

    @server.tool(
        description="Remove a worktree's checkout (its branch too when merged or forced).",
        annotations=DESTRUCTIVE,
    )
    async def delete_worktree(
        worktree_id: str,
        force: Annotated[
            bool, Field(description="Discard uncommitted changes and unmerged work; delete even if claimed.")
        ] = False,
    ) -> Worktree:
        return await record_of(worktrees.delete_worktree(store, worktree_id, force))

    @server.tool(description="List worktrees, optionally for one project.", annotations=READ)
    async def list_worktrees(project_id: str | None = None) -> WorktreeList:
        with tool_errors():
            items, seq = await worktrees.list_worktrees(store, project_id)
            return WorktreeList(items=items, seq=seq)
