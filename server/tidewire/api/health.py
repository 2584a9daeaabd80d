"""``GET /api/health``: liveness plus the log position."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from .. import __version__
from .deps import Ctx, set_seq

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    server_id: str
    epoch: str
    seq: int
    version: str


@router.get("/api/health", response_model=Health)
async def health(response: Response, ctx: Ctx) -> Health:
    seq = ctx.bus.head
    set_seq(response, seq)
    return Health(status="ok", server_id=ctx.server_id, epoch=ctx.bus.epoch, seq=seq, version=__version__)
