"""The PostgreSQL store: the SQLite store's write API over a database several daemons share.

Each daemon has one writer thread with one connection. ``write(fn)`` queues ``fn``; the writer
runs what has queued up as one transaction (group commit), each write in its own SAVEPOINT so it
commits or rolls back on its own, exactly as the SQLite store does. Every group locks the counter
row (``counter``) before its first statement, so groups from every daemon run one at a time and
commit in seq order: across daemons, a write runs alone as it does under SQLite's one writer.

Events reach the commit listeners only through the follower (``follower``), which delivers this
daemon's commits and every other daemon's in one order; ``write`` returns once its events have
been delivered, so a listener has seen them before the writer's ``await`` resumes, as with SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from psycopg import IsolationLevel

from ..store.clock import utc_now
from ..store.entry import LogEntry
from ..store.store import MAX_PINNED, StorageNotice, StoreStatus
from ..store.write_hook import bind as bind_write_hook
from .connect import Conn, connect
from .counter import advance, read_head
from .epoch import shared_epoch
from .errors import StoreUnavailable, translate
from .follower import LogFollower
from .migrations import migrate
from .outage import Outage
from .portable import PortableConn
from .tx import GroupLog, PgTx

log = logging.getLogger("tidewire.store_pg")

T = TypeVar("T")
CommitListener = Callable[[list[LogEntry]], None]

_MAX_BATCH = 256
_READERS = 2
# How long a write or read that the database answered waits for this daemon's follower to deliver
# what it reflects. The follower is usually there already; it is not when the database went away
# between the answer and the delivery, and then the request must not wait for the database.
DELIVERY_WAIT_S = 5.0


@dataclass(slots=True)
class _Job:
    fn: Callable[[PgTx], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    last_seq: int = field(default=0)  # set by the writer before the future is settled


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class PgStore:
    """Create with ``await PgStore.open(dsn, retain=...)``."""

    # Several daemons (nodes) may share the database: each holds a lease (sources/leases.py).
    shared = True

    def __init__(self, dsn: str, retain: int, *, poll_interval: float, listen: bool) -> None:
        self.dsn = dsn
        self.retain = retain
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tidewire-pg-writer")
        self._readers = ThreadPoolExecutor(max_workers=_READERS, thread_name_prefix="tidewire-pg-reader")
        self._local = threading.local()
        self._read_conns: list[Conn] = []
        self._read_lock = threading.Lock()
        self._pending: list[_Job] = []
        self._pending_lock = threading.Lock()
        self._drain_scheduled = False
        self._wconn: Conn | None = None
        self._listeners: list[CommitListener] = []
        self._closed = False
        self.prune_floor: Callable[[], int | None] | None = None
        # As the SQLite store's: what /api/health lists, and how the shutdown went. Neither has a
        # PostgreSQL source yet (no high-water mark, no checkpoint), so both stay empty.
        self.notices: list[StorageNotice] = []
        self.close_error: str | None = None
        self.epoch = ""
        # This daemon's id among the nodes sharing the database (not stored yet: see the docs).
        self.server_id = "srv_" + secrets.token_hex(6)
        # Whether the database answers, as the writer, the readers and the follower last found it.
        self.outage = Outage()
        self.follower = LogFollower(
            dsn, 0, self._publish, poll_interval=poll_interval, listen=listen, outage=self.outage
        )

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, dsn: str, *, retain: int = 10_000, poll_interval: float = 1.0, listen: bool = True
    ) -> PgStore:
        store = cls(dsn, retain, poll_interval=poll_interval, listen=listen)
        loop = asyncio.get_running_loop()
        try:
            head = await loop.run_in_executor(store._writer, store._open_sync)
            store.follower.head = head
            await store.follower.start()
        except BaseException:
            await store.close()
            raise
        return store

    def _open_sync(self) -> int:
        conn = connect(self.dsn, "writer")
        try:
            conn.autocommit = True
            # Migrating may wait for another daemon's migration (an advisory lock): no timeout.
            conn.execute("SET statement_timeout = 0")
            migrate(conn, utc_now())
            conn.execute("RESET statement_timeout")
            self.epoch = shared_epoch(conn)
            with conn.transaction():
                head = read_head(conn)
            conn.autocommit = False
        except BaseException:
            conn.close()
            raise
        self._wconn = conn
        return head

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.follower.close()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._close_writer)
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._read_lock:
            for conn in self._read_conns:
                conn.close()
            self._read_conns.clear()

    def _close_writer(self) -> None:
        if self._wconn is not None:
            self._wconn.close()
            self._wconn = None

    @property
    def head(self) -> int:
        """The last seq delivered to the listeners (from any daemon)."""
        return self.follower.head

    def status(self) -> StoreStatus:
        return self.outage.status()

    async def _delivered(self, seq: int, done: str) -> None:
        """Until the follower has delivered ``seq``, for at most ``DELIVERY_WAIT_S``."""
        try:
            await asyncio.wait_for(self.follower.wait_for(seq), DELIVERY_WAIT_S)
        except TimeoutError:
            raise StoreUnavailable(
                f"{done} (seq {seq}), but this daemon has lost the database before delivering it; "
                "it is delivered once the database is back"
            ) from None

    # -- listeners -------------------------------------------------------------------------

    def add_commit_listener(self, listener: CommitListener) -> None:
        """Called on the event loop, in seq order, with the events of every daemon's commits."""
        self._listeners.append(listener)

    def _publish(self, entries: list[LogEntry]) -> None:
        for listener in self._listeners:
            listener(entries)

    # -- writes ----------------------------------------------------------------------------

    async def write(self, fn: Callable[[PgTx], T]) -> T:
        """Run ``fn(tx)`` in a write transaction on the writer thread; return its result.

        ``fn`` runs with no other write running on any daemon (its group holds the counter row),
        so it may read, decide and write as it does on SQLite.
        """
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        # As on SQLite: an idempotency or MCP call key waiting in this request's context commits
        # in this write's transaction, not in one of its own after it.
        job = _Job(bind_write_hook(fn), loop, loop.create_future())
        with self._pending_lock:
            self._pending.append(job)
            schedule = not self._drain_scheduled
            self._drain_scheduled = True
        if schedule:
            self._writer.submit(self._drain)
        result: T = await job.future
        if job.last_seq:
            # An Idempotency-Key sent again gets this write's reply, once the database is back.
            await self._delivered(job.last_seq, "the write was committed")
        return result

    def _drain(self) -> None:
        with self._pending_lock:
            batch = self._pending[:_MAX_BATCH]
            del self._pending[:_MAX_BATCH]
            if self._pending:
                self._writer.submit(self._drain)
            else:
                self._drain_scheduled = False
        self._run_batch(batch)

    def _writer_conn(self) -> Conn:
        conn = self._wconn
        if conn is not None and (conn.closed or conn.broken):
            conn.close()
            conn = self._wconn = None
        if conn is None:
            if self._closed:
                raise RuntimeError("the store is closed")
            conn = self._wconn = self._connect("writer")
        return conn

    def _connect(self, role: str) -> Conn:
        self.outage.check_connect()
        try:
            return connect(self.dsn, role)
        except psycopg.Error as exc:
            self.outage.failed(exc, connecting=True)
            raise

    def _run_batch(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        outbox: list[LogEntry] = []
        committing = False
        try:
            conn = self._writer_conn()
            with conn.transaction():
                # Before anything else: waits for any other daemon's group to commit, then reads
                # the head it left. Held through COMMIT.
                group = GroupLog(conn)
                for job in batch:
                    mark = group.mark()
                    tx = PgTx(conn, utc_now(), group)
                    try:
                        with conn.transaction():  # a SAVEPOINT: this write alone rolls back
                            result = job.fn(tx)
                    except (psycopg.OperationalError, psycopg.InterfaceError):
                        raise  # the connection is gone: the whole group fails below
                    except BaseException as exc:
                        group.restore(mark)
                        outcomes.append((False, exc))
                        continue
                    outcomes.append((True, result))
                    outbox.extend(tx.outbox)
                    job.last_seq = tx.outbox[-1].seq if tx.outbox else 0
                if outbox:
                    head = outbox[-1].seq
                    # Pruning in the write path keeps the log bounded without a background job.
                    conn.execute("DELETE FROM events WHERE seq <= %s", (self._prune_through(head),))
                    advance(conn, head)
                committing = True
        except BaseException as exc:
            # Nothing committed (or, if the connection died in COMMIT, nobody can tell): every write
            # of the group fails with the reason, its own error first.
            failure = translate(exc, committing=committing)
            outcomes = [o if not o[0] else (False, failure) for o in outcomes]
            outcomes += [(False, failure)] * (len(batch) - len(outcomes))
            outbox = []
            for job in batch:
                job.last_seq = 0
            if isinstance(failure, StoreUnavailable) and failure is not exc:
                self.outage.failed(exc)  # (one raised by the hold-off is already counted)
        else:
            self.outage.ok()
        outcomes = [(ok, value if ok else translate(value)) for ok, value in outcomes]
        if outbox:
            for loop in {job.loop for job in batch}:
                # Before any result: the follower delivers these (or reads what came first) before
                # any writer's await resumes.
                loop.call_soon_threadsafe(self.follower.offer, outbox)
        for job, (ok, value) in zip(batch, outcomes, strict=True):
            job.loop.call_soon_threadsafe(_settle, job.future, ok, value)

    def _prune_through(self, head: int) -> int:
        """The highest seq the write path may delete: older than `retain`, and not needed by a reader.

        Only this daemon's readers are known here; readers on other daemons are kept by `retain`.
        """
        through = head - self.retain
        floor = self.prune_floor() if self.prune_floor is not None else None
        if floor is not None and floor < through:
            through = max(floor, head - self.retain - MAX_PINNED)
        return through

    # -- reads -----------------------------------------------------------------------------

    async def read(self, fn: Callable[[PortableConn], T]) -> tuple[T, int]:
        """Run ``fn(conn)`` in one read-only snapshot; return its value and the seq it reflects.

        ``conn`` takes the domain's SQL (``?`` placeholders), as the write transaction's does.
        """
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        value, seq = await loop.run_in_executor(self._readers, self._read_sync, fn)
        # The snapshot may reflect other daemons' commits this daemon has not delivered yet; its
        # seq is where a client resumes its socket here, and a resume past the head is refused.
        await self._delivered(seq, "the database answered the read")
        return value, seq

    def _reader_conn(self) -> Conn:
        conn: Conn | None = getattr(self._local, "conn", None)
        if conn is not None and (conn.closed or conn.broken):
            conn.close()
            conn = None
        if conn is None:
            conn = self._connect("reader")
            # One snapshot for the whole read, so the head it reports matches what it read.
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            self._local.conn = conn
            with self._read_lock:
                self._read_conns.append(conn)
        return conn

    def _read_sync(self, fn: Callable[[PortableConn], T]) -> tuple[T, int]:
        try:
            conn = self._reader_conn()
            with conn.transaction():
                seq = read_head(conn)
                value = fn(PortableConn(conn))
        except psycopg.Error as exc:
            failure = translate(exc)
            if failure is exc:
                raise
            if isinstance(failure, StoreUnavailable):
                self.outage.failed(exc)
            raise failure from exc
        self.outage.ok()
        return value, seq

    async def fetch(self, after_seq: int, limit: int) -> list[LogEntry]:
        """Up to ``limit`` events with seq > after_seq from the table, in order."""

        def read(conn: PortableConn) -> list[LogEntry]:
            rows = conn.execute(
                "SELECT seq, type, frame FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
            ).fetchall()
            return [LogEntry.from_text(int(r[0]), str(r[1]), str(r[2])) for r in rows]

        entries, _ = await self.read(read)
        return entries

    def load_recent(self, limit: int) -> list[LogEntry]:
        """The newest ``limit`` events up to what the listeners have been given, oldest first."""
        return self._writer.submit(self._load_recent_sync, limit, self.follower.head).result()

    def _load_recent_sync(self, limit: int, through: int) -> list[LogEntry]:
        conn = self._writer_conn()
        with conn.transaction():
            rows = conn.execute(
                "SELECT seq, type, frame FROM events WHERE seq <= %s ORDER BY seq DESC LIMIT %s",
                (through, limit),
            ).fetchall()
        return [LogEntry.from_text(int(r[0]), str(r[1]), str(r[2])) for r in reversed(rows)]
