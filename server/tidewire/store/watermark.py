"""The high-water mark: the newest (epoch, seq) the daemon acknowledged, kept outside the database.

A database that lost committed transactions (a deleted WAL, a restored copy, an emptied file)
cannot tell by itself: it opens cleanly at an older head, and the daemon would hand out seqs that
clients already saw under the same epoch. The mark is the independent witness. It is advanced after
each group commit and before any write of the group is acknowledged or published, so it never
trails what a client saw; it is only advanced past what COMMIT returned, so it never runs ahead of
the database except when the database itself lost what it had committed (``synchronous = normal``
and a power cut), which is exactly what it is there to catch.

``HighWaterMark`` is the interface a store backend uses; ``FileMark`` is the one the daemon keeps
beside its database. ``reconcile`` is the pure decision taken at start-up.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Mark:
    epoch: str
    seq: int


class HighWaterMark(Protocol):
    def load(self) -> Mark | None:
        """The last mark written, or None when there is none (or none that is readable)."""
        ...

    def advance(self, mark: Mark) -> None:
        """Record ``mark`` durably before returning."""
        ...

    def close(self) -> None: ...


class MarkError(RuntimeError):
    """The mark exists but no copy of it can be read (both slots damaged)."""


# A small fixed-size file overwritten in place with pwrite + fdatasync: no rename, no new blocks,
# no directory fsync per commit, so one group commit costs one small data sync (and a full disk
# cannot refuse it: the blocks exist from the first write). Two sector-aligned slots are written in
# turn, each with its own generation and CRC, so a write torn by a crash spoils one slot and the
# other still holds the previous mark. Hand-written because it is ~40 lines and no library offers
# exactly this.
_MAGIC = b"TWMARK01"
_SLOT = 512
_EPOCH_BYTES = 64
_LAYOUT = struct.Struct(f"<8sQQ{_EPOCH_BYTES}s")  # magic, generation, seq, epoch; CRC32 follows


def _encode(generation: int, mark: Mark) -> bytes:
    epoch = mark.epoch.encode("utf-8")
    if len(epoch) > _EPOCH_BYTES:
        raise ValueError(f"epoch {mark.epoch!r} is longer than {_EPOCH_BYTES} bytes")
    body = _LAYOUT.pack(_MAGIC, generation, mark.seq, epoch)
    return (body + struct.pack("<I", zlib.crc32(body))).ljust(_SLOT, b"\0")


def _decode(slot: bytes) -> tuple[int, Mark] | None:
    size = _LAYOUT.size
    if len(slot) < size + 4:
        return None
    body, (crc,) = slot[:size], struct.unpack("<I", slot[size : size + 4])
    if zlib.crc32(body) != crc:
        return None
    magic, generation, seq, epoch = _LAYOUT.unpack(body)
    if magic != _MAGIC:
        return None
    return generation, Mark(epoch.rstrip(b"\0").decode("utf-8", "replace"), seq)


class FileMark:
    """``<data dir>/tidewire.mark``: two slots of 512 bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._generation = 0
        self._last: Mark | None = None
        self._known = False  # whether _generation is the file's (set by load or a write)

    def load(self) -> Mark | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        best: tuple[int, Mark] | None = None
        for start in (0, _SLOT):
            found = _decode(data[start : start + _SLOT])
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        if best is None:
            raise MarkError(f"{self.path} is damaged (neither copy of the mark is readable)")
        self._generation, self._last = best
        self._known = True
        return best[1]

    def _open(self) -> int:
        if self._fd is None:
            fresh = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            if fresh or os.fstat(fd).st_size < 2 * _SLOT:
                # Both slots written for real (not a sparse ftruncate) so later writes never allocate.
                os.pwrite(fd, b"\0" * (2 * _SLOT), 0)
                os.fsync(fd)
                _fsync_dir(self.path.parent)
            self._fd = fd
        return self._fd

    def advance(self, mark: Mark) -> None:
        if not self._known:
            # Without the file's generation, generation 1 could land on the slot holding the newest
            # copy and leave an older one to win the next load.
            try:
                self.load()
            except MarkError:
                pass  # neither copy readable: any generation wins
            self._known = True
        if mark == self._last:
            return
        fd = self._open()
        generation = self._generation + 1
        os.pwrite(fd, _encode(generation, mark), (generation % 2) * _SLOT)
        os.fdatasync(fd)
        self._generation, self._last = generation, mark

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the start-up decision ---------------------------------------------------------------------


class Verdict(Enum):
    OK = "ok"  # the database is at or ahead of the mark: carry on (and move the mark up)
    FRESH = "fresh"  # an empty database in an empty data dir: initialise
    REFUSE_EMPTY = "refuse_empty"  # an empty database where state exists: stop unless told
    REINIT = "reinit"  # the same, told to go ahead: initialise, loudly
    BEHIND = "behind"  # the database lost acknowledged events: new epoch, loudly
    OTHER_EPOCH = "other_epoch"  # the database is another log than the mark's: trust it, warn
    NO_MARK = "no_mark"  # a database with no (readable) mark: write one, warn if it was damaged


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    message: str = ""


def reconcile(
    db: Mark | None,
    mark: Mark | None,
    *,
    state: list[str],
    allow_reinit: bool,
    mark_damaged: bool = False,
) -> Decision:
    """What to do with a database at ``db`` (None: empty, never initialised) given the mark.

    ``state`` names what else in the data dir shows it was in use (worktrees, logs, the mark).
    """
    if db is None:
        if not state:
            return Decision(Verdict.FRESH)
        found = ", ".join(state)
        if not allow_reinit:
            return Decision(
                Verdict.REFUSE_EMPTY,
                f"the database is empty but the data directory was in use ({found}); if the database "
                "was lost, restore it from a backup; to start a new, empty one anyway, "
                "pass --allow-reinit once",
            )
        return Decision(
            Verdict.REINIT,
            f"started a new, empty database in a data directory that was in use ({found}), "
            "as --allow-reinit asked; every client resyncs",
        )
    if mark is None:
        if mark_damaged:
            return Decision(
                Verdict.NO_MARK,
                f"the high-water mark was unreadable; rewrote it from the database "
                f"(epoch {db.epoch}, seq {db.seq}); a loss before this start cannot be ruled out",
            )
        return Decision(Verdict.NO_MARK)
    if mark.epoch != db.epoch:
        return Decision(
            Verdict.OTHER_EPOCH,
            f"the database (epoch {db.epoch}, seq {db.seq}) is not the log the mark recorded "
            f"(epoch {mark.epoch}, seq {mark.seq}); clients of the old log resync",
        )
    if db.seq < mark.seq:
        return Decision(
            Verdict.BEHIND,
            f"the database ends at seq {db.seq} but seq {mark.seq} was acknowledged under epoch "
            f"{mark.epoch}: events {db.seq + 1}-{mark.seq} and their changes are lost (a deleted "
            "WAL, a restored copy, or a power cut under synchronous=normal); started a new epoch "
            "so every client resyncs",
        )
    return Decision(Verdict.OK)
