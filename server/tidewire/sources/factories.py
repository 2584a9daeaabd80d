"""Component factories for the daemon's lifespan (see tidewire.components)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tidewire.sources.agents import AgentRunner
from tidewire.sources.autonomous import AutonomousLoops
from tidewire.sources.leases import NodeLease
from tidewire.sources.mcp_proxy import McpProxy
from tidewire.sources.session_follower import SessionTracker
from tidewire.sources.spool_drain import spool_drain

if TYPE_CHECKING:
    from tidewire.context import AppContext


def session_tracker(ctx: AppContext) -> SessionTracker:
    return SessionTracker(ctx)


def node_lease(ctx: AppContext) -> NodeLease:
    return NodeLease(ctx)


def agent_runner(ctx: AppContext) -> AgentRunner:
    return AgentRunner(ctx)


def mcp_proxy(ctx: AppContext) -> McpProxy:
    return McpProxy(ctx)


def autonomous_loops(ctx: AppContext) -> AutonomousLoops:
    return AutonomousLoops(ctx)


# Start order: the loops use the agent runner, so they come after it (and stop before it); the
# node's lease is taken before the runner starts and ended after it stops.
SOURCE_COMPONENTS = [node_lease, session_tracker, agent_runner, mcp_proxy, autonomous_loops]
# The hook spool is delivered through the sessions component, so it starts after it.
SOURCE_COMPONENTS.insert(SOURCE_COMPONENTS.index(session_tracker) + 1, spool_drain)
