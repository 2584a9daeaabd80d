"""`GET/POST /api/agents`, `GET /api/agents/{id}`, `POST /api/agents/{id}/cancel`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..idempotency import IdempotentRoute, reply_from_write
from ..sources.agents import AgentRunner, get_agent, list_agents
from .deps import Ctx
from .fields import PathId, QueryId, ShortId
from .replies import listing, record

router = APIRouter(tags=["agents"], route_class=IdempotentRoute)


Status = Literal["running", "completed", "failed", "cancelled", "lost"]
Prompt = Annotated[str, Field(min_length=1, max_length=100_000, pattern=r"\S")]
Program = Annotated[str, Field(min_length=1)]


class StartAgent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    prompt: Prompt
    project_id: ShortId | None = None
    task_id: ShortId | None = None
    worktree_id: ShortId | None = None
    command: list[Program] | None = Field(
        default=None, min_length=1, description="An argv; default: the configured agent command."
    )


@router.get("/api/agents", responses={200: {"description": "`{items: [AgentRun], seq}`"}})
async def agents_index(
    ctx: Ctx, status: Status | None = None, task_id: QueryId = None
) -> JSONResponse:
    items, seq = await ctx.store.read(lambda conn: list_agents(conn, status, task_id))
    return listing(items, seq)


@router.post(
    "/api/agents",
    status_code=201,
    responses={
        201: {"description": "AgentRun"},
        404: {"description": "Unknown project, task or worktree"},
        409: {"description": "The worktree is not usable, or the run's directory is gone"},
    },
)
@reply_from_write(lambda run: run)
async def start_agent(body: StartAgent, ctx: Ctx) -> JSONResponse:
    run = await ctx.component("agents", AgentRunner).start_agent(
        body.prompt, body.project_id, body.task_id, body.worktree_id, body.command
    )
    return record(run, ctx.bus.head, status_code=201)


@router.get("/api/agents/{agent_id}", responses={200: {"description": "AgentRun"}})
async def agent_detail(agent_id: PathId, ctx: Ctx) -> JSONResponse:
    item, seq = await ctx.store.read(lambda conn: get_agent(conn, agent_id))
    return record(item, seq)


@router.post(
    "/api/agents/{agent_id}/cancel",
    responses={200: {"description": "AgentRun"}, 409: {"description": "The run is not running"}},
)
async def cancel_agent(agent_id: PathId, ctx: Ctx) -> JSONResponse:
    run = await ctx.component("agents", AgentRunner).cancel_agent(agent_id)
    return record(run, ctx.bus.head)
