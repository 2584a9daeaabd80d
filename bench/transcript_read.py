"""Transcript reading: bytes read and peak memory of the reader against a whole-remainder baseline.

`python -m bench.transcript_read [--mb 256] [--messages 20000] [--out PATH]`

Two files, both followed the way the session follower does (calls until nothing is left,
then a few idle polls):

- `no_newline`: a sparse file of `--mb` MiB with no newline (a runaway line, or a hostile file);
- `transcript`: a valid transcript of `--messages` messages, read from empty.

The baseline (`b`) is the read pattern the follower had before: every call reads the file
from the cursor to its end (`read(size - offset)`) and keeps up to 500 messages. The reader
(`a`) reads from the cursor in chunks with a line cap. Reported per file and variant: bytes
read, peak Python allocation (tracemalloc, which counts the read buffers) and calls; and the
ratios a/b. Bytes and memory, not time, are the point, so one run is enough.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tidewire.sources.transcript import TranscriptCursor, _parse_line, read_new

_IDLE_POLLS = 5
_LIMIT = 500


def _baseline_pass(path: Path, offset: int, index: int) -> tuple[int, int, int, bool]:
    """The old read: everything after `offset`, parsed up to `_LIMIT` messages."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if offset >= size:
            return offset, index, 0, False
        handle.seek(offset)
        data = handle.read(size - offset)
    pos = consumed = found = 0
    tools: dict[str, str] = {}
    while found < _LIMIT:
        newline = data.find(b"\n", pos)
        if newline < 0:
            break
        if _parse_line(data[pos:newline], index, tools) is not None:
            index += 1
            found += 1
        pos = consumed = newline + 1
    return offset + consumed, index, len(data), found > 0


def _follow_baseline(path: Path) -> tuple[int, int, int]:
    offset = index = read = calls = 0
    idle = 0
    while idle < _IDLE_POLLS:
        offset, index, got, progressed = _baseline_pass(path, offset, index)
        read += got
        calls += 1
        idle = 0 if progressed else idle + 1
    return read, index, calls


def _follow_reader(path: Path, max_line: int) -> tuple[int, int, int]:
    cursor = TranscriptCursor()
    read = calls = idle = 0
    while idle < _IDLE_POLLS:
        result = read_new(str(path), cursor, _LIMIT, max_line_bytes=max_line)
        read += result.bytes_read
        calls += 1
        progressed = result.cursor != cursor
        cursor = result.cursor
        idle = 0 if progressed or result.more else idle + 1
    return read, cursor.next_index, calls


def _measure(fn: Callable[[], tuple[int, int, int]]) -> dict[str, Any]:
    tracemalloc.start()
    try:
        read, messages, calls = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    peak_mib = round(peak / 2**20, 2)
    return {"bytes_read": read, "peak_alloc_mib": peak_mib, "messages": messages, "calls": calls}


def _transcript(path: Path, messages: int) -> None:
    with path.open("wb") as f:
        for i in range(messages):
            text = f"message {i} " + "lorem ipsum dolor sit amet " * 36
            record = {"type": "user", "message": {"role": "user", "content": text}}
            f.write((json.dumps(record) + "\n").encode())


def run(mb: int, messages: int, max_line: int) -> dict[str, Any]:
    out: dict[str, Any] = {"max_line_bytes": max_line}
    with tempfile.TemporaryDirectory() as folder:
        files = {"no_newline": Path(folder) / "runaway.jsonl", "transcript": Path(folder) / "t.jsonl"}
        with files["no_newline"].open("wb") as f:
            f.truncate(mb * 2**20)  # sparse: zeros, no newline, no disk used
        _transcript(files["transcript"], messages)
        for name, path in files.items():
            a = _measure(lambda p=path: _follow_reader(p, max_line))  # type: ignore[misc]
            b = _measure(lambda p=path: _follow_baseline(p))  # type: ignore[misc]
            out[name] = {
                "file_bytes": path.stat().st_size,
                "a": a,
                "b": b,
                "bytes_ratio_a_b": round(a["bytes_read"] / max(1, b["bytes_read"]), 4),
                "alloc_ratio_a_b": round(a["peak_alloc_mib"] / max(0.01, b["peak_alloc_mib"]), 4),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=int, default=256, help="size of the no-newline file (MiB)")
    parser.add_argument("--messages", type=int, default=20_000, help="messages in the valid transcript")
    parser.add_argument("--max-line-bytes", type=int, default=8 * 2**20)
    parser.add_argument("--out", type=Path, help="also write the result here as JSON")
    args = parser.parse_args()
    result = run(args.mb, args.messages, args.max_line_bytes)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
