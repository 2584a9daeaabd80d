"""Small request helpers shared by routers."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response

from ..context import AppContext

SEQ_HEADER = "X-Tidewire-Seq"

_T = TypeVar("_T")


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def set_seq(response: Response, seq: int) -> None:
    """Record the seq the response's data reflects (otherwise the head at request start is used)."""
    response.headers[SEQ_HEADER] = str(seq)


def with_seq(response: Response, result: tuple[_T, int]) -> _T:
    """A service's `(record, seq)` as the record, its seq in the response header."""
    record, seq = result
    set_seq(response, seq)
    return record


Ctx = Annotated[AppContext, Depends(get_ctx)]
