"""The call-key records without a daemon: fingerprints, key checks, lookup and pruning by age."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tidewire.mcp import call_key_records as records
from tidewire.store.clock import format_ts

MIGRATION = Path(records.__file__).parents[1] / "store" / "migrations" / "0005_exactly_once_edges.sql"


def test_a_fingerprint_is_the_tool_and_the_arguments_by_meaning() -> None:
    one = records.fingerprint("create_task", {"title": "a", "labels": ["x"]})
    assert one == records.fingerprint("create_task", {"labels": ["x"], "title": "a"})
    assert one != records.fingerprint("create_task", {"title": "b", "labels": ["x"]})
    assert one != records.fingerprint("update_task", {"title": "a", "labels": ["x"]})
    assert records.fingerprint("list_tasks", None) == records.fingerprint("list_tasks", {})


def test_keys_are_short_printable_ascii() -> None:
    assert records.valid_key("abc-123") == "abc-123"
    for bad in ("", "a b", "x" * 129, "é", 7, None):
        assert records.valid_key(bad) is None


def test_lookup_finish_and_prune_by_age() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(MIGRATION.read_text())
    now = datetime.now(UTC)
    records.record(conn, "old", "f1", format_ts(now - timedelta(seconds=100)), {"id": "t1"})
    records.record(conn, "new", "f2", format_ts(now), {"id": "t2"})
    records.finish(conn, "new", {"content": [], "isError": False})
    found = records.lookup(conn, "new", now, 60)
    assert (
        found is not None
        and found.committed == {"id": "t2"}
        and found.result == {"content": [], "isError": False}
    )
    assert records.lookup(conn, "old", now, 60) is None  # expired: a new key again
    assert records.lookup(conn, "old", now, 1000) is not None
    assert records.prune(conn, now, 60) == 1
    assert records.lookup(conn, "old", now, 1000) is None


def test_a_result_rebuilt_from_the_committed_record_is_a_valid_tool_result() -> None:
    import mcp_types as types
    from pydantic import BaseModel
    from tidewire.mcp import call_keys

    class Record(BaseModel):
        id: str
        title: str

    committed = call_keys._committed_value((Record(id="tsk_1", title="t"), 12))
    assert committed == {"id": "tsk_1", "title": "t"}
    wire = call_keys._from_committed(committed)
    result = types.CallToolResult.model_validate(wire, by_name=False)
    assert result.structured_content == committed and not result.is_error
    error = types.CallToolResult.model_validate(call_keys.error_result("call_key_reused: x"), by_name=False)
    assert error.is_error
