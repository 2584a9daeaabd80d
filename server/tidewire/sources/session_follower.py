"""The sessions component: records hook calls and follows live sessions' transcripts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio

from tidewire.logs import ConditionLog, is_resource_condition
from tidewire.services import git as gitops
from tidewire.sources import sessions
from tidewire.sources.hook_payloads import parse_hook
from tidewire.sources.offloop import BoundedCalls, Busy
from tidewire.sources.options import session_options, session_read_timeout, warn_unknown_keys
from tidewire.sources.timefmt import format_utc
from tidewire.sources.transcript import ReadResult, TranscriptCursor, read_new
from tidewire.sources.transcript_files import SUFFIX, check, home_agent_dirs

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

# How long an ended session's transcript is still read, for lines written just before the end.
_TAIL_AFTER_END = timedelta(seconds=30)
_GIT_TIMEOUT_S = 3.0
# Reads of one transcript per follow pass (each up to 500 messages or 32 MiB).
_STEPS_PER_PASS = 8


class SessionTracker:
    """`ctx.components["sessions"]`: hook intake, transcript following, idle timeout."""

    name = "sessions"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.poll_seconds, _ = session_options(ctx.settings.raw_config)
        warn_unknown_keys(ctx.settings.raw_config, "sessions")
        self.idle_timeout = float(ctx.settings.session_idle_timeout)
        self.read_timeout = session_read_timeout(ctx.settings.raw_config)
        self.max_line_bytes = int(ctx.settings.transcript_max_line_bytes)
        self._fixed_roots = [*home_agent_dirs(), *ctx.settings.transcript_roots]
        # Every transcript read runs in a thread of its own with a time bound: a file that
        # blocks holds up neither the other sessions nor the daemon's exit.
        self._reads = BoundedCalls()
        # The last refusal logged per session, so a refused transcript is logged once, not per pass.
        self._refusals: dict[str, str] = {}
        self._conditions = ConditionLog(log)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # One follow pass at a time: two passes over the same cursor would race (the store's
        # cursor check would refuse the second, but there is no point doing the work twice).
        self._pass_lock = asyncio.Lock()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="session-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def nudge(self) -> None:
        self._wake.set()

    async def handle_hook(
        self, source: str, body: Any, envelope_id: str | None = None
    ) -> sessions.HookOutcome:
        call = parse_hook(source, body)
        branch: str | None = None
        # Asking git costs a subprocess: only for a new session or one that changed directory.
        if call.cwd and call.cwd != await sessions.known_cwd(self.ctx.store, call.session_id):
            branch = await self._branch_of(call.cwd)
        outcome = await sessions.record_hook(self.ctx.store, call, branch, envelope_id)
        self.nudge()
        note = await self._transcript_note(call.transcript_path)
        return dataclasses.replace(outcome, notes=[note]) if note else outcome

    async def roots(self) -> list[str]:
        """The directories transcripts are read from: the CLIs' own, `--transcript-root`, projects."""
        return [*self._fixed_roots, *await sessions.project_paths(self.ctx.store)]

    async def _transcript_note(self, path: str | None) -> str | None:
        """Why the hook's transcript will not be followed (for the hook's reply), or None."""
        if not path or not path.endswith(SUFFIX):
            return None  # only JSONL transcripts are followed; others are not refused, just not read
        roots = await self.roots()
        try:
            reason = await self._reads.run(f"check:{path}", lambda: check(path, roots), self.read_timeout)
        except (Busy, TimeoutError):
            reason = f"{path!r} could not be checked within {self.read_timeout:g} s"
        return None if reason is None else f"transcript not followed: {reason}"

    async def _branch_of(self, cwd: str) -> str | None:
        # Bounded like the transcript reads: the cwd is the hook's word, and a stat on a hung
        # mount would otherwise hold an executor thread that the daemon's exit waits for.
        try:
            if not await self._reads.run(f"isdir:{cwd}", lambda: os.path.isdir(cwd), self.read_timeout):
                return None
        except (Busy, TimeoutError):
            return None
        try:
            with anyio.fail_after(_GIT_TIMEOUT_S):
                return await gitops.current_branch(cwd)
        except (TimeoutError, gitops.GitError, OSError):
            return None

    async def _run(self) -> None:
        while True:
            try:
                await self.follow_once()
                await self.end_idle()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_resource_condition(exc):
                    self._conditions.report("session follower pass failed", exc)
                else:
                    log.exception("session follower pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()

    async def follow_once(self) -> int:
        """Reads every followed transcript once; returns how many messages were emitted."""
        async with self._pass_lock:
            cutoff = format_utc(datetime.now(UTC) - _TAIL_AFTER_END)
            emitted = 0
            roots = await self.roots()
            targets = await sessions.follow_targets(self.ctx.store, cutoff)
            for target in targets:
                try:
                    emitted += await self._follow(target, roots)
                except Exception as exc:
                    # One unreadable transcript must not hold up the others.
                    if is_resource_condition(exc):
                        self._conditions.report(
                            f"following the transcript of session {target.session_id} failed", exc
                        )
                    else:
                        log.exception("following the transcript of session %s failed", target.session_id)
            followed = {t.session_id for t in targets}
            for gone in [sid for sid in self._refusals if sid not in followed]:
                del self._refusals[gone]  # ended sessions are not followed: forget their notes
            return emitted

    async def _read(self, target: sessions.FollowTarget, roots: list[str]) -> ReadResult | None:
        """One bounded read of the target's transcript; None when it is stuck or refused."""
        cursor: TranscriptCursor = target.cursor
        sid = target.session_id
        try:
            result = await self._reads.run(
                sid,
                lambda: read_new(target.path, cursor, max_line_bytes=self.max_line_bytes, roots=roots),
                self.read_timeout,
            )
        except Busy:
            return None  # the read that timed out earlier still has not returned
        except TimeoutError:
            self._note(
                sid, f"reading {target.path!r} took over {self.read_timeout:g} s; skipped until it returns"
            )
            return None
        if result.refused is not None:
            self._note(sid, result.refused)
            return None
        self._refusals.pop(sid, None)
        for offset in result.long_lines:
            log.warning(
                "session %s: the line at byte %d of %s is longer than %d bytes; it is skipped",
                sid,
                offset,
                target.path,
                self.max_line_bytes,
            )
        return result

    def _note(self, session_id: str, reason: str) -> None:
        if self._refusals.get(session_id) != reason:
            self._refusals[session_id] = reason
            log.warning("session %s: transcript not followed: %s", session_id, reason)

    async def _follow(self, target: sessions.FollowTarget, roots: list[str]) -> int:
        """Reads one transcript until it has nothing new; returns how many messages were emitted.

        At most `_STEPS_PER_PASS` reads: a huge backlog in one file is taken over several passes
        (the next one starts at once), so the other sessions are read in between.
        """
        emitted = 0
        for _ in range(_STEPS_PER_PASS):
            result = await self._read(target, roots)
            if result is None:
                return emitted
            new_json = result.cursor.to_json()
            if new_json == (target.cursor_json or sessions.empty_cursor_json()):
                return emitted
            applied = await sessions.apply_transcript(
                self.ctx.store, target.session_id, target.cursor_json, result
            )
            if applied < 0:
                return emitted
            emitted += applied
            target = sessions.FollowTarget(target.session_id, target.path, new_json)
            if not result.messages and not result.more:
                return emitted
        self.nudge()
        return emitted

    async def end_idle(self) -> None:
        cutoff = format_utc(datetime.now(UTC) - timedelta(seconds=self.idle_timeout))
        await sessions.end_idle_sessions(self.ctx.store, cutoff)
