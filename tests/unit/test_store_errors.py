"""How storage failures reach users: run-time domain errors and start-up errors with exit codes.

The classification is tested on the exceptions SQLite and the OS raise (codes set as the
sqlite3 module sets them); the start-up path on a real damaged file.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from tidewire.errors import Conflict
from tidewire.store import Store
from tidewire.store import errors as e

DB = Path("/data/tidewire.db")


def sqlite_error(code: int, message: str = "sqlite says no") -> sqlite3.Error:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode = code
    return exc


def caused(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def test_the_exit_codes_and_statuses_are_the_documented_ones() -> None:
    assert (e.EXIT_DAMAGED, e.EXIT_REFUSED_EMPTY, e.EXIT_NO_SPACE, e.EXIT_CHECKPOINT_FAILED) == (4, 5, 6, 7)
    assert (e.StoreStartError("x").exit_code, e.DatabaseDamaged("x").exit_code) == (1, 4)
    assert (e.RefusedEmpty("x").exit_code, e.NoSpace("x").exit_code) == (5, 6)
    start = e.StoreStartError("the reason")
    assert (start.message, str(start)) == ("the reason", "the reason")
    for err, code, status in [
        (e.StorageFull("m"), "storage_full", 507),
        (e.StorageDamaged("m"), "storage_damaged", 503),
        (e.OutOfDescriptors("m"), "out_of_descriptors", 503),
    ]:
        assert (err.code, err.message, err.status) == (code, "m", status)


@pytest.mark.parametrize(
    "exc",
    [
        sqlite_error(e.SQLITE_FULL),
        sqlite_error(e.SQLITE_FULL | 0x300),  # an extended code: only the low byte counts
        OSError(errno.ENOSPC, "no space"),
        OSError(errno.EDQUOT, "quota"),
        caused(RuntimeError("wrapped"), OSError(errno.ENOSPC, "no space")),
        caused(RuntimeError("wrapped"), sqlite_error(e.SQLITE_FULL)),
    ],
)
def test_a_full_disk_is_storage_full(exc: BaseException) -> None:
    assert e.is_storage_full(exc)
    out = e.translate(exc, DB)
    assert isinstance(out, e.StorageFull)
    assert out.message == "no space left for tidewire.db: the change was not made; free disk space and retry"


@pytest.mark.parametrize("code", [e.SQLITE_CORRUPT, e.SQLITE_NOTADB, e.SQLITE_CORRUPT | 0x100])
def test_a_damaged_database_is_storage_damaged(code: int) -> None:
    exc = sqlite_error(code, "database disk image is malformed")
    assert e.is_damaged(exc) and not e.is_storage_full(exc)
    out = e.translate(exc, DB)
    assert isinstance(out, e.StorageDamaged)
    assert out.message == (
        "the database /data/tidewire.db is damaged: database disk image is malformed; "
        "stop the daemon and restore it"
    )


@pytest.mark.parametrize("err", [errno.EMFILE, errno.ENFILE])
def test_running_out_of_descriptors_is_its_own_error(err: int) -> None:
    exc = caused(sqlite3.OperationalError("unable to open database file"), OSError(err, "too many"))
    assert e.is_out_of_descriptors(exc)
    out = e.translate(exc, DB)
    assert isinstance(out, e.OutOfDescriptors)
    assert out.message == (
        "the daemon is out of file descriptors and could not open tidewire.db; "
        "nothing was changed; retry once connections close"
    )


def test_cantopen_counts_as_out_of_descriptors_only_when_none_are_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cantopen = sqlite_error(e.SQLITE_CANTOPEN, "unable to open database file")
    assert not e.is_out_of_descriptors(cantopen)  # descriptors are left: a real open failure
    assert e.translate(cantopen, DB) is cantopen

    def no_descriptors(path: str, flags: int) -> int:
        raise OSError(errno.EMFILE, "too many open files")

    monkeypatch.setattr(os, "open", no_descriptors)
    assert e.is_out_of_descriptors(cantopen)
    assert isinstance(e.translate(cantopen, DB), e.OutOfDescriptors)
    assert not e.is_out_of_descriptors(sqlite_error(e.SQLITE_FULL))


def test_another_open_failure_leaves_descriptors_counted_as_left(monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: str, flags: int) -> int:
        raise OSError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "open", denied)
    assert not e.is_out_of_descriptors(sqlite_error(e.SQLITE_CANTOPEN))


def test_the_descriptor_probe_closes_what_it_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[int] = []
    real_close = os.close

    def close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(os, "close", close)
    assert not e.is_out_of_descriptors(sqlite_error(e.SQLITE_CANTOPEN))
    assert len(closed) == 1


def test_domain_errors_and_other_failures_pass_through() -> None:
    conflict = Conflict("no")
    assert e.translate(conflict, DB) is conflict
    other = sqlite_error(1, "no such table")
    assert e.translate(other, DB) is other
    plain = ValueError("x")
    assert e.translate(plain, DB) is plain
    no_code = sqlite3.OperationalError("no code")
    assert not e.is_damaged(no_code) and not e.is_storage_full(no_code)


def test_the_cause_chain_is_followed_through_context_and_stops_on_a_loop() -> None:
    inner = sqlite_error(e.SQLITE_CORRUPT)
    outer = RuntimeError("outer")
    outer.__context__ = inner
    assert e.is_damaged(outer)
    a, b = RuntimeError("a"), RuntimeError("b")
    a.__cause__, b.__cause__ = b, a
    assert not e.is_damaged(a) and not e.is_storage_full(a)


def test_start_errors_have_one_line_messages() -> None:
    refused = e.RefusedEmpty("refused")
    assert e.start_error(refused, DB) is refused
    damaged = e.start_error(
        caused(RuntimeError("while opening"), sqlite_error(e.SQLITE_NOTADB, "not a db")), DB
    )
    assert isinstance(damaged, e.DatabaseDamaged)
    assert damaged.message == (
        "the database /data/tidewire.db is damaged (not a db); stop here, move it aside "
        "(mv /data/tidewire.db /data/tidewire.db.damaged) and restore a backup, or after moving it "
        "start once with --allow-reinit for a new, empty database"
    )
    full = e.start_error(OSError(errno.ENOSPC, "no space"), DB)
    assert isinstance(full, e.NoSpace)
    assert (
        full.message
        == "no space left on the device holding /data/tidewire.db; free some space and start again"
    )
    other = ValueError("x")
    assert e.start_error(other, DB) is other


async def test_a_file_that_is_not_a_database_stops_the_start_with_exit_code_4(tmp_path: Path) -> None:
    db = tmp_path / "tidewire.db"
    db.write_bytes(b"this is not a SQLite database, just some bytes " * 100)
    with pytest.raises(e.DatabaseDamaged) as raised:
        await Store.open(db)
    assert raised.value.exit_code == 4
    assert f"the database {db} is damaged (file is not a database)" in raised.value.message
    assert isinstance(raised.value.__cause__, sqlite3.DatabaseError)
