"""`GET/POST /api/agents`, `GET /api/agents/{id}`, `GET /api/agents/{id}/output`,
`POST /api/agents/{id}/cancel`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidArgument, NotFound
from ..idempotency import IdempotentRoute, reply_from_write
from ..sources.agent_output import DEFAULT_PAGE, MAX_PAGE, read_log
from ..sources.agents import AgentRunner, agent_log, get_agent, list_agents
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


@router.get(
    "/api/agents/{agent_id}/output",
    responses={
        200: {
            "description": "`{agent_id, status, offset, next_offset, size, text, seq}`: the run's kept log "
            "(stdout and stderr as written) from `offset`, at most `limit` bytes, cut at a UTF-8 "
            "character; `size` is the log's length so far. Read on from `next_offset`."
        },
        404: {"description": "Unknown agent run, or its log is gone"},
        422: {"description": "`offset` past the end of the log"},
    },
)
async def agent_output(
    agent_id: PathId,
    ctx: Ctx,
    offset: Annotated[int, Query(ge=0, le=9007199254740991)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> JSONResponse:
    (run, log_path), seq = await ctx.store.read(lambda conn: agent_log(conn, agent_id))
    if not log_path:
        raise NotFound(f"agent run {agent_id} has no output log")
    # A live run's log is read only up to its last whole chunk (see sources/agent_output.py).
    end = ctx.component("agents", AgentRunner).output_end(agent_id) if run.status == "running" else None
    try:
        page = await asyncio.to_thread(read_log, Path(log_path), offset, limit, end)
    except FileNotFoundError:
        raise NotFound(f"the output log of agent run {agent_id} is gone ({log_path})") from None
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    return record({"agent_id": agent_id, "status": run.status, **page, "seq": seq}, seq)


@router.post(
    "/api/agents/{agent_id}/cancel",
    responses={200: {"description": "AgentRun"}, 409: {"description": "The run is not running"}},
)
async def cancel_agent(agent_id: PathId, ctx: Ctx) -> JSONResponse:
    run = await ctx.component("agents", AgentRunner).cancel_agent(agent_id)
    return record(run, ctx.bus.head)
