"""`POST /api/hooks/{source}`: one agent CLI hook call (the CLI's own payload, unchanged)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..errors import InvalidArgument
from ..sources.hook_envelopes import check_envelope_id
from ..sources.hook_spool import ENVELOPE_HEADER
from ..sources.session_follower import SessionTracker
from .deps import SEQ_HEADER, Ctx

router = APIRouter(tags=["hooks"])

# A hook payload carries at most a tool's input and response; beyond this it is refused.
_MAX_BODY = 16 * 1024 * 1024


@router.post("/api/hooks/{source}", responses={200: {"description": "`{ok: true, events: [...]}`"}})
async def post_hook(
    source: str, request: Request, ctx: Ctx
) -> JSONResponse:
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        raise InvalidArgument(f"hook payload larger than {_MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidArgument("the hook payload is not JSON") from None
    # Set by `tidewire hook`: a redelivered call (from its spool) is recognised and not applied again.
    envelope_id = check_envelope_id(request.headers.get(ENVELOPE_HEADER))
    outcome = await ctx.component("sessions", SessionTracker).handle_hook(source, body, envelope_id)
    head = ctx.bus.head
    return JSONResponse(
        {"ok": True, "session_id": outcome.session.id, "events": outcome.events},
        headers={SEQ_HEADER: str(head)},
    )
