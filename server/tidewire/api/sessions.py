"""`GET /api/sessions`, `GET /api/sessions/{id}`, `GET /api/sessions/{id}/messages`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ..sources import sessions
from .deps import Ctx
from .fields import PathId
from .replies import listing, record

router = APIRouter(tags=["sessions"])


@router.get("/api/sessions", responses={200: {"description": "`{items: [Session], seq}`"}})
async def list_sessions(
    ctx: Ctx, status: Literal["active", "waiting", "idle", "ended"] | None = None
) -> JSONResponse:
    items, seq = await ctx.store.read(lambda conn: sessions.list_sessions(conn, status))
    return listing(items, seq)


@router.get("/api/sessions/{session_id}", responses={200: {"description": "Session"}})
async def get_session(session_id: PathId, ctx: Ctx) -> JSONResponse:
    item, seq = await ctx.store.read(lambda conn: sessions.get_session(conn, session_id))
    return record(item, seq)


@router.get(
    "/api/sessions/{session_id}/messages",
    responses={200: {"description": "`{items: [SessionMessage], seq}`"}},
)
async def list_messages(
    session_id: PathId,
    ctx: Ctx,
    after_index: Annotated[int | None, Query(ge=-1, le=2**53 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> JSONResponse:
    items, seq = await ctx.store.read(
        lambda conn: sessions.list_messages(conn, session_id, after_index, limit)
    )
    return listing(items, seq)
