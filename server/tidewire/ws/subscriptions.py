"""Subscription patterns: ``name``, ``prefix.*``, ``*``, each optionally filtered ``:field=value``.

Wildcards never match the high-volume events; those need their exact name. A filter's
field may be a dotted path into ``data`` (``task.status``); a string field matches the value
as written, a number matches a value that is a JSON number of the same value (``=1`` matches
``1`` and ``1.0``), and ``true``, ``false``, ``null`` match themselves.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..protocol import HIGH_VOLUME

_SEGMENT = r"[a-z0-9_]+"
_NAME = re.compile(rf"^{_SEGMENT}(\.{_SEGMENT})+$")
_PREFIX = re.compile(rf"^{_SEGMENT}(\.{_SEGMENT})*\.\*$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# RFC 8259's number grammar: a filter value written like this is compared as a number.
_JSON_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
_MISSING = object()
# Matching cost grows with the set; a client needing more should use patterns.
MAX_PATTERNS = 1024


class SubscriptionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str  # canonical form, as the client wrote it
    kind: str  # "all" | "prefix" | "exact"
    name: str  # the exact name, or the prefix including its trailing dot, or ""
    field: tuple[str, ...] | None
    value: str | None
    # The value as a number when it is written as one: numbers match by value, not by text.
    number: int | float | None = None

    def matches_type(self, event_type: str) -> bool:
        if self.kind == "exact":
            return event_type == self.name
        if event_type in HIGH_VOLUME:
            return False
        return self.kind == "all" or event_type.startswith(self.name)

    def matches_data(self, data: dict[str, Any]) -> bool:
        if self.field is None:
            return True
        node: Any = data
        for part in self.field:
            if not isinstance(node, dict):
                return False
            node = node.get(part, _MISSING)
            if node is _MISSING:
                return False
        if isinstance(node, int | float) and not isinstance(node, bool):
            # Python compares int and float exactly, so 1 == 1.0 but 2**53 + 1 != 2.0**53.
            return self.number is not None and node == self.number
        return _scalar_text(node) == self.value


def _as_number(value: str | None) -> int | float | None:
    if value is None or not _JSON_NUMBER.match(value):
        return None
    number = json.loads(value)
    if isinstance(number, float) and not math.isfinite(number):
        return None  # 1e999: no JSON number holds that value
    return number if isinstance(number, int | float) else None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return None


def parse_pattern(text: str) -> Pattern:
    name_part, sep, filter_part = text.partition(":")
    field: tuple[str, ...] | None = None
    value: str | None = None
    if sep:
        field_text, eq, value = filter_part.partition("=")
        if not eq or not _FIELD.match(field_text):
            raise SubscriptionError(f"{text!r}: a filter is written name:field=value")
        if value == "":
            raise SubscriptionError(f"{text!r}: the filter value is empty")
        field = tuple(field_text.split("."))
    number = _as_number(value)
    if name_part == "*":
        return Pattern(text, "all", "", field, value, number)
    if _PREFIX.match(name_part):
        return Pattern(text, "prefix", name_part[:-1], field, value, number)
    if _NAME.match(name_part):
        return Pattern(text, "exact", name_part, field, value, number)
    raise SubscriptionError(
        f"{text!r} is not an event name, a 'prefix.*' pattern or '*' (optionally ':field=value')"
    )


class SubscriptionSet:
    """The active patterns of one connection, with a per-event-type cache of candidate patterns."""

    def __init__(self) -> None:
        self._patterns: dict[str, Pattern] = {}
        self._by_type: dict[str, tuple[bool, tuple[Pattern, ...]]] = {}

    @property
    def events(self) -> list[str]:
        return list(self._patterns)

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, texts: Iterable[str]) -> None:
        """Add all or nothing: a bad pattern raises SubscriptionError and changes nothing."""
        parsed = [parse_pattern(t) for t in texts]
        new = {p.text for p in parsed} - self._patterns.keys()
        if len(self._patterns) + len(new) > MAX_PATTERNS:
            raise SubscriptionError(f"a connection may hold at most {MAX_PATTERNS} subscriptions")
        for pattern in parsed:
            self._patterns.setdefault(pattern.text, pattern)
        self._by_type.clear()

    def remove(self, texts: Iterable[str]) -> None:
        parsed = [parse_pattern(t) for t in texts]
        for pattern in parsed:
            self._patterns.pop(pattern.text, None)
        self._by_type.clear()

    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        cached = self._by_type.get(event_type)
        if cached is None:
            candidates = [p for p in self._patterns.values() if p.matches_type(event_type)]
            unfiltered = any(p.field is None for p in candidates)
            cached = (unfiltered, tuple(p for p in candidates if p.field is not None))
            self._by_type[event_type] = cached
        unfiltered, filtered = cached
        return unfiltered or any(p.matches_data(data) for p in filtered)
