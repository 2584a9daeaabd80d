"""Subscription replies: the whole active set, idempotent adds, removal by exact text, and the
reply's ``seq`` from which the new set applies."""

from __future__ import annotations

from ..report import Case, expect
from .peer import Server, brief, marker, own

RULE = "§Subscriptions"


def cases(server: Server) -> list[Case]:
    async def replies() -> None:
        async with server.connect() as peer:
            a, b, c = "conformance.sub.a", "conformance.sub.b.*", "conformance.sub.c:x=1"
            first = await peer.subscribe([a, b])
            expect(
                sorted(first["events"]) == sorted([a, b]),
                f"{RULE}: subscribed lists the whole set: {brief(first)}",
            )
            if "seq" in first:
                expect(
                    first["seq"] >= peer.welcome["seq"],
                    f"{RULE}: subscribed.seq is the cursor, not before welcome.seq",
                )
            second = await peer.subscribe([c, a])
            expect(
                sorted(second["events"]) == sorted([a, b, c]),
                f"{RULE}: adding is idempotent: {brief(second)}",
            )
            gone = await peer.request(
                {"type": "unsubscribe", "events": ["conformance.sub.b", a, "conformance.never"]}
            )
            expect(
                gone["type"] == "unsubscribed" and sorted(gone["events"]) == sorted([b, c]),
                f"{RULE}: unsubscribe removes by exact text; an absent pattern is not an error: "
                f"{brief(gone)}",
            )
            empty = await peer.request({"type": "unsubscribe", "events": [b, c]})
            expect(
                empty.get("events") == [],
                f"{RULE}: unsubscribed lists the whole set after the change: {brief(empty)}",
            )

    async def unsubscribe_stops() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            await peer.subscribe(["conformance.stop.a", "conformance.stop.b"])
            [s1] = await server.emit([("conformance.stop.a", {"run": r, "n": 1})])
            await peer.until(lambda f: f.get("seq") == s1, "the event before unsubscribe")
            reply = await peer.request({"type": "unsubscribe", "events": ["conformance.stop.a"]})
            expect(
                reply["type"] == "unsubscribed",
                f"{RULE}: unsubscribe answered by unsubscribed: {brief(reply)}",
            )
            after = reply.get("seq", s1)
            await server.emit(
                [("conformance.stop.a", {"run": r, "n": 2}), ("conformance.stop.b", {"run": r, "end": True})]
            )
            got = own(await peer.collect_until(marker(r), "the end marker"), r)
            late = [e for e in got if e["type"] == "conformance.stop.a" and e["seq"] > after]
            expect(
                not late,
                f"{RULE}: after unsubscribed (seq {after}) the removed pattern delivers nothing, got {late}",
            )

    return [
        Case(
            "subscriptions.replies",
            f"{RULE}: replies carry the whole active set; adds are idempotent; removal is by exact text",
            replies,
        ),
        Case(
            "subscriptions.unsubscribe_stops",
            f"{RULE}: the changed set applies to events after the reply's seq",
            unsubscribe_stops,
        ),
    ]
