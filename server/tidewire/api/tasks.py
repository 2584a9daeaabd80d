"""Task REST endpoints: list, get, create, update, close, expand.

Bodies are typed strictly (no string-to-number coercion); the services do the domain checks.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..idempotency import IdempotentRoute, reply_from_write
from ..protocol.models import Task
from ..services import tasks
from .deps import Ctx, set_seq, with_seq
from .fields import INTEGRAL, Id, Line, PathId, QueryId, Text, Title

router = APIRouter(tags=["tasks"], route_class=IdempotentRoute)

NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "Unknown task"}}
WRITE_ERRORS: dict[int | str, dict[str, str]] = {
    404: {"description": "Unknown task, parent or project"},
    409: {"description": "Illegal transition (e.g. closing a closed task)"},
    422: {"description": "Bad body"},
}

Status = Literal["open", "in_progress", "blocked", "closed"]
Priority = Annotated[StrictInt, Field(ge=0, le=4, description="0 is the most urgent."), INTEGRAL]


class TaskList(BaseModel):
    items: list[Task]
    seq: int


class NewTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    project_id: Id | None = Field(
        default=None,
        description="Default: the parent's project, else the only registered project, else none.",
    )
    description: Text | None = None
    priority: Priority | None = Field(default=None, description="Default 2.")
    labels: list[Line] | None = None
    parent_id: Id | None = None


class TaskChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    description: Text | None = None
    status: Status | None = Field(default=None, description="`closed` is refused: use the close endpoint.")
    priority: Priority | None = None
    labels: list[Line] | None = None


class CloseTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text | None = None


class SubtaskSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    description: Text | None = None
    priority: Priority | None = Field(default=None, description="Default: the parent's priority.")


class Expand(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subtasks: list[SubtaskSpec] = Field(min_length=1, max_length=100)


class Expansion(BaseModel):
    task: Task
    subtasks: list[Task]



@router.get("/api/tasks", response_model=TaskList)
async def list_tasks(
    response: Response,
    ctx: Ctx,
    project_id: QueryId = None,
    status: Annotated[Status | None, Query()] = None,
    parent_id: QueryId = None,
) -> TaskList:
    items, seq = await tasks.list_tasks(ctx.store, project_id=project_id, status=status, parent_id=parent_id)
    set_seq(response, seq)
    return TaskList(items=items, seq=seq)


@router.get("/api/tasks/{task_id}", response_model=Task, responses=NOT_FOUND)
async def get_task(task_id: PathId, response: Response, ctx: Ctx) -> Task:
    return with_seq(response, await tasks.get_task(ctx.store, task_id))


@router.post("/api/tasks", status_code=201, response_model=Task, responses=WRITE_ERRORS)
@reply_from_write(lambda written: written[0])
async def create_task(body: NewTask, response: Response, ctx: Ctx) -> Task:
    return with_seq(response, await tasks.create_task(ctx.store, **body.model_dump()))


@router.patch("/api/tasks/{task_id}", response_model=Task, responses=WRITE_ERRORS)
@reply_from_write(lambda written: written[0])
async def update_task(task_id: PathId, body: TaskChanges, response: Response, ctx: Ctx) -> Task:
    return with_seq(response, await tasks.update_task(ctx.store, task_id, **body.model_dump()))


@router.post("/api/tasks/{task_id}/close", response_model=Task, responses=WRITE_ERRORS)
@reply_from_write(lambda written: written[0])
async def close_task(task_id: PathId, response: Response, ctx: Ctx, body: CloseTask | None = None) -> Task:
    return with_seq(response, await tasks.close_task(ctx.store, task_id, body.reason if body else None))


@router.post("/api/tasks/{task_id}/expand", response_model=Expansion, responses=WRITE_ERRORS)
@reply_from_write(lambda written: {"task": written[0][0], "subtasks": written[0][1]})
async def expand_task(task_id: PathId, body: Expand, response: Response, ctx: Ctx) -> Expansion:
    specs = [s.model_dump(exclude_none=True) for s in body.subtasks]
    (parent, created), seq = await tasks.expand_task(ctx.store, task_id, specs)
    set_seq(response, seq)
    return Expansion(task=parent, subtasks=created)
