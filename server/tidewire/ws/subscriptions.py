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
from .filter_index import FilterIndex, Key, value_keys

_SEGMENT = r"[a-z0-9_]+"
_NAME = re.compile(rf"^{_SEGMENT}(\.{_SEGMENT})+$")
_PREFIX = re.compile(rf"^{_SEGMENT}(\.{_SEGMENT})*\.\*$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# RFC 8259's number grammar: a filter value written like this is compared as a number.
_JSON_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
_MISSING = object()
# Matching cost grows with the set; a client needing more should use patterns.
MAX_PATTERNS = 1024
# Filter clauses (one per field path segment, see clause_cost) one socket may hold, and all
# sockets together: they bound the index's memory and the walk an event makes through it.
MAX_FILTER_CLAUSES = 4096
MAX_FILTER_CLAUSES_TOTAL = 262_144


class SubscriptionError(ValueError):
    pass


class FilterLimitError(SubscriptionError):
    """Over a filter cap: the frame is well formed, the daemon will not hold that much."""


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


class FilterBudget:
    """Filter clauses held by all sockets together: matching and the index's memory grow with them."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int = MAX_FILTER_CLAUSES_TOTAL) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int) -> bool:
        if self.used + n > self.limit:
            return False
        self.used += n
        return True

    def give_back(self, n: int) -> None:
        self.used -= n


def clause_cost(pattern: Pattern) -> int:
    """What one pattern costs against the filter caps: one per segment of its field path
    (``task.status=x`` costs 2), as each segment is a step to walk; an unfiltered pattern is free."""
    return 0 if pattern.field is None else len(pattern.field)


class SubscriptionSet:
    """The active patterns of one connection, and the index that matches events against them.

    ``budget`` is shared by every connection of the daemon; ``release()`` hands this set's
    clauses back to it when the connection ends.
    """

    def __init__(self, budget: FilterBudget | None = None) -> None:
        self._patterns: dict[str, Pattern] = {}
        self._index = FilterIndex()
        self._budget = budget
        self.clauses = 0

    @property
    def events(self) -> list[str]:
        return list(self._patterns)

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, texts: Iterable[str]) -> None:
        """Add all or nothing: a bad pattern raises SubscriptionError and changes nothing."""
        new: dict[str, Pattern] = {}
        for pattern in (parse_pattern(t) for t in texts):
            if pattern.text not in self._patterns:
                new.setdefault(pattern.text, pattern)
        if len(self._patterns) + len(new) > MAX_PATTERNS:
            raise SubscriptionError(f"a connection may hold at most {MAX_PATTERNS} subscriptions")
        cost = sum(clause_cost(p) for p in new.values())
        if self.clauses + cost > MAX_FILTER_CLAUSES:
            raise FilterLimitError(
                f"these filters would bring this connection to {self.clauses + cost} filter clauses "
                f"(one per segment of each field path); at most {MAX_FILTER_CLAUSES} are held"
            )
        if cost and self._budget is not None and not self._budget.take(cost):
            raise FilterLimitError(
                f"the daemon already holds {self._budget.used} of its {self._budget.limit} filter "
                f"clauses across all sockets; unsubscribe filters or use fewer, broader ones"
            )
        self.clauses += cost
        for pattern in new.values():
            self._patterns[pattern.text] = pattern
            self._index.add(pattern.kind, pattern.name, pattern.field, _keys(pattern))

    def remove(self, texts: Iterable[str]) -> None:
        parsed = [parse_pattern(t) for t in texts]
        for pattern in parsed:
            held = self._patterns.pop(pattern.text, None)
            if held is None:
                continue
            self._index.remove(held.kind, held.name, held.field, _keys(held))
            cost = clause_cost(held)
            self.clauses -= cost
            if cost and self._budget is not None:
                self._budget.give_back(cost)

    def release(self) -> None:
        """Give this set's clauses back to the daemon-wide budget (the connection ended)."""
        if self._budget is not None and self.clauses:
            self._budget.give_back(self.clauses)
        self._budget = None

    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        return self._index.matches(event_type, data)


def _keys(pattern: Pattern) -> tuple[Key, ...]:
    return () if pattern.value is None else value_keys(pattern.value, pattern.number)
