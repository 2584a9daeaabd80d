"""The subscription index against the direct reading of the rules, and the filter caps."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tidewire.protocol import EVENT_MODELS, HIGH_VOLUME
from tidewire.ws.subscriptions import (
    MAX_FILTER_CLAUSES,
    MAX_PATTERNS,
    FilterBudget,
    FilterLimitError,
    Pattern,
    SubscriptionError,
    SubscriptionSet,
    parse_pattern,
)

TYPES = [*sorted(EVENT_MODELS), "x.y", "x.y.z", "x.yz"]
NAME_PARTS = ["*", "task.*", "session.*", "mcp.*", "x.*", "x.y.*", "x.y", "x.y.z", *sorted(HIGH_VOLUME)]
NAME_PARTS += sorted(EVENT_MODELS)[:8]
FIELDS = ["a", "n", "a.b", "a.b.c", "task.status", "task_id", "b"]
VALUES = ["x", "1", "1.0", "01", "-0", "0", "2", "1e0", "true", "false", "null", "y"]
KEYS = ["a", "b", "c", "n", "task", "status", "task_id"]
SCALARS = st.sampled_from(["x", "1", "y", "true", "null", 1, 1.0, 2, 0, -0.0, True, False, None, 10**20])

patterns = st.builds(
    lambda name, flt: name if flt is None else f"{name}:{flt[0]}={flt[1]}",
    st.sampled_from(NAME_PARTS),
    st.none() | st.tuples(st.sampled_from(FIELDS), st.sampled_from(VALUES)),
)
data = st.recursive(
    SCALARS | st.just([]),
    lambda inner: st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
).filter(lambda d: isinstance(d, dict))
events = st.tuples(st.sampled_from(TYPES), data)


def brute_force(held: list[Pattern], event_type: str, event_data: dict[str, Any]) -> bool:
    return any(p.matches_type(event_type) and p.matches_data(event_data) for p in held)


@settings(max_examples=300)
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.lists(patterns, min_size=1, max_size=8)),
        min_size=1,
        max_size=8,
    ),
    probes=st.lists(events, min_size=1, max_size=12),
)
def test_indexed_matching_equals_matching_every_pattern(
    steps: list[tuple[bool, list[str]]], probes: list[tuple[str, dict[str, Any]]]
) -> None:
    s = SubscriptionSet(FilterBudget())
    for adding, texts in steps:
        if adding:
            s.add(texts)
        else:
            s.remove(texts)
        held = [parse_pattern(t) for t in s.events]
        for event_type, event_data in probes:
            expected = brute_force(held, event_type, event_data)
            assert s.matches(event_type, event_data) == expected
            assert s.matches(event_type, event_data) == expected  # and again, from the type cache


@given(texts=st.lists(patterns, min_size=1, max_size=30))
def test_removing_everything_leaves_an_empty_index_and_budget(texts: list[str]) -> None:
    budget = FilterBudget()
    s = SubscriptionSet(budget)
    s.add(texts)
    s.remove(reversed(texts))
    assert s.events == [] and s.clauses == 0 and budget.used == 0
    assert not any(s.matches(t, {"a": "x", "n": 1}) for t in TYPES)


def test_numbers_match_by_value_and_booleans_are_not_numbers() -> None:
    s = SubscriptionSet()
    s.add(["*:n=1"])
    assert s.matches("task.created", {"n": 1.0})
    assert s.matches("task.created", {"n": "1"})
    assert not s.matches("task.created", {"n": True})
    t = SubscriptionSet()
    t.add(["*:n=true"])
    assert t.matches("task.created", {"n": True})
    assert not t.matches("task.created", {"n": 1})


def test_many_values_on_one_deep_field_match_as_one_lookup() -> None:
    s = SubscriptionSet()
    s.add([f"task.*:a.b.c=v{i}" for i in range(MAX_PATTERNS)])
    assert s.matches("task.updated", {"a": {"b": {"c": "v1023"}}})
    assert not s.matches("task.updated", {"a": {"b": {"c": "v1024"}}})
    assert not s.matches("worktree.created", {"a": {"b": {"c": "v1"}}})


def test_clauses_count_path_segments_and_are_capped_per_connection() -> None:
    budget = FilterBudget()
    s = SubscriptionSet(budget)
    deep = ".".join(["f"] * 8)
    s.add([f"*:{deep}=v{i}" for i in range(MAX_FILTER_CLAUSES // 8)])
    assert s.clauses == MAX_FILTER_CLAUSES == budget.used
    s.add(["task.*", "task.created"])  # unfiltered patterns cost nothing
    with pytest.raises(FilterLimitError):
        s.add(["task.created:a=1", "worktree.*"])
    assert "worktree.*" not in s.events  # nothing in the refused frame was applied
    assert s.clauses == MAX_FILTER_CLAUSES == budget.used
    s.remove([f"*:{deep}=v0"])
    assert s.clauses == budget.used == MAX_FILTER_CLAUSES - 8
    s.add(["task.created:a=1"])
    assert s.clauses == MAX_FILTER_CLAUSES - 7


def test_the_daemon_wide_budget_is_shared_and_released() -> None:
    budget = FilterBudget(limit=10)
    one, two = SubscriptionSet(budget), SubscriptionSet(budget)
    one.add(["*:a.b.c=1", "*:a.b.c=2", "*:a.b=3"])  # 3 + 3 + 2
    with pytest.raises(FilterLimitError, match="across all sockets"):
        two.add(["*:a=1", "*:a.b=2"])
    assert two.events == [] and budget.used == 8
    two.add(["*:a=1", "*:b=2"])
    assert budget.used == 10
    one.add(["*:a.b.c=1"])  # already held: free
    one.release()
    assert budget.used == 2
    two.add(["*:x.y=1"])
    assert budget.used == 4


def test_a_filter_cap_error_is_still_a_subscription_error() -> None:
    # Callers that only know SubscriptionError keep refusing the frame as a whole.
    assert issubclass(FilterLimitError, SubscriptionError)


def test_a_set_without_a_budget_releases_without_one() -> None:
    s = SubscriptionSet()
    s.add(["task.*:a.b=x"])
    s.release()
    assert s.clauses == 2


def test_a_released_set_no_longer_draws_on_the_budget() -> None:
    budget = FilterBudget(limit=10)
    s = SubscriptionSet(budget)
    s.add(["task.*:a=x"])
    s.release()
    assert budget.used == 0
    s.add(["task.*:b=x"])  # a late frame on a closing socket
    assert budget.used == 0


@pytest.mark.parametrize(
    ("pattern", "data", "expected"),
    [
        ("*:flag=false", {"flag": False}, True),
        ("*:flag=true", {"flag": False}, False),
        ("*:flag=true", {"flag": True}, True),
        ("*:flag=false", {"flag": True}, False),
        ("*:v=null", {"v": None}, True),
        ("*:v=null", {"v": {}}, False),
        ("*:v=null", {"v": "null"}, True),
        ("*:n=1", {"n": True}, False),
        ("*:n=true", {"n": 1}, False),
        ("*:n=1", {"n": 1.0}, True),
        ("*:n=x", {"n": 1}, False),
        ("*:s=1", {"s": "1"}, True),
    ],
)
def test_scalars_match_as_the_rules_say_in_the_index_and_the_reference(
    pattern: str, data: dict[str, Any], expected: bool
) -> None:
    s = SubscriptionSet()
    s.add([pattern])
    assert s.matches("task.created", data) is expected
    parsed = parse_pattern(pattern)
    assert (parsed.matches_type("task.created") and parsed.matches_data(data)) is expected


def test_the_reference_reads_kinds_as_the_index_does() -> None:
    assert parse_pattern("*").matches_type("task.created")
    assert not parse_pattern("*").matches_type("session.message")
    assert parse_pattern("task.*").matches_type("task.created")
    assert not parse_pattern("task.*").matches_type("agent.started")
    assert parse_pattern("session.message").matches_type("session.message")
