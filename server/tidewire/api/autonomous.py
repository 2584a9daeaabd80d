"""`GET/POST /api/autonomous`, `GET /api/autonomous/{id}`, `GET /api/autonomous/{id}/iterations`,
`POST /api/autonomous/{id}/stop`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..idempotency import IdempotentRoute, reply_from_write
from ..sources.autonomous import (
    DEFAULT_MAX_FAILURES,
    MAX_COUNT,
    AutonomousLoops,
    get_loop,
    list_iterations,
    list_loops,
)
from ..sources.records import loop_from_row
from .deps import Ctx
from .fields import INTEGRAL, PathId, QueryId, ShortId
from .replies import listing, record

router = APIRouter(tags=["autonomous"], route_class=IdempotentRoute)


Count = Annotated[StrictInt, Field(ge=1, le=MAX_COUNT), INTEGRAL]


class StartLoop(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    project_id: ShortId
    max_iterations: Count | None = Field(default=None, description="Default: no limit.")
    max_failures: Count | None = Field(default=None, description=f"Default {DEFAULT_MAX_FAILURES}.")


@router.get("/api/autonomous", responses={200: {"description": "`{items: [AutonomousLoop], seq}`"}})
async def loops_index(
    ctx: Ctx, project_id: QueryId = None
) -> JSONResponse:
    items, seq = await ctx.store.read(lambda conn: list_loops(conn, project_id))
    return listing(items, seq)


@router.post(
    "/api/autonomous",
    status_code=201,
    responses={
        201: {"description": "AutonomousLoop"},
        404: {"description": "Unknown project"},
        409: {"description": "The project already has a running loop"},
    },
)
@reply_from_write(loop_from_row)
async def start_loop(body: StartLoop, ctx: Ctx) -> JSONResponse:
    loops = ctx.component("autonomous", AutonomousLoops)
    loop = await loops.start_loop(body.project_id, body.max_iterations, body.max_failures)
    return record(loop, ctx.bus.head, status_code=201)


@router.get("/api/autonomous/{loop_id}", responses={200: {"description": "AutonomousLoop"}})
async def loop_detail(loop_id: PathId, ctx: Ctx) -> JSONResponse:
    item, seq = await ctx.store.read(lambda conn: get_loop(conn, loop_id))
    return record(item, seq)


@router.get(
    "/api/autonomous/{loop_id}/iterations",
    responses={
        200: {"description": "`{items: [LoopIteration], seq}`, first iteration first"},
        404: {"description": "Unknown loop"},
    },
)
async def loop_iterations(loop_id: PathId, ctx: Ctx) -> JSONResponse:
    items, seq = await ctx.store.read(lambda conn: list_iterations(conn, loop_id))
    return listing(items, seq)


@router.post(
    "/api/autonomous/{loop_id}/stop",
    responses={200: {"description": "AutonomousLoop"}, 409: {"description": "The loop is already stopped"}},
)
async def stop_loop(loop_id: PathId, ctx: Ctx) -> JSONResponse:
    loop = await ctx.component("autonomous", AutonomousLoops).stop_loop(loop_id)
    return record(loop, ctx.bus.head)
