"""How transcript records become content blocks: a failed tool result is marked as such, so the
dashboard can show it as an error; a successful one carries no mark."""

from __future__ import annotations

from tidewire.sources.transcript import parse_record


def _record(content: list[dict[str, object]]) -> dict[str, object]:
    message = {"role": "user", "content": content}
    return {"type": "user", "timestamp": "2026-11-26T06:00:00Z", "message": message}


def test_a_failed_tool_result_is_marked_and_a_successful_one_is_not() -> None:
    names = {"toolu_1": "Bash", "toolu_2": "Read"}
    parsed = parse_record(
        _record(
            [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "exit 2", "is_error": True},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "ok", "is_error": False},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "ok", "is_error": "yes"},
            ]
        ),
        0,
        names,
    )
    assert parsed is not None
    dumped = [b.model_dump(mode="json", exclude_defaults=True) for b in parsed.content]
    assert dumped == [
        {"type": "tool_result", "tool_name": "Bash", "text": "exit 2", "is_error": True},
        {"type": "tool_result", "tool_name": "Read", "text": "ok"},
        {"type": "tool_result", "tool_name": "Read", "text": "ok"},
    ]
