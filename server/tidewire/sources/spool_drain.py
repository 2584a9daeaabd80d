"""The daemon's side of the hook spool: delivers what `tidewire hook` spooled while it was away.

At start, and then whenever a look at the spool directory finds entries, the daemon takes the
spool's lock and applies the entries in order through the same path as `POST /api/hooks`,
envelope id included, removing each once its transaction has committed. A kill -9 between the
commit and the removal leaves an entry whose envelope id is already stored: the next pass
finds it and applies nothing. The lock is taken for a batch at a time, so hook calls made
while a long spool drains wait at most one batch before they queue behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from typing import TYPE_CHECKING

from tidewire.errors import DomainError, InvalidArgument
from tidewire.logs import ConditionLog, is_resource_condition
from tidewire.sources import hook_spool
from tidewire.sources.session_follower import SessionTracker

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)

_POLL_S = 1.0
_BATCH = 64
# A temporary file this old belongs to a hook process that died while writing it.
_STALE_TMP_S = 3600.0


class SpoolDrain:
    """`ctx.components["hook_spool"]`."""

    name = "hook_spool"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.spool = hook_spool.Spool(str(ctx.settings.data_dir / hook_spool.SPOOL_DIR_NAME))
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self._conditions = ConditionLog(log)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hook-spool-drain")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await asyncio.to_thread(self._tidy)
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Out of descriptors or disk: a condition, not a bug. One line per interval, no
                # traceback, so a descriptor flood does not also flood the log.
                if is_resource_condition(exc):
                    self._conditions.report("delivering the hook spool failed", exc)
                else:
                    log.exception("delivering the hook spool failed; trying again")
            await asyncio.sleep(_POLL_S)

    async def drain(self) -> int:
        """Applies every spooled entry, oldest first; returns how many were applied or refused."""
        done = 0
        await asyncio.to_thread(self._report_dropped)
        while await asyncio.to_thread(self.spool.has_entries):
            if not await asyncio.to_thread(self.spool.try_lock, 1.0):
                return done  # a hook process is delivering; the next pass looks again
            try:
                names = (await asyncio.to_thread(self.spool.names))[:_BATCH]
                for name in names:
                    done += await self._apply(name)
            finally:
                self.spool.unlock()
        if done:
            log.info("delivered %d hook calls from the spool %s", done, self.spool.directory)
        self.delivered += done
        return done

    async def _apply(self, name: str) -> int:
        try:
            entry = await asyncio.to_thread(self.spool.read, name)
        except ValueError:
            await asyncio.to_thread(self._set_aside, name, "it is not a spool entry")
            return 1
        if entry is None:
            return 0
        tracker = self.ctx.component("sessions", SessionTracker)
        try:
            await tracker.handle_hook(entry.source, _json(entry.body), entry.envelope_id)
        except DomainError as exc:
            if exc.status >= 500:
                # A condition that passes (the store is unavailable, the disk full): the entry stays
                # where it is, first in line, and the next pass delivers it.
                raise
            # The daemon would refuse this call however often it came: keep it, but out of the way.
            await asyncio.to_thread(self._set_aside, name, f"{exc.code}: {exc.message}")
            return 1
        await asyncio.to_thread(self.spool.remove, entry)
        return 1

    def _set_aside(self, name: str, why: str) -> None:
        rejected = os.path.join(self.spool.directory, "rejected")
        os.makedirs(rejected, 0o700, exist_ok=True)
        os.replace(os.path.join(self.spool.directory, name), os.path.join(rejected, name))
        log.warning("hook spool entry %s refused (%s); moved to %s", name, why, rejected)

    def _report_dropped(self) -> None:
        path = os.path.join(self.spool.directory, hook_spool.DROPPED_LOG)
        try:
            with open(path, "rb") as handle:
                count = sum(1 for _ in handle)
        except FileNotFoundError:
            return
        seen = f"{path}.{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
        os.replace(path, seen)
        log.warning(
            "%d hook calls were dropped because the hook spool was full while the daemon was away; see %s",
            count,
            seen,
        )

    def _tidy(self) -> None:
        now = time.time()
        try:
            with os.scandir(self.spool.directory) as it:
                for item in it:
                    if item.name.endswith(".tmp") and now - item.stat().st_mtime > _STALE_TMP_S:
                        os.unlink(item.path)
        except FileNotFoundError:
            pass


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        raise InvalidArgument("the hook payload is not JSON") from None


def spool_drain(ctx: AppContext) -> SpoolDrain:
    return SpoolDrain(ctx)
