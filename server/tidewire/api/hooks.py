"""`POST /api/hooks/{source}`: one agent CLI hook call (the CLI's own payload, unchanged)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from ..errors import InvalidArgument
from ..idempotency import IdempotentRoute
from ..sources.hook_envelopes import check_envelope_id
from ..sources.hook_payloads import MAX_ID_LENGTH
from ..sources.hook_spool import ENVELOPE_HEADER
from ..sources.session_follower import SessionTracker
from .deps import SEQ_HEADER, Ctx
from .fields import loads_strict

router = APIRouter(tags=["hooks"], route_class=IdempotentRoute)


# The CLI's own payload, read raw (it is kept as sent); documented here for the OpenAPI document.
_HOOK_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "The agent CLI's hook payload as it sends it; other fields are kept.",
                "required": ["session_id", "hook_event_name"],
                "properties": {
                    "session_id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
                    "hook_event_name": {"type": "string", "minLength": 1},
                },
            }
        }
    },
}


@router.post(
    "/api/hooks/{source}",
    responses={200: {"description": "`{ok: true, events: [...]}`"}},
    openapi_extra={"requestBody": _HOOK_BODY},
)
async def post_hook(
    source: Annotated[str, Path(min_length=1, max_length=64)], request: Request, ctx: Ctx
) -> JSONResponse:
    # The size limit (`max_hook_body_bytes`) is the body-limit middleware's, checked as bytes arrive.
    raw = await request.body()
    try:
        body = loads_strict(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise InvalidArgument("the hook payload is not JSON") from None
    # Set by `tidewire hook`: a redelivered call (from its spool) is recognised and not applied again.
    envelope_id = check_envelope_id(request.headers.get(ENVELOPE_HEADER))
    outcome = await ctx.component("sessions", SessionTracker).handle_hook(source, body, envelope_id)
    head = ctx.bus.head
    return JSONResponse(
        {"ok": True, "session_id": outcome.session.id, "events": outcome.events}
        | ({"notes": outcome.notes} if outcome.notes else {}),
        headers={SEQ_HEADER: str(head)},
    )
