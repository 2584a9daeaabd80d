"""How an agent's output is cut into `agent.output` chunks, and how its kept log is read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from tidewire.sources.agent_output import Chunker, read_log, utf8_boundary

E_ACUTE = "é".encode()  # 2 bytes
CHECK = "✓".encode()  # 3 bytes
EMOJI = "🌊".encode()  # 4 bytes


@pytest.mark.parametrize(
    ("data", "end", "cut"),
    [
        (b"abc", 3, 3),
        (b"a" + E_ACUTE, 3, 3),
        (b"a" + E_ACUTE[:1], 2, 1),
        (b"a" + CHECK[:2], 3, 1),
        (b"a" + EMOJI[:3], 4, 1),
        (b"a" + EMOJI, 5, 5),
        (EMOJI[:1], 1, 0),
        (b"\x80\x80\x80\x80", 4, 4),  # no lead byte at all: invalid, nothing to hold back
    ],
)
def test_utf8_boundary_never_splits_a_character(data: bytes, end: int, cut: int) -> None:
    assert utf8_boundary(data, end) == cut


def test_lines_written_one_by_one_travel_together_until_taken() -> None:
    chunker = Chunker(max_chunk=1024)
    for i in range(50):
        assert chunker.feed(f"line {i}\n".encode()) == []
    chunks = chunker.take()
    assert len(chunks) == 1
    assert chunks[0] == b"".join(f"line {i}\n".encode() for i in range(50))
    assert not chunker.pending


def test_a_chunk_cut_for_size_ends_after_its_last_line_break() -> None:
    chunker = Chunker(max_chunk=16)
    chunks = chunker.feed(b"0123456789\nabcdefghij\n")
    assert chunks == [b"0123456789\n"]
    assert chunker.take() == [b"abcdefghij\n"]


def test_a_long_line_is_cut_at_the_size_limit_but_not_inside_a_character() -> None:
    chunker = Chunker(max_chunk=8)
    data = b"abcdefg" + E_ACUTE + b"xyz"  # the 2-byte character straddles the 8-byte limit
    chunks = chunker.feed(data)
    assert chunks == [b"abcdefg"]
    rest = chunker.take()
    assert rest == [E_ACUTE + b"xyz"]
    assert all(len(c) <= 8 for c in chunks + rest)
    assert b"".join(chunks + rest) == data


def test_no_chunk_exceeds_the_limit_and_nothing_is_lost_or_repeated() -> None:
    chunker = Chunker(max_chunk=100)
    data = ("é✓🌊 line\n" * 500).encode() + b"x" * 1000
    chunks: list[bytes] = []
    for start in range(0, len(data), 37):  # pieces that split characters and lines anywhere
        chunks += chunker.feed(data[start : start + 37])
    chunks += chunker.take(final=True)
    assert b"".join(chunks) == data
    assert all(0 < len(c) <= 100 for c in chunks)
    for chunk in chunks:
        chunk.decode("utf-8")  # every chunk decodes on its own


def test_take_holds_back_the_start_of_a_character_until_the_rest_arrives() -> None:
    chunker = Chunker()
    chunker.feed(b"ok " + CHECK[:1])
    assert chunker.take() == [b"ok "]
    assert chunker.pending
    chunker.feed(CHECK[1:])
    assert chunker.take() == [CHECK]


def test_the_end_of_the_stream_sends_even_a_broken_character() -> None:
    chunker = Chunker()
    chunker.feed(b"bye " + CHECK[:2])
    assert chunker.take(final=True) == [b"bye " + CHECK[:2]]


def test_read_log_pages_at_character_boundaries(tmp_path: Path) -> None:
    log = tmp_path / "agt.log"
    text = "héllo ✓ wörld\n" * 10
    log.write_bytes(text.encode())
    pieces: list[str] = []
    offset = 0
    while True:
        page = read_log(log, offset, 5, None)
        assert page["offset"] == offset and page["size"] == len(text.encode())
        if page["next_offset"] == offset:
            break
        assert page["next_offset"] - offset <= 5
        pieces.append(page["text"])
        offset = page["next_offset"]
    assert "".join(pieces) == text
    assert "\ufffd" not in "".join(pieces)


def test_read_log_stops_at_the_end_it_is_given(tmp_path: Path) -> None:
    log = tmp_path / "agt.log"
    log.write_bytes(b"whole chunk\nhalf of the next")
    assert read_log(log, 0, 1000, 12) == {"offset": 0, "next_offset": 12, "size": 12, "text": "whole chunk\n"}


def test_read_log_refuses_an_offset_past_the_end(tmp_path: Path) -> None:
    log = tmp_path / "agt.log"
    log.write_bytes(b"abc")
    assert read_log(log, 3, 10, None)["text"] == ""
    with pytest.raises(ValueError, match="offset 4 is past the end of the log \\(3 bytes\\)"):
        read_log(log, 4, 10, None)
