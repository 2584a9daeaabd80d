"""Rows of the sources' tables as the protocol's entity models."""

from __future__ import annotations

import json
from typing import Any

from tidewire.protocol.models import AgentRun, AutonomousLoop, ContentBlock, Session, SessionMessage


def session_from_row(row: dict[str, Any]) -> Session:
    return Session(
        id=row["id"],
        source=row["source"],
        status=row["status"],
        cwd=row["cwd"],
        git_branch=row["git_branch"],
        transcript_path=row["transcript_path"],
        project_id=row["project_id"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        ended_at=row["ended_at"],
        last_hook=row["last_hook"],
        tool_count=int(row["tool_count"]),
        message_count=int(row["message_count"]),
    )


def message_from_row(row: dict[str, Any]) -> SessionMessage:
    return SessionMessage(
        session_id=row["session_id"],
        index=int(row["idx"]),
        role=row["role"],
        content=[ContentBlock.model_validate(block) for block in json.loads(row["content"])],
        tool_name=row["tool_name"],
        ts=row["ts"],
    )


def agent_from_row(row: dict[str, Any]) -> AgentRun:
    return AgentRun(
        id=row["id"],
        project_id=row["project_id"],
        task_id=row["task_id"],
        worktree_id=row["worktree_id"],
        prompt=row["prompt"],
        command=json.loads(row["command"]),
        cwd=row["cwd"],
        status=row["status"],
        pid=row["pid"],
        exit_code=row["exit_code"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        duration_ms=row["duration_ms"],
        stderr_tail=json.loads(row["stderr_tail"]),
    )


def loop_from_row(row: dict[str, Any]) -> AutonomousLoop:
    return AutonomousLoop(
        id=row["id"],
        project_id=row["project_id"],
        status=row["status"],
        iteration=int(row["iteration"]),
        max_iterations=row["max_iterations"],
        max_failures=int(row["max_failures"]),
        failures=int(row["failures"]),
        current_task_id=row["current_task_id"],
        started_at=row["started_at"],
        stopped_at=row["stopped_at"],
        stop_reason=row["stop_reason"],
    )
