"""The `mcp_call_keys` table and the call fingerprint: look a key up, record it, finish it, prune."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tidewire.store.clock import format_ts

# The `_meta` field a client puts its key in (a vendor prefix, as the MCP spec asks of `_meta` keys).
CALL_KEY_META = "tidewire/call-key"
MAX_KEY_LENGTH = 128


def fingerprint(tool: str, arguments: Any) -> str:
    """Two calls are "the same call" when the tool and the arguments (by meaning) are the same."""
    canonical = json.dumps(
        {"tool": tool, "arguments": arguments or {}},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(value: object) -> str | None:
    """The key if it is 1-128 printable ASCII characters, else None."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_KEY_LENGTH:
        return None
    if not all(0x21 <= ord(ch) <= 0x7E for ch in value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class CallRecord:
    key: str
    fingerprint: str
    committed: Any  # the first write's result (JSON), or None
    result: dict[str, Any] | None  # the tool result as sent, once the call finished


def _cutoff(now: datetime, ttl_seconds: float) -> str:
    return format_ts((now - timedelta(seconds=ttl_seconds)).astimezone(UTC))


def lookup(conn: sqlite3.Connection, key: str, now: datetime, ttl_seconds: float) -> CallRecord | None:
    """The key's record unless it expired (an expired key is a new key, as for REST keys)."""
    row = conn.execute(
        "SELECT call_key, fingerprint, committed, result FROM mcp_call_keys"
        " WHERE call_key = ? AND created_at >= ?",
        (key, _cutoff(now, ttl_seconds)),
    ).fetchone()
    if row is None:
        return None
    committed = json.loads(row[2]) if row[2] is not None else None
    result = json.loads(row[3]) if row[3] is not None else None
    return CallRecord(row[0], row[1], committed, result)


def record(conn: sqlite3.Connection, key: str, print_: str, created_at: str, committed: Any) -> None:
    conn.execute(
        "INSERT INTO mcp_call_keys (call_key, fingerprint, created_at, committed) VALUES (?, ?, ?, ?)",
        (key, print_, created_at, json.dumps(committed, separators=(",", ":"), default=str)),
    )


def finish(conn: sqlite3.Connection, key: str, result: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE mcp_call_keys SET result = ? WHERE call_key = ?",
        (json.dumps(result, separators=(",", ":")), key),
    )


def prune(conn: sqlite3.Connection, now: datetime, ttl_seconds: float) -> int:
    """Delete keys older than the TTL (the REST keys' TTL); `created_at` sorts as it reads."""
    return conn.execute(
        "DELETE FROM mcp_call_keys WHERE created_at < ?", (_cutoff(now, ttl_seconds),)
    ).rowcount
