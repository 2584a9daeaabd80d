"""Blocking calls off the loop: the loop stops waiting after the bound, and a stuck key is not run twice."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
from tidewire.sources.offloop import BoundedCalls, Busy


async def test_a_call_that_blocks_times_out_and_its_key_stays_busy_until_it_returns(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    calls = BoundedCalls()
    release = threading.Event()

    def blocked() -> str:
        with open(fifo, "rb") as f:  # blocks until a writer opens the FIFO
            release.wait(5)
            return f.read().decode()

    with pytest.raises(TimeoutError):
        await calls.run("s1", blocked, 0.2)
    with pytest.raises(Busy):
        await calls.run("s1", blocked, 0.2)
    assert await calls.run("s2", lambda: "other keys are not held up", 5) == "other keys are not held up"
    writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.close(writer)
    release.set()
    for _ in range(200):
        if not calls.busy("s1"):
            break
        await asyncio.sleep(0.01)
    assert await calls.run("s1", lambda: "free again", 5) == "free again"


async def test_results_and_errors_come_back() -> None:
    calls = BoundedCalls()
    assert await calls.run("k", lambda: 41 + 1, 5) == 42

    def fail() -> None:
        raise OSError("disk")

    with pytest.raises(OSError, match="disk"):
        await calls.run("k", fail, 5)
    assert not calls.busy("k")
