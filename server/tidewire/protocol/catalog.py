# generated from schema/ by `make gen`, do not edit
"""Event catalogue: every frame type, its model, and which events are high volume."""

from __future__ import annotations

from pydantic import BaseModel

from . import models

# Event name -> model of the whole event frame.
EVENT_MODELS: dict[str, type[BaseModel]] = {
    "agent.cancelled": models.AgentCancelledEvent,
    "agent.completed": models.AgentCompletedEvent,
    "agent.failed": models.AgentFailedEvent,
    "agent.output": models.AgentOutputEvent,
    "agent.started": models.AgentStartedEvent,
    "autonomous.iteration": models.AutonomousIterationEvent,
    "autonomous.started": models.AutonomousStartedEvent,
    "autonomous.stopped": models.AutonomousStoppedEvent,
    "hook.generic": models.HookGenericEvent,
    "hook.notification": models.HookNotificationEvent,
    "hook.post_tool_use": models.HookPostToolUseEvent,
    "hook.pre_compact": models.HookPreCompactEvent,
    "hook.pre_tool_use": models.HookPreToolUseEvent,
    "hook.session_end": models.HookSessionEndEvent,
    "hook.session_start": models.HookSessionStartEvent,
    "hook.stop": models.HookStopEvent,
    "hook.subagent_stop": models.HookSubagentStopEvent,
    "hook.user_prompt_submit": models.HookUserPromptSubmitEvent,
    "mcp.server_connected": models.McpServerConnectedEvent,
    "mcp.server_disconnected": models.McpServerDisconnectedEvent,
    "mcp.tool_called": models.McpToolCalledEvent,
    "project.created": models.ProjectCreatedEvent,
    "project.removed": models.ProjectRemovedEvent,
    "project.updated": models.ProjectUpdatedEvent,
    "session.created": models.SessionCreatedEvent,
    "session.ended": models.SessionEndedEvent,
    "session.message": models.SessionMessageEvent,
    "session.updated": models.SessionUpdatedEvent,
    "task.closed": models.TaskClosedEvent,
    "task.created": models.TaskCreatedEvent,
    "task.expanded": models.TaskExpandedEvent,
    "task.updated": models.TaskUpdatedEvent,
    "worktree.created": models.WorktreeCreatedEvent,
    "worktree.deleted": models.WorktreeDeletedEvent,
    "worktree.merged": models.WorktreeMergedEvent,
    "worktree.updated": models.WorktreeUpdatedEvent,
}

# Every event name, sorted.
EVENT_NAMES: tuple[str, ...] = (
    "agent.cancelled",
    "agent.completed",
    "agent.failed",
    "agent.output",
    "agent.started",
    "autonomous.iteration",
    "autonomous.started",
    "autonomous.stopped",
    "hook.generic",
    "hook.notification",
    "hook.post_tool_use",
    "hook.pre_compact",
    "hook.pre_tool_use",
    "hook.session_end",
    "hook.session_start",
    "hook.stop",
    "hook.subagent_stop",
    "hook.user_prompt_submit",
    "mcp.server_connected",
    "mcp.server_disconnected",
    "mcp.tool_called",
    "project.created",
    "project.removed",
    "project.updated",
    "session.created",
    "session.ended",
    "session.message",
    "session.updated",
    "task.closed",
    "task.created",
    "task.expanded",
    "task.updated",
    "worktree.created",
    "worktree.deleted",
    "worktree.merged",
    "worktree.updated",
)

# Events with `x-tidewire-high-volume: true`: delivered only to exact subscriptions.
HIGH_VOLUME: frozenset[str] = frozenset(
    {
        "agent.output",
        "mcp.tool_called",
        "session.message",
    }
)

# Server-to-client control frame type -> model.
SERVER_CONTROL_MODELS: dict[str, type[BaseModel]] = {
    "error": models.ErrorFrame,
    "pong": models.PongFrame,
    "resumed": models.ResumedFrame,
    "resync": models.ResyncFrame,
    "subscribed": models.SubscribedFrame,
    "unsubscribed": models.UnsubscribedFrame,
    "welcome": models.WelcomeFrame,
}

# Server-to-client control frame types.
SERVER_CONTROL: frozenset[str] = frozenset(
    {
        "error",
        "pong",
        "resumed",
        "resync",
        "subscribed",
        "unsubscribed",
        "welcome",
    }
)

# Client-to-server frame type -> model.
CLIENT_CONTROL_MODELS: dict[str, type[BaseModel]] = {
    "ping": models.PingFrame,
    "resume": models.ResumeFrame,
    "subscribe": models.SubscribeFrame,
    "unsubscribe": models.UnsubscribeFrame,
}

# Client-to-server frame types.
CLIENT_CONTROL: frozenset[str] = frozenset(
    {
        "ping",
        "resume",
        "subscribe",
        "unsubscribe",
    }
)
