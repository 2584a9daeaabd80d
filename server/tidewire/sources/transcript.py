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
from dataclasses import dataclass, field
from typing import Any

from tidewire.protocol.models import ContentBlock
from tidewire.sources.timefmt import to_utc_z

# Bytes of the file head hashed to notice a file that was rewritten in place.
_FINGERPRINT_BYTES = 4096
# Longest text kept per content block; transcripts can hold whole files.
_MAX_BLOCK_TEXT = 8000
# tool_use id -> tool name pairs remembered to name tool results.
_MAX_TOOL_IDS = 256
_MESSAGE_TYPES = frozenset({"user", "assistant", "system"})


@dataclass(frozen=True)
class TranscriptCursor:
    offset: int = 0
    next_index: int = 0
    fingerprint: str = ""
    tool_names: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "offset": self.offset,
                "next_index": self.next_index,
                "fingerprint": self.fingerprint,
                "tool_names": self.tool_names,
            }
        )

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
            blocks.append(ContentBlock(type="tool_result", tool_name=name, text=text))
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


def _fingerprint(handle: Any, upto: int) -> str:
    handle.seek(0)
    head = handle.read(min(upto, _FINGERPRINT_BYTES))
    return hashlib.sha256(head).hexdigest()


def _parse_lines(
    data: bytes, start_index: int, tool_names: dict[str, str], skip: int, limit: int
) -> tuple[list[ParsedMessage], int, int, int]:
    """Parses complete lines of `data`.

    Returns the messages, bytes consumed (up to the end of the last line used), the next
    index and how many messages were skipped. Messages are counted while `skip` > 0 but not
    returned (used after a rewrite, to pass over what was already emitted).
    """
    messages: list[ParsedMessage] = []
    consumed = 0
    index = start_index
    pos = 0
    while len(messages) < limit:
        newline = data.find(b"\n", pos)
        if newline < 0:
            break  # a half-written last line waits for its newline
        line = data[pos:newline].strip()
        pos = newline + 1
        consumed = pos
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a corrupt line is skipped, never retried forever
        parsed = parse_record(record, index, tool_names)
        if parsed is None:
            continue
        if skip > 0:
            skip -= 1
            continue
        messages.append(parsed)
        index += 1
    return messages, consumed, index, skip


def read_new(path: str, cursor: TranscriptCursor, limit: int = 500) -> ReadResult:
    """Reads the messages completed since `cursor`.

    A file that shrank below the cursor was truncated: what it holds now is new and is
    read from the start. A file whose head changed without shrinking was rewritten: it is
    read from the start passing over the first `cursor.next_index` messages. Either way
    indices continue from `cursor.next_index`, so none is emitted twice or skipped.
    A missing file yields nothing.
    """
    try:
        handle = open(path, "rb")
    except (OSError, ValueError):  # ValueError: a path no file can have (a NUL inside)
        return ReadResult([], cursor)
    with handle:
        size = os.fstat(handle.fileno()).st_size
        offset = cursor.offset
        skip = 0
        rewritten = False
        if offset > size:
            rewritten, offset = True, 0
        elif offset > 0 and _fingerprint(handle, offset) != cursor.fingerprint:
            rewritten, offset, skip = True, 0, cursor.next_index
        if offset == size and not rewritten:
            return ReadResult([], cursor)
        tool_names = dict(cursor.tool_names)
        handle.seek(offset)
        data = handle.read(size - offset)
        messages, consumed, next_index, _ = _parse_lines(data, cursor.next_index, tool_names, skip, limit)
        new_offset = offset + consumed
        if len(tool_names) > _MAX_TOOL_IDS:
            tool_names = dict(list(tool_names.items())[-_MAX_TOOL_IDS:])
        fingerprint = _fingerprint(handle, new_offset) if new_offset > 0 else ""
    return ReadResult(
        messages,
        TranscriptCursor(
            offset=new_offset, next_index=next_index, fingerprint=fingerprint, tool_names=tool_names
        ),
        rewritten,
    )
