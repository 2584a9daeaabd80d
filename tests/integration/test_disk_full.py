"""A full disk, for real: the data dir is a small tmpfs filled to the last byte. Writes are refused
with 507 ``storage_full`` (JSON), nothing is half-written, the daemon carries on once there is
space, and a shutdown that could not checkpoint the WAL exits 7, not 0."""

from __future__ import annotations

import contextlib
import errno
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mcp import Client
from support import Daemon
from support.mcp import call_error

EXIT_NO_SPACE = 6
EXIT_CHECKPOINT_FAILED = 7


# Request it before daemon_factory: fixtures are torn down in reverse, so the daemons stop first.
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs, unmounted afterwards whatever happens (needs root, as the test machines are)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    """Write a filler file until the device refuses another byte."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        for size in (1 << 20, 1 << 12, 1):
            chunk = b"\0" * size
            while True:
                try:
                    fh.write(chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    return filler


async def test_a_full_disk_refuses_writes_with_507_and_recovers(
    small_disk: Path, daemon_factory: Callable[..., Daemon]
) -> None:
    # The mount itself is the data dir, so the daemon's log (beside it) is on the roomy disk.
    daemon = daemon_factory(data_dir=small_disk)
    assert daemon.post("/api/tasks", {"title": "before"}).status_code == 201
    filler = _fill(small_disk)

    refused = [daemon.post("/api/tasks", {"title": "refused", "description": "x" * 2000}) for _ in range(20)]
    assert {r.status_code for r in refused} == {507}
    for r in refused:
        assert r.headers["content-type"] == "application/json"
        assert r.json()["error"]["code"] == "storage_full"
        assert "free disk space" in r.json()["error"]["message"]
    async with Client(daemon.base_url + "/mcp", cache=None) as client:
        text = await call_error(client, "create_task", title="by a tool", description="x" * 2000)
        assert "storage_full: no space left" in text
    assert daemon.health()["seq"] == 1
    assert [t["title"] for t in daemon.get("/api/tasks").json()["items"]] == ["before"]

    filler.unlink()
    r = daemon.post("/api/tasks", {"title": "after"})
    assert r.status_code == 201 and r.headers["X-Tidewire-Seq"] == "2"  # no seq taken by a refusal
    events = daemon.get("/api/events", params={"after_seq": 0}).json()["items"]
    assert [e["seq"] for e in events] == [1, 2]

    # Enough new pages that the checkpoint must grow the database file, then no room for it.
    for i in range(60):
        assert daemon.post("/api/tasks", {"title": f"t{i}", "description": "d" * 3000}).status_code == 201
    head = daemon.health()["seq"]
    filler = _fill(small_disk)
    assert daemon.stop() == EXIT_CHECKPOINT_FAILED
    assert "shutdown was not clean" in daemon.log() and "nothing is lost" in daemon.log()

    filler.unlink()
    daemon.start()
    assert daemon.health()["seq"] == head  # the WAL kept every change
    assert daemon.stop() == 0


def test_starting_on_a_full_disk_is_one_line_and_exit_6(
    small_disk: Path, daemon_factory: Callable[..., Daemon]
) -> None:
    _fill(small_disk)
    daemon = daemon_factory(data_dir=small_disk, start=False)
    with contextlib.closing(daemon.log_path.open("w")):
        pass
    proc = daemon.spawn()
    try:
        assert proc.wait(60) == EXIT_NO_SPACE
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = daemon.log()
    assert "Traceback" not in log
    [line] = [line for line in log.splitlines() if line.strip()]
    assert line.startswith("tidewire: no space left on the device holding")
