"""The sessions component: records hook calls and follows live sessions' transcripts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio

from tidewire.services import git as gitops
from tidewire.sources import sessions
from tidewire.sources.hook_payloads import parse_hook
from tidewire.sources.options import session_options, warn_unknown_keys
from tidewire.sources.timefmt import format_utc
from tidewire.sources.transcript import read_new

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

# How long an ended session's transcript is still read, for lines written just before the end.
_TAIL_AFTER_END = timedelta(seconds=30)
_GIT_TIMEOUT_S = 3.0


class SessionTracker:
    """`ctx.components["sessions"]`: hook intake, transcript following, idle timeout."""

    name = "sessions"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.poll_seconds, _ = session_options(ctx.settings.raw_config)
        warn_unknown_keys(ctx.settings.raw_config, "sessions")
        self.idle_timeout = float(ctx.settings.session_idle_timeout)
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
        return outcome

    async def _branch_of(self, cwd: str) -> str | None:
        if not await asyncio.to_thread(os.path.isdir, cwd):
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
            except Exception:
                log.exception("session follower pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()

    async def follow_once(self) -> int:
        """Reads every followed transcript once; returns how many messages were emitted."""
        async with self._pass_lock:
            cutoff = format_utc(datetime.now(UTC) - _TAIL_AFTER_END)
            emitted = 0
            for target in await sessions.follow_targets(self.ctx.store, cutoff):
                try:
                    emitted += await self._follow(target)
                except Exception:
                    # One unreadable transcript must not hold up the others.
                    log.exception("following the transcript of session %s failed", target.session_id)
            return emitted

    async def _follow(self, target: sessions.FollowTarget) -> int:
        """Reads one transcript until it has nothing new; returns how many messages were emitted."""
        emitted = 0
        while True:
            result = await asyncio.to_thread(read_new, target.path, target.cursor)
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
            if not result.messages:
                return emitted

    async def end_idle(self) -> None:
        cutoff = format_utc(datetime.now(UTC) - timedelta(seconds=self.idle_timeout))
        await sessions.end_idle_sessions(self.ctx.store, cutoff)
