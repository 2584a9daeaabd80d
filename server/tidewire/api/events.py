"""``GET /api/events``: the retained log for clients without a socket; and, only with
``--allow-test-events`` (for client authors testing their clients), ``POST /api/test-events``
which commits arbitrary well-formed events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..errors import NotFound
from ..idempotency import IdempotentRoute, reply_from_write
from ..store import Tx
from .deps import SEQ_HEADER, Ctx

router = APIRouter(tags=["events"])


@router.get(
    "/api/events",
    responses={200: {"description": "`{items: [event frames], seq, epoch, oldest_seq}`"}},
)
async def list_events(
    ctx: Ctx,
    after_seq: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    bus = ctx.bus
    head = bus.head
    entries = bus.since(after_seq, limit)
    # The frames are already serialised; splice them in rather than parse and re-serialise.
    body = (
        '{"items":['
        + ",".join(e.text for e in entries)
        + f'],"seq":{head},"epoch":"{bus.epoch}","oldest_seq":{bus.oldest}}}'
    )
    return Response(body, media_type="application/json", headers={SEQ_HEADER: str(head)})


class TestEvent(BaseModel):
    type: str = Field(min_length=1)
    data: dict[str, Any]


class TestEvents(BaseModel):
    events: list[TestEvent] = Field(min_length=1, max_length=1000)


test_router = APIRouter(tags=["testing"], route_class=IdempotentRoute)


@test_router.post("/api/test-events", status_code=201)
@reply_from_write(lambda seqs: {"seqs": seqs, "seq": seqs[-1]})
async def post_test_events(body: TestEvent | TestEvents, ctx: Ctx) -> JSONResponse:
    """Commit one event (``{type, data}``) or several in one transaction (``{events: [...]}``).

    Each known type is validated against its generated model first; an unknown type needs a
    well-formed event name (two or more dot-separated segments of ``a-z0-9_``) and object
    data. Nothing is written if any is bad.
    """
    if not ctx.settings.allow_test_events:
        raise NotFound("test events are disabled; start the daemon with --allow-test-events")
    items = body.events if isinstance(body, TestEvents) else [body]

    def emit_all(tx: Tx) -> list[int]:
        # A well-formed name without a model is committed too: "a new event type reaches `*`"
        # must be testable against a real daemon.
        return [tx.emit(item.type, item.data, allow_unknown=True) for item in items]

    seqs = await ctx.store.write(emit_all)
    return JSONResponse({"seqs": seqs, "seq": seqs[-1]}, status_code=201, headers={SEQ_HEADER: str(seqs[-1])})
