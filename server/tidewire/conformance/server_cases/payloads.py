"""Valid ``data`` for the few known event types the cases commit (a unit test validates them
against the schemas); every other case event is of a type under ``conformance.``, which
``POST /api/test-events`` commits as an event of a type the server does not know."""

from __future__ import annotations

from typing import Any


def session_message(session_id: str, index: int = 0) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "index": index,
        "role": "assistant",
        "content": [{"type": "text", "text": "conformance"}],
        "tool_name": None,
        "ts": "2026-11-26T06:05:00.250Z",
    }


def mcp_tool_called(server_name: str, duration_ms: float = 3.0) -> dict[str, Any]:
    return {
        "server_name": server_name,
        "tool_name": "probe",
        "duration_ms": duration_ms,
        "ok": True,
        "error": None,
    }


def agent_output(agent_id: str, offset: int = 0) -> dict[str, Any]:
    return {"agent_id": agent_id, "stream": "stdout", "offset": offset, "size": 12, "text": "conformance\n"}
