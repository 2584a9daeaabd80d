"""Which of one socket's patterns match an event, at a cost set by the event, not by the patterns.

Patterns are grouped by what they name (one exact type, one prefix, or everything); an event
looks up only the groups its type can match: its exact name, each of its dotted prefixes and
``*``. Inside a group the filters form a trie of field paths whose nodes hold the values
wanted there, so an event walks the trie alongside its own ``data``: at each node it follows
whichever is smaller, the node's children or the data's keys. A thousand filters on one field
cost one dictionary lookup; a thousand on different fields cost at most the size of ``data``.

Pure: no I/O, no clock. The direct reading of the rules (``Pattern.matches_type`` and
``Pattern.matches_data``) is the reference the tests hold this against.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from ..protocol import HIGH_VOLUME

# A filter value as the index keys it: ("n", number) for a JSON number, compared by value
# (1 == 1.0 and they hash alike), ("s", text) for anything else. The tag keeps True from
# meeting 1, which Python's dict would otherwise treat as the same key.
Key: TypeAlias = tuple[str, Any]
_MISSING = object()


def value_keys(value: str, number: int | float | None) -> tuple[Key, ...]:
    """The keys a filter ``=value`` is found under: its text, and its number when it is one."""
    return (("s", value),) if number is None else (("s", value), ("n", number))


def data_key(node: Any) -> Key | None:
    """The key a field of ``data`` looks up; None for objects and arrays, which never match."""
    if isinstance(node, str):
        return ("s", node)
    if isinstance(node, bool):
        return ("s", "true" if node else "false")
    if isinstance(node, int | float):
        return ("n", node)
    if node is None:
        return ("s", "null")
    return None


class _Node:
    __slots__ = ("children", "values")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        # Key -> how many patterns want it here (two texts may want the same key: `=1`, `=1.0`).
        self.values: dict[Key, int] = {}

    def empty(self) -> bool:
        return not self.children and not self.values

    def matches(self, node: Any) -> bool:
        if self.values:
            key = data_key(node)
            if key is not None and key in self.values:
                return True
        children = self.children
        if not children or not isinstance(node, dict):
            return False
        if len(node) < len(children):
            for name, sub in node.items():
                child = children.get(name)
                if child is not None and child.matches(sub):
                    return True
        else:
            for name, child in children.items():
                sub = node.get(name, _MISSING)
                if sub is not _MISSING and child.matches(sub):
                    return True
        return False


class _Group:
    """The patterns naming one exact type, one prefix, or everything."""

    __slots__ = ("filters", "unfiltered")

    def __init__(self) -> None:
        self.unfiltered = 0
        self.filters = _Node()

    def empty(self) -> bool:
        return self.unfiltered == 0 and self.filters.empty()

    def add(self, field: tuple[str, ...] | None, keys: tuple[Key, ...]) -> None:
        if field is None:
            self.unfiltered += 1
            return
        node = self.filters
        for part in field:
            node = node.children.setdefault(part, _Node())
        for key in keys:
            node.values[key] = node.values.get(key, 0) + 1

    def remove(self, field: tuple[str, ...] | None, keys: tuple[Key, ...]) -> None:
        if field is None:
            self.unfiltered -= 1
            return
        path = [self.filters]
        for part in field:
            path.append(path[-1].children[part])
        leaf = path[-1]
        for key in keys:
            left = leaf.values[key] - 1
            if left:
                leaf.values[key] = left
            else:
                del leaf.values[key]
        # Prune the branch back up to the first node still in use.
        for parent, part in zip(reversed(path[:-1]), reversed(field), strict=True):
            if not parent.children[part].empty():
                break
            del parent.children[part]


class FilterIndex:
    """Add and remove (kind, name, field, value) entries; ask whether an event matches any."""

    def __init__(self) -> None:
        self._exact: dict[str, _Group] = {}
        self._prefix: dict[str, _Group] = {}
        self._all = _Group()
        # Event type -> (some candidate group is unfiltered, the candidate groups that filter).
        # Cleared on every change; rebuilding costs a lookup per dotted prefix of the type.
        self._by_type: dict[str, tuple[bool, tuple[_Node, ...]]] = {}

    def _group(self, kind: str, name: str, create: bool) -> _Group | None:
        if kind == "all":
            return self._all
        table = self._exact if kind == "exact" else self._prefix
        group = table.get(name)
        if group is None and create:
            group = table[name] = _Group()
        return group

    def add(self, kind: str, name: str, field: tuple[str, ...] | None, keys: tuple[Key, ...]) -> None:
        group = self._group(kind, name, create=True)
        assert group is not None
        group.add(field, keys)
        self._by_type.clear()

    def remove(self, kind: str, name: str, field: tuple[str, ...] | None, keys: tuple[Key, ...]) -> None:
        group = self._group(kind, name, create=False)
        assert group is not None, "removing an entry that was never added"
        group.remove(field, keys)
        if group.empty() and kind != "all":
            del (self._exact if kind == "exact" else self._prefix)[name]
        self._by_type.clear()

    def _candidates(self, event_type: str) -> tuple[bool, tuple[_Node, ...]]:
        groups: list[_Group] = []
        exact = self._exact.get(event_type)
        if exact is not None:
            groups.append(exact)
        if event_type not in HIGH_VOLUME:
            groups.append(self._all)
            if self._prefix:
                # "a.b.c" is matched by the prefixes "a." and "a.b." (stored with their dot).
                end = event_type.find(".")
                while end != -1:
                    group = self._prefix.get(event_type[: end + 1])
                    if group is not None:
                        groups.append(group)
                    end = event_type.find(".", end + 1)
        unfiltered = any(g.unfiltered for g in groups)
        return unfiltered, tuple(g.filters for g in groups if not g.filters.empty())

    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        cached = self._by_type.get(event_type)
        if cached is None:
            cached = self._by_type[event_type] = self._candidates(event_type)
        unfiltered, tries = cached
        return unfiltered or any(t.matches(data) for t in tries)
