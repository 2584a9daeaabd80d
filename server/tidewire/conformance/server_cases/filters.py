"""Filters ``PATTERN:FIELD=VALUE``: strings as written, numbers by value, literals, dotted paths;
objects and arrays never match."""

from __future__ import annotations

from typing import Any

from ..report import Case, expect
from .payloads import mcp_tool_called
from .peer import Server, marker, own

RULE = "§Subscriptions filters"


def cases(server: Server) -> list[Case]:
    async def check(pattern: str, values: list[tuple[Any, bool]], rule: str) -> None:
        """Commit one event per value of ``data.v`` and expect exactly those marked True."""
        r = server.nonce()
        name = "conformance.filter.e"
        field, _, _ = pattern.partition("=")
        path = field.split(".")
        sent = []
        for i, (value, _match) in enumerate(values):
            data: dict[str, Any] = {"run": r, "i": i}
            node = data
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
            sent.append((name, data))
        async with server.connect() as peer:
            await peer.subscribe([f"{name}:{pattern}", f"conformance.filter.end:run={r}"])
            await server.emit([*sent, ("conformance.filter.end", {"run": r, "end": True})])
            got = own(await peer.collect_until(marker(r), "the end marker"), r)
            matched = [e["data"]["i"] for e in got if e["type"] == name]
            want = [i for i, (_v, m) in enumerate(values) if m]
            expect(
                matched == want,
                f"{rule}: {pattern!r} should match {[values[i][0] for i in want]}, matched "
                f"{[values[i][0] for i in matched]}",
            )

    async def strings() -> None:
        await check(
            "who=alice",
            [
                ("alice", True),
                ("bob", False),
                ("Alice", False),
                ("alice ", False),
                (["alice"], False),
                ({"alice": 1}, False),
            ],
            f"{RULE}: a string field equals VALUE as written; objects and arrays never match",
        )

    async def numbers() -> None:
        await check(
            "v=1",
            [(1, True), (1.0, True), (1.5, False), ("1", True), (True, False), (10, False)],
            f"{RULE}: a number field equals a VALUE of the same value; a string compares as written",
        )
        await check("v=1.0", [(1, True), ("1", False), ("1.0", True)], f"{RULE}: 1.0 is the number 1")
        await check("v=1e0", [(1, True)], f"{RULE}: 1e0 is the number 1")
        r = server.nonce()
        async with server.connect() as peer:
            await peer.subscribe(["mcp.tool_called:duration_ms=1", f"conformance.filter.end:run={r}"])
            seqs = await server.emit(
                [
                    ("mcp.tool_called", mcp_tool_called(r, 1)),
                    ("mcp.tool_called", mcp_tool_called(r, 2)),
                    ("conformance.filter.end", {"run": r, "end": True}),
                ]
            )
            got = [
                e["seq"]
                for e in await peer.collect_until(marker(r), "the end marker")
                if e["type"] == "mcp.tool_called"
            ]
            expect(
                got == seqs[:1],
                f"{RULE}: mcp.tool_called:duration_ms=1 matches a call of duration_ms 1 (got seqs {got}, "
                f"sent {seqs[:2]})",
            )

    async def literals_and_paths() -> None:
        await check(
            "v=true",
            [(True, True), (False, False), (1, False), ("true", True)],
            f"{RULE}: true matches itself",
        )
        await check("v=null", [(None, True), (False, False), (0, False)], f"{RULE}: null matches itself")
        await check(
            "task.status=open",
            [("open", True), ("closed", False)],
            f"{RULE}: FIELD may be a dotted path into data",
        )
        r = server.nonce()
        async with server.connect() as peer:
            await peer.subscribe([f"*:run={r}"])
            seqs = await server.emit(
                [
                    ("conformance.any.a", {"run": r}),
                    ("conformance.any.b", {"run": "x" + r}),
                    ("conformance.any.c", {"run": r, "end": True}),
                ]
            )
            got = [
                e["seq"]
                for e in await peer.collect_until(marker(r), "the end marker")
                if e["type"].startswith("conformance.any")
            ]
            expect(
                got == [seqs[0], seqs[2]],
                f"{RULE}: *:FIELD=VALUE filters every event: got {got}, want {[seqs[0], seqs[2]]}",
            )

    return [
        Case(
            "filters.strings",
            f"{RULE}: a string field equals VALUE as written; objects and arrays never match",
            strings,
        ),
        Case(
            "filters.numbers",
            f"{RULE}: a number field matches a VALUE of the same value (duration_ms=1 matches 1 and 1.0)",
            numbers,
        ),
        Case(
            "filters.literals_and_paths",
            f"{RULE}: true, false, null match themselves; FIELD may be a dotted path",
            literals_and_paths,
        ),
    ]
