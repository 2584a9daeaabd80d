"""`/api/projects`: registered git repositories: list, register, get, rename, remove."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..idempotency import IdempotentRoute, reply_from_write
from ..protocol.models import Project
from ..services import projects
from .deps import Ctx, set_seq, with_seq
from .fields import Line, PathId

router = APIRouter(tags=["projects"], route_class=IdempotentRoute)

REGISTER_ERRORS: dict[int | str, dict[str, str]] = {
    409: {"description": "The repository is already registered"},
    422: {"description": "The path is missing, not a directory or not in a git repository; or a bad body"},
}
NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "Unknown project"}}
REMOVE_ERRORS: dict[int | str, dict[str, str]] = {
    404: {"description": "Unknown project"},
    409: {"description": "Something belongs to the project (`project_in_use`)"},
}


class ProjectList(BaseModel):
    items: list[Project]
    seq: int


class NewProject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: Annotated[StrictStr, Field(pattern=r"^/[^\x00]*$")] = Field(
        description="Absolute path of a git repository (or a directory inside one)."
    )
    name: Line | None = Field(default=None, description="Display name; default: the directory name.")


class ProjectChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line = Field(description="The new display name.")


@router.get("/api/projects", response_model=ProjectList)
async def list_projects(response: Response, ctx: Ctx) -> ProjectList:
    items, seq = await projects.list_projects(ctx.store)
    set_seq(response, seq)
    return ProjectList(items=items, seq=seq)


@router.post("/api/projects", status_code=201, response_model=Project, responses=REGISTER_ERRORS)
@reply_from_write(lambda written: written[0])
async def register_project(body: NewProject, response: Response, ctx: Ctx) -> Project:
    return with_seq(response, await projects.register_project(ctx.store, body.path, body.name))


@router.get("/api/projects/{project_id}", response_model=Project, responses=NOT_FOUND)
async def get_project(project_id: PathId, response: Response, ctx: Ctx) -> Project:
    return with_seq(response, await projects.get_project(ctx.store, project_id))


@router.patch("/api/projects/{project_id}", response_model=Project, responses=NOT_FOUND)
@reply_from_write(lambda written: written[0])
async def rename_project(project_id: PathId, body: ProjectChanges, response: Response, ctx: Ctx) -> Project:
    return with_seq(response, await projects.rename_project(ctx.store, project_id, body.name))


@router.delete("/api/projects/{project_id}", response_model=Project, responses=REMOVE_ERRORS)
@reply_from_write(lambda written: written[0])
async def remove_project(project_id: PathId, response: Response, ctx: Ctx) -> Project:
    return with_seq(response, await projects.remove_project(ctx.store, project_id))
