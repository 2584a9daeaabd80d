"""Every REST error as ``{"error": {"code", "message"}}``: domain errors, bad bodies, unknown routes."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import DomainError
from ..store.errors import is_out_of_descriptors, is_storage_full

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_argument",
}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _describe(errors: list[Any]) -> str:
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


async def _domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=headers)


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(error_body("invalid_argument", _describe(list(exc.errors()))), status_code=422)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _storage(_: Request, exc: Exception) -> JSONResponse:
    # The store already turns a full disk into StorageFull (a DomainError); this catches ENOSPC from
    # anything else a request writes (logs, checkouts). Any other error goes on to the 500 handler.
    if is_out_of_descriptors(exc):
        message = "the daemon is out of file descriptors: nothing was changed; retry once connections close"
        return JSONResponse(
            error_body("out_of_descriptors", message), status_code=503, headers={"Retry-After": "1"}
        )
    if not is_storage_full(exc):
        raise exc
    message = "no space left on the daemon's disk: the change was not made; free disk space and retry"
    return JSONResponse(error_body("storage_full", message), status_code=507)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OSError, _storage)
    app.add_exception_handler(sqlite3.Error, _storage)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
