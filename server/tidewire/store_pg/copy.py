"""``tidewire store copy sqlite:///…/tidewire.db postgresql://…``: move a SQLite daemon's state and
event log, with its epoch and seqs, into a PostgreSQL database, so its clients resume on the
PostgreSQL daemons without a resync (docs/operations.md, "Moving from SQLite").

The copy holds the SQLite data directory's lock for its whole run, so no daemon can write the
source meanwhile, and writes the target in one transaction holding the counter row, so no daemon
writes the target meanwhile either and a copy cut short leaves nothing behind. Tables are found
from both schemas, not listed here: a table a later migration adds is copied the same way.
"""

from __future__ import annotations

import graphlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from ..config import check_store, redact_dsn
from ..errors import DomainError
from ..lockfile import AlreadyRunning, DataDirLock
from ..store.clock import utc_now
from ..store.errors import is_damaged
from ..store.migrations import MigrationError, applied_versions, discover
from ..store.migrations import migrate as migrate_sqlite
from ..store.startup import MARK_NAME
from ..store.watermark import FileMark, MarkError
from .connect import Conn, connect
from .counter import advance, lock_head
from .migrations import MIGRATIONS_DIR as PG_MIGRATIONS_DIR
from .migrations import migrate as migrate_pg

# Exit statuses of `tidewire store copy` (docs/operations.md), in the style of `tidewire serve`'s.
EXIT_FAILED = 1
EXIT_BAD_ARGUMENT = 2
EXIT_IN_USE = 3
EXIT_SOURCE_DAMAGED = 4
EXIT_SOURCE_EMPTY = 5
EXIT_UNREACHABLE = 8  # as `tidewire serve --store` when the server cannot be had
EXIT_TARGET_NOT_EMPTY = 9
EXIT_VERIFY_FAILED = 10

# Tables each backend keeps for itself: the migration bookkeeping (each store has its own), the
# metadata (copied key by key below), PostgreSQL's counter row (set to the copied head), and the
# node leases (the daemons on the target hold their own; a SQLite daemon holds none, and a daemon
# that only started on the target leaves its ended lease there, which is no data).
_OWN_TABLES = {"schema_migrations", "meta", "log_head", "node_leases"}
# Metadata only the SQLite file means something by: its node id, its head (the counter row holds
# it on PostgreSQL) and its last storage incident (about that file, not the new database).
_SQLITE_ONLY_META = {"server_id", "head_seq", "storage_notice"}
# SQLite's implicit row number; the PostgreSQL schema names it as a column where the domain orders
# by it (store_pg/migrations/0002_tasks.sql), and the copy keeps its values, so the order stays.
_ROWID = "rowid"

# One copy at a time per database (pg_advisory_xact_lock key, any constant): "twcopy".
_COPY_LOCK_KEY = 0x7477636F7079
# The name the copy's connection shows in pg_stat_activity; daemons show "tidewire <role>".
_ROLE = "store copy"


class CopyError(Exception):
    """The copy was refused or failed; ``message`` is the one line printed, ``exit_code`` the status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Summary:
    """What one store holds, as the copy compares it: enough to tell two stores apart."""

    epoch: str | None
    head: int
    rows: dict[str, int]
    # sha256 over the events (seq, type, ts, frame) in seq order.
    events_checksum: str
    # Per table, sha256 over its rows' digests, sorted (so the two backends' orders do not matter).
    table_checksums: dict[str, str] = field(default_factory=dict)

    def differences(self, other: Summary) -> list[str]:
        found = []
        if self.epoch != other.epoch:
            found.append(f"epoch {self.epoch} / {other.epoch}")
        if self.head != other.head:
            found.append(f"head {self.head} / {other.head}")
        for table in sorted(set(self.rows) | set(other.rows)):
            mine, theirs = self.rows.get(table), other.rows.get(table)
            if mine != theirs:
                found.append(f"{table}: {mine} / {theirs} rows")
            elif self.table_checksums.get(table) != other.table_checksums.get(table):
                found.append(f"{table}: the rows differ")
        if self.events_checksum != other.events_checksum:
            found.append("the events differ")
        return found


@dataclass(frozen=True)
class Outcome:
    copied: bool  # False: the target already held this copy, and nothing was written
    source: Summary
    target: Summary
    source_label: str
    target_label: str
    migrated_source: list[int]


# -- arguments ----------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    """The database file a ``sqlite:///absolute/path`` URL names (a data directory names its
    ``tidewire.db``). Raises ``CopyError`` for anything else, or a file that is not there."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "sqlite" or not url.lower().startswith("sqlite://"):
        raise CopyError(
            f"the source must be a sqlite:///path/to/tidewire.db URL, not {redact_dsn(url)!r}",
            EXIT_BAD_ARGUMENT,
        )
    if parts.netloc or parts.query or parts.fragment:
        raise CopyError(
            f"the source {url!r} must be sqlite:/// and an absolute path (no host, query or fragment)",
            EXIT_BAD_ARGUMENT,
        )
    text = unquote(parts.path)
    if not text.startswith("/") or text.strip("/") == "":
        raise CopyError(
            f"the source {url!r} names no absolute path: sqlite:///path/to/tidewire.db", EXIT_BAD_ARGUMENT
        )
    # sqlite:////abs (SQLAlchemy's spelling of an absolute path) means the same file.
    path = Path("/" + text.lstrip("/"))
    if path.is_dir():
        path = path / "tidewire.db"
    if not path.is_file():
        raise CopyError(f"the source database {path} does not exist", EXIT_BAD_ARGUMENT)
    return path


def check_target(url: str) -> None:
    """Refuse a target that is not a PostgreSQL URL psycopg can parse (without connecting)."""
    if not url.lower().startswith(("postgresql://", "postgres://")):
        raise CopyError(
            f"the target must be a postgresql://user@host/database URL, not {redact_dsn(url)!r}",
            EXIT_BAD_ARGUMENT,
        )
    try:
        check_store(url)
    except DomainError as exc:
        raise CopyError(exc.message.replace("store", "the target", 1), EXIT_BAD_ARGUMENT) from None


# -- the copy -----------------------------------------------------------------------------------


def copy_store(
    source_url: str, target_url: str, *, before_commit: Callable[[Conn], None] | None = None
) -> Outcome:
    """Copy the SQLite store at ``source_url`` into the PostgreSQL database at ``target_url``.

    Idempotent: a target that already holds exactly this copy is left as it is. ``before_commit``
    runs inside the target's transaction just before COMMIT (tests make the copy fail there).
    """
    path = sqlite_path(source_url)
    check_target(target_url)
    shown = redact_dsn(target_url)
    lock = DataDirLock(path.parent / "tidewire.lock")
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise CopyError(
            f"the data directory {path.parent} is in use: {exc}; stop that daemon before copying its store",
            EXIT_IN_USE,
        ) from None
    try:
        src = _open_source(path)
        try:
            _check_source(src, path)
            # Reached before anything is migrated on either side.
            dst = _connect_target(target_url, shown)
            try:
                migrated = _migrate_source(src, path)
                return _copy(src, dst, path, target_url, shown, migrated, before_commit)
            finally:
                dst.close()
        finally:
            src.close()
    finally:
        lock.release()


def _open_source(path: Path) -> sqlite3.Connection:
    try:
        # mode=rw: a missing file is an error rather than a new, empty database.
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
    except sqlite3.Error as exc:
        raise CopyError(f"could not open the source database {path}: {exc}", EXIT_FAILED) from None
    return conn


def _check_source(conn: sqlite3.Connection, path: Path) -> None:
    """A tidewire store this version can read: an epoch, and no migration this version lacks."""
    try:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        epoch = (
            None if has_meta is None else conn.execute("SELECT 1 FROM meta WHERE key = 'epoch'").fetchone()
        )
        if epoch is None:
            raise CopyError(
                f"the source {path} holds no tidewire store (no epoch): nothing to copy", EXIT_SOURCE_EMPTY
            )
        applied = applied_versions(conn)
    except sqlite3.Error as exc:
        if is_damaged(exc):
            raise CopyError(
                f"the source database {path} is damaged ({exc}); nothing was copied", EXIT_SOURCE_DAMAGED
            ) from None
        raise CopyError(f"could not read the source database {path}: {exc}", EXIT_FAILED) from None
    known = {m.version for m in discover()}
    newer = sorted(applied - known)
    if newer:
        raise CopyError(
            f"the source {path} has migration {newer[-1]}, newer than this tidewire knows "
            f"(up to {max(known)}); copy it with the tidewire that wrote it",
            EXIT_FAILED,
        )


def _migrate_source(conn: sqlite3.Connection, path: Path) -> list[int]:
    """Bring the SQLite file to this version's schema, as `tidewire serve` would at its next start:
    each migration in its own transaction, so a failure leaves the file as the last one left it."""
    try:
        return migrate_sqlite(conn, utc_now())
    except MigrationError as exc:
        raise CopyError(f"the source {path} could not be migrated: {exc}", EXIT_FAILED) from None


def _connect_target(dsn: str, shown: str) -> Conn:
    try:
        return connect(dsn, _ROLE, autocommit=True)
    except psycopg.OperationalError as exc:
        raise CopyError(f"cannot reach the target {shown}: {_first_line(exc)}", EXIT_UNREACHABLE) from None


def _copy(
    src: sqlite3.Connection,
    dst: Conn,
    path: Path,
    dsn: str,
    shown: str,
    migrated: list[int],
    before_commit: Callable[[Conn], None] | None,
) -> Outcome:
    try:
        try:
            migrate_pg(dst, utc_now())
        except MigrationError as exc:
            raise CopyError(
                f"the target {shown} could not be migrated: {_first_line(exc)}", EXIT_FAILED
            ) from None
        _check_versions(src, dst, path, shown)
        # One read snapshot of the source for the copy and its summary (the lock keeps writers
        # out anyway; this keeps the two reads consistent whatever else opens the file).
        src.execute("BEGIN")
        try:
            plan = _plan(src, dst, path, shown)
            source = _summarise_sqlite(src, plan)
            _check_mark(path, source)
            with dst.transaction():
                copied = _copy_in_transaction(src, dst, plan, source, shown, before_commit)
        finally:
            src.execute("COMMIT")
        # Read again through a connection of its own: what any daemon will now find there.
        check = _connect_target(dsn, shown)
        try:
            with check.transaction():
                target = _summarise_pg(check, plan)
        finally:
            check.close()
    except psycopg.OperationalError as exc:
        raise CopyError(
            f"lost the target {shown}: {_first_line(exc)}; nothing was committed unless a second run "
            "reports it already holds this copy",
            EXIT_UNREACHABLE,
        ) from None
    except psycopg.Error as exc:
        raise CopyError(
            f"the target {shown} refused the copy: {_first_line(exc)}; nothing was committed", EXIT_FAILED
        ) from None
    problems = source.differences(target)
    if problems:
        raise CopyError(
            f"verification failed after COMMIT, source / target: {'; '.join(problems)}", EXIT_VERIFY_FAILED
        )
    return Outcome(copied, source, target, f"sqlite {path}", f"postgresql {shown}", migrated)


def _check_versions(src: sqlite3.Connection, dst: Conn, path: Path, shown: str) -> None:
    """Both stores at this tidewire's schema: the same numbered migrations, all applied."""
    source = applied_versions(src)
    rows = dst.execute("SELECT version FROM schema_migrations").fetchall()
    target = {int(r[0]) for r in rows}
    pg_known = {m.version for m in discover(PG_MIGRATIONS_DIR)}
    if target - pg_known:
        raise CopyError(
            f"the target {shown} has migration {max(target - pg_known)}, newer than this tidewire knows; "
            "copy with the tidewire its daemons run",
            EXIT_FAILED,
        )
    if max(source, default=0) != max(target, default=0):
        raise CopyError(
            f"the two schemas are at different versions: {path} at {max(source, default=0)}, "
            f"{shown} at {max(target, default=0)}; nothing was copied",
            EXIT_FAILED,
        )


# -- what to copy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]  # the PostgreSQL column names written (and compared)
    source_exprs: tuple[str, ...]  # what the SQLite side selects for each
    identity: tuple[str, ...]  # PostgreSQL identity columns whose sequence must follow the copy


@dataclass(frozen=True)
class _Plan:
    tables: tuple[_Table, ...]  # in foreign-key order, `events` last
    pg_only: tuple[str, ...]  # tables only the target has (other than its own): must stay empty


def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: [str(c[1]) for c in conn.execute(f'PRAGMA table_info("{n}")')] for n in names}


@dataclass(frozen=True)
class _PgColumn:
    name: str
    required: bool  # NOT NULL without a default: the copy must give it a value
    identity: bool


def _pg_tables(conn: Conn) -> dict[str, list[_PgColumn]]:
    rows = conn.execute(
        """SELECT c.table_name, c.column_name, c.is_nullable, c.column_default, c.is_identity,
                  c.is_generated
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
           WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           ORDER BY c.table_name, c.ordinal_position"""
    ).fetchall()
    tables: dict[str, list[_PgColumn]] = {}
    for table, column, nullable, default, identity, generated in rows:
        if generated == "ALWAYS":
            continue  # computed by the server; it cannot be written
        is_identity = identity == "YES"
        required = nullable == "NO" and default is None and not is_identity
        tables.setdefault(str(table), []).append(_PgColumn(str(column), required, is_identity))
    return tables


def _fk_order(conn: Conn, names: Iterable[str]) -> list[str]:
    edges = conn.execute(
        """SELECT src.relname, dst.relname FROM pg_constraint c
           JOIN pg_class src ON src.oid = c.conrelid
           JOIN pg_class dst ON dst.oid = c.confrelid
           JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE c.contype = 'f' AND n.nspname = current_schema()"""
    ).fetchall()
    wanted = sorted(names)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name in wanted:
        sorter.add(name)
    for child, parent in edges:
        # A table referring to itself (tasks.parent_id) is checked at the end of its COPY.
        if child != parent and child in wanted and parent in wanted:
            sorter.add(str(child), str(parent))
    order = list(sorter.static_order())
    # The log last: a copy cut short never holds events without their state (it holds nothing
    # anyway, being one transaction; this keeps the order the daemons write in).
    return [n for n in order if n != "events"] + (["events"] if "events" in order else [])


def _plan(src: sqlite3.Connection, dst: Conn, path: Path, shown: str) -> _Plan:
    sqlite_tables = _sqlite_tables(src)
    pg_tables = _pg_tables(dst)
    missing = sorted(set(sqlite_tables) - set(pg_tables) - _OWN_TABLES)
    if missing:
        raise CopyError(
            f"the target {shown} has no table for {', '.join(missing)} of {path}; the schemas differ",
            EXIT_FAILED,
        )
    tables: dict[str, _Table] = {}
    for name, source_columns in sqlite_tables.items():
        if name in _OWN_TABLES:
            continue
        target_columns = {c.name: c for c in pg_tables[name]}
        lost = [c for c in source_columns if c not in target_columns]
        if lost:
            raise CopyError(
                f"the target's {name} has no column {', '.join(lost)}; the schemas differ", EXIT_FAILED
            )
        columns: list[str] = []
        exprs: list[str] = []
        for column in target_columns.values():
            if column.name in source_columns:
                columns.append(column.name)
                exprs.append(f'"{column.name}"')
            elif column.name == _ROWID:
                columns.append(column.name)
                exprs.append("rowid")
            elif column.required:
                raise CopyError(
                    f"the target's {name}.{column.name} needs a value the source does not have; "
                    "the schemas differ",
                    EXIT_FAILED,
                )
        identity = tuple(c.name for c in target_columns.values() if c.identity and c.name in columns)
        tables[name] = _Table(name, tuple(columns), tuple(exprs), identity)
    pg_only = tuple(sorted(set(pg_tables) - set(sqlite_tables) - _OWN_TABLES))
    order = _fk_order(dst, tables)
    return _Plan(tuple(tables[n] for n in order), pg_only)


# -- summaries ----------------------------------------------------------------------------------


def _row_digest(row: Sequence[Any]) -> bytes:
    # Both drivers hand a column's values back as the same Python types (int, float, str, bytes,
    # None), and a tuple's repr tells them apart unambiguously, so one repr stands for the row.
    # `backslashreplace`: a lone surrogate in text cannot be UTF-8 encoded, but must still count.
    return hashlib.sha256(repr(tuple(row)).encode("utf-8", "backslashreplace")).digest()


def _table_checksum(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    digests = sorted(_row_digest(r) for r in rows)
    h = hashlib.sha256()
    for d in digests:
        h.update(d)
    return len(digests), h.hexdigest()


def _events_checksum(rows: Iterable[Sequence[Any]]) -> str:
    h = hashlib.sha256()
    for seq, type_, ts, frame in rows:
        h.update(f"{int(seq)}\t{type_}\t{ts}\t".encode())
        h.update(str(frame).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _summarise_sqlite(conn: sqlite3.Connection, plan: _Plan) -> Summary:
    meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    rows: dict[str, int] = {}
    sums: dict[str, str] = {}
    for t in plan.tables:
        rows[t.name], sums[t.name] = _table_checksum(
            conn.execute(f'SELECT {", ".join(t.source_exprs)} FROM "{t.name}"')
        )
    max_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
    head = max(int(meta.get("head_seq", "0")), int(max_seq))
    events = _events_checksum(conn.execute("SELECT seq, type, ts, frame FROM events ORDER BY seq"))
    return Summary(meta.get("epoch"), head, rows, events, sums)


def _summarise_pg(conn: Conn, plan: _Plan) -> Summary:
    row = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
    head_row = conn.execute("SELECT head FROM log_head WHERE id = 1").fetchone()
    rows: dict[str, int] = {}
    sums: dict[str, str] = {}
    for t in plan.tables:
        query = sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in t.columns), sql.Identifier(t.name)
        )
        rows[t.name], sums[t.name] = _table_checksum(conn.execute(query))
    events = _events_checksum(conn.execute("SELECT seq, type, ts, frame FROM events ORDER BY seq"))
    return Summary(
        None if row is None else str(row[0]), 0 if head_row is None else int(head_row[0]), rows, events, sums
    )


def _holds_anything(conn: Conn, plan: _Plan, head: int) -> list[str]:
    found = [f"its log head is {head}"] if head else []
    for name in [t.name for t in plan.tables] + list(plan.pg_only):
        counted = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()
        n = int(counted[0]) if counted is not None else 0
        if n:
            found.append(f"{n} rows in {name}")
    return found


def _check_mark(path: Path, source: Summary) -> None:
    """Refuse a database behind its high-water mark: its clients saw seqs it lost, and the copy
    would keep the epoch that makes them trust those seqs (`tidewire serve` starts a new epoch)."""
    try:
        mark = FileMark(path.parent / MARK_NAME).load()
    except MarkError:
        return  # an unreadable mark tells nothing either way; the daemon would rewrite it
    if mark is not None and mark.epoch == source.epoch and mark.seq > source.head:
        raise CopyError(
            f"the source {path} ends at seq {source.head} but its {MARK_NAME} records seq {mark.seq} "
            "acknowledged: events were lost; start `tidewire serve` on it once (it starts a new epoch "
            "so clients resync), stop it, then copy",
            EXIT_SOURCE_DAMAGED,
        )


# -- writing ------------------------------------------------------------------------------------


def _copy_in_transaction(
    src: sqlite3.Connection,
    dst: Conn,
    plan: _Plan,
    source: Summary,
    shown: str,
    before_commit: Callable[[Conn], None] | None,
) -> bool:
    dst.execute("SELECT pg_advisory_xact_lock(%s)", (_COPY_LOCK_KEY,))
    # The counter row: every daemon's writes wait on it until this transaction ends.
    head = lock_head(dst)
    # A daemon starting meanwhile inserts its epoch if there is none (store_pg/epoch.py); it must
    # wait and then find the source's, not have its own replaced under it. Reads go on.
    dst.execute("LOCK TABLE meta IN EXCLUSIVE MODE")
    users = dst.execute(
        """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
           AND pid <> pg_backend_pid() AND application_name LIKE 'tidewire %%'
           AND application_name <> %s""",
        (f"tidewire {_ROLE}",),
    ).fetchone()
    if users is not None and int(users[0]):
        raise CopyError(
            f"{int(users[0])} tidewire daemon connection(s) are open on the target {shown}; stop its daemons "
            "before copying into it",
            EXIT_IN_USE,
        )
    found = _holds_anything(dst, plan, head)
    if found:
        epoch_row = dst.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        epoch = None if epoch_row is None else str(epoch_row[0])
        if epoch == source.epoch:
            held = _summarise_pg(dst, plan)
            problems = source.differences(held)
            if not problems:
                return False
            raise CopyError(
                f"the target {shown} holds a copy of this store (epoch {epoch}) that has changed since "
                f"(source / target: {'; '.join(problems[:5])}); refusing to overwrite it. To copy again, "
                "drop and recreate the target database",
                EXIT_TARGET_NOT_EMPTY,
            )
        raise CopyError(
            f"the target {shown} is not empty ({', '.join(found[:5])}; epoch {epoch}); refusing to overwrite "
            "it: copy into a new, empty database",
            EXIT_TARGET_NOT_EMPTY,
        )
    for table in plan.tables:
        _copy_table(src, dst, table)
    meta = [
        (str(k), str(v)) for k, v in src.execute("SELECT key, value FROM meta") if k not in _SQLITE_ONLY_META
    ]
    # A daemon that started on the empty target and wrote nothing left an epoch no seq was
    # numbered under; the source's replaces it.
    for key, value in meta:
        dst.execute(
            "INSERT INTO meta (key, value) VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (key, value),
        )
    if source.head:
        advance(dst, source.head)
    copied = _summarise_pg(dst, plan)
    problems = source.differences(copied)
    if problems:
        raise CopyError(
            f"verification failed before COMMIT, source / target: {'; '.join(problems)}; "
            "nothing was committed",
            EXIT_VERIFY_FAILED,
        )
    if before_commit is not None:
        before_commit(dst)
    return True


def _copy_table(src: sqlite3.Connection, dst: Conn, table: _Table) -> None:
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in table.columns)
    )
    rows = src.execute(f'SELECT {", ".join(table.source_exprs)} FROM "{table.name}"')
    with dst.cursor() as cur, cur.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)
    for column in table.identity:
        # The next row a daemon inserts gets a number after every copied one.
        dst.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, %s), m, true) FROM (SELECT max({}) AS m FROM {}) s"
                " WHERE m IS NOT NULL"
            ).format(sql.Identifier(column), sql.Identifier(table.name)),
            (table.name, column),
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


# -- the report ---------------------------------------------------------------------------------


def report(outcome: Outcome) -> str:
    """What the command prints: what was done, and the comparison that verified it."""
    s, t = outcome.source, outcome.target
    if outcome.copied:
        head = f"copied {outcome.source_label} to {outcome.target_label}"
    else:
        head = (
            f"the target {outcome.target_label} already holds this copy of {outcome.source_label}; "
            "nothing to do"
        )
    lines = [f"tidewire: {head}"]
    if outcome.migrated_source:
        lines.append(f"  source migrated first: {', '.join(str(v) for v in outcome.migrated_source)}")
    lines.append(f"  epoch {s.epoch}, head seq {s.head} (new writes continue at seq {s.head + 1})")
    width = max([len("table")] + [len(n) for n in s.rows])
    lines.append(f"  {'table':<{width}}  {'source':>8}  {'target':>8}")
    for name in sorted(s.rows):
        lines.append(f"  {name:<{width}}  {s.rows[name]:>8}  {t.rows.get(name, 0):>8}")
    lines.append(f"  events checksum sha256 {s.events_checksum} (source) {t.events_checksum} (target)")
    lines.append("  verified: row counts, table checksums and the event checksum match")
    return "\n".join(lines)
