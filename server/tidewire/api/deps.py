"""Small request helpers shared by routers."""

from __future__ import annotations

from fastapi import Request, Response

from ..context import AppContext

SEQ_HEADER = "X-Tidewire-Seq"


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def set_seq(response: Response, seq: int) -> None:
    """Record the seq the response's data reflects (otherwise the head at request start is used)."""
    response.headers[SEQ_HEADER] = str(seq)
