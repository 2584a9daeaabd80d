"""One daemon per data dir: an exclusive ``flock`` on the data directory itself, held for the life
of the process.

The lock is taken on a descriptor of the directory, not on a file inside it: a file can be deleted
(or replaced) while the daemon runs, and a second daemon would then lock a new file of the same name
and write to the same database. The directory cannot go away while it holds the database, so every
daemon started on that path meets the same inode and the same lock. ``tidewire.lock`` beside it
only records the holder's pid for the refusal message; deleting it changes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class AlreadyRunning(RuntimeError):
    pass


class DataDirLock:
    def __init__(self, path: Path) -> None:
        """``path`` is the pid file (``<data dir>/tidewire.lock``); its directory is what is locked."""
        self.path = path
        self.directory = path.parent
        self._fd: int | None = None

    def acquire(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another tidewire daemon (pid {self._holder()}) is already using the data directory "
                f"{self.directory}; stop it first or pass a different --data-dir"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        # Informational only (the lock is on the directory): written after the lock is ours.
        with contextlib.suppress(OSError):
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(f"{os.getpid()}\n", encoding="utf-8")
            tmp.replace(self.path)

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
