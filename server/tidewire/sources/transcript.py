"""Incremental reading of Claude Code transcript files (JSONL, one record per line).

The reader is pure file logic: given where it stopped last time (a `TranscriptCursor`),
it returns the messages that became complete since, and the cursor to store with them.
Storing the cursor in the same transaction as the emitted messages is what makes
following a transcript exactly-once across daemon restarts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tidewire.protocol.models import ContentBlock
from tidewire.sources.text_check import scrub
from tidewire.sources.timefmt import to_utc_z
from tidewire.sources.transcript_files import Refused, open_regular, resolve

# Bytes of the file head hashed to notice a file that was rewritten in place.
_FINGERPRINT_BYTES = 4096
# Longest text kept per content block; transcripts can hold whole files.
_MAX_BLOCK_TEXT = 8000
# tool_use id -> tool name pairs remembered to name tool results.
_MAX_TOOL_IDS = 256
_MESSAGE_TYPES = frozenset({"user", "assistant", "system"})
# Longest line kept (a record is one line); a longer one is skipped. `--transcript-max-line-bytes`.
DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024
# The file is read in chunks of this size from the stored offset, never as a whole.
_CHUNK_BYTES = 256 * 1024
# Bytes one `read_new` call reads at most; the caller calls again while `more` is set, so
# a huge backlog is taken in steps that each end in a stored cursor.
_READ_BUDGET_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class TranscriptCursor:
    offset: int = 0
    next_index: int = 0
    fingerprint: str = ""
    tool_names: dict[str, str] = field(default_factory=dict)
    # `offset` is inside an oversized line: everything up to its newline is passed over.
    in_long_line: bool = False
    # After a rewrite: messages of the new file still to pass over (they were emitted before).
    skip: int = 0

    def to_json(self) -> str:
        raw: dict[str, Any] = {
            "offset": self.offset,
            "next_index": self.next_index,
            "fingerprint": self.fingerprint,
            "tool_names": self.tool_names,
        }
        # Only when set, so cursors stored before these existed compare equal to re-serialised ones.
        if self.in_long_line:
            raw["in_long_line"] = True
        if self.skip:
            raw["skip"] = self.skip
        return json.dumps(raw)

    @classmethod
    def from_json(cls, text: str | None) -> TranscriptCursor:
        if not text:
            return cls()
        raw = json.loads(text)
        return cls(
            offset=int(raw.get("offset", 0)),
            next_index=int(raw.get("next_index", 0)),
            fingerprint=str(raw.get("fingerprint", "")),
            tool_names={str(k): str(v) for k, v in dict(raw.get("tool_names", {})).items()},
            in_long_line=bool(raw.get("in_long_line", False)),
            skip=max(0, int(raw.get("skip", 0))),
        )


@dataclass(frozen=True)
class ParsedMessage:
    index: int
    role: str
    content: list[ContentBlock]
    tool_name: str | None
    ts: str | None
    git_branch: str | None = None
    cwd: str | None = None


@dataclass(frozen=True)
class ReadResult:
    messages: list[ParsedMessage]
    cursor: TranscriptCursor
    rewritten: bool = False
    # Stopped at the message limit or the read budget with more of the file unread.
    more: bool = False
    # Byte offsets where a line longer than the cap started (each is skipped, reported once).
    long_lines: list[int] = field(default_factory=list)
    # Why the file was not read at all (not a regular file, outside the transcript directories).
    refused: str | None = None
    bytes_read: int = 0


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_BLOCK_TEXT else text[:_MAX_BLOCK_TEXT] + "…"


def _text_of(value: Any) -> str | None:
    """Flattens a tool result's content (a string or a list of blocks) to text."""
    if value is None:
        return None
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, list):
        parts = [str(item.get("text", "")) for item in value if isinstance(item, dict) and "text" in item]
        return _clip("\n".join(parts)) if parts else None
    return _clip(json.dumps(value, ensure_ascii=False))


def _tool_input_text(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("command", "file_path", "path", "pattern", "url", "query", "description", "prompt"):
            if isinstance(value.get(key), str):
                return _clip(value[key])
        return _clip(json.dumps(value, ensure_ascii=False)) if value else None
    return _text_of(value)


def _normalise_ts(value: Any) -> str | None:
    """Returns an RFC 3339 UTC `Z` timestamp, or None when the value is not one."""
    return to_utc_z(value) if isinstance(value, str) else None


def _blocks(content: Any, tool_names: dict[str, str]) -> tuple[list[ContentBlock], str | None, bool]:
    """Content blocks, the tool the message is about, and whether it only carries tool results."""
    if isinstance(content, str):
        return [ContentBlock(type="text", text=_clip(content))], None, False
    if not isinstance(content, list):
        return [], None, False
    blocks: list[ContentBlock] = []
    tool_name: str | None = None
    only_results = bool(content)
    for item in content:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if not isinstance(kind, str) or not kind:
            continue
        if kind != "tool_result":
            only_results = False
        if kind == "text":
            blocks.append(ContentBlock(type="text", text=_text_of(item.get("text"))))
        elif kind == "thinking":
            blocks.append(ContentBlock(type="thinking", text=_text_of(item.get("thinking"))))
        elif kind == "tool_use":
            name = item.get("name") if isinstance(item.get("name"), str) else None
            if name and isinstance(item.get("id"), str):
                tool_names[item["id"]] = name
            tool_name = tool_name or name
            text = _tool_input_text(item.get("input"))
            blocks.append(ContentBlock(type="tool_use", tool_name=name, text=text))
        elif kind == "tool_result":
            use_id = item.get("tool_use_id")
            name = tool_names.get(use_id) if isinstance(use_id, str) else None
            tool_name = tool_name or name
            text = _text_of(item.get("content"))
            block = ContentBlock(type="tool_result", tool_name=name, text=text)
            if item.get("is_error") is True:
                block.is_error = True
            blocks.append(block)
        else:
            blocks.append(ContentBlock(type=kind, text=_text_of(item.get("text"))))
    return blocks, tool_name, only_results


def parse_record(record: Any, index: int, tool_names: dict[str, str]) -> ParsedMessage | None:
    """One transcript record as a message, or None for bookkeeping records (summaries, snapshots)."""
    if not isinstance(record, dict):
        return None
    kind = record.get("type")
    if kind not in _MESSAGE_TYPES:
        return None
    message = record.get("message")
    if kind == "system":
        content: Any = record.get("content") if message is None else message.get("content")
        role = "system"
    elif isinstance(message, dict):
        content = message.get("content")
        role = str(message.get("role") or kind)
    else:
        return None
    blocks, tool_name, only_results = _blocks(content, tool_names)
    if role == "user" and only_results:
        role = "tool"
    branch = record.get("gitBranch")
    cwd = record.get("cwd")
    return ParsedMessage(
        index=index,
        role=role or kind,
        content=blocks,
        tool_name=tool_name,
        ts=_normalise_ts(record.get("timestamp")),
        git_branch=branch if isinstance(branch, str) and branch else None,
        cwd=cwd if isinstance(cwd, str) and cwd else None,
    )


def _fingerprint(fd: int, upto: int) -> str:
    return hashlib.sha256(os.pread(fd, min(upto, _FINGERPRINT_BYTES), 0)).hexdigest()


def _parse_line(line: bytes, index: int, tool_names: dict[str, str]) -> ParsedMessage | None:
    line = line.strip()
    if not line:
        return None
    try:
        record = json.loads(line)
        if b"\\u" in line:
            # A lone surrogate escape (a cut emoji in a tool's output) would fail every store
            # write of this message; it becomes U+FFFD instead.
            record = scrub(record)
    except (ValueError, RecursionError):
        return None  # a corrupt line is skipped, never retried forever
    return parse_record(record, index, tool_names)


class _Scan:
    """Walks the bytes after the cursor line by line, holding at most one line (capped)."""

    def __init__(self, cursor: TranscriptCursor, offset: int, skip: int, in_long_line: bool) -> None:
        self.index = cursor.next_index
        self.tool_names = dict(cursor.tool_names)
        self.skip = skip
        self.in_long_line = in_long_line
        self.committed = offset  # end of the last line dealt with: where the next call starts
        self.line = bytearray()
        self.line_start = offset
        self.messages: list[ParsedMessage] = []
        self.long_lines: list[int] = []

    def feed(self, chunk: bytes, at: int, limit: int, max_line: int) -> int:
        """Takes in `chunk` (read at file offset `at`); returns how many of its bytes were used."""
        pos = 0
        while pos < len(chunk) and len(self.messages) < limit:
            newline = chunk.find(b"\n", pos)
            end = len(chunk) if newline < 0 else newline
            if not self.in_long_line:
                self.line += chunk[pos:end]
                if len(self.line) > max_line:
                    self.long_lines.append(self.line_start)
                    self.in_long_line = True
                    self.line = bytearray()
            if newline < 0:
                pos = len(chunk)
                if self.in_long_line:
                    self.committed = at + pos  # what was passed over is never read again
                break
            pos = newline + 1
            if self.in_long_line:
                self.in_long_line = False
            else:
                self._line_done(bytes(self.line))
            self.line = bytearray()
            self.committed = self.line_start = at + pos
        return pos

    def _line_done(self, line: bytes) -> None:
        parsed = _parse_line(line, self.index, self.tool_names)
        if parsed is None:
            return
        if self.skip > 0:
            self.skip -= 1
            return
        self.messages.append(parsed)
        self.index += 1


def read_new(
    path: str,
    cursor: TranscriptCursor,
    limit: int = 500,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    roots: Iterable[str] | None = None,
    read_budget: int = _READ_BUDGET_BYTES,
) -> ReadResult:
    """Reads the messages completed since `cursor`.

    Reads from the stored offset in chunks, at most `read_budget` bytes per call (`more` says
    there is more), holding at most one line of at most `max_line_bytes`; a longer line is
    passed over (its offset is in `long_lines`) and the lines after it are read as usual.
    A file that shrank below the cursor was truncated: what it holds now is new and is
    read from the start. A file whose head changed without shrinking was rewritten: it is
    read from the start passing over the first `cursor.next_index` messages. Either way
    indices continue from `cursor.next_index`, so none is emitted twice or skipped.
    A missing file yields nothing. Only a regular file is read (and with `roots`, only one
    under them); anything else yields nothing, with the reason in `refused`.
    """
    roots = list(roots) if roots is not None else None
    try:
        real = resolve(path, roots) if roots is not None else path
        fd = open_regular(real, roots)
    except Refused as exc:
        return ReadResult([], cursor, refused=exc.reason)
    except (OSError, ValueError):  # missing; ValueError: a path no file can have (a NUL inside)
        return ReadResult([], cursor)
    try:
        return _read_fd(fd, cursor, limit, max_line_bytes, max(read_budget, max_line_bytes + _CHUNK_BYTES))
    finally:
        os.close(fd)


def _read_fd(fd: int, cursor: TranscriptCursor, limit: int, max_line: int, budget: int) -> ReadResult:
    size = os.fstat(fd).st_size
    offset, skip, in_long_line = cursor.offset, cursor.skip, cursor.in_long_line
    rewritten = False
    if offset > size:
        rewritten, offset, skip, in_long_line = True, 0, 0, False
    elif offset > 0 and _fingerprint(fd, offset) != cursor.fingerprint:
        rewritten, offset, skip, in_long_line = True, 0, cursor.next_index, False
    if offset == size and not rewritten:
        return ReadResult([], cursor)
    scan = _Scan(cursor, offset, skip, in_long_line)
    at, read = offset, 0
    while at < size and read < budget and len(scan.messages) < limit:
        chunk = os.pread(fd, min(_CHUNK_BYTES, size - at, budget - read), at)
        if not chunk:
            break  # shrank while being read: the next call sees the truncation
        read += len(chunk)
        used = scan.feed(chunk, at, limit, max_line)
        at += used
        if used < len(chunk):
            break  # the message limit was reached inside this chunk
    tool_names = scan.tool_names
    if len(tool_names) > _MAX_TOOL_IDS:
        tool_names = dict(list(tool_names.items())[-_MAX_TOOL_IDS:])
    new_offset = scan.committed
    fingerprint = _fingerprint(fd, new_offset) if new_offset > 0 else ""
    return ReadResult(
        scan.messages,
        TranscriptCursor(
            offset=new_offset,
            next_index=scan.index,
            fingerprint=fingerprint,
            tool_names=tool_names,
            in_long_line=scan.in_long_line,
            skip=scan.skip,
        ),
        rewritten,
        more=at < size and new_offset < size and (read >= budget or len(scan.messages) >= limit),
        long_lines=scan.long_lines,
        bytes_read=read,
    )
