"""Following the shared log: every daemon delivers every committed event, its own and the other
daemons', once each and in seq order, to its commit listeners (the bus and so the sockets).

LISTEN/NOTIFY only wakes the follower early: what it delivers always comes from reading the
``events`` table after the last seq it delivered, so a lost notification, a follower with
notifications turned off, or a connection killed and re-made all end in the same place, the
next read. Polling every ``poll_interval`` seconds alone delivers everything. A read sees a
gapless prefix of the log (see ``counter``), so "seq > head" always starts at head + 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg

from ..backoff import Backoff
from ..store.entry import LogEntry
from .connect import AsyncConn, connect_async
from .counter import CHANNEL
from .outage import Outage

log = logging.getLogger("tidewire.store_pg.follower")

Deliver = Callable[[list[LogEntry]], None]

PAGE = 1_000


class LogGap(RuntimeError):
    """The log no longer holds the next seq (pruned while this follower was behind)."""


class LogFollower:
    def __init__(
        self,
        dsn: str,
        head: int,
        deliver: Deliver,
        *,
        poll_interval: float = 1.0,
        listen: bool = True,
        backoff: Backoff | None = None,
        outage: Outage | None = None,
    ) -> None:
        self._dsn = dsn
        self.head = head
        self._deliver_to = deliver
        self.poll_interval = poll_interval
        self.listen = listen
        self._backoff = backoff or Backoff(initial=0.1, maximum=5.0)
        self._outage = outage or Outage()
        self._wake = asyncio.Event()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        # Why the follower stopped for good (the log lost events it had not delivered), if it did.
        self.stopped: LogGap | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        # How many times the follower has (re)connected; a test of a killed connection reads it.
        self.connections = 0
        self.backend_pid: int | None = None

    async def start(self) -> None:
        """Connect and catch up once (raising if the database cannot be reached), then follow."""
        conn = await self._connect()
        self._task = asyncio.create_task(self._run(conn), name="tidewire-log-follower")

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._fail_waiters(RuntimeError("the log follower is closed"))

    def _fail_waiters(self, exc: BaseException) -> None:
        waiters, self._waiters = self._waiters, []
        for _, future in waiters:
            if not future.done():
                future.set_exception(exc)

    # -- delivery --------------------------------------------------------------------------

    def offer(self, entries: list[LogEntry]) -> None:
        """A commit made through this daemon: delivered now if it is next, else read in order."""
        if entries and entries[0].seq > self.head + 1:
            # Other daemons committed in between; their events come first, from the table.
            self._wake.set()
            return
        self._deliver(entries)

    def _deliver(self, entries: list[LogEntry]) -> None:
        fresh = [e for e in entries if e.seq > self.head]
        if not fresh:
            return
        if fresh[0].seq != self.head + 1:
            raise LogGap(f"the log resumes at seq {fresh[0].seq} after {self.head}")
        self.head = fresh[-1].seq
        self._deliver_to(fresh)
        if self._waiters:
            waiting = []
            for seq, future in self._waiters:
                if seq <= self.head:
                    if not future.done():
                        future.set_result(None)
                else:
                    waiting.append((seq, future))
            self._waiters = waiting

    async def wait_for(self, seq: int) -> None:
        """Until every seq up to ``seq`` has been delivered (raises if the follower stopped)."""
        if self.head >= seq:
            return
        if self.stopped is not None:
            raise self.stopped
        if self._closed:
            raise RuntimeError("the log follower is closed")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, future))
        self._wake.set()
        await future

    # -- the loop --------------------------------------------------------------------------

    async def _connect(self) -> AsyncConn:
        try:
            conn = await connect_async(self._dsn, "follower")
        except psycopg.Error as exc:
            self._outage.failed(exc, connecting=True)
            raise
        try:
            if self.listen:
                await conn.execute(f"LISTEN {CHANNEL}")
            self.connections += 1
            self.backend_pid = conn.info.backend_pid
            await self._catch_up(conn)
        except BaseException:
            await conn.close()
            raise
        self._outage.ok()
        return conn

    async def _run(self, conn: AsyncConn | None) -> None:
        attempt = 0
        try:
            while not self._closed:
                try:
                    if conn is None:
                        conn = await self._connect()
                        attempt = 0
                    await self._follow(conn)
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    await _discard(conn)
                    conn = None
                    self._outage.failed(exc)
                    delay = self._backoff.delay(attempt)
                    attempt += 1
                    log.warning("log follower: lost the database (%s); reconnecting in %.2f s", exc, delay)
                    # A write or read that the database has just answered wakes it early: the
                    # database is back, and that request waits for this follower's delivery.
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), delay)
                except LogGap as exc:
                    # Nothing later can be delivered in order: stop loudly rather than skip events.
                    log.error("log follower stopped: %s", exc)
                    self.stopped = exc
                    self._fail_waiters(exc)
                    return
        finally:
            await _discard(conn)

    async def _follow(self, conn: AsyncConn) -> None:
        while not self._closed:
            await self._wait(conn)
            await self._catch_up(conn)

    async def _wait(self, conn: AsyncConn) -> None:
        """Until a notification, a local wake-up or the poll interval, whichever comes first."""
        if self._wake.is_set():
            self._wake.clear()
            return
        if self.listen:
            # Notifications that arrived during the last read are kept by psycopg and come out first.
            async for _ in conn.notifies(timeout=self.poll_interval, stop_after=1):
                pass
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        self._wake.clear()

    async def _catch_up(self, conn: AsyncConn) -> None:
        while True:
            cur = await conn.execute(
                "SELECT seq, type, frame FROM events WHERE seq > %s ORDER BY seq LIMIT %s", (self.head, PAGE)
            )
            rows = await cur.fetchall()
            if not rows:
                return
            self._deliver([LogEntry.from_text(int(seq), str(kind), str(frame)) for seq, kind, frame in rows])
            if len(rows) < PAGE:
                return


async def _discard(conn: AsyncConn | None) -> None:
    if conn is not None:
        with contextlib.suppress(Exception):
            await conn.close()
