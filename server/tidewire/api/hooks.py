"""`POST /api/hooks/{source}`: one agent CLI hook call (the CLI's own payload, unchanged)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..errors import InvalidArgument
from ..sources.session_follower import SessionTracker
from .deps import SEQ_HEADER, Ctx

router = APIRouter(tags=["hooks"])


@router.post("/api/hooks/{source}", responses={200: {"description": "`{ok: true, events: [...]}`"}})
async def post_hook(
    source: str, request: Request, ctx: Ctx
) -> JSONResponse:
    # The size limit (`max_hook_body_bytes`) is the body-limit middleware's, checked as bytes arrive.
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise InvalidArgument("the hook payload is not JSON") from None
    outcome = await ctx.component("sessions", SessionTracker).handle_hook(source, body)
    head = ctx.bus.head
    return JSONResponse(
        {"ok": True, "session_id": outcome.session.id, "events": outcome.events},
        headers={SEQ_HEADER: str(head)},
    )
