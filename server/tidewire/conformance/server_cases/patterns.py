"""Patterns: exact names, ``prefix.*`` at any depth, ``*``, the high-volume rule, one delivery
however many patterns match."""

from __future__ import annotations

from typing import Any

from ..report import Case, expect
from .payloads import agent_output, mcp_tool_called, session_message
from .peer import EventSpec, Server, marker, own

RULE = "§Subscriptions"


def _ev(kind: str, run: str, **fields: Any) -> EventSpec:
    return kind, {"run": run, **fields}


def cases(server: Server) -> list[Case]:
    async def check(patterns: list[str], sent: list[EventSpec], wanted: list[int], rule: str) -> None:
        """Subscribe ``patterns``, commit ``sent`` (the last is the marker), and expect exactly the
        events at the indexes ``wanted`` of ``sent``, in order."""
        run = sent[-1][1]["run"]
        async with server.connect() as peer:
            await peer.subscribe(patterns)
            seqs = await server.emit(sent)
            got = own(await peer.collect_until(marker(run), f"the events matching {patterns}"), run)
            expected = [(sent[i][0], seqs[i]) for i in wanted]
            expect(
                [(e["type"], e["seq"]) for e in got] == expected,
                f"{rule}: {patterns} should deliver {expected}, got {[(e['type'], e['seq']) for e in got]}",
            )

    async def exact() -> None:
        r = server.nonce()
        sent = [
            _ev("conformance.exact.a", r, n=1),
            _ev("conformance.exact.b", r, n=2),
            _ev("conformance.exact.a.deeper", r, n=3),
            _ev("conformance.exact", r, n=4),
            _ev("conformance.exact.a", r, end=True),
        ]
        await check(
            ["conformance.exact.a"], sent, [0, 4], f"{RULE}: an exact name matches exactly that event"
        )

    async def prefix() -> None:
        r = server.nonce()
        sent = [
            _ev("conformance.pre.a", r),
            _ev("conformance.pre.b.c.d", r),
            _ev("conformance.prex.a", r),
            _ev("conformance.pre", r),
            _ev("conformance.other.a", r),
            _ev("conformance.pre.z", r, end=True),
        ]
        await check(
            ["conformance.pre.*"],
            sent,
            [0, 1, 5],
            f"{RULE}: prefix.* matches names under the prefix, any depth",
        )

    async def star() -> None:
        r = server.nonce()
        sent = [
            _ev("conformance.star.a", r),
            _ev("brand_new.event_type", r),
            _ev("conformance.star.b.c", r, end=True),
        ]
        await check(
            ["*"],
            sent,
            [0, 1, 2],
            f"{RULE}: * matches every event, §Evolution rules: a new event type reaches * subscribers",
        )

    async def high_volume() -> None:
        r = server.nonce()
        hv = [
            ("session.message", session_message(r)),
            ("mcp.tool_called", mcp_tool_called(r)),
            ("agent.output", agent_output(r)),
        ]
        hv_names = tuple(name for name, _ in hv)
        broad = [
            "*",
            "session.*",
            "mcp.*",
            "agent.*",
            "*:session_id=" + r,
            "mcp.*:server_name=" + r,
            "agent.*:agent_id=" + r,
        ]
        async with server.connect() as wide, server.connect() as exact, server.connect() as filtered:
            await wide.subscribe(broad)
            await exact.subscribe([*hv_names, "conformance.hv.end"])
            await filtered.subscribe(
                [
                    "session.message:session_id=" + r,
                    "mcp.tool_called:server_name=" + r,
                    "agent.output:agent_id=" + r,
                    "conformance.hv.end",
                ]
            )
            seqs = await server.emit([*hv, _ev("conformance.hv.end", r, end=True)])
            for peer, label in ((wide, "wide"), (exact, "exact"), (filtered, "filtered")):
                got = await peer.collect_until(marker(r), f"the end marker ({label})")
                names = [(e["type"], e["seq"]) for e in got if e["type"] in hv_names]
                want = [] if label == "wide" else list(zip(hv_names, seqs, strict=False))
                rule = "* and prefix.* never match" if label == "wide" else "an exact name delivers"
                expect(
                    names == want,
                    f"{RULE} high-volume rule: {rule} session.message, mcp.tool_called and agent.output; "
                    f"the {label} subscription got {names}",
                )

    async def once() -> None:
        r = server.nonce()
        sent = [_ev("conformance.once.a", r, n=1), _ev("conformance.once.a", r, end=True)]
        await check(
            ["*", "conformance.*", "conformance.once.*", "conformance.once.a", f"conformance.once.a:run={r}"],
            sent,
            [0, 1],
            f"{RULE}: an event is delivered once however many patterns match it",
        )

    return [
        Case("patterns.exact", f"{RULE}: an exact name matches exactly that event", exact),
        Case("patterns.prefix", f"{RULE}: task.* matches every event under task., at any depth", prefix),
        Case(
            "patterns.star",
            f"{RULE}: * matches every event; §Evolution rules: new event types reach it",
            star,
        ),
        Case(
            "patterns.high_volume",
            f"{RULE} high-volume rule: * and prefix.* never deliver session.message, mcp.tool_called "
            "or agent.output; "
            "exact names do",
            high_volume,
        ),
        Case(
            "patterns.once",
            f"{RULE}: an event is delivered once if any pattern matches it, however many do",
            once,
        ),
    ]
