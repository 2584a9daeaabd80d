"""SQLite (WAL) store: one writer thread, a few reader threads, and the event outbox.

Every write runs ``fn(tx)`` inside ``BEGIN IMMEDIATE ... COMMIT`` on the writer thread;
the events it emits get their seq there, in commit order, and are handed to the commit
listeners (the event bus) on the event loop right after COMMIT, before ``write`` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import DomainError, InvalidArgument
from ..protocol import EVENT_MODELS
from .clock import utc_now
from .entry import LogEntry
from .errors import RefusedEmpty, start_error, translate
from .migrations import migrate
from .watermark import HighWaterMark, Mark, MarkError, Verdict, reconcile
from .write_hook import bind as bind_write_hook

log = logging.getLogger("tidewire.store")

T = TypeVar("T")
CommitListener = Callable[[list[LogEntry]], None]

_READERS = 2

# SQLite `synchronous` levels the store accepts. In WAL mode both keep every committed transaction
# across a crash of the process (kill -9): the WAL is written before COMMIT returns either way.
# FULL also fsyncs the WAL on every commit, so a commit survives power loss or an OS crash;
# NORMAL fsyncs only at checkpoints, so the last transactions may be lost on power loss.
SYNCHRONOUS_LEVELS = ("full", "normal")


@dataclass(frozen=True, slots=True)
class StorageNotice:
    """Something an operator must know about the storage (shown by ``GET /api/health``)."""

    code: str
    message: str
    at: str


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """Whether the store answers, as ``GET /api/health`` shows it. The SQLite file is always
    there while the daemon runs; a PostgreSQL store reports ``available`` false from the first
    failure it sees until its next success, with the reason and since when."""

    backend: str
    available: bool
    message: str | None = None
    since: str | None = None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


# An event name (two or more segments), as the socket's subscription grammar defines it.
_EVENT_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def build_frame(
    type_: str, seq: int, ts: str, data: BaseModel | Mapping[str, Any], *, allow_unknown: bool = False
) -> str:
    """Validate an event against its generated frame model and serialise it for the wire.

    Optional fields left at their default (None) are omitted: the schemas make them
    optional, not nullable. With ``allow_unknown`` (test events only) a well-formed name
    without a model is committed as it is, so clients can be tested against event types
    newer than themselves.
    """
    model = EVENT_MODELS.get(type_)
    if model is None and allow_unknown and _EVENT_NAME.match(type_) and isinstance(data, Mapping):
        try:
            return json.dumps(
                {"type": type_, "seq": seq, "ts": ts, "data": dict(data)},
                separators=(",", ":"),
                ensure_ascii=False,
                allow_nan=False,
            )
        except ValueError:
            raise InvalidArgument(f"{type_}: data holds a number JSON cannot carry (NaN, Infinity)") from None
    if model is None:
        raise InvalidArgument(f"unknown event type {type_!r}", code="unknown_event")
    payload = (
        data.model_dump(mode="json", exclude_defaults=True, by_alias=True)
        if isinstance(data, BaseModel)
        else dict(data)
    )
    try:
        frame = model.model_validate({"type": type_, "seq": seq, "ts": ts, "data": payload})
    except ValidationError as exc:
        raise InvalidArgument(f"{type_}: invalid event data: {exc.errors(include_url=False)}") from None
    return frame.model_dump_json(exclude_defaults=True, by_alias=True)


class Tx:
    """A write transaction: its connection, its timestamp, and its outbox."""

    def __init__(self, conn: sqlite3.Connection, now: str, head: int) -> None:
        self.conn = conn
        self.now = now
        self._next_seq = head + 1
        self.outbox: list[LogEntry] = []

    def emit(self, type: str, data: BaseModel | Mapping[str, Any], *, allow_unknown: bool = False) -> int:
        seq = self._next_seq
        text = build_frame(type, seq, self.now, data, allow_unknown=allow_unknown)
        self.conn.execute(
            "INSERT INTO events (seq, type, ts, frame) VALUES (?, ?, ?, ?)", (seq, type, self.now, text)
        )
        self.outbox.append(LogEntry.from_text(seq, type, text))
        self._next_seq = seq + 1
        return seq

    @property
    def seq(self) -> int:
        """The seq the state reflects so far: this write's last event, or the head it started from."""
        return self._next_seq - 1


_MAX_BATCH = 256
# How many events past `retain` the store keeps for a socket that still needs them; a socket
# further behind than that (it is not reading) gets `resync` overflow when it reaches the gap.
MAX_PINNED = 100_000


@dataclass(slots=True)
class _Job:
    fn: Callable[[Tx], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class Store:
    """The daemon's database. Create with ``await Store.open(path, retain=...)``."""

    # One daemon owns the file: no other node shares its state, so no node leases (sources/leases.py).
    shared = False

    def __init__(
        self,
        path: Path,
        retain: int,
        synchronous: str = "full",
        *,
        mark: HighWaterMark | None = None,
        existing_state: list[str] | None = None,
        allow_reinit: bool = False,
    ) -> None:
        if synchronous not in SYNCHRONOUS_LEVELS:
            levels = ", ".join(SYNCHRONOUS_LEVELS)
            raise ValueError(f"synchronous must be one of {levels}, not {synchronous!r}")
        self.path = path
        self.retain = retain
        self.synchronous = synchronous
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tidewire-writer")
        self._pending: list[_Job] = []
        self._pending_lock = threading.Lock()
        self._drain_scheduled = False
        self._readers = ThreadPoolExecutor(max_workers=_READERS, thread_name_prefix="tidewire-reader")
        self._local = threading.local()
        self._read_conns: list[sqlite3.Connection] = []
        self._read_lock = threading.Lock()
        self._wconn: sqlite3.Connection | None = None
        self._listeners: list[CommitListener] = []
        # The lowest seq a live reader (a socket) has taken; events after it are kept past
        # `retain`, up to MAX_PINNED more, so a reader that is reading never loses one to pruning.
        self.prune_floor: Callable[[], int | None] | None = None
        self._closed = False
        self.head = 0
        self.epoch = ""
        self.server_id = ""
        # Start-up checks against the high-water mark (see watermark.py); without a mark (tests,
        # embedding) the store trusts its database as before.
        self._mark = mark
        self._existing_state = list(existing_state or [])
        self._allow_reinit = allow_reinit
        self.notices: list[StorageNotice] = []
        # Set when the shutdown could not fold the WAL back in: `tidewire serve` must not exit 0.
        self.close_error: str | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: Path | str,
        retain: int = 10_000,
        synchronous: str = "full",
        *,
        mark: HighWaterMark | None = None,
        existing_state: list[str] | None = None,
        allow_reinit: bool = False,
    ) -> Store:
        store = cls(
            Path(path),
            retain,
            synchronous,
            mark=mark,
            existing_state=existing_state,
            allow_reinit=allow_reinit,
        )
        try:
            await asyncio.get_running_loop().run_in_executor(store._writer, store._open_sync)
        except BaseException:
            store._abandon()
            raise
        return store

    @classmethod
    def open_sync(
        cls,
        path: Path | str,
        retain: int = 10_000,
        synchronous: str = "full",
        *,
        mark: HighWaterMark | None = None,
        existing_state: list[str] | None = None,
        allow_reinit: bool = False,
    ) -> Store:
        """Open from synchronous code (app construction); same result as ``open``."""
        store = cls(
            Path(path),
            retain,
            synchronous,
            mark=mark,
            existing_state=existing_state,
            allow_reinit=allow_reinit,
        )
        try:
            store._writer.submit(store._open_sync).result()
        except BaseException:
            store._abandon()
            raise
        return store

    def _abandon(self) -> None:
        self._closed = True
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        if self._mark is not None:
            self._mark.close()

    def _open_sync(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path)
        try:
            self._open_checked(conn)
        except BaseException as exc:
            conn.close()
            raised = start_error(exc, self.path)
            if raised is exc:
                raise
            raise raised from exc
        self._wconn = conn

    def _open_checked(self, conn: sqlite3.Connection) -> None:
        # Read before anything is written: an empty file must stay empty if the start is refused.
        initialised = (
            conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
            is not None
        )
        stored: dict[str, str] = {}
        if initialised:
            stored = {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")}
        on_disk: Mark | None = None
        if "epoch" in stored:
            max_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
            on_disk = Mark(stored["epoch"], max(int(stored.get("head_seq", "0")), int(max_seq)))
        mark, damaged = self._load_mark()
        state = list(self._existing_state)
        if mark is not None:
            state.insert(0, f"{self._mark_name()} records epoch {mark.epoch} seq {mark.seq}")
        elif damaged:
            state.insert(0, f"a damaged {self._mark_name()}")
        decision = reconcile(
            on_disk, mark, state=state, allow_reinit=self._allow_reinit, mark_damaged=damaged
        )
        if decision.verdict is Verdict.REFUSE_EMPTY:
            raise RefusedEmpty(f"refusing to start on {self.path}: {decision.message}")

        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"could not put {self.path} in WAL mode (got {mode})")
        # FULL (default): a commit that returned survives power loss too, so a seq a client saw is
        # never reused. NORMAL: survives a process crash; see SYNCHRONOUS_LEVELS.
        conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
        now = utc_now()
        migrate(conn, now)
        notice: StorageNotice | None = None
        conn.execute("BEGIN IMMEDIATE")
        try:
            meta = {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")}
            if "epoch" not in meta:
                meta["epoch"] = "ep_" + secrets.token_hex(8)
                meta["server_id"] = "srv_" + secrets.token_hex(6)
                meta["head_seq"] = "0"
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [(k, meta[k]) for k in ("epoch", "server_id", "head_seq")],
                )
            # The head is the larger of the recorded head and the log's max: both are written in
            # every emitting transaction, so they agree; max() is belt and braces.
            max_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
            head = max(int(meta["head_seq"]), int(max_seq))
            if decision.verdict is Verdict.BEHIND:
                # Seqs after `head` were seen by clients under the old epoch: a new epoch voids
                # every cursor, so none of them is ever answered with a different event.
                meta["epoch"] = "ep_" + secrets.token_hex(8)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (meta["epoch"],))
            if decision.message:
                notice = StorageNotice(decision.verdict.value, decision.message, now)
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('storage_notice', ?)",
                    (json.dumps({"code": notice.code, "message": notice.message, "at": notice.at}),),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if notice is not None:
            level = logging.ERROR if decision.verdict in (Verdict.BEHIND, Verdict.REINIT) else logging.WARNING
            log.log(level, "storage: %s: %s", self.path, notice.message)
            self.notices.append(notice)
        elif "storage_notice" in meta:
            # The last incident stays visible to operators across restarts, with its time.
            with contextlib.suppress(ValueError, KeyError, TypeError):
                raw = json.loads(meta["storage_notice"])
                self.notices.append(StorageNotice(str(raw["code"]), str(raw["message"]), str(raw["at"])))
        self.epoch = meta["epoch"]
        self.server_id = meta["server_id"]
        self.head = head
        if self._mark is not None:
            self._mark.advance(Mark(self.epoch, head))

    def _mark_name(self) -> str:
        path = getattr(self._mark, "path", None)
        return path.name if isinstance(path, Path) else "the high-water mark"

    def _load_mark(self) -> tuple[Mark | None, bool]:
        if self._mark is None:
            return None, False
        try:
            return self._mark.load(), False
        except MarkError:
            return None, True

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
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
            # Fold the WAL back into the main file so the database is self-contained at rest.
            # A failure (a full disk) loses nothing, the WAL keeps it and the next start reads it,
            # but the shutdown was not clean, and the exit status must say so.
            try:
                busy = self._wconn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if busy:
                    self.close_error = "the WAL checkpoint could not finish (the database was busy)"
            except sqlite3.Error as exc:
                self.close_error = f"the WAL checkpoint failed: {exc}"
            finally:
                try:
                    self._wconn.close()
                except sqlite3.Error as exc:
                    self.close_error = self.close_error or f"closing the database failed: {exc}"
                self._wconn = None
                if self._mark is not None:
                    self._mark.close()
            if self.close_error:
                log.error(
                    "storage: %s: %s; the changes are kept in %s-wal",
                    self.path,
                    self.close_error,
                    self.path.name,
                )

    # -- listeners -------------------------------------------------------------------------

    def add_commit_listener(self, listener: CommitListener) -> None:
        """Called on the event loop, in commit order, with each transaction's events."""
        self._listeners.append(listener)

    def _publish(self, entries: list[LogEntry]) -> None:
        for listener in self._listeners:
            listener(entries)

    # -- writes ----------------------------------------------------------------------------

    async def write(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn(tx)`` in a write transaction on the writer thread; return its result.

        Writes that queue up while the writer is busy are committed together (group commit:
        one fsync for the lot), each inside its own SAVEPOINT, so each still commits or rolls
        back on its own, in queue order, exactly as if they had run one after another.
        """
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        fn = bind_write_hook(fn)  # e.g. an idempotency key that commits with this write
        with self._pending_lock:
            self._pending.append(_Job(fn, loop, future))
            schedule = not self._drain_scheduled
            self._drain_scheduled = True
        if schedule:
            self._writer.submit(self._drain)
        result: T = await future
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

    def _run_batch(self, batch: list[_Job]) -> None:
        conn = self._wconn
        outcomes: list[tuple[bool, Any]] = []
        outbox: list[LogEntry] = []
        try:
            if conn is None:
                raise RuntimeError("the store is closed")
            conn.execute("BEGIN IMMEDIATE")
            head = self.head
            for job in batch:
                conn.execute("SAVEPOINT tidewire_write")
                tx = Tx(conn, utc_now(), head)
                try:
                    result = job.fn(tx)
                except BaseException as exc:
                    conn.execute("ROLLBACK TO tidewire_write")
                    conn.execute("RELEASE tidewire_write")
                    outcomes.append((False, exc))
                    continue
                conn.execute("RELEASE tidewire_write")
                outcomes.append((True, result))
                outbox.extend(tx.outbox)
                head += len(tx.outbox)
            if outbox:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(head),))
                # Pruning in the write path keeps the log bounded without a background job.
                conn.execute("DELETE FROM events WHERE seq <= ?", (self._prune_through(head),))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn is not None and conn.in_transaction:
                conn.execute("ROLLBACK")
            # Nothing committed: every write of the batch fails with the reason (its own error first).
            failure = translate(exc, self.path)
            outcomes = [o if not o[0] else (False, failure) for o in outcomes]
            outcomes += [(False, failure)] * (len(batch) - len(outcomes))
            outbox = []
        outcomes = [(ok, value if ok else translate(value, self.path)) for ok, value in outcomes]
        if outbox:
            self.head = outbox[-1].seq
            # Durable before anything of this group is acknowledged or published (watermark.py).
            self._advance_mark(Mark(self.epoch, self.head))
            loops = {job.loop for job in batch}
            for loop in loops:
                # Scheduled from this single writer thread before any result, so listeners run in
                # commit order and before any writer's await resumes.
                loop.call_soon_threadsafe(self._publish, outbox)
        for job, (ok, value) in zip(batch, outcomes, strict=True):
            job.loop.call_soon_threadsafe(_settle, job.future, ok, value)

    def _prune_through(self, head: int) -> int:
        """The highest seq the write path may delete: older than `retain`, and not needed by a reader."""
        through = head - self.retain
        floor = self.prune_floor() if self.prune_floor is not None else None
        if floor is not None and floor < through:
            through = max(floor, head - self.retain - MAX_PINNED)
        return through

    def _advance_mark(self, mark: Mark) -> None:
        if self._mark is None:
            return
        try:
            self._mark.advance(mark)
        except Exception as exc:  # after COMMIT nothing may stop the group's futures being settled
            # The group is committed: failing its writes now would make callers retry changes
            # that were made. The mark trails instead, so a later loss of these seqs may go unseen.
            log.error("storage: could not record the high-water mark %s: %s", mark, exc)
            if not any(n.code == "mark_write_failed" for n in self.notices):
                message = f"could not record the high-water mark: {exc}"
                self.notices.append(StorageNotice("mark_write_failed", message, utc_now()))

    # -- reads -----------------------------------------------------------------------------

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> tuple[T, int]:
        """Run ``fn(conn)`` in one read snapshot; return its value and the seq that snapshot reflects."""
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read_sync, fn)

    def _reader_conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
            with self._read_lock:
                self._read_conns.append(conn)
        return conn

    def _read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> tuple[T, int]:
        try:
            # Opening is inside the try: a reader thread opens its connection on first use, and
            # that open fails like any read when descriptors run out.
            conn = self._reader_conn()
            conn.execute("BEGIN")
            try:
                seq = int(conn.execute("SELECT value FROM meta WHERE key = 'head_seq'").fetchone()[0])
                value = fn(conn)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            failure = translate(exc, self.path)
            if failure is exc:
                raise
            raise failure from exc
        return value, seq

    def status(self) -> StoreStatus:
        return StoreStatus("sqlite", True)

    def load_recent(self, limit: int) -> list[LogEntry]:
        """The newest ``limit`` events, oldest first (used once at start-up to fill the ring)."""
        return self._writer.submit(self._load_recent_sync, limit).result()

    def _load_recent_sync(self, limit: int) -> list[LogEntry]:
        assert self._wconn is not None
        rows = self._wconn.execute(
            "SELECT seq, type, frame FROM events ORDER BY seq DESC LIMIT ?", (limit,)
        ).fetchall()
        return [LogEntry.from_text(r["seq"], r["type"], r["frame"]) for r in reversed(rows)]


__all__ = ["DomainError", "Store", "Tx"]
