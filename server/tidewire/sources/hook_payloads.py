"""Hook payloads from agent CLIs, reduced to what the daemon records and emits.

Claude Code sends one JSON object per hook call on the hook command's stdin with
`session_id`, `transcript_path`, `cwd`, `hook_event_name` and the hook's own fields.
Gemini CLI uses the same envelope with its own hook names (BeforeTool, AfterTool, ...).
Codex calls its `notify` program with a JSON object (`type`, `thread-id`, `cwd`, ...).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tidewire.errors import DomainError
from tidewire.sources.text_check import first_lone_surrogate

# Hook names (per CLI) that have a dedicated event; anything else is `hook.generic`.
_EVENT_BY_HOOK: dict[str, str] = {
    # Claude Code (and Codex hooks, which reuse these names)
    "SessionStart": "hook.session_start",
    "UserPromptSubmit": "hook.user_prompt_submit",
    "PreToolUse": "hook.pre_tool_use",
    "PostToolUse": "hook.post_tool_use",
    "Notification": "hook.notification",
    "Stop": "hook.stop",
    "SubagentStop": "hook.subagent_stop",
    "PreCompact": "hook.pre_compact",
    "SessionEnd": "hook.session_end",
    # Gemini CLI
    "BeforeAgent": "hook.user_prompt_submit",
    "BeforeTool": "hook.pre_tool_use",
    "AfterTool": "hook.post_tool_use",
    "AfterAgent": "hook.stop",
    "PreCompress": "hook.pre_compact",
    # Codex notify
    "agent-turn-complete": "hook.stop",
}

# What each event does to the session it belongs to.
STATUS_AFTER: dict[str, str] = {
    "hook.session_start": "active",
    "hook.user_prompt_submit": "active",
    "hook.pre_tool_use": "active",
    "hook.post_tool_use": "active",
    "hook.notification": "waiting",
    "hook.stop": "idle",
    "hook.session_end": "ended",
}

# Hooks with no event of their own that still change the session: Claude Code calls
# PermissionRequest when it shows a permission dialog, so the session waits for its user.
_STATUS_BY_HOOK: dict[str, str] = {"PermissionRequest": "waiting"}

MAX_ID_LENGTH = 128
_SUMMARY_LENGTH = 160
_TOOL_INPUT_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description", "prompt")


@dataclass(frozen=True)
class HookCall:
    source: str
    hook_type: str
    event: str
    session_id: str
    summary: str
    tool_name: str | None
    cwd: str | None
    transcript_path: str | None
    payload: dict[str, Any]


def event_for(hook_type: str) -> str:
    return _EVENT_BY_HOOK.get(hook_type, "hook.generic")


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SUMMARY_LENGTH else line[: _SUMMARY_LENGTH - 1] + "…"


def _str(payload: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _tool_detail(tool_input: Any) -> str | None:
    if isinstance(tool_input, dict):
        for key in _TOOL_INPUT_KEYS:
            if isinstance(tool_input.get(key), str) and tool_input[key]:
                return str(tool_input[key])
    return None


def _summary(event: str, hook_type: str, payload: dict[str, Any], tool_name: str | None) -> str:
    if tool_name is not None:
        detail = _tool_detail(payload.get("tool_input"))
        return _one_line(f"{tool_name}: {detail}" if detail else tool_name)
    if event == "hook.user_prompt_submit":
        prompt = _str(payload, "prompt")
        return _one_line(prompt if prompt else hook_type)
    if event == "hook.notification":
        message = _str(payload, "message")
        return _one_line(message if message else hook_type)
    if event == "hook.stop" and _str(payload, "last-assistant-message"):
        return _one_line(str(payload["last-assistant-message"]))
    qualifier = _str(payload, "source", "reason", "trigger")
    return _one_line(f"{hook_type} ({qualifier})" if qualifier else hook_type)


def status_after(call: HookCall) -> str | None:
    """The session's status after this call, or None when the call leaves it as it was."""
    return STATUS_AFTER.get(call.event) or _STATUS_BY_HOOK.get(call.hook_type)


def waiting_reason(call: HookCall) -> str | None:
    """Why a call that makes its session wait does so, in one line; None when it says nothing."""
    if call.hook_type == "PermissionRequest":
        return _one_line(f"Permission to use {call.summary}" if call.tool_name else "Permission requested")
    message = _str(call.payload, "message")
    return _one_line(message) if message else None


def _codex_notify(payload: dict[str, Any]) -> dict[str, Any]:
    """Maps Codex's notify payload (kebab-case keys) onto the common envelope."""
    mapped = dict(payload)
    mapped.setdefault("hook_event_name", payload.get("type"))
    mapped.setdefault("session_id", payload.get("thread-id"))
    return mapped


def parse_hook(source: str, body: Any) -> HookCall:
    """Validates one hook payload; raises DomainError (nothing recorded) when it is unusable."""
    if not isinstance(source, str) or not source or len(source) > 64:
        raise DomainError("invalid_argument", "hook source must be a short name such as 'claude'", 422)
    if not isinstance(body, dict):
        raise DomainError("invalid_argument", "a hook payload must be a JSON object", 422)
    # Every string, at any depth, before any field is used: a lone surrogate (`"\ud800"`, which
    # JSON can carry but Unicode cannot) would otherwise fail later, in the store or the event log.
    where = "the hook source" if first_lone_surrogate(source) else first_lone_surrogate(body)
    if where is not None:
        raise DomainError(
            "invalid_argument",
            f"hook payload: {where} holds a lone surrogate (such as \\ud800), which is not valid Unicode",
            422,
        )
    payload: dict[str, Any] = _codex_notify(body) if "hook_event_name" not in body else dict(body)
    session_id = payload.get("session_id")
    if not isinstance(session_id, str) or not session_id or len(session_id) > MAX_ID_LENGTH:
        raise DomainError(
            "invalid_argument",
            f"a hook payload needs a session_id string of 1 to {MAX_ID_LENGTH} characters",
            422,
        )
    hook_type = payload.get("hook_event_name")
    if not isinstance(hook_type, str) or not hook_type:
        raise DomainError("invalid_argument", "a hook payload needs a hook_event_name string", 422)
    event = event_for(hook_type)
    tool_name = _str(payload, "tool_name")
    return HookCall(
        source=source,
        hook_type=hook_type,
        event=event,
        session_id=session_id,
        summary=_summary(event, hook_type, payload, tool_name),
        tool_name=tool_name,
        cwd=_str(payload, "cwd"),
        transcript_path=_str(payload, "transcript_path"),
        payload=payload,
    )


def stored_payload(payload: dict[str, Any], limit: int = 65536) -> str:
    """The payload as stored: JSON, cut to `limit` characters (tool responses can be huge)."""
    text = json.dumps(payload, ensure_ascii=False, default=str)
    return text if len(text) <= limit else json.dumps({"truncated": True, "head": text[:limit]})
