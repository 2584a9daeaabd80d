"""The corpus machinery itself: equality, mutations and generation behave as the contract
tests assume."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from contract_corpus import (
    Entry,
    declared_names,
    draw_valid,
    dump_corpus,
    guard_verdicts,
    json_equal,
    jsonschema_verdict,
    mutations,
    pydantic_verdicts,
)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1.0, True),
        (1, True, False),
        (0, False, False),
        ({"a": [1, None]}, {"a": [1.0, None]}, True),
        ({"a": 1}, {"a": 1, "b": None}, False),
        ([1, 2], [2, 1], False),
        ("1", 1, False),
        (None, None, True),
    ],
)
def test_json_equal(a: object, b: object, equal: bool) -> None:
    assert json_equal(a, b) is equal
    assert json_equal(b, a) is equal


def test_generation_is_deterministic_and_valid() -> None:
    first = draw_valid("PingFrame", 10)
    assert first == draw_valid("PingFrame", 10)
    assert len(first) == 10
    assert all(jsonschema_verdict(Entry("PingFrame", "PingFrame", "generated", i)) for i in first)


def test_mutations_only_touch_declared_fields_and_break_them() -> None:
    frame = {"type": "ping", "id": 3, "t": 1.5, "zz_unknown": {"deep": [1]}}
    broken = mutations(frame, "PingFrame", random.Random(0), top_level=True)
    kinds = {kind for kind, _ in broken}
    assert {"unknown_type", "missing_type", "other_frame_type", "unknown_field"} <= kinds
    for _, mutated in broken:
        assert mutated.get("zz_unknown") == {"deep": [1]}, "an unknown field was mutated"
    assert "zz_unknown" not in declared_names() and "after_seq" in declared_names()


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"type": "resume", "epoch": "e", "after_seq": 3}, True),
        ({"type": "resume", "epoch": "e", "after_seq": 3.0}, True),
        ({"type": "resume", "epoch": "e", "after_seq": True}, False),
        ({"type": "resume", "epoch": "e", "after_seq": "3"}, False),
        ({"type": "resume", "epoch": "e"}, False),
        ({"type": "resume", "epoch": "", "after_seq": 3}, False),
    ],
)
def test_python_verdicts_on_the_classic_traps(instance: dict[str, object], valid: bool) -> None:
    entry = Entry("ResumeFrame", "ResumeFrame", "hand-written", instance)
    assert jsonschema_verdict(entry) is valid
    assert pydantic_verdicts(entry) == (valid, valid)


def test_all_three_agree_on_the_classic_traps(tmp_path: Path) -> None:
    ts = "2026-11-26T06:00:00Z"
    cases: list[tuple[str, dict[str, object], bool]] = [
        ("ResumeFrame", {"type": "resume", "epoch": "e", "after_seq": 3.0}, True),  # 1.0 is an integer
        ("ResumeFrame", {"type": "resume", "epoch": "e", "after_seq": True}, False),  # bool is not
        ("ResumeFrame", {"type": "resume", "epoch": "e", "after_seq": 2**53}, False),
        ("PongFrame", {"type": "pong", "server_time": ts, "seq": 0}, True),
        ("PongFrame", {"type": "pong", "server_time": ts + "\n", "seq": 0}, False),  # Python's `$`
        ("PongFrame", {"type": "pong", "server_time": "٢٠٢٦" + ts[4:], "seq": 0}, False),  # Unicode \d
        ("PingFrame", {"type": "ping", "t": 5}, True),  # a number takes an integer
        ("PingFrame", {"type": "ping", "t": "5"}, False),
        ("SubscribeFrame", {"type": "subscribe", "events": ["\U0001f600"]}, True),  # one code point
        # maxLength counts code points: 300 of them are 600 UTF-16 units.
        ("SubscribeFrame", {"type": "subscribe", "events": ["\U0001f600" * 300]}, True),
        ("SubscribeFrame", {"type": "subscribe", "events": ["\U0001f600" * 513]}, False),
    ]
    entries = [Entry(schema, schema, "hand-written", instance) for schema, instance, _ in cases]
    path = tmp_path / "corpus.json"
    dump_corpus(entries, path)
    for entry, ts_verdict, (_, _, valid) in zip(entries, guard_verdicts(path), cases, strict=True):
        assert (jsonschema_verdict(entry), *pydantic_verdicts(entry), ts_verdict) == (valid,) * 4, entry
