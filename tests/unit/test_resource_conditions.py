"""Out of descriptors is a condition, not a bug: the store says so, loops log it once per interval."""

from __future__ import annotations

import errno
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tidewire.logs import ConditionLog, is_resource_condition
from tidewire.store.errors import OutOfDescriptors, StorageFull, is_out_of_descriptors

# Runs in its own process: it lowers its own descriptor limit and uses every descriptor up.
_EXHAUST = textwrap.dedent(
    """
    import asyncio, os, resource, sys, time
    from tidewire.store import Store
    from tidewire.store.errors import OutOfDescriptors

    async def main():
        store = await Store.open(sys.argv[1])
        # A first read opens the first reader connection while descriptors are still free.
        await store.read(lambda c: c.execute("SELECT 1").fetchone())
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        held = []
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        # Reads at once, each holding its thread a moment, so the pool must start threads whose
        # connection is not open yet (quick reads could all reuse the first thread on a busy host).
        def slow(c):
            time.sleep(0.2)
            return c.execute("SELECT 1").fetchone()

        outcomes = await asyncio.gather(
            *(store.read(slow) for _ in range(4)),
            return_exceptions=True,
        )
        kinds = sorted({type(o).__name__ for o in outcomes})
        for fd in held:
            os.close(fd)
        after = await asyncio.gather(
            *(store.read(lambda c: c.execute("SELECT 1").fetchone()[0]) for _ in range(4))
        )
        await store.close()
        print(",".join(kinds), [v for v, _ in after])

    asyncio.run(main())
    """
)


def test_a_read_without_descriptors_is_out_of_descriptors_and_the_store_recovers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _EXHAUST, str(tmp_path / "db.sqlite")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    kinds, after = done.stdout.strip().split(" ", 1)
    assert "OutOfDescriptors" in kinds.split(","), done.stdout
    assert set(kinds.split(",")) <= {"OutOfDescriptors", "tuple"}, done.stdout
    assert after == "[1, 1, 1, 1]"


def test_emfile_anywhere_in_the_chain_is_out_of_descriptors() -> None:
    try:
        try:
            raise OSError(errno.EMFILE, "Too many open files")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_out_of_descriptors(outer)
    assert not is_out_of_descriptors(OSError(errno.ENOENT, "missing"))


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.EMFILE, "Too many open files"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OutOfDescriptors("x"), True),
        (StorageFull("x"), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        (ValueError("a bug"), False),
    ],
)
def test_what_counts_as_a_resource_condition(exc: BaseException, expected: bool) -> None:
    assert is_resource_condition(exc) is expected


def test_the_condition_log_writes_one_line_per_interval_and_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    conditions = ConditionLog(logging.getLogger("test.conditions"), interval=10.0, clock=lambda: now[0])
    exc = OSError(errno.EMFILE, "Too many open files")
    with caplog.at_level(logging.ERROR, logger="test.conditions"):
        assert conditions.report("pass failed", exc)
        for _ in range(5):
            now[0] += 1.0
            assert not conditions.report("pass failed", exc)
        now[0] += 10.0
        assert conditions.report("pass failed", exc)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "Too many open files" in lines[0] and "more since" not in lines[0]
    assert "5 more since the last report" in lines[1]
    assert all(r.exc_info is None for r in caplog.records)
