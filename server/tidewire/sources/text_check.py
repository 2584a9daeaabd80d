"""Lone surrogates: strings JSON can carry (`"\\ud800"`) that are not Unicode text.

`json.loads` accepts a `\\uD800` escape without its pair and hands back a `str` that no UTF-8
encoder takes, so it fails far from where it came in: in SQLite, in the event log, in an
argv. Input is checked (or scrubbed) where it enters, once, whatever field it sits in.
"""

from __future__ import annotations

from typing import Any


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _describe(path: list[str | int]) -> str:
    if not path:
        return "the value"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def first_lone_surrogate(value: Any) -> str | None:
    """Where the first string (key or value) that is not valid Unicode sits, e.g. `tool_input.command`.

    None when every string encodes. Iterative, so a deeply nested value cannot exhaust the stack.
    """
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                return _describe(path)
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _has_lone_surrogate(key):
                    return _describe([*path, "<key>"]) if path else "a key"
                stack.append((child, [*path, str(key)]))
        elif isinstance(item, list | tuple):
            stack.extend((child, [*path, i]) for i, child in enumerate(item))
    return None


def scrub(value: Any) -> Any:
    """`value` with every lone surrogate replaced by U+FFFD (pairs written as two escapes are joined)."""
    if isinstance(value, str):
        if not _has_lone_surrogate(value):
            return value
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value
