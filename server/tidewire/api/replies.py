"""Plain JSON replies (lists as `{items, seq}`), each with the seq header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .deps import SEQ_HEADER


def _dump(item: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude_defaults=False) if isinstance(item, BaseModel) else item


def listing(items: Sequence[BaseModel | dict[str, Any]], seq: int) -> JSONResponse:
    return JSONResponse({"items": [_dump(i) for i in items], "seq": seq}, headers={SEQ_HEADER: str(seq)})


def record(item: BaseModel | dict[str, Any], seq: int, status_code: int = 200) -> JSONResponse:
    return JSONResponse(_dump(item), status_code=status_code, headers={SEQ_HEADER: str(seq)})
