"""What can go wrong with the storage itself, and how each case reaches users.

At run time a full disk is a refused write (``StorageFull``: REST 507 ``storage_full``, an MCP tool
error with that code); nothing is half-written and the daemon carries on once there is space.
At start-up a damaged, refused or unwritable database is a ``StoreStartError``: ``tidewire serve``
prints its one-line message and exits with its documented ``exit_code``.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ..errors import DomainError

# SQLite primary result codes (the low byte of sqlite_errorcode).
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
SQLITE_CANTOPEN = 14

_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NO_DESCRIPTORS = {errno.EMFILE, errno.ENFILE}

# `tidewire serve` exit codes owned by the store (docs/operations.md lists them all).
EXIT_DAMAGED = 4
EXIT_REFUSED_EMPTY = 5
EXIT_NO_SPACE = 6
EXIT_CHECKPOINT_FAILED = 7


class StorageFull(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("storage_full", message, 507)


class StorageDamaged(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("storage_damaged", message, 503)


class OutOfDescriptors(DomainError):
    """The process (or the system) has no file descriptor left: a condition that passes, not a bug."""

    retry_after = 1

    def __init__(self, message: str) -> None:
        super().__init__("out_of_descriptors", message, 503)


class StoreStartError(RuntimeError):
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseDamaged(StoreStartError):
    exit_code = EXIT_DAMAGED


class RefusedEmpty(StoreStartError):
    exit_code = EXIT_REFUSED_EMPTY


class NoSpace(StoreStartError):
    exit_code = EXIT_NO_SPACE


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _sqlite_code(exc: BaseException) -> int | None:
    for link in _causes(exc):
        if isinstance(link, sqlite3.Error):
            code = getattr(link, "sqlite_errorcode", None)
            if isinstance(code, int):
                return code & 0xFF
    return None


def is_storage_full(exc: BaseException) -> bool:
    if _sqlite_code(exc) == SQLITE_FULL:
        return True
    return any(isinstance(link, OSError) and link.errno in _NO_SPACE for link in _causes(exc))


def _descriptors_left() -> bool:
    try:
        fd = os.open(os.devnull, os.O_RDONLY)
    except OSError as exc:
        return exc.errno not in _NO_DESCRIPTORS
    os.close(fd)
    return True


def is_out_of_descriptors(exc: BaseException) -> bool:
    """EMFILE/ENFILE anywhere in the chain, or SQLite's bare "unable to open database file" at a
    moment when this process cannot open any file (SQLite does not pass the errno on)."""
    if any(isinstance(link, OSError) and link.errno in _NO_DESCRIPTORS for link in _causes(exc)):
        return True
    return _sqlite_code(exc) == SQLITE_CANTOPEN and not _descriptors_left()


def is_damaged(exc: BaseException) -> bool:
    return _sqlite_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def translate(exc: BaseException, path: Path) -> BaseException:
    """A storage failure during a read or write as the domain error users should see."""
    if isinstance(exc, DomainError):
        return exc
    if is_storage_full(exc):
        return StorageFull(
            f"no space left for {path.name}: the change was not made; free disk space and retry"
        )
    if is_damaged(exc):
        return StorageDamaged(f"the database {path} is damaged: {exc}; stop the daemon and restore it")
    if is_out_of_descriptors(exc):
        return OutOfDescriptors(
            f"the daemon is out of file descriptors and could not open {path.name}; "
            "nothing was changed; retry once connections close"
        )
    return exc


def start_error(exc: BaseException, path: Path) -> BaseException:
    """A failure while opening the database as the one-line start-up error, or ``exc`` itself."""
    if isinstance(exc, StoreStartError):
        return exc
    if is_damaged(exc):
        return DatabaseDamaged(
            f"the database {path} is damaged ({_reason(exc)}); stop here, move it aside "
            f"(mv {path} {path}.damaged) and restore a backup, or after moving it start once "
            "with --allow-reinit for a new, empty database"
        )
    if is_storage_full(exc):
        return NoSpace(f"no space left on the device holding {path}; free some space and start again")
    return exc


def _reason(exc: BaseException) -> str:
    for link in _causes(exc):
        if isinstance(link, sqlite3.Error):
            return str(link)
    return str(exc)
