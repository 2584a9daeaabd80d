"""``GET /api/health``: liveness plus the log position."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from .. import __version__
from .deps import Ctx, set_seq

router = APIRouter(tags=["health"])


class StorageNotice(BaseModel):
    """A storage incident detected at start-up (a database behind its high-water mark, a re-initialised
    data dir); the last one stays listed, with its time, until another replaces it."""

    code: str
    message: str
    at: str


class StoreHealth(BaseModel):
    """Whether the store answers: always for SQLite; for PostgreSQL as this daemon last found it."""

    backend: str
    status: str  # "ok" or "unavailable"
    message: str | None = None
    since: str | None = None


class Health(BaseModel):
    status: str  # "ok", or "degraded" while the store is unavailable
    server_id: str
    # The daemon's node id: the `node` its agent runs are recorded with.
    node_id: str
    epoch: str
    seq: int
    version: str
    storage_notices: list[StorageNotice] = []
    store: StoreHealth | None = None


@router.get("/api/health", response_model=Health)
async def health(response: Response, ctx: Ctx) -> Health:
    seq = ctx.bus.head
    set_seq(response, seq)
    notices = [StorageNotice(code=n.code, message=n.message, at=n.at) for n in ctx.store.notices]
    # Answered from what the store last saw, never by asking the database: a health check must
    # not wait for a database that is away (it is a 200 either way; the daemon is up).
    found = ctx.store.status()
    store = StoreHealth(
        backend=found.backend,
        status="ok" if found.available else "unavailable",
        message=found.message,
        since=found.since,
    )
    return Health(
        status="ok" if found.available else "degraded",
        server_id=ctx.server_id,
        node_id=ctx.node_id,
        epoch=ctx.bus.epoch,
        seq=seq,
        version=__version__,
        storage_notices=notices,
        store=store,
    )
