"""`GET/POST /api/mcp-servers`, `GET/DELETE /api/mcp-servers/{name}`, `POST /api/mcp-servers/{name}/call`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..idempotency import IdempotentRoute
from ..sources.mcp_proxy import McpProxy
from .deps import Ctx
from .replies import listing, record

router = APIRouter(tags=["mcp-servers"], route_class=IdempotentRoute)


class AddServer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    url: str | None = None


class CallTool(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    tool_name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


@router.get("/api/mcp-servers", responses={200: {"description": "`{items: [McpServer], seq}`"}})
async def servers_index(ctx: Ctx) -> JSONResponse:
    return listing(ctx.component("mcp_proxy", McpProxy).list_servers(), ctx.bus.head)


@router.post("/api/mcp-servers", status_code=201, responses={201: {"description": "McpServer"}})
async def add_server(body: AddServer, ctx: Ctx) -> JSONResponse:
    raw = body.model_dump(exclude_none=True)
    if body.url is not None:
        raw.pop("args", None)
        raw.pop("env", None)
    server = await ctx.component("mcp_proxy", McpProxy).add_server(raw)
    return record(server, ctx.bus.head, status_code=201)


@router.get("/api/mcp-servers/{name}", responses={200: {"description": "McpServer"}})
async def get_server(name: str, ctx: Ctx) -> JSONResponse:
    return record(ctx.component("mcp_proxy", McpProxy).get_server(name), ctx.bus.head)


@router.delete("/api/mcp-servers/{name}", responses={200: {"description": "McpServer (as it was)"}})
async def remove_server(name: str, ctx: Ctx) -> JSONResponse:
    server = await ctx.component("mcp_proxy", McpProxy).remove_server(name)
    return record(server, ctx.bus.head)


@router.post("/api/mcp-servers/{name}/call", responses={200: {"description": "CallToolResult"}})
async def call_tool(name: str, body: CallTool, ctx: Ctx) -> JSONResponse:
    result = await ctx.component("mcp_proxy", McpProxy).call_tool(name, body.tool_name, body.arguments)
    return record(result, ctx.bus.head)
