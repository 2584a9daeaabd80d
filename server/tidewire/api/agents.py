"""`GET/POST /api/agents`, `GET /api/agents/{id}`, `POST /api/agents/{id}/cancel`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ..errors import InvalidArgument
from ..idempotency import IdempotentRoute, reply_from_write
from ..sources.agents import AgentRunner, get_agent, list_agents
from .deps import Ctx
from .replies import listing, record

router = APIRouter(tags=["agents"], route_class=IdempotentRoute)

_STATUSES = ("running", "completed", "failed", "cancelled", "lost")


class StartAgent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    prompt: str
    project_id: str | None = None
    task_id: str | None = None
    worktree_id: str | None = None
    command: list[str] | None = None


@router.get("/api/agents", responses={200: {"description": "`{items: [AgentRun], seq}`"}})
async def agents_index(
    ctx: Ctx, status: str | None = None, task_id: str | None = None
) -> JSONResponse:
    if status is not None and status not in _STATUSES:
        raise InvalidArgument(f"status must be one of {', '.join(_STATUSES)}")
    items, seq = await ctx.store.read(lambda conn: list_agents(conn, status, task_id))
    return listing(items, seq)


@router.post("/api/agents", status_code=201, responses={201: {"description": "AgentRun"}})
@reply_from_write(lambda run: run)
async def start_agent(body: StartAgent, ctx: Ctx) -> JSONResponse:
    run = await ctx.component("agents", AgentRunner).start_agent(
        body.prompt, body.project_id, body.task_id, body.worktree_id, body.command
    )
    return record(run, ctx.bus.head, status_code=201)


@router.get("/api/agents/{agent_id}", responses={200: {"description": "AgentRun"}})
async def agent_detail(agent_id: str, ctx: Ctx) -> JSONResponse:
    item, seq = await ctx.store.read(lambda conn: get_agent(conn, agent_id))
    return record(item, seq)


@router.post("/api/agents/{agent_id}/cancel", responses={200: {"description": "AgentRun"}})
async def cancel_agent(agent_id: str, ctx: Ctx) -> JSONResponse:
    run = await ctx.component("agents", AgentRunner).cancel_agent(agent_id)
    return record(run, ctx.bus.head)
