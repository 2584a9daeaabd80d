"""The domain through a real daemon on PostgreSQL: a representative set of the REST, socket, hook
and MCP tests, run unchanged against `tidewire serve --store postgresql://…`.

The test bodies are the ones in tests/integration (which run them on the SQLite default); here
`daemon_factory`, and so `daemon`, start every daemon on the test's own PostgreSQL database, so
the same assertions hold on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support import Daemon
from support.pg_url import pg_url
from support.shared_tests import share


@pytest.fixture
def daemon_factory(daemon_factory: Callable[..., Daemon], pg_dsn: str) -> Callable[..., Daemon]:
    def make(*args: str, **kw: Any) -> Daemon:
        d = daemon_factory(*args, "--store", pg_url(pg_dsn), **kw)
        if d.running:
            assert "store postgresql postgresql://" in d.log(), d.log()
        return d

    return make


# Each module's tests (and the fixtures they need beside conftest's), by name, as they are.
SHARED = {
    "test_rest_tasks": (
        "test_rest_agrees_with_events",
        "test_noop_update_emits_nothing_and_reports_the_head",
        "test_errors_are_json_and_write_nothing",
        "test_close_twice_is_a_conflict_and_repeat_registration_too",
        "test_default_project_is_ambiguous_with_two",
    ),
    "test_rest_projects": (
        "test_register_rename_remove_agree_with_their_events",
        "test_refusals_are_json_errors_that_change_nothing",
    ),
    "test_ws_resume": (
        "test_resume_replays_exactly_the_missed_subscribed_events_then_continues",
        "test_resume_at_the_head_is_immediate",
        "test_other_epoch_gives_resync_epoch_changed",
        "test_resume_beyond_the_head_is_an_error",
        "test_resume_older_than_the_log_gives_gap_too_old",
        "test_resume_across_a_restart_replays_from_the_database",
    ),
    "test_hooks_sessions": (
        "_own_hook_spool",  # autouse: each test its own hook spool
        "test_each_hook_type_creates_and_updates_the_session",
        "test_bad_payloads_are_refused_and_record_nothing",
        "test_transcript_lines_become_messages_once_across_a_restart",
    ),
    "test_session_waiting_reason": (
        "test_a_notification_sets_the_reason_and_leaving_waiting_clears_it",
        "test_a_permission_request_waits_with_the_tool_it_asks_for",
    ),
    "test_session_late_project": (
        "test_sessions_inside_a_newly_registered_repository_take_it_as_their_project",
    ),
    "test_mcp_tools": (
        "transport",  # http and stdio
        "test_every_tool_emits_its_event",
        "test_bad_arguments_are_tool_errors_and_emit_nothing",
    ),
    "test_idempotency": ("test_a_key_names_one_request",),
}

share(globals(), SHARED)
