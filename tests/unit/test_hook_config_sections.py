"""The sources' config sections are checked up front, and argv templates are filled in one pass."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tidewire.errors import InvalidArgument
from tidewire.sources.agents import Placement, build_argv, fill_placeholders
from tidewire.sources.options import check_sources_config, mcp_options, session_options


def test_a_good_config_passes_and_unknown_keys_are_reported() -> None:
    raw: dict[str, Any] = {
        "agent": {"command": ["claude", "-p", "{prompt}"], "grace_seconds": 0},
        "sessions": {"idle_timeout_seconds": 60, "poll_interval_seconds": 0.25},
        "mcp": {"max_failures": 2, "backof_base_seconds": 1},
        "autonomous": {"command": ["agent", "{prompt}"], "prompt": "{title}", "max_iteration": 3},
        "server": {"anything": 1},  # not a section of the sources
    }
    warnings = check_sources_config(raw)
    assert len(warnings) == 2
    assert "mcp.backof_base_seconds" in warnings[0] and "backoff_base_seconds" in warnings[0]
    assert "autonomous.max_iteration" in warnings[1]
    assert mcp_options(raw).max_failures == 2 and mcp_options(raw).backoff_base == 0.5
    assert session_options(raw) == (0.25, 60.0)
    assert check_sources_config({}) == []


BAD: list[tuple[dict[str, Any], str]] = [
    ({"mcp": {"max_failures": "three"}}, "mcp.max_failures"),
    ({"mcp": {"max_failures": 0}}, "mcp.max_failures"),
    ({"mcp": {"max_failures": 2.5}}, "mcp.max_failures"),
    ({"mcp": {"backoff_base_seconds": "fast"}}, "mcp.backoff_base_seconds"),
    ({"mcp": {"call_timeout_seconds": -1}}, "mcp.call_timeout_seconds"),
    ({"mcp": {"health_interval_seconds": 0}}, "mcp.health_interval_seconds"),
    ({"mcp": {"connect_timeout_seconds": float("inf")}}, "mcp.connect_timeout_seconds"),
    ({"mcp": {"backoff_max_seconds": True}}, "mcp.backoff_max_seconds"),
    ({"mcp": 5}, "[mcp]"),
    ({"sessions": {"poll_interval_seconds": "often"}}, "sessions.poll_interval_seconds"),
    ({"sessions": {"poll_interval_seconds": 0}}, "sessions.poll_interval_seconds"),
    ({"sessions": {"idle_timeout_seconds": [1]}}, "sessions.idle_timeout_seconds"),
    ({"autonomous": {"command": "claude -p {prompt}"}}, "autonomous.command"),
    ({"autonomous": {"command": []}}, "autonomous.command"),
    ({"autonomous": {"command": ["", "x"]}}, "autonomous.command[0]"),
    ({"autonomous": {"command": ["a", 1]}}, "autonomous.command"),
    ({"autonomous": {"prompt": 7}}, "autonomous.prompt"),
    ({"autonomous": ["x"]}, "[autonomous]"),
    ({"agent": {"grace_seconds": "soon"}}, "agent.grace_seconds"),
    ({"agent": {"command": "claude"}}, "agent.command"),
]


@pytest.mark.parametrize(("raw", "key"), BAD)
def test_a_bad_value_is_refused_naming_its_key(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_sources_config(raw)
    assert key in caught.value.message


PLACE = Placement("/repo", "prj_1", "tsk_1", "wt_1")


def test_placeholders_in_the_prompt_are_not_expanded() -> None:
    template = ["agent", "--dir={cwd}", "{prompt}", "{task_id}:{unknown}"]
    assert build_argv(template, "literal {cwd} {task_id} {prompt}", PLACE) == [
        "agent",
        "--dir=/repo",
        "literal {cwd} {task_id} {prompt}",
        "tsk_1:{unknown}",
    ]


@given(st.text(), st.text())
def test_any_text_is_put_in_as_written(prompt: str, title: str) -> None:
    assert build_argv(["<{prompt}>"], prompt, PLACE) == [f"<{prompt}>"]
    values = {"title": title, "description": prompt, "task_id": "tsk_1"}
    assert fill_placeholders("{title}|{description}|{task_id}", values) == f"{title}|{prompt}|tsk_1"
