"""Subscription patterns: syntax, wildcards, the high-volume rule, filters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tidewire.protocol import EVENT_MODELS, HIGH_VOLUME
from tidewire.ws.subscriptions import SubscriptionError, SubscriptionSet, parse_pattern


def subs(*patterns: str) -> SubscriptionSet:
    s = SubscriptionSet()
    s.add(patterns)
    return s


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "task",
        "task.",
        ".task",
        "task.**",
        "Task.created",
        "task.*.x",
        "task.created:",
        "task.created:=x",
        "task.created:f",
        "task.created:f=",
        "task created",
        "*:",
        "**",
        "task.created:1x=y",
    ],
)
def test_bad_syntax_is_refused(bad: str) -> None:
    with pytest.raises(SubscriptionError):
        parse_pattern(bad)


def test_a_bad_pattern_changes_nothing() -> None:
    s = subs("task.*")
    with pytest.raises(SubscriptionError):
        s.add(["worktree.*", "bad pattern"])
    assert s.events == ["task.*"]


def test_wildcards_skip_high_volume_events() -> None:
    everything = subs("*")
    mcp = subs("mcp.*")
    for name in EVENT_MODELS:
        assert everything.matches(name, {}) == (name not in HIGH_VOLUME)
    assert mcp.matches("mcp.server_connected", {})
    assert not mcp.matches("mcp.tool_called", {})
    assert subs("mcp.tool_called").matches("mcp.tool_called", {})


def test_filters_match_data_fields_including_nested_and_non_strings() -> None:
    s = subs("session.message:session_id=abc")
    assert s.matches("session.message", {"session_id": "abc"})
    assert not s.matches("session.message", {"session_id": "abd"})
    assert not s.matches("session.message", {})
    assert not s.matches("session.created", {"session_id": "abc"})
    nested = subs("task.*:task.status=closed")
    assert nested.matches("task.updated", {"task": {"status": "closed"}})
    assert not nested.matches("task.updated", {"task": "closed"})
    assert subs("mcp.tool_called:ok=true").matches("mcp.tool_called", {"ok": True})
    assert subs("task.created:task.priority=2").matches("task.created", {"task": {"priority": 2}})


def test_filters_keep_the_high_volume_rule() -> None:
    assert not subs("*:session_id=x").matches("session.message", {"session_id": "x"})
    assert subs("session.*:session_id=x").matches("session.created", {"session_id": "x"})


def test_add_and_remove_are_idempotent() -> None:
    s = subs("task.*", "task.*")
    assert s.events == ["task.*"]
    s.remove(["worktree.*", "task.*", "task.*"])
    assert s.events == []
    assert not s.matches("task.created", {})


names = st.sampled_from(sorted(EVENT_MODELS))


@given(
    st.lists(st.sampled_from(["*", "task.*", "session.*", "mcp.*", "hook.*", "agent.*"]) | names, max_size=6),
    names,
    st.dictionaries(st.sampled_from(["session_id", "task_id"]), st.sampled_from(["a", "b"])),
)
def test_matching_agrees_with_a_direct_reading_of_the_rules(
    patterns: list[str], name: str, data: dict[str, str]
) -> None:
    s = subs(*patterns) if patterns else SubscriptionSet()

    def one(p: str) -> bool:
        if p == name:
            return True
        if name in HIGH_VOLUME:
            return False
        return p == "*" or (p.endswith(".*") and name.startswith(p[:-1]))

    assert s.matches(name, data) == any(one(p) for p in patterns)
    # The per-type cache gives the same answer the second time.
    assert s.matches(name, data) == any(one(p) for p in patterns)
