"""The daemon's MCP server, served over streamable HTTP at `/mcp`.

`create_mcp_app(ctx)` builds one `MCPServer`, lets each tool module register its tools on it
(`register(server, ctx)`), and returns the ASGI app plus a lifespan factory that runs the
SDK's session manager. Sessions are stateless: every request stands alone, so a client (the
stdio bridge included) keeps working across daemon restarts without re-initialising.
Host / Origin / token checks are the daemon's own middleware's job, so the SDK's DNS-rebinding
check is off here rather than run twice with a different allowlist.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import weakref
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tidewire import __version__

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger("tidewire.mcp")

# Modules with `register(server, ctx)`; one that does not exist (yet) is skipped.
TOOL_MODULES = ("tidewire.mcp.tools_tasks", "tidewire.mcp.tools_sources")

INSTRUCTIONS = (
    "Tidewire coordinates coding agents. Track work as tasks (create_task, update_task, close_task, "
    "expand_task) in registered projects (register_project), and do it in git worktrees "
    "(create_worktree, claim_worktree, merge_worktree, delete_worktree). Every change is shown live "
    "on the Tidewire dashboard."
)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_server(ctx: AppContext) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer(
        "tidewire", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    for name in TOOL_MODULES:
        if _module_exists(name):
            importlib.import_module(name).register(server, ctx)
        else:
            log.info("MCP tool module %s is not installed; skipped", name)
    return server


def create_mcp_app(ctx: AppContext) -> tuple[Any, Callable[[], AbstractAsyncContextManager[None]]]:
    """The ASGI app for `/mcp` and a factory for the context that must run while it serves."""
    server = build_server(ctx)
    # Building the SDK's own Starlette app is how its public API creates the session manager; the
    # daemon mounts the manager's ASGI handler itself and runs the manager in its own lifespan.
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager
    asgi = StreamableHTTPASGIApp(manager)
    _APPS[id(ctx)] = asgi
    weakref.finalize(ctx, _APPS.pop, id(ctx), None)
    return asgi, manager.run


# The app mounts the MCP app under `/mcp/`; a mount does not match the bare `/mcp` that MCP
# clients are configured with, so this route (listed in tidewire.api.ROUTERS) serves that path
# with the same ASGI app, found through the request's app context.
_APPS: dict[int, ASGIApp] = {}


class _BareMcpPath:
    """A raw ASGI endpoint (a class instance, so Starlette does not wrap it as a request handler)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ctx = scope["app"].state.ctx
        asgi = _APPS.get(id(ctx))
        if asgi is None:
            response = JSONResponse({"error": {"code": "not_found", "message": "MCP is not enabled"}}, 404)
            await response(scope, receive, send)
            return
        await asgi(scope, receive, send)


router = APIRouter()
router.routes.append(Route("/mcp", endpoint=_BareMcpPath(), include_in_schema=False))
