"""An agent run's output: cut into chunks, appended to its kept log, each chunk an `agent.output` event.

How chunks are cut (docs/operations.md, "Agent runs"): a stream's bytes are held until
`FLUSH_SECONDS` after the first of them arrived, so a chatty agent's lines travel together
rather than one event per write; a chunk never exceeds `MAX_CHUNK` bytes, and one cut for size
ends after its last line break when it has one; a chunk never ends inside a UTF-8 character
(unless the stream ends there).
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from tidewire.protocol.models import AgentOutputData
from tidewire.sources.txn import StoreLike, Tx

log = logging.getLogger(__name__)

MAX_CHUNK = 16384
FLUSH_SECONDS = 0.1
# What one `GET /api/agents/{id}/output` returns at most, and by default.
MAX_PAGE = 1_048_576
DEFAULT_PAGE = 65536


def utf8_boundary(data: bytes | bytearray, end: int) -> int:
    """The largest cut <= `end` that does not split a UTF-8 character of `data` (`end` if none is split)."""
    # By hand rather than with codecs' incremental UTF-8 decoder: chunks are cut in bytes (their
    # offsets are the log's), and the decoder would decode the whole window to say how many of
    # its last bytes wait; this looks at the last four.
    start = end
    # A character is at most 4 bytes: look back over at most 3 continuation bytes to its lead.
    while start > 0 and end - start < 3 and (data[start - 1] & 0xC0) == 0x80:
        start -= 1
    if start == 0 or (data[start - 1] & 0xC0) != 0xC0:
        return end  # ends on an ASCII byte or holds no multi-byte lead: nothing to hold back
    lead = data[start - 1]
    width = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return start - 1 if start - 1 + width > end else end


class Chunker:
    """Buffers one stream's bytes and hands out the chunks to send."""

    def __init__(self, max_chunk: int = MAX_CHUNK) -> None:
        self.max_chunk = max_chunk
        self.buffer = bytearray()

    @property
    def pending(self) -> bool:
        return bool(self.buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """Adds `data`; returns the chunks that are full (the rest waits for `take`)."""
        self.buffer += data
        out: list[bytes] = []
        while len(self.buffer) >= self.max_chunk:
            out.append(self._cut(self._size_cut()))
        return out

    def take(self, final: bool = False) -> list[bytes]:
        """Everything buffered (the flush interval passed, or the stream ended with `final`).

        Without `final`, the start of a character whose other bytes have not arrived stays.
        """
        out: list[bytes] = []
        while self.buffer:
            end = len(self.buffer) if final else utf8_boundary(self.buffer, len(self.buffer))
            if end == 0:
                break
            out.append(self._cut(min(end, self.max_chunk)))
        return out

    def _size_cut(self) -> int:
        window = self.buffer[: self.max_chunk]
        newline = window.rfind(b"\n")
        if newline >= 0:
            return newline + 1
        end = utf8_boundary(window, self.max_chunk)
        return end if end > 0 else self.max_chunk

    def _cut(self, end: int) -> bytes:
        chunk = bytes(self.buffer[:end])
        del self.buffer[:end]
        return chunk


def _emit(tx: Tx, data: AgentOutputData) -> None:
    tx.emit("agent.output", data)


class OutputLog:
    """One run's kept log and its events.

    One writer at a time (the lock), so a chunk's place in the file and its event's place in the
    event log agree. The bytes are written before their event commits and `end` moves between
    the two: a reader of the log up to `end` who subscribed first gets every later chunk as an
    event, and those before `end` at most once more (told apart by offset).
    """

    def __init__(self, store: StoreLike, agent_id: str, path: Path) -> None:
        self.store = store
        self.agent_id = agent_id
        self.path = path
        self.end = path.stat().st_size if path.exists() else 0
        self._lock = asyncio.Lock()

    async def append(self, stream: str, chunk: bytes) -> None:
        if not chunk:
            return
        async with self._lock:
            offset = self.end
            try:
                await asyncio.to_thread(self._write, chunk)
            except OSError:
                # The agent must go on being read (or it blocks on a full pipe); the chunk is lost.
                log.exception("agent %s: could not append %d bytes to its log", self.agent_id, len(chunk))
                return
            self.end = offset + len(chunk)
            data = AgentOutputData(
                agent_id=self.agent_id,
                stream=stream,
                offset=offset,
                size=len(chunk),
                text=chunk.decode("utf-8", errors="replace"),
            )
            try:
                await self.store.write(lambda tx: _emit(tx, data))
            except Exception:
                # The bytes are in the log: a reader that sees the next chunk's offset jump, or
                # the run end, reads them from there.
                log.exception("agent %s: no event for the output at offset %d", self.agent_id, offset)

    def _write(self, chunk: bytes) -> None:
        # Unbuffered: the log is readable while the agent runs, and complete if the daemon dies.
        with self.path.open("ab", buffering=0) as log:
            log.write(chunk)


def read_log(path: Path, offset: int, limit: int, end: int | None) -> dict[str, Any]:
    """Up to `limit` bytes of the log from `offset`, cut at a UTF-8 character; None if there is no log.

    `end` bounds what a running agent's reader sees to whole chunks already appended; None reads
    to the end of the file.
    """
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size if end is None else end
        if offset > size:
            raise ValueError(f"offset {offset} is past the end of the log ({size} bytes)")
        handle.seek(offset)
        data = handle.read(min(limit, size - offset))
    cut = len(data)
    if offset + cut < size:
        cut = utf8_boundary(data, cut) or cut
    return {
        "offset": offset,
        "next_offset": offset + cut,
        "size": size,
        "text": data[:cut].decode("utf-8", errors="replace"),
    }
