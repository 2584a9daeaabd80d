"""The Idempotency-Key header's parsing and the request fingerprint (pure functions)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tidewire.errors import InvalidArgument
from tidewire.idempotency import fingerprint, parse_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("abc", "abc"),
        ('"abc"', "abc"),
        ('  "8e03978e-40d5-43e8-bc93-6894a57f9324" ', "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        (r'"a\"b\\c"', 'a"b\\c'),
        ("x" * 255, "x" * 255),
    ],
)
def test_keys_quoted_or_bare(raw: str, key: str) -> None:
    assert parse_key(raw) == key


@pytest.mark.parametrize(
    "raw", ["", '""', "x" * 256, "caf\u00e9", '"open', 'a"b', r'"a\nb"', '"a"b"', '"a\\"', "a\tb"]
)
def test_malformed_keys_are_refused(raw: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_key(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@given(json_values, st.booleans())
def test_fingerprint_is_by_meaning(value: Any, spaced: bool) -> None:
    compact = json.dumps(value, separators=(",", ":")).encode()
    other = json.dumps(value, indent=2 if spaced else None, sort_keys=True).encode()
    assert fingerprint("POST", "/api/tasks", compact) == fingerprint("post", "/api/tasks", other)


def test_fingerprint_tells_requests_apart() -> None:
    base = fingerprint("POST", "/api/tasks", b'{"title":"a"}')
    assert base != fingerprint("POST", "/api/tasks", b'{"title":"b"}')
    assert base != fingerprint("PATCH", "/api/tasks", b'{"title":"a"}')
    assert base != fingerprint("POST", "/api/tasks/x", b'{"title":"a"}')
    assert fingerprint("POST", "/a", b"") == fingerprint("POST", "/a", b"  ")
    assert fingerprint("POST", "/a", b"not json") != fingerprint("POST", "/a", b"")
