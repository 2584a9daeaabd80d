"""`GET/POST /api/autonomous`, `GET /api/autonomous/{id}`, `POST /api/autonomous/{id}/stop`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ..idempotency import IdempotentRoute, reply_from_write
from ..sources.autonomous import AutonomousLoops, get_loop, list_loops
from ..sources.records import loop_from_row
from .deps import Ctx
from .replies import listing, record

router = APIRouter(tags=["autonomous"], route_class=IdempotentRoute)


class StartLoop(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    project_id: str
    max_iterations: int | None = None
    max_failures: int | None = None


@router.get("/api/autonomous", responses={200: {"description": "`{items: [AutonomousLoop], seq}`"}})
async def loops_index(
    ctx: Ctx, project_id: str | None = None
) -> JSONResponse:
    items, seq = await ctx.store.read(lambda conn: list_loops(conn, project_id))
    return listing(items, seq)


@router.post("/api/autonomous", status_code=201, responses={201: {"description": "AutonomousLoop"}})
@reply_from_write(loop_from_row)
async def start_loop(body: StartLoop, ctx: Ctx) -> JSONResponse:
    loops = ctx.component("autonomous", AutonomousLoops)
    loop = await loops.start_loop(body.project_id, body.max_iterations, body.max_failures)
    return record(loop, ctx.bus.head, status_code=201)


@router.get("/api/autonomous/{loop_id}", responses={200: {"description": "AutonomousLoop"}})
async def loop_detail(loop_id: str, ctx: Ctx) -> JSONResponse:
    item, seq = await ctx.store.read(lambda conn: get_loop(conn, loop_id))
    return record(item, seq)


@router.post("/api/autonomous/{loop_id}/stop", responses={200: {"description": "AutonomousLoop"}})
async def stop_loop(loop_id: str, ctx: Ctx) -> JSONResponse:
    loop = await ctx.component("autonomous", AutonomousLoops).stop_loop(loop_id)
    return record(loop, ctx.bus.head)
