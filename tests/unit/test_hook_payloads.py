"""Hook payloads of each CLI reduced to events; settings merging for install-hooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tidewire.errors import DomainError
from tidewire.protocol import EVENT_MODELS
from tidewire.protocol.models import HookEvent
from tidewire.sources.hook_payloads import parse_hook, stored_payload
from tidewire.sources.install_hooks import CLAUDE_HOOKS, SettingsError, install, merge_hooks

BASE = {"session_id": "s1", "transcript_path": "/t.jsonl", "cwd": "/repo"}


@pytest.mark.parametrize(
    ("hook", "extra", "event", "summary"),
    [
        ("SessionStart", {"source": "startup"}, "hook.session_start", "SessionStart (startup)"),
        ("UserPromptSubmit", {"prompt": "fix the\nbuild"}, "hook.user_prompt_submit", "fix the build"),
        (
            "PreToolUse",
            {"tool_name": "Bash", "tool_input": {"command": "make"}},
            "hook.pre_tool_use",
            "Bash: make",
        ),
        (
            "PostToolUse",
            {"tool_name": "Read", "tool_input": {"file_path": "/a"}, "tool_response": {}},
            "hook.post_tool_use",
            "Read: /a",
        ),
        (
            "Notification",
            {"message": "Claude needs your permission"},
            "hook.notification",
            "Claude needs your permission",
        ),
        ("Stop", {"stop_hook_active": False}, "hook.stop", "Stop"),
        ("SubagentStop", {"stop_hook_active": False}, "hook.subagent_stop", "SubagentStop"),
        (
            "PreCompact",
            {"trigger": "auto", "custom_instructions": ""},
            "hook.pre_compact",
            "PreCompact (auto)",
        ),
        ("SessionEnd", {"reason": "logout"}, "hook.session_end", "SessionEnd (logout)"),
        ("SomethingNew", {}, "hook.generic", "SomethingNew"),
    ],
)
def test_claude_hooks_map_to_events(hook: str, extra: dict[str, object], event: str, summary: str) -> None:
    call = parse_hook("claude", {**BASE, "hook_event_name": hook, **extra})
    assert (call.event, call.hook_type, call.summary) == (event, hook, summary)
    assert call.session_id == "s1" and call.cwd == "/repo" and call.transcript_path == "/t.jsonl"


def test_gemini_and_codex_shapes() -> None:
    gemini = parse_hook(
        "gemini",
        {
            **BASE,
            "hook_event_name": "BeforeTool",
            "tool_name": "run_shell_command",
            "tool_input": {"command": "ls"},
            "timestamp": "2026-11-26T06:00:00Z",
        },
    )
    assert gemini.event == "hook.pre_tool_use" and gemini.summary == "run_shell_command: ls"
    codex = parse_hook(
        "codex",
        {
            "type": "agent-turn-complete",
            "thread-id": "th1",
            "turn-id": "1",
            "cwd": "/r",
            "input-messages": ["hi"],
            "last-assistant-message": "Done.",
        },
    )
    assert (codex.event, codex.session_id, codex.summary) == ("hook.stop", "th1", "Done.")


@pytest.mark.parametrize(
    "body",
    [
        [],
        "x",
        {"hook_event_name": "Stop"},
        {"session_id": "", "hook_event_name": "Stop"},
        {"session_id": "x" * 129, "hook_event_name": "Stop"},
        {"session_id": "s", "hook_event_name": 3},
    ],
)
def test_unusable_payloads_are_refused(body: object) -> None:
    with pytest.raises(DomainError) as info:
        parse_hook("claude", body)
    assert info.value.status == 422


def test_merge_keeps_existing_hooks_and_is_idempotent() -> None:
    theirs = {
        "model": "opus",
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "their-check"}]}]
        },
    }
    merged, added = merge_hooks(theirs, "claude", "tidewire hook --source claude")
    assert added == len(CLAUDE_HOOKS)
    assert merged["model"] == "opus"
    assert merged["hooks"]["PreToolUse"][0]["hooks"][0]["command"] == "their-check"
    assert merged["hooks"]["PreToolUse"][1] == {
        "matcher": "*",
        "hooks": [{"type": "command", "command": "tidewire hook --source claude"}],
    }
    assert "matcher" not in merged["hooks"]["Stop"][0]
    again, added_again = merge_hooks(merged, "claude", "tidewire hook --source claude")
    assert added_again == 0 and again == merged


def test_install_writes_backup_and_refuses_bad_json(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"theme": "dark"}))
    text, added, backup = install(settings, "claude", "tidewire hook --source claude", dry_run=False)
    assert added == len(CLAUDE_HOOKS) and backup is not None
    assert json.loads(backup.read_text()) == {"theme": "dark"}
    assert json.loads(settings.read_text()) == json.loads(text)
    broken = tmp_path / "broken.json"
    broken.write_text("{oops")
    with pytest.raises(SettingsError):
        install(broken, "claude", "cmd", dry_run=False)
    assert broken.read_text() == "{oops"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    settings = tmp_path / "new" / "settings.json"
    text, added, backup = install(settings, "gemini", "tidewire hook --source gemini", dry_run=True)
    assert added > 0 and backup is None and not settings.exists()
    assert "BeforeTool" in json.loads(text)["hooks"]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)
_hook_names = st.sampled_from(["SessionStart", "PreToolUse", "BeforeTool", "agent-turn-complete", "Whatever"])


@given(
    body=st.one_of(
        _json,
        st.fixed_dictionaries(
            {"session_id": st.text(max_size=140), "hook_event_name": st.one_of(_hook_names, _json)},
            optional={
                "tool_name": _json,
                "tool_input": _json,
                "cwd": _json,
                "prompt": _json,
                "message": _json,
            },
        ),
    )
)
def test_any_body_is_either_refused_cleanly_or_becomes_a_valid_event(body: object) -> None:
    try:
        call = parse_hook("claude", body)
    except DomainError as exc:
        assert exc.status == 422 and exc.code == "invalid_argument"
        return
    assert call.event in EVENT_MODELS
    data = HookEvent(
        session_id=call.session_id,
        hook_type=call.hook_type,
        source=call.source,
        summary=call.summary,
        tool_name=call.tool_name,
        cwd=call.cwd,
    )
    EVENT_MODELS[call.event].model_validate(
        {
            "type": call.event,
            "seq": 1,
            "ts": "2026-11-26T06:00:00Z",
            "data": data.model_dump(exclude_none=True),
        }
    )
    assert "\n" not in call.summary and len(call.summary) <= 160
    json.loads(stored_payload(call.payload, limit=200))


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({**BASE, "session_id": "\ud800", "hook_event_name": "Stop"}, "session_id"),
        ({**BASE, "hook_event_name": "Stop\udc80"}, "hook_event_name"),
        ({**BASE, "hook_event_name": "PreToolUse", "tool_name": "B\ud800"}, "tool_name"),
        ({**BASE, "cwd": "/repo/\udfff", "hook_event_name": "Stop"}, "cwd"),
        (
            {**BASE, "hook_event_name": "PreToolUse", "tool_input": {"command": ["ok", "\ud800"]}},
            "tool_input.command[1]",
        ),
        ({**BASE, "hook_event_name": "Stop", "extra": {"\ud800": 1}}, "extra.<key>"),
        (
            {"type": "agent-turn-complete", "thread-id": "t", "input-messages": ["\ud800"]},
            "input-messages[0]",
        ),
    ],
)
def test_a_lone_surrogate_anywhere_is_refused_naming_the_field(body: dict[str, object], where: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_hook("claude", body)
    assert caught.value.status == 422 and caught.value.code == "invalid_argument"
    assert f"hook payload: {where} holds a lone surrogate" in caught.value.message


def test_a_surrogate_pair_is_text_and_passes() -> None:
    call = parse_hook("claude", {**BASE, "hook_event_name": "UserPromptSubmit", "prompt": "\U0001f600 ok"})
    assert call.summary == "\U0001f600 ok"
