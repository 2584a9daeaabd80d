"""MCP tools for the event sources: downstream MCP servers, agent runs, autonomous loops, sessions.

Thin adapters over `tidewire.sources`: each returns the record it created or changed; a refused
call (`DomainError`) becomes a tool error whose text starts with the error code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from tidewire.context import ComponentUnavailable
from tidewire.mcp.tools_tasks import DESTRUCTIVE, READ, WRITE, tool_errors
from tidewire.protocol.models import AgentRun, AutonomousLoop, McpServer, Session
from tidewire.sources import sessions
from tidewire.sources.agents import AgentRunner, list_agents
from tidewire.sources.autonomous import AutonomousLoops, list_loops
from tidewire.sources.mcp_proxy import McpProxy

if TYPE_CHECKING:
    from tidewire.context import AppContext

_C = TypeVar("_C")


class McpServerList(BaseModel):
    items: list[McpServer]


class AgentList(BaseModel):
    items: list[AgentRun]
    seq: int = Field(description="The event seq this list reflects.")


class LoopList(BaseModel):
    items: list[AutonomousLoop]
    seq: int = Field(description="The event seq this list reflects.")


class SessionList(BaseModel):
    items: list[Session]
    seq: int = Field(description="The event seq this list reflects.")


class ToolCallResult(BaseModel):
    """What the downstream server answered (its CallToolResult, as JSON)."""

    result: dict[str, Any]


def _component(ctx: AppContext, name: str, kind: type[_C]) -> _C:
    try:
        return ctx.component(name, kind)
    except ComponentUnavailable as exc:
        raise ToolError(f"unavailable: {exc}") from exc


def register(server: MCPServer[Any], ctx: AppContext) -> None:
    store = ctx.store

    def proxy() -> McpProxy:
        return _component(ctx, "mcp_proxy", McpProxy)

    def runner() -> AgentRunner:
        return _component(ctx, "agents", AgentRunner)

    def loops() -> AutonomousLoops:
        return _component(ctx, "autonomous", AutonomousLoops)

    # ---- downstream MCP servers ----

    @server.tool(description="Connect a downstream MCP server (stdio or HTTP).", annotations=WRITE)
    async def add_mcp_server(
        name: Annotated[str, Field(description="Unique name: letters, digits, '_', '.', '-'.")],
        command: Annotated[str | None, Field(description="Program to start (stdio transport).")] = None,
        args: Annotated[list[str] | None, Field(description="Its arguments.")] = None,
        env: Annotated[dict[str, str] | None, Field(description="Extra environment variables.")] = None,
        url: Annotated[
            str | None, Field(description="Streamable HTTP endpoint (instead of a command).")
        ] = None,
    ) -> McpServer:
        raw: dict[str, Any] = {"name": name}
        if command is not None:
            raw.update(command=command, args=args or [], env=env or {})
        if url is not None:
            raw["url"] = url
        with tool_errors():
            return await proxy().add_server(raw)

    @server.tool(description="Disconnect and forget a downstream MCP server.", annotations=DESTRUCTIVE)
    async def remove_mcp_server(name: str) -> McpServer:
        with tool_errors():
            return await proxy().remove_server(name)

    @server.tool(
        description="Reconnect a downstream MCP server now, without waiting for its next retry "
        "(a connected one is disconnected first).",
        annotations=WRITE,
    )
    async def reconnect_mcp_server(name: str) -> McpServer:
        with tool_errors():
            return await proxy().reconnect_server(name)

    @server.tool(description="Downstream MCP servers with state and tools.", annotations=READ)
    async def list_mcp_servers() -> McpServerList:
        return McpServerList(items=proxy().list_servers())

    @server.tool(
        description="Call a tool of a downstream MCP server through the daemon.", annotations=WRITE
    )
    async def call_tool(
        server_name: str,
        tool_name: str,
        arguments: Annotated[dict[str, Any] | None, Field(description="The tool's arguments.")] = None,
    ) -> ToolCallResult:
        with tool_errors():
            return ToolCallResult(result=await proxy().call_tool(server_name, tool_name, arguments or {}))

    # ---- agent runs ----

    @server.tool(
        description=(
            "Run an agent CLI on a prompt in a worktree; without worktree_id the daemon makes one for "
            "the run in the project (or the task's project), never using the repository's own checkout."
        ),
        annotations=WRITE,
    )
    async def start_agent(
        prompt: str,
        project_id: str | None = None,
        task_id: str | None = None,
        worktree_id: Annotated[
            str | None, Field(description="Run in this worktree's checkout; default: a new one for the run.")
        ] = None,
        command: Annotated[
            list[str] | None, Field(description="argv template with {prompt}; default: the configured one.")
        ] = None,
    ) -> AgentRun:
        with tool_errors():
            return await runner().start_agent(prompt, project_id, task_id, worktree_id, command)

    @server.tool(description="Stop a running agent (SIGTERM, then SIGKILL).", annotations=DESTRUCTIVE)
    async def cancel_agent(agent_id: str) -> AgentRun:
        with tool_errors():
            return await runner().cancel_agent(agent_id)

    @server.tool(name="list_agents", description="Agent runs, newest first.", annotations=READ)
    async def list_agent_runs(status: str | None = None, task_id: str | None = None) -> AgentList:
        with tool_errors():
            items, seq = await store.read(lambda conn: list_agents(conn, status, task_id))
            return AgentList(items=items, seq=seq)

    # ---- autonomous loops ----

    @server.tool(description="Work through a project's ready tasks with agents.", annotations=WRITE)
    async def start_autonomous(
        project_id: str,
        max_iterations: Annotated[int | None, Field(description="Stop after this many tasks.")] = None,
        max_failures: Annotated[
            int | None, Field(description="Stop after this many failed tasks (default 3).")
        ] = None,
    ) -> AutonomousLoop:
        with tool_errors():
            return await loops().start_loop(project_id, max_iterations, max_failures)

    @server.tool(description="Stop an autonomous loop.", annotations=DESTRUCTIVE)
    async def stop_autonomous(loop_id: str) -> AutonomousLoop:
        with tool_errors():
            return await loops().stop_loop(loop_id)

    @server.tool(description="Autonomous loops, newest first.", annotations=READ)
    async def list_autonomous(project_id: str | None = None) -> LoopList:
        items, seq = await store.read(lambda conn: list_loops(conn, project_id))
        return LoopList(items=items, seq=seq)

    # ---- sessions ----

    @server.tool(description="Agent CLI sessions seen through their hooks.", annotations=READ)
    async def list_sessions(
        status: Annotated[str | None, Field(description="active, waiting, idle or ended.")] = None,
    ) -> SessionList:
        with tool_errors():
            items, seq = await store.read(lambda conn: sessions.list_sessions(conn, status))
            return SessionList(items=items, seq=seq)
