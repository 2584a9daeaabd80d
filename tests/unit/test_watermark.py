"""The high-water mark file and the start-up decision, byte by byte and message by message."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
from tidewire.store import watermark as w
from tidewire.store.watermark import Decision, FileMark, Mark, MarkError, Verdict, reconcile


def _slot(generation: int, mark: Mark, magic: bytes = b"TWMARK01") -> bytes:
    body = struct.pack("<8sQQ64s", magic, generation, mark.seq, mark.epoch.encode())
    return (body + struct.pack("<I", zlib.crc32(body))).ljust(512, b"\0")


def test_a_slot_is_laid_out_as_documented() -> None:
    assert w._encode(3, Mark("ep_a", 42)) == _slot(3, Mark("ep_a", 42))
    assert w._decode(_slot(3, Mark("ep_a", 42))) == (3, Mark("ep_a", 42))
    assert (w._SLOT, w._EPOCH_BYTES, w._MAGIC) == (512, 64, b"TWMARK01")


def test_an_epoch_of_64_bytes_fits_and_65_does_not() -> None:
    assert w._decode(w._encode(1, Mark("e" * 64, 1))) == (1, Mark("e" * 64, 1))
    with pytest.raises(ValueError, match="longer than 64 bytes"):
        w._encode(1, Mark("e" * 65, 1))


def test_a_slot_that_is_short_torn_or_foreign_reads_as_nothing() -> None:
    good = _slot(1, Mark("ep", 5))
    size = struct.calcsize("<8sQQ64s")
    assert w._decode(good[: size + 4]) == (1, Mark("ep", 5))
    assert w._decode(good[: size + 3]) is None
    torn = bytearray(good)
    torn[size] ^= 1  # the CRC
    assert w._decode(bytes(torn)) is None
    assert w._decode(_slot(1, Mark("ep", 5), magic=b"OTHERMAG")) is None


def test_the_newer_generation_wins_whichever_slot_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "m"
    path.write_bytes(_slot(8, Mark("ep", 80)) + _slot(7, Mark("ep", 70)))
    assert FileMark(path).load() == Mark("ep", 80)
    path.write_bytes(_slot(7, Mark("ep", 70)) + _slot(8, Mark("ep", 80)))
    assert FileMark(path).load() == Mark("ep", 80)
    path.write_bytes(b"\0" * 512 + _slot(2, Mark("ep", 1)))
    assert FileMark(path).load() == Mark("ep", 1)
    path.write_bytes(_slot(2, Mark("ep", 1)))  # one slot only
    assert FileMark(path).load() == Mark("ep", 1)


def test_an_empty_file_is_damaged_and_a_missing_one_is_none(tmp_path: Path) -> None:
    assert FileMark(tmp_path / "none").load() is None
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(MarkError, match=r"empty is damaged \(neither copy of the mark is readable\)"):
        FileMark(tmp_path / "empty").load()


def test_advancing_writes_the_other_slot_each_time_and_continues_the_generation(tmp_path: Path) -> None:
    path = tmp_path / "m"
    mark = FileMark(path)
    mark.advance(Mark("ep", 1))
    data = path.read_bytes()
    assert len(data) == 1024
    assert w._decode(data[512:]) == (1, Mark("ep", 1)) and w._decode(data[:512]) is None
    mark.advance(Mark("ep", 2))
    data = path.read_bytes()
    assert w._decode(data[:512]) == (2, Mark("ep", 2)) and w._decode(data[512:]) == (1, Mark("ep", 1))
    mark.close()
    mark.close()
    again = FileMark(path)
    assert again.load() == Mark("ep", 2)
    again.advance(Mark("ep", 3))
    assert w._decode(path.read_bytes()[512:]) == (3, Mark("ep", 3))
    again.close()


def test_advancing_to_the_same_mark_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m"
    mark = FileMark(path)
    mark.advance(Mark("ep", 1))
    before = path.read_bytes()
    mark.advance(Mark("ep", 1))
    assert path.read_bytes() == before
    mark.close()
    loaded = FileMark(path)
    assert loaded.load() == Mark("ep", 1)
    loaded.advance(Mark("ep", 1))  # what load() read counts as the last mark written
    assert loaded._fd is None


def test_a_short_file_is_filled_to_two_slots_before_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "m"
    path.write_bytes(b"\xff" * 100)
    mark = FileMark(path)
    mark.advance(Mark("ep", 9))
    mark.close()
    data = path.read_bytes()
    assert len(data) == 1024 and data[:512] == b"\0" * 512
    assert FileMark(path).load() == Mark("ep", 9)


def test_a_full_size_file_is_not_cleared(tmp_path: Path) -> None:
    path = tmp_path / "m"
    path.write_bytes(_slot(4, Mark("ep", 4)) + _slot(3, Mark("ep", 3)))
    mark = FileMark(path)
    mark.advance(Mark("ep", 5))  # generation 1 (nothing loaded): slot 1
    mark.close()
    assert w._decode(path.read_bytes()[:512]) == (4, Mark("ep", 4))


def test_the_mark_file_is_created_with_mode_644(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        mark = FileMark(tmp_path / "m")
        mark.advance(Mark("ep", 1))
        mark.close()
    finally:
        os.umask(old)
    assert (tmp_path / "m").stat().st_mode & 0o777 == 0o644


# -- reconcile ------------------------------------------------------------------------------------


def test_reconcile_messages() -> None:
    assert reconcile(None, None, state=[], allow_reinit=False) == Decision(Verdict.FRESH)
    assert reconcile(None, Mark("e", 1), state=[], allow_reinit=False) == Decision(Verdict.FRESH)
    refused = reconcile(None, None, state=["a", "b"], allow_reinit=False)
    assert refused == Decision(
        Verdict.REFUSE_EMPTY,
        "the database is empty but the data directory was in use (a, b); if the database was lost, "
        "restore it from a backup; to start a new, empty one anyway, pass --allow-reinit once",
    )
    assert reconcile(None, None, state=["a"], allow_reinit=True) == Decision(
        Verdict.REINIT,
        "started a new, empty database in a data directory that was in use (a), as --allow-reinit "
        "asked; every client resyncs",
    )
    assert reconcile(Mark("e", 3), None, state=["a"], allow_reinit=False) == Decision(Verdict.NO_MARK)
    assert reconcile(Mark("e", 3), None, state=[], allow_reinit=False, mark_damaged=True) == Decision(
        Verdict.NO_MARK,
        "the high-water mark was unreadable; rewrote it from the database (epoch e, seq 3); "
        "a loss before this start cannot be ruled out",
    )
    assert reconcile(Mark("e", 3), Mark("f", 9), state=[], allow_reinit=False) == Decision(
        Verdict.OTHER_EPOCH,
        "the database (epoch e, seq 3) is not the log the mark recorded (epoch f, seq 9); "
        "clients of the old log resync",
    )
    assert reconcile(Mark("e", 3), Mark("e", 9), state=[], allow_reinit=False) == Decision(
        Verdict.BEHIND,
        "the database ends at seq 3 but seq 9 was acknowledged under epoch e: events 4-9 and their "
        "changes are lost (a deleted WAL, a restored copy, or a power cut under synchronous=normal); "
        "started a new epoch so every client resyncs",
    )
    assert reconcile(Mark("e", 9), Mark("e", 9), state=[], allow_reinit=False) == Decision(Verdict.OK)
    assert reconcile(Mark("e", 8), Mark("e", 9), state=[], allow_reinit=True).verdict is Verdict.BEHIND


def test_an_epoch_that_is_not_utf8_or_ends_in_x_reads_back() -> None:
    body = struct.pack("<8sQQ64s", b"TWMARK01", 1, 2, b"ep\xff")
    slot = (body + struct.pack("<I", zlib.crc32(body))).ljust(512, b"\0")
    assert w._decode(slot) == (1, Mark("ep\ufffd", 2))
    assert w._decode(w._encode(1, Mark("epXX", 2))) == (1, Mark("epXX", 2))


def test_two_slots_of_one_generation_read_as_the_first(tmp_path: Path) -> None:
    # FileMark never writes this; a reader must still pick one copy, the same one every time.
    path = tmp_path / "m"
    path.write_bytes(_slot(5, Mark("ep", 1)) + _slot(5, Mark("ep", 2)))
    assert FileMark(path).load() == Mark("ep", 1)


@pytest.mark.parametrize("writes", [1, 2, 3, 4])
def test_a_mark_advanced_without_a_load_still_wins_the_next_load(tmp_path: Path, writes: int) -> None:
    path = tmp_path / "tidewire.mark"
    first = FileMark(path)
    for seq in range(1, writes + 1):
        first.advance(Mark("ep_a", seq))
    first.close()
    # A second instance that writes before it ever reads must not overwrite the newest slot.
    second = FileMark(path)
    second.advance(Mark("ep_a", 100))
    second.close()
    assert FileMark(path).load() == Mark("ep_a", 100)


def test_advancing_over_a_damaged_mark_writes_a_readable_one(tmp_path: Path) -> None:
    path = tmp_path / "tidewire.mark"
    path.write_bytes(b"\xff" * 1024)
    mark = FileMark(path)
    mark.advance(Mark("ep_b", 7))
    mark.close()
    assert FileMark(path).load() == Mark("ep_b", 7)
