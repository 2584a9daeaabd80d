"""`tidewire tail [PATTERN...]`: print live events from a running daemon, one line each.

    tidewire tail                      # every event except the high-volume ones
    tidewire tail 'task.*' agent.failed
    tidewire tail 'session.message:session_id=9f1c2d3e' --json

Lines go to stdout (`seq  time  type  summary`, or the raw frame with `--json`);
connection notes go to stderr, so `--json` output can be piped as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from .client import ConnectionFailed, ConnectionState, Event, TidewireClient, TidewireError
from .protocol import models as m
from .protocol.catalog import EVENT_NAMES
from .sources import daemon_url

SUMMARY_WIDTH = 100
CONNECT_TIMEOUT_S = 5.0
FAMILIES = frozenset(name.split(".", 1)[0] for name in EVENT_NAMES)


def add_parser(subparsers: Any) -> None:
    """Register `tail` on the `tidewire` command's subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "tail",
        help="print live events",
        description=(
            "Print live events from a running daemon. PATTERNs are event names, 'prefix.*', '*' "
            "(default) or 'name:field=value'; '*' and 'prefix.*' leave out the high-volume events "
            "(mcp.tool_called, session.message, agent.output), which must be named."
        ),
    )
    p.add_argument("patterns", nargs="*", metavar="PATTERN", help="what to subscribe to (default: *)")
    p.add_argument(
        "--url",
        default=None,
        help=(
            "the daemon's base URL (http://HOST:PORT) or its socket (ws://HOST:PORT/ws); "
            "default: $TIDEWIRE_URL, else http://127.0.0.1:8787"
        ),
    )
    p.add_argument("--token", default=os.environ.get("TIDEWIRE_TOKEN"), help="token (env TIDEWIRE_TOKEN)")
    p.add_argument("--json", action="store_true", help="print each event frame as one line of JSON")
    p.add_argument("-n", "--count", type=int, default=None, help="exit after N events")
    p.add_argument(
        "--allow-unknown",
        dest="allow_unknown",
        action="store_true",
        help="accept patterns that name no event this version knows (a newer daemon's events)",
    )
    p.add_argument(
        "--connect-timeout",
        dest="connect_timeout",
        type=float,
        default=CONNECT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up (exit 1) if the first connection is not up by then (default {CONNECT_TIMEOUT_S:g})",
    )
    p.set_defaults(func=run)


def unknown_pattern(pattern: str) -> str | None:
    """Why ``pattern`` names no known event (with the closest names), or None when it does."""
    name = pattern.split(":", 1)[0].strip()
    if name == "*":
        return None
    if name.endswith(".*"):
        family = name[:-2]
        if family in FAMILIES:
            return None
        close = difflib.get_close_matches(family, sorted(FAMILIES), n=3)
        hint = f"; did you mean {', '.join(f + '.*' for f in close)}?" if close else ""
        return f"no event family {family!r}{hint}"
    if name in EVENT_NAMES:
        return None
    close = difflib.get_close_matches(name, EVENT_NAMES, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no event is named {name!r}{hint}"


def socket_url(explicit: str | None = None) -> str:
    """The `/ws` socket of the daemon named by `--url` or `$TIDEWIRE_URL` (both base URLs)."""
    return daemon_url.ws_url(daemon_url.base_url(explicit))


def run(args: argparse.Namespace) -> int:
    try:
        url = socket_url(args.url)
    except daemon_url.BadDaemonUrl as exc:
        print(f"tail: {exc}", file=sys.stderr)
        return 2
    patterns = args.patterns or ["*"]
    if not args.allow_unknown:
        problems = [p for p in (unknown_pattern(p) for p in patterns) if p]
        if problems:
            for problem in problems:
                print(f"tail: {problem} (--allow-unknown to subscribe anyway)", file=sys.stderr)
            return 2
    try:
        return asyncio.run(
            tail(
                url,
                patterns,
                token=args.token,
                as_json=args.json,
                count=args.count,
                connect_timeout=args.connect_timeout,
            )
        )
    except KeyboardInterrupt:
        return 130


async def tail(
    url: str,
    patterns: list[str],
    *,
    token: str | None = None,
    as_json: bool = False,
    count: int | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
) -> int:
    """Follow the socket and print events; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr

    def note(text: str) -> None:
        print(f"tail: {text}", file=err, flush=True)

    client: TidewireClient | None = None
    last: list[ConnectionState] = ["idle"]

    def on_state(state: ConnectionState) -> None:
        # One line per change a person cares about, not one per retry.
        previous, last[0] = last[0], state
        if state == "connecting" and previous == "idle":
            note(f"connecting to {url}")
        elif state == "connected" and client is not None and client.welcome is not None:
            w = client.welcome
            note(f"connected (server {w.server_id}, epoch {w.epoch}, seq {w.seq})")
        elif state == "disconnected" and previous == "connected":
            note("disconnected; reconnecting")

    def on_resync(frame: m.ResyncFrame) -> None:
        head = f" (now at seq {frame.seq})" if isinstance(frame.seq, int) else ""
        note(f"resync: {frame.reason}; some events were skipped{head}")

    client = TidewireClient(url, patterns, token=token, on_state=on_state, on_resync=on_resync)
    printed = 0
    try:
        try:
            # The client retries forever once it has been connected (a daemon restart is
            # survived); the first connection is bounded, so a wrong URL or a stopped daemon
            # is an answer within seconds, not a silent hang.
            async with asyncio.timeout(connect_timeout):
                await client.start()
        except TimeoutError:
            await client.close()
            note(
                f"cannot connect to {url} within {connect_timeout:g} s; is the daemon running "
                "(`tidewire serve`), and is --url / TIDEWIRE_URL right?"
            )
            return 1
        async with client:
            note("following " + " ".join(client.events))
            if count is not None and count <= 0:
                return 0
            async for event in client:
                print(format_json(event) if as_json else format_line(event), file=out, flush=True)
                printed += 1
                if count is not None and printed >= count:
                    break
    except TidewireError as exc:
        note(exc.message)
        return 2
    except ConnectionFailed as exc:
        note(str(exc))
        return 1
    return 0


def format_json(event: Event) -> str:
    dump: Callable[..., str] = event.model_dump_json  # type: ignore[attr-defined]
    # Pydantic's JSON is already compact, one line, newlines in strings escaped: one object per line.
    return dump(exclude_unset=True)


def duration(ms: float | int | None) -> str:
    """``412 ms``, ``3.16 s``, ``2 min 5 s``, ``1 h 3 min``: what a person reads at a glance."""
    if ms is None:
        return "?"
    ms = float(ms)
    if ms < 1000:
        return f"{ms:.0f} ms" if ms >= 10 or ms == int(ms) else f"{ms:.1f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def clock(ts: str) -> str:
    """The event's time as local ``HH:MM:SS.mmm`` (the date only when it is not today)."""
    try:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ts
    text = when.strftime("%H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    if when.date() != datetime.now().astimezone().date():
        text = when.strftime("%Y-%m-%d ") + text
    return text


def _data(event: Event) -> dict[str, Any]:
    data = event.data
    if hasattr(data, "model_dump"):
        dumped: dict[str, Any] = data.model_dump(exclude_unset=True)
        return dumped
    return data if isinstance(data, dict) else {}


def _task(event_type: str, d: dict[str, Any]) -> str:
    task = d.get("task") or {}
    text = f"{d.get('task_id')} [{task.get('status')}] {task.get('title')!r}"
    if d.get("changed"):
        text += " changed " + ",".join(map(str, d["changed"]))
    if event_type == "task.expanded":
        text += f" +{len(d.get('subtask_ids') or [])} subtasks"
    if event_type == "task.closed" and task.get("closed_reason"):
        text += f" ({task['closed_reason']})"
    return text


def _worktree(event_type: str, d: dict[str, Any]) -> str:
    wt = d.get("worktree") or {}
    text = f"{d.get('worktree_id')} {wt.get('branch')} [{wt.get('status')}]"
    if d.get("action"):
        text += f" {d['action']}"
    if wt.get("owner"):
        text += f" by {wt['owner']}"
    return text


def _project(event_type: str, d: dict[str, Any]) -> str:
    project = d.get("project") or {}
    return f"{d.get('project_id')} {project.get('name')!r} {project.get('path')}"


def _mcp(event_type: str, d: dict[str, Any]) -> str:
    if event_type == "mcp.tool_called":
        outcome = "ok" if d.get("ok") else f"failed: {d.get('error')}"
        return f"{d.get('server_name')}.{d.get('tool_name')} {duration(d.get('duration_ms'))} {outcome}"
    if event_type == "mcp.server_connected":
        return f"{d.get('server_name')} ({d.get('transport')}, {d.get('tool_count')} tools)"
    return f"{d.get('server_name')}: {d.get('reason')}"


def _session(event_type: str, d: dict[str, Any]) -> str:
    if event_type == "session.message":
        blocks = d.get("content") or []
        text = next((b.get("text") for b in blocks if isinstance(b, dict) and b.get("text")), "")
        return f"{d.get('session_id')} #{d.get('index')} {d.get('role')}: {text}"
    session = d.get("session") or {}
    return (
        f"{d.get('session_id')} [{session.get('status')}] {session.get('source')} {session.get('cwd') or ''}"
    )


def _agent(event_type: str, d: dict[str, Any]) -> str:
    if event_type == "agent.output":
        # One line per chunk: its own line breaks shown escaped, so chunks stay apart.
        chunk = str(d.get("text", "")).rstrip("\n").replace("\n", "\\n")
        return f"{d.get('agent_id')} {d.get('stream')} @{d.get('offset')}: {chunk}"
    text = f"{d.get('agent_id')} [{d.get('status')}] task={d.get('task_id')}"
    if d.get("exit_code") is not None:
        text += f" exit={d['exit_code']}"
    if d.get("duration_ms") is not None:
        text += f" {duration(d['duration_ms'])}"
    return text


def _autonomous(event_type: str, d: dict[str, Any]) -> str:
    text = f"{d.get('loop_id')} iteration {d.get('iteration')}"
    if d.get("task_id"):
        text += f" task={d['task_id']}"
    for key in ("outcome", "reason", "detail"):
        if d.get(key):
            text += f" {d[key]}"
    return text


def _hook(event_type: str, d: dict[str, Any]) -> str:
    text = f"{d.get('session_id')} {d.get('source')} {d.get('hook_type')}"
    summary = d.get("summary")
    if d.get("tool_name") and d["tool_name"] not in (summary or ""):
        text += f" {d['tool_name']}"
    if summary and summary != d.get("hook_type"):
        text += f": {summary}"
    return text


def _generic(event_type: str, d: dict[str, Any]) -> str:
    scalars = [f"{k}={v}" for k, v in d.items() if isinstance(v, str | int | float | bool)]
    return " ".join(scalars[:6])


SUMMARIES: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "task": _task,
    "worktree": _worktree,
    "project": _project,
    "mcp": _mcp,
    "session": _session,
    "agent": _agent,
    "autonomous": _autonomous,
    "hook": _hook,
}


def summarize(event: Event) -> str:
    family = event.type.split(".", 1)[0]
    try:
        text = SUMMARIES.get(family, _generic)(event.type, _data(event))
    except Exception:  # an odd payload still gets a line
        text = _generic(event.type, _data(event))
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def format_line(event: Event) -> str:
    return f"{event.seq:>8}  {clock(event.ts):<12}  {event.type:<24}  {summarize(event)}"
