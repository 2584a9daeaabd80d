"""Schema-valid frames the fake daemon sends: welcome, the events a case commits, and the
subscription set every client under test is given."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

SESSION_ID = "s_conformance"
# What every client under test subscribes to (TIDEWIRE_EVENTS): a prefix, an exact name and a
# filtered high-volume name, so a resubscribe that drops or rewrites one pattern shows.
PATTERNS: tuple[str, ...] = ("task.*", "worktree.created", f"session.message:session_id={SESSION_ID}")
# One event type per pattern above, used in turn by `event_data`.
KINDS: tuple[str, ...] = ("task.created", "task.updated", "worktree.created", "session.message")
HEARTBEAT_MS = 1000
PROTOCOL = "tidewire.v1"

_ids = itertools.count(1)


def now_ts() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def welcome(epoch: str, seq: int, oldest_seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": PROTOCOL,
        "server_id": "srv_conformance",
        "epoch": epoch,
        "seq": seq,
        "heartbeat_ms": HEARTBEAT_MS,
        "oldest_seq": oldest_seq,
        "max_frame_bytes": 1 << 20,
        **extra,
    }


def _task(task_id: str, status: str) -> dict[str, Any]:
    ts = now_ts()
    return {
        "id": task_id,
        "project_id": "prj_conformance",
        "title": f"Conformance task {task_id}",
        "description": "",
        "status": status,
        "priority": 2,
        "labels": [],
        "parent_id": None,
        "created_at": ts,
        "updated_at": ts,
        "closed_at": None,
        "closed_reason": None,
    }


def event_data(kind: str) -> dict[str, Any]:
    """A valid `data` for one of KINDS (or any object for a type the schemas do not know)."""
    n = next(_ids)
    if kind == "task.created":
        task_id = f"tsk_{n:04d}"
        return {"task_id": task_id, "project_id": "prj_conformance", "task": _task(task_id, "open")}
    if kind == "task.updated":
        task_id = f"tsk_{n:04d}"
        return {
            "task_id": task_id,
            "project_id": "prj_conformance",
            "task": _task(task_id, "in_progress"),
            "changed": ["status"],
            "previous": {"status": "open"},
        }
    if kind == "worktree.created":
        ts = now_ts()
        worktree = {
            "id": f"wt_{n:04d}",
            "project_id": "prj_conformance",
            "task_id": None,
            "branch": f"tw/conformance-{n}",
            "base_branch": "main",
            "path": f"/tmp/conformance/wt_{n:04d}",
            "status": "active",
            "owner": None,
            "created_at": ts,
            "updated_at": ts,
        }
        return {"worktree_id": worktree["id"], "project_id": "prj_conformance", "worktree": worktree}
    if kind == "session.message":
        return {
            "session_id": SESSION_ID,
            "index": n,
            "role": "assistant",
            "content": [{"type": "text", "text": f"message {n}"}],
            "ts": now_ts(),
        }
    return {"note": f"an event of a type this client does not know ({n})"}


def event(kind: str, seq: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": kind, "seq": seq, "ts": now_ts(), "data": event_data(kind) if data is None else data}
