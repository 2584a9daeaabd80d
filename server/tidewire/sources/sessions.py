"""Agent CLI sessions: created and updated from hook calls, messages from their transcripts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from tidewire.errors import InvalidArgument, NotFound
from tidewire.protocol.models import HookEvent, Session, SessionEventData, SessionMessage
from tidewire.services.rows import fetch_all, fetch_one
from tidewire.sources import hook_envelopes
from tidewire.sources.hook_payloads import HookCall, status_after, stored_payload, waiting_reason
from tidewire.sources.records import message_from_row, session_from_row
from tidewire.sources.transcript import ReadResult, TranscriptCursor
from tidewire.sources.txn import StoreLike, Tx

# Fields whose change is worth a `session.updated` (last_hook and updated_at change on every call).
_WATCHED = ("status", "waiting_reason", "cwd", "git_branch", "transcript_path", "project_id", "tool_count")
# The record's fields, for `changed` (the row also holds the daemon's transcript cursor).
_RECORD_FIELDS = tuple(Session.model_fields)


def _changed(before: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Every field of the session record that differs: `changed` names all of them."""
    return [name for name in _RECORD_FIELDS if name in row and row[name] != before.get(name)]


@dataclass(frozen=True)
class HookOutcome:
    session: Session
    created: bool
    events: list[str]
    # Said back to the hook's sender, e.g. that its transcript will not be followed and why.
    notes: list[str] = field(default_factory=list)


def _project_for(conn: Any, cwd: str | None) -> str | None:
    """The registered project whose path contains `cwd` (the deepest one)."""
    if not cwd:
        return None
    return _deepest(fetch_all(conn, "SELECT id, path FROM projects"), cwd)


def _deepest(projects: list[dict[str, Any]], cwd: str) -> str | None:
    best: tuple[int, str] | None = None
    for row in projects:
        path = str(row["path"]).rstrip(os.sep)
        if cwd == path or cwd.startswith(path + os.sep):
            if best is None or len(path) > best[0]:
                best = (len(path), str(row["id"]))
    return best[1] if best else None


def _emit_session(tx: Tx, name: str, row: dict[str, Any], changed: list[str] | None = None) -> None:
    data = SessionEventData(session_id=row["id"], session=session_from_row(row))
    if changed is not None:
        data.changed = changed
    tx.emit(name, data)


def adopt_sessions(tx: Tx, root: str) -> int:
    """Sessions working inside a repository registered after they started take it as their project.

    Called in the transaction that registers the project, so the project and every session it
    adopts commit together. The deepest registered repository wins, as for a session that starts
    later; each session that changes gets a `session.updated` naming `project_id`. Returns how
    many changed.
    """
    root = root.rstrip(os.sep)
    projects = fetch_all(tx.conn, "SELECT id, path FROM projects")
    adopted = 0
    for existing in fetch_all(tx.conn, "SELECT * FROM sessions WHERE cwd IS NOT NULL"):
        cwd = str(existing["cwd"])
        if cwd != root and not cwd.startswith(root + os.sep):
            continue
        project_id = _deepest(projects, cwd)
        if project_id == existing["project_id"]:
            continue
        before = dict(existing)
        row = {**before, "project_id": project_id, "updated_at": tx.now}
        _store_row(tx, row)
        _emit_session(tx, "session.updated", row, _changed(before, row))
        adopted += 1
    return adopted


def _store_row(tx: Tx, row: dict[str, Any]) -> None:
    tx.conn.execute(
        """INSERT INTO sessions (id, source, status, waiting_reason, cwd, git_branch, transcript_path,
               project_id, started_at, updated_at, ended_at, last_hook, tool_count, message_count,
               transcript_cursor)
           VALUES (:id, :source, :status, :waiting_reason, :cwd, :git_branch, :transcript_path,
                   :project_id, :started_at, :updated_at, :ended_at, :last_hook, :tool_count,
                   :message_count, :transcript_cursor)
           ON CONFLICT (id) DO UPDATE SET
               status = excluded.status, waiting_reason = excluded.waiting_reason,
               cwd = excluded.cwd, git_branch = excluded.git_branch,
               transcript_path = excluded.transcript_path, project_id = excluded.project_id,
               updated_at = excluded.updated_at, ended_at = excluded.ended_at, last_hook = excluded.last_hook,
               tool_count = excluded.tool_count, message_count = excluded.message_count,
               transcript_cursor = excluded.transcript_cursor""",
        row,
    )


def _record_hook(tx: Tx, call: HookCall, git_branch: str | None) -> HookOutcome:
    existing = fetch_one(tx.conn, "SELECT * FROM sessions WHERE id = ?", (call.session_id,))
    status = status_after(call)
    tools = 1 if call.event == "hook.pre_tool_use" else 0
    events: list[str] = []
    if existing is None:
        row: dict[str, Any] = {
            "id": call.session_id,
            "source": call.source,
            "status": status or "active",
            "waiting_reason": None,
            "cwd": call.cwd,
            "git_branch": git_branch,
            "transcript_path": call.transcript_path,
            "project_id": _project_for(tx.conn, call.cwd),
            "started_at": tx.now,
            "updated_at": tx.now,
            "ended_at": tx.now if status == "ended" else None,
            "last_hook": call.hook_type,
            "tool_count": tools,
            "message_count": 0,
            "transcript_cursor": None,
        }
        before = None
    else:
        before = dict(existing)
        row = dict(existing)
        row["updated_at"] = tx.now
        row["last_hook"] = call.hook_type
        row["tool_count"] = int(row["tool_count"]) + tools
        if status is not None:
            row["status"] = status
        elif row["status"] == "ended":
            row["status"] = "active"  # any hook after the end means the session was resumed
        if row["status"] != "ended":
            row["ended_at"] = None
        elif before["status"] != "ended":
            row["ended_at"] = tx.now
        if call.cwd and call.cwd != row["cwd"]:
            row["cwd"] = call.cwd
            row["project_id"] = _project_for(tx.conn, call.cwd)
        if git_branch and git_branch != row["git_branch"]:
            row["git_branch"] = git_branch
        if call.transcript_path and call.transcript_path != row["transcript_path"]:
            row["transcript_path"] = call.transcript_path
            # A new file is read from its start; its messages continue the session's numbering.
            row["transcript_cursor"] = TranscriptCursor(next_index=int(row["message_count"])).to_json()
    # A waiting session keeps the reason it was given until a hook says why anew (a second
    # notification) or it stops waiting; any other status has none.
    if row["status"] != "waiting":
        row["waiting_reason"] = None
    elif status == "waiting":
        row["waiting_reason"] = waiting_reason(call)
    _store_row(tx, row)
    if before is None:
        _emit_session(tx, "session.created", row)
        events.append("session.created")
    tx.conn.execute(
        """INSERT INTO hook_calls
               (session_id, source, hook_type, event, summary, tool_name, received_at, payload)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            call.session_id,
            call.source,
            call.hook_type,
            call.event,
            call.summary,
            call.tool_name,
            tx.now,
            stored_payload(call.payload),
        ),
    )
    tx.emit(
        call.event,
        HookEvent(
            session_id=call.session_id,
            hook_type=call.hook_type,
            source=call.source,
            summary=call.summary,
            tool_name=call.tool_name,
            cwd=call.cwd,
        ),
    )
    events.append(call.event)
    if before is not None:
        changed = _changed(before, row)
        if row["status"] == "ended" and before["status"] != "ended":
            _emit_session(tx, "session.ended", row, changed)
            events.append("session.ended")
        elif any(name in changed for name in _WATCHED):
            _emit_session(tx, "session.updated", row, changed)
            events.append("session.updated")
    return HookOutcome(session_from_row(row), before is None, events)


async def record_hook(
    store: StoreLike, call: HookCall, git_branch: str | None, envelope_id: str | None = None
) -> HookOutcome:
    """Stores one hook call and its session change, emitting the events in one transaction.

    With an envelope id, the id is stored in that transaction too, and a call whose id is
    already stored (a redelivery from the hook spool) changes and emits nothing.
    """

    def fn(tx: Tx) -> HookOutcome:
        if envelope_id is not None and not hook_envelopes.claim(tx, envelope_id, call.session_id):
            row = fetch_one(tx.conn, "SELECT * FROM sessions WHERE id = ?", (call.session_id,))
            if row is not None:
                return HookOutcome(session_from_row(row), False, [])
        return _record_hook(tx, call, git_branch)

    return await store.write(fn)


async def known_cwd(store: StoreLike, session_id: str) -> str | None:
    """The session's stored cwd (None for a session not seen yet)."""
    sql = "SELECT cwd FROM sessions WHERE id = ?"
    row, _ = await store.read(lambda conn: fetch_one(conn, sql, (session_id,)))
    return None if row is None else row["cwd"]


def _apply_transcript(tx: Tx, session_id: str, expected: str | None, result: ReadResult) -> int:
    row = fetch_one(tx.conn, "SELECT * FROM sessions WHERE id = ?", (session_id,))
    if row is None or row["transcript_cursor"] != expected:
        return -1  # someone else moved the cursor since we read: the next pass reads again
    before = dict(row)
    for message in result.messages:
        tx.conn.execute(
            """INSERT INTO session_messages (session_id, idx, role, content, tool_name, ts)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                session_id,
                message.index,
                message.role,
                json.dumps([block.model_dump(exclude_none=True) for block in message.content]),
                message.tool_name,
                message.ts,
            ),
        )
        tx.emit(
            "session.message",
            SessionMessage(
                session_id=session_id,
                index=message.index,
                role=message.role,
                content=message.content,
                tool_name=message.tool_name,
                ts=message.ts,
            ),
        )
        if message.git_branch:
            row["git_branch"] = message.git_branch
    row["transcript_cursor"] = result.cursor.to_json()
    row["message_count"] = result.cursor.next_index
    if result.messages:
        row["updated_at"] = tx.now  # new messages are activity: they hold off the idle timeout
    _store_row(tx, row)
    if row["git_branch"] != before["git_branch"]:
        _emit_session(tx, "session.updated", row, _changed(before, row))
    return len(result.messages)


async def apply_transcript(
    store: StoreLike, session_id: str, expected: str | None, result: ReadResult
) -> int:
    return await store.write(lambda tx: _apply_transcript(tx, session_id, expected, result))


def empty_cursor_json() -> str:
    return TranscriptCursor().to_json()


@dataclass(frozen=True)
class FollowTarget:
    session_id: str
    path: str
    cursor_json: str | None

    @property
    def cursor(self) -> TranscriptCursor:
        return TranscriptCursor.from_json(self.cursor_json)


async def follow_targets(store: StoreLike, ended_after: str) -> list[FollowTarget]:
    """Sessions whose transcript is followed: live ones, and ones that ended recently (final lines).

    Only JSONL transcripts (Claude Code's format) are read; other CLIs' files are left alone.
    """
    rows, _ = await store.read(
        lambda conn: fetch_all(
            conn,
            """SELECT id, transcript_path, transcript_cursor FROM sessions
               WHERE transcript_path LIKE '%.jsonl' AND (status <> 'ended' OR ended_at > ?)""",
            (ended_after,),
        )
    )
    return [FollowTarget(r["id"], r["transcript_path"], r["transcript_cursor"]) for r in rows]


async def project_paths(store: StoreLike) -> list[str]:
    """Registered projects' directories: transcripts may be read from inside them."""
    rows, _ = await store.read(lambda conn: fetch_all(conn, "SELECT path FROM projects"))
    return [str(r["path"]) for r in rows]


def _end_idle(tx: Tx, cutoff: str) -> list[str]:
    ended: list[str] = []
    sql = "SELECT * FROM sessions WHERE status <> 'ended' AND updated_at < ?"
    for row in fetch_all(tx.conn, sql, (cutoff,)):
        before = dict(row)
        row["status"] = "ended"
        row["waiting_reason"] = None
        row["ended_at"] = tx.now
        row["updated_at"] = tx.now
        _store_row(tx, row)
        _emit_session(tx, "session.ended", row, _changed(before, row))
        ended.append(row["id"])
    return ended


async def end_idle_sessions(store: StoreLike, cutoff: str) -> list[str]:
    sql = "SELECT 1 FROM sessions WHERE status <> 'ended' AND updated_at < ? LIMIT 1"
    due, _ = await store.read(lambda conn: fetch_one(conn, sql, (cutoff,)))
    if due is None:
        return []  # the common case: no write transaction (and no fsync) twice a second
    return await store.write(lambda tx: _end_idle(tx, cutoff))


# Reads for the REST routes.


def list_sessions(conn: Any, status: str | None = None) -> list[Session]:
    if status is not None and status not in ("active", "waiting", "idle", "ended"):
        raise InvalidArgument(f"unknown session status {status!r}")
    sql = "SELECT * FROM sessions"
    params: tuple[Any, ...] = ()
    if status:
        sql += " WHERE status = ?"
        params = (status,)
    return [session_from_row(r) for r in fetch_all(conn, sql + " ORDER BY updated_at DESC, id", params)]


def get_session(conn: Any, session_id: str) -> Session:
    row = fetch_one(conn, "SELECT * FROM sessions WHERE id = ?", (session_id,))
    if row is None:
        raise NotFound(f"no session {session_id!r}")
    return session_from_row(row)


def list_messages(conn: Any, session_id: str, after_index: int | None, limit: int) -> list[SessionMessage]:
    get_session(conn, session_id)
    rows = fetch_all(
        conn,
        "SELECT * FROM session_messages WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ?",
        (session_id, -1 if after_index is None else after_index, limit),
    )
    return [message_from_row(r) for r in rows]
