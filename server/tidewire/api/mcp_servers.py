"""`GET/POST /api/mcp-servers`, `GET/DELETE /api/mcp-servers/{name}`, and `POST .../reconnect`, `.../call`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..idempotency import IdempotentRoute
from ..protocol.models import McpServer
from ..sources.mcp_proxy import McpProxy
from .deps import Ctx
from .fields import JsonObject
from .replies import listing, record

router = APIRouter(tags=["mcp-servers"], route_class=IdempotentRoute)


UNKNOWN: dict[int | str, dict[str, str]] = {404: {"description": "Unknown server"}}

ServerName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


class StdioServer(BaseModel):
    """A server the daemon starts: ``command`` with ``args`` and ``env``."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: ServerName
    command: Annotated[str, Field(min_length=1)]
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)


class HttpServer(BaseModel):
    """A server the daemon connects to over streamable HTTP."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: ServerName
    url: Annotated[str, Field(pattern=r"^https?://")]


class CallTool(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    tool_name: Annotated[str, Field(min_length=1)]
    arguments: JsonObject = Field(default_factory=dict)


class McpServerList(BaseModel):
    items: list[McpServer]
    seq: int


# The handlers return the proxy's records as they are; `response_model` documents them in the
# OpenAPI schema (and the fuzz test checks every reply against it).
@router.get("/api/mcp-servers", response_model=McpServerList)
async def servers_index(ctx: Ctx) -> JSONResponse:
    return listing(ctx.component("mcp_proxy", McpProxy).list_servers(), ctx.bus.head)


@router.post(
    "/api/mcp-servers",
    status_code=201,
    response_model=McpServer,
    responses={409: {"description": "A server with that name exists"}},
)
async def add_server(body: StdioServer | HttpServer, ctx: Ctx) -> JSONResponse:
    raw = body.model_dump()
    server = await ctx.component("mcp_proxy", McpProxy).add_server(raw)
    return record(server, ctx.bus.head, status_code=201)


@router.get("/api/mcp-servers/{name}", response_model=McpServer, responses=UNKNOWN)
async def get_server(name: str, ctx: Ctx) -> JSONResponse:
    return record(ctx.component("mcp_proxy", McpProxy).get_server(name), ctx.bus.head)


@router.delete(
    "/api/mcp-servers/{name}",
    response_model=McpServer,
    responses={
        200: {"description": "The server as it was"},
        404: {"description": "Unknown server"},
        409: {"description": "The server is defined in the config file"},
    },
)
async def remove_server(name: str, ctx: Ctx) -> JSONResponse:
    server = await ctx.component("mcp_proxy", McpProxy).remove_server(name)
    return record(server, ctx.bus.head)


@router.post(
    "/api/mcp-servers/{name}/reconnect",
    response_model=McpServer,
    responses={
        200: {"description": "The server, connecting"},
        404: {"description": "Unknown server"},
        409: {"description": "The daemon is shutting down"},
    },
)
async def reconnect_server(name: str, ctx: Ctx) -> JSONResponse:
    server = await ctx.component("mcp_proxy", McpProxy).reconnect_server(name)
    return record(server, ctx.bus.head)


@router.post(
    "/api/mcp-servers/{name}/call",
    responses={
        200: {"description": "CallToolResult"},
        404: {"description": "Unknown server or tool"},
        409: {"description": "The server is not connected"},
    },
)
async def call_tool(name: str, body: CallTool, ctx: Ctx) -> JSONResponse:
    result = await ctx.component("mcp_proxy", McpProxy).call_tool(name, body.tool_name, body.arguments)
    return record(result, ctx.bus.head)
