"""Following a Claude Code transcript file: complete lines only, in order, exactly once."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tidewire.sources.transcript import ReadResult, TranscriptCursor, read_new


def _user(text: str) -> dict[str, object]:
    return {
        "type": "user",
        "sessionId": "s1",
        "cwd": "/repo",
        "gitBranch": "main",
        "timestamp": "2026-11-26T06:00:00.123Z",
        "message": {"role": "user", "content": text},
    }


def _assistant_tool(tool_id: str, name: str, command: str) -> dict[str, object]:
    return {
        "type": "assistant",
        "timestamp": "2026-11-26T06:00:01+00:00",
        "message": {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Running it."},
                {"type": "tool_use", "id": tool_id, "name": name, "input": {"command": command}},
            ],
        },
    }


def _tool_result(tool_id: str, output: str) -> dict[str, object]:
    return {
        "type": "user",
        "message": {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": output}],
        },
    }


def _line(record: dict[str, object]) -> bytes:
    return (json.dumps(record) + "\n").encode()


def test_messages_are_parsed_with_roles_tools_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        _line(_user("hello"))
        + _line({"type": "summary", "summary": "ignored bookkeeping"})
        + _line(_assistant_tool("toolu_1", "Bash", "make test"))
        + _line(_tool_result("toolu_1", "ok"))
    )
    result = read_new(str(path), TranscriptCursor())
    assert [m.index for m in result.messages] == [0, 1, 2]
    first, second, third = result.messages
    assert (
        first.role == "user" and first.content[0].text == "hello" and first.ts == "2026-11-26T06:00:00.123Z"
    )
    assert first.git_branch == "main"
    assert second.role == "assistant" and second.tool_name == "Bash"
    assert [b.type for b in second.content] == ["text", "tool_use"]
    assert second.content[1].text == "make test" and second.ts == "2026-11-26T06:00:01.000Z"
    assert third.role == "tool" and third.tool_name == "Bash" and third.content[0].text == "ok"
    assert result.cursor.offset == path.stat().st_size and result.cursor.next_index == 3


def test_half_written_line_waits_for_its_newline(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    full = _line(_user("one")) + _line(_user("two"))
    path.write_bytes(full[:-5])
    first = read_new(str(path), TranscriptCursor())
    assert [m.content[0].text for m in first.messages] == ["one"]
    again = read_new(str(path), first.cursor)
    assert again.messages == [] and again.cursor == first.cursor
    path.write_bytes(full)
    rest = read_new(str(path), first.cursor)
    assert [(m.index, m.content[0].text) for m in rest.messages] == [(1, "two")]


def test_corrupt_line_is_skipped_once(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(_line(_user("a")) + b"{not json\n" + _line(_user("b")))
    result = read_new(str(path), TranscriptCursor())
    assert [(m.index, m.content[0].text) for m in result.messages] == [(0, "a"), (1, "b")]


def test_truncated_file_continues_indices_without_repeats(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(_line(_user("a")) + _line(_user("b")))
    first = read_new(str(path), TranscriptCursor())
    path.write_bytes(_line(_user("c")))
    after = read_new(str(path), first.cursor)
    assert after.rewritten
    assert [(m.index, m.content[0].text) for m in after.messages] == [(2, "c")]


def test_rewritten_file_passes_over_what_was_emitted(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(_line(_user("a")) + _line(_user("b")))
    first = read_new(str(path), TranscriptCursor())
    # Same messages rewritten with a different head (e.g. reformatted), plus one new message.
    path.write_bytes(_line({**_user("a"), "uuid": "x"}) + _line(_user("b")) + _line(_user("c")))
    after = read_new(str(path), first.cursor)
    assert after.rewritten
    assert [(m.index, m.content[0].text) for m in after.messages] == [(2, "c")]


def test_missing_file_yields_nothing(tmp_path: Path) -> None:
    cursor = TranscriptCursor(offset=10, next_index=3, fingerprint="x")
    assert read_new(str(tmp_path / "absent.jsonl"), cursor).cursor == cursor


def test_cursor_round_trips_through_json() -> None:
    cursor = TranscriptCursor(offset=5, next_index=2, fingerprint="abc", tool_names={"t1": "Bash"})
    assert TranscriptCursor.from_json(cursor.to_json()) == cursor
    assert TranscriptCursor.from_json(None) == TranscriptCursor()


@given(
    texts=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
)
def test_any_sequence_of_partial_appends_yields_each_message_once_in_order(
    texts: list[str], cuts: list[int]
) -> None:
    data = b"".join(_line(_user(t)) for t in texts)
    points = sorted({min(c, len(data)) for c in cuts} | {len(data)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        cursor = TranscriptCursor()
        seen: list[tuple[int, str | None]] = []
        for point in points:
            path.write_bytes(data[:point])
            result = read_new(str(path), cursor, limit=3)
            while True:
                seen.extend((m.index, m.content[0].text) for m in result.messages)
                cursor = result.cursor
                if not result.messages:
                    break
                result = read_new(str(path), cursor, limit=3)
    assert seen == [(i, t) for i, t in enumerate(texts)]


_operations = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(min_value=1, max_value=4)),
        st.tuples(st.just("partial"), st.integers(min_value=1, max_value=30)),
        st.tuples(st.just("truncate"), st.integers(min_value=0, max_value=2)),
        st.tuples(st.just("rewrite"), st.integers(min_value=0, max_value=0)),
        st.tuples(st.just("read"), st.integers(min_value=1, max_value=5)),
    ),
    max_size=25,
)


@given(operations=_operations)
def test_indices_stay_contiguous_through_truncation_and_rewrites(operations: list[tuple[str, int]]) -> None:
    """Whatever happens to the file, emitted indices are 0, 1, 2, ... with no gap and no repeat."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        path.write_bytes(b"")
        cursor = TranscriptCursor()
        emitted: list[int] = []
        counter = 0
        for op, n in operations:
            data = path.read_bytes()
            if op == "append":
                for _ in range(n):
                    data += _line(_user(f"m{counter}"))
                    counter += 1
            elif op == "partial":
                data += _line(_user(f"m{counter}"))[:n]
            elif op == "truncate":
                data = b"".join(_line(_user(f"t{counter}-{i}")) for i in range(n))
                counter += 1
            elif op == "rewrite":
                data = b"\n" + data  # same messages, different head
            path.write_bytes(data)
            limit = n if op == "read" else 500
            result = read_new(str(path), cursor, limit=limit)
            emitted.extend(m.index for m in result.messages)
            cursor = result.cursor
        assert emitted == list(range(len(emitted)))
        assert cursor.next_index == len(emitted)


def test_cursor_with_a_pending_long_line_and_skip_round_trips() -> None:
    cursor = TranscriptCursor(offset=9, next_index=1, fingerprint="f", in_long_line=True, skip=4)
    assert TranscriptCursor.from_json(cursor.to_json()) == cursor
    # A cursor stored before these fields existed reads back unchanged and re-serialises the same.
    old = json.dumps({"offset": 3, "next_index": 1, "fingerprint": "f", "tool_names": {}})
    assert TranscriptCursor.from_json(old).to_json() == old


def test_an_oversized_line_is_skipped_and_the_lines_after_it_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    big = _line(_user("x" * 5000))
    path.write_bytes(_line(_user("a")) + big + _line(_user("b")))
    result = read_new(str(path), TranscriptCursor(), max_line_bytes=1024)
    assert [(m.index, m.content[0].text) for m in result.messages] == [(0, "a"), (1, "b")]
    assert result.long_lines == [len(_line(_user("a")))]
    assert result.cursor.offset == path.stat().st_size and not result.cursor.in_long_line


def test_a_huge_line_without_newline_is_read_once_in_bounded_steps(tmp_path: Path) -> None:
    """Memory and reads stay bounded: each call reads at most its budget, no byte is read twice."""
    path = tmp_path / "t.jsonl"
    size = 6 * 1024 * 1024
    with path.open("wb") as f:
        f.write(_line(_user("first")))
        f.write(b"y" * size)  # a line with no end yet
    cursor = TranscriptCursor()
    messages, total, calls, long_lines = [], 0, 0, []
    while True:
        result = read_new(str(path), cursor, max_line_bytes=4096, read_budget=1)
        calls += 1
        assert result.bytes_read <= 1024 * 1024 + 4096  # the smallest budget: one chunk past the cap
        total += result.bytes_read
        messages += result.messages
        long_lines += result.long_lines
        cursor = result.cursor
        if not result.more:
            break
    assert [m.content[0].text for m in messages] == ["first"]
    assert long_lines == [len(_line(_user("first")))] and cursor.in_long_line
    assert cursor.offset == path.stat().st_size and total == path.stat().st_size and calls > 3
    # Nothing new: nothing read. Then the line ends and a record follows: only the new bytes are read.
    assert read_new(str(path), cursor, max_line_bytes=4096).bytes_read == 0
    tail = b"yy\n" + _line(_user("after"))
    with path.open("ab") as f:
        f.write(tail)
    after = read_new(str(path), cursor, max_line_bytes=4096)
    assert [(m.index, m.content[0].text) for m in after.messages] == [(1, "after")]
    assert after.bytes_read == len(tail) and after.long_lines == [] and not after.cursor.in_long_line


def test_reads_start_at_the_stored_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"".join(_line(_user(f"m{i}")) for i in range(2000)))
    cursor = TranscriptCursor()
    while True:
        result = read_new(str(path), cursor)
        cursor = result.cursor
        if not result.more:
            break
    assert cursor.next_index == 2000
    line = _line(_user("new"))
    with path.open("ab") as f:
        f.write(line)
    result = read_new(str(path), cursor)
    assert [m.content[0].text for m in result.messages] == ["new"] and result.bytes_read == len(line)


def test_lone_surrogates_in_a_line_become_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(
        b'{"type": "user", "message": {"role": "user", "content": "cut \\ud83d here \\ud83d\\ude00"}}\n'
    )
    (message,) = read_new(str(path), TranscriptCursor()).messages
    assert message.content[0].text == "cut \ufffd here \U0001f600"
    assert message.content[0].text is not None
    message.content[0].text.encode("utf-8")


def test_a_line_nested_too_deep_for_the_parser_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"[" * 100_000 + b"\n" + _line(_user("after")))
    result = read_new(str(path), TranscriptCursor())
    assert [(m.index, m.content[0].text) for m in result.messages] == [(0, "after")]


def _in_thread(fn: Callable[[], ReadResult], within_s: float = 10.0) -> ReadResult:
    """Runs `fn` in a daemon thread; fails (instead of hanging the run) if it blocks."""
    box: list[ReadResult] = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    thread.join(within_s)
    assert box, "the read blocked"
    return box[0]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "f.jsonl"
    os.mkfifo(fifo)
    cursor = TranscriptCursor()
    result = _in_thread(lambda: read_new(str(fifo), cursor))
    assert result.refused is not None and "FIFO" in result.refused and result.cursor == cursor


def test_only_paths_under_the_roots_are_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "s.jsonl").write_bytes(_line(_user("secret")))
    (root / "ok.jsonl").write_bytes(_line(_user("ok")))
    (root / "link.jsonl").symlink_to(outside / "s.jsonl")
    (root / "dir").symlink_to(outside, target_is_directory=True)
    (root / "plain.txt").write_bytes(_line(_user("txt")))
    (root / "t.jsonl").symlink_to(root / "plain.txt")
    roots = [str(root)]
    assert [
        m.content[0].text for m in read_new(str(root / "ok.jsonl"), TranscriptCursor(), roots=roots).messages
    ] == ["ok"]
    for name in ("link.jsonl", "dir/s.jsonl", "t.jsonl", "plain.txt", "../outside/s.jsonl"):
        result = read_new(str(root / name), TranscriptCursor(), roots=roots)
        assert result.messages == [] and result.refused, name
    relative = read_new("ok.jsonl", TranscriptCursor(), roots=roots)
    assert relative.refused is not None and "absolute" in relative.refused
    # A root that is itself a symlink is followed: ~/.claude may be a link into a dotfiles checkout.
    (tmp_path / "alias").symlink_to(root, target_is_directory=True)
    via_alias = read_new(
        str(tmp_path / "alias" / "ok.jsonl"), TranscriptCursor(), roots=[str(tmp_path / "alias")]
    )
    assert [m.content[0].text for m in via_alias.messages] == ["ok"]


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=1200), min_size=1, max_size=10),
    cuts=st.lists(st.integers(min_value=0, max_value=12_000), max_size=8),
)
def test_lines_over_the_cap_are_skipped_whatever_the_read_points(sizes: list[int], cuts: list[int]) -> None:
    """Each line within the cap is emitted once, in order; each over it is skipped, wherever reads fall."""
    cap = 512
    lines = [_line(_user("z" * n)) for n in sizes]
    data = b"".join(lines)
    expected = [len(line) for line in lines if len(line) - 1 <= cap]
    points = sorted({min(c, len(data)) for c in cuts} | {len(data)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        cursor = TranscriptCursor()
        seen: list[int] = []
        skipped = 0
        for point in points:
            path.write_bytes(data[:point])
            while True:
                result = read_new(str(path), cursor, limit=2, max_line_bytes=cap)
                seen += [len(_line(_user(m.content[0].text or ""))) for m in result.messages]
                skipped += len(result.long_lines)
                if result.cursor == cursor:
                    break
                cursor = result.cursor
    assert seen == expected
    assert skipped == len(lines) - len(expected)
    assert cursor.next_index == len(seen)
