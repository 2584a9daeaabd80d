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
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings

from tidewire import __version__

from .call_keys import CallKeys

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
    # Exactly-once tool calls for clients that send a call key (the stdio bridge always does).
    server.middleware.append(CallKeys(ctx))
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
        # The daemon's body-limit middleware enforces this first with the JSON error shape; the
        # SDK's own check gets the same number so it never refuses what the daemon allowed.
        max_request_body_size=ctx.settings.max_body_bytes,
    )
    manager = server.session_manager
    return StreamableHTTPASGIApp(manager), manager.run

