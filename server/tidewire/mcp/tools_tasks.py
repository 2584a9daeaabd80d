"""MCP tools for projects, tasks and worktrees: thin adapters over `tidewire.services`.

Names and arguments are fixed by the protocol brief. Each tool returns the record it created or
changed (structured content, and the same JSON as text); a refused call (`DomainError`) becomes
a tool error whose text starts with the error code, and nothing is written or emitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from tidewire.errors import DomainError
from tidewire.protocol.models import Project, Task, Worktree
from tidewire.services import projects, tasks, worktrees

if TYPE_CHECKING:
    from tidewire.context import AppContext


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

    async def register_project(
        path: Annotated[str, Field(description="Absolute path of a git repository (or a directory in one).")],
        name: Annotated[str | None, Field(description="Display name; default: the directory name.")] = None,
    ) -> Project:
        with tool_errors():
            record, _ = await projects.register_project(store, path, name)
            return record

    async def list_projects() -> ProjectList:
        items, seq = await projects.list_projects(store)
        return ProjectList(items=items, seq=seq)

    server.add_tool(
        register_project, description="Register a git repository as a project.", annotations=WRITE
    )
    server.add_tool(list_projects, description="List the registered projects.", annotations=READ)

    # ---- tasks ----

    async def create_task(
        title: str,
        project_id: ProjectId = None,
        description: str | None = None,
        priority: Priority = None,
        labels: list[str] | None = None,
        parent_id: Annotated[str | None, Field(description="Make this a subtask of that task.")] = None,
    ) -> Task:
        with tool_errors():
            record, _ = await tasks.create_task(
                store,
                title=title,
                project_id=project_id,
                description=description,
                priority=priority,
                labels=labels,
                parent_id=parent_id,
            )
            return record

    async def update_task(
        task_id: str,
        title: str | None = None,
        description: str | None = None,
        status: Status = None,
        priority: Priority = None,
        labels: Annotated[list[str] | None, Field(description="Replaces the task's labels.")] = None,
    ) -> Task:
        with tool_errors():
            record, _ = await tasks.update_task(
                store,
                task_id,
                title=title,
                description=description,
                status=status,
                priority=priority,
                labels=labels,
            )
            return record

    async def close_task(task_id: str, reason: str | None = None) -> Task:
        with tool_errors():
            record, _ = await tasks.close_task(store, task_id, reason)
            return record

    async def expand_task(task_id: str, subtasks: list[SubtaskInput]) -> Expansion:
        with tool_errors():
            (parent, created), _ = await tasks.expand_task(
                store, task_id, [s.model_dump(exclude_none=True) for s in subtasks]
            )
            return Expansion(task=parent, subtasks=created)

    async def get_task(task_id: str) -> Task:
        with tool_errors():
            task, _ = await tasks.get_task(store, task_id)
            return task

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

    server.add_tool(create_task, description="Create an open task.", annotations=WRITE)
    server.add_tool(
        update_task, description="Change a task's title, description, status, priority or labels.",
        annotations=WRITE,
    )
    server.add_tool(close_task, description="Close a task, with an optional reason.", annotations=WRITE)
    server.add_tool(
        expand_task, description="Break a task into subtasks (created under it, in order).", annotations=WRITE
    )
    server.add_tool(get_task, description="Get one task.", annotations=READ)
    server.add_tool(list_tasks, description="List tasks, optionally filtered.", annotations=READ)

    # ---- worktrees ----

    async def create_worktree(
        branch: Annotated[str, Field(description="New branch to create and check out.")],
        project_id: ProjectId = None,
        base_branch: Annotated[
            str | None, Field(description="Branch to start from; default: the repository's current branch.")
        ] = None,
        task_id: Annotated[str | None, Field(description="The task this worktree is for.")] = None,
    ) -> Worktree:
        with tool_errors():
            record, _ = await worktrees.create_worktree(
                store, worktrees_dir, branch=branch, project_id=project_id, base_branch=base_branch,
                task_id=task_id,
            )
            return record

    async def claim_worktree(worktree_id: str, owner: str) -> Worktree:
        with tool_errors():
            record, _ = await worktrees.claim_worktree(store, worktree_id, owner)
            return record

    async def release_worktree(worktree_id: str) -> Worktree:
        with tool_errors():
            record, _ = await worktrees.release_worktree(store, worktree_id)
            return record

    async def merge_worktree(
        worktree_id: str,
        target_branch: Annotated[
            str | None, Field(description="Default: the worktree's base branch.")
        ] = None,
    ) -> Worktree:
        with tool_errors():
            record, _ = await worktrees.merge_worktree(store, worktree_id, target_branch)
            return record

    async def delete_worktree(
        worktree_id: str,
        force: Annotated[
            bool, Field(description="Discard uncommitted changes and unmerged work; delete even if claimed.")
        ] = False,
    ) -> Worktree:
        with tool_errors():
            record, _ = await worktrees.delete_worktree(store, worktree_id, force)
            return record

    async def list_worktrees(project_id: str | None = None) -> WorktreeList:
        with tool_errors():
            items, seq = await worktrees.list_worktrees(store, project_id)
            return WorktreeList(items=items, seq=seq)

    server.add_tool(
        create_worktree, description="Create a branch and check it out in a new git worktree.",
        annotations=WRITE,
    )
    server.add_tool(
        claim_worktree, description="Claim an active worktree for an owner (an agent or person).",
        annotations=WRITE,
    )
    server.add_tool(release_worktree, description="Release a claimed worktree.", annotations=WRITE)
    server.add_tool(
        merge_worktree,
        description="Merge the worktree's branch into a target branch. A conflict aborts the merge, "
        "leaves the repository as it was, and names the conflicting files.",
        annotations=WRITE,
    )
    server.add_tool(
        delete_worktree, description="Remove a worktree's checkout (its branch too when merged or forced).",
        annotations=DESTRUCTIVE,
    )
    server.add_tool(
        list_worktrees, description="List worktrees, optionally for one project.", annotations=READ
    )
