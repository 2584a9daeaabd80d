# generated from schema/ by codegen; do not edit
"""Event catalogue: every event name, its frame model, and whether it is high volume."""

from __future__ import annotations

from pydantic import BaseModel

from . import models

EVENT_MODELS: dict[str, type[BaseModel]] = {
    "agent.cancelled": models.AgentCancelledEvent,
    "agent.completed": models.AgentCompletedEvent,
    "agent.failed": models.AgentFailedEvent,
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

HIGH_VOLUME: frozenset[str] = frozenset({"mcp.tool_called", "session.message"})
