"""The cursor: it starts at ``welcome.seq``, nothing is delivered before the first subscribe,
and subscribing late loses nothing committed after ``welcome``."""

from __future__ import annotations

from ..report import Case, expect
from .peer import Server, is_event, marker, own

RULE = "§A connection's life"


def cases(server: Server) -> list[Case]:
    async def nothing_before_subscribe() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            await server.emit([("conformance.cursor.early", {"run": r})])
            # Two round trips: an event sent before the first subscribe would be on the wire by now.
            await peer.still_open(RULE)
            await peer.still_open(RULE)
            early = [f for f in peer.frames if is_event(f)]
            expect(not early, f"{RULE}: nothing is delivered until the first subscribe, got {early[:2]}")

    async def late_subscribe() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            seqs = await server.emit([("conformance.cursor.late", {"run": r, "n": i}) for i in range(3)])
            await peer.still_open(RULE)
            await peer.subscribe(["conformance.cursor.*"])
            await server.emit([("conformance.cursor.late", {"run": r, "end": True})])
            got = [e["seq"] for e in own(await peer.collect_until(marker(r), "the end marker"), r)]
            expect(
                got[:3] == seqs,
                f"{RULE}: subscribing late loses nothing committed after welcome: sent {seqs} before "
                f"subscribe, got {got}",
            )

    async def starts_at_welcome() -> None:
        r = server.nonce()
        [before] = await server.emit([("conformance.cursor.before", {"run": r})])
        async with server.connect() as peer:
            await peer.subscribe(["conformance.cursor.*"])
            await server.emit([("conformance.cursor.after", {"run": r, "end": True})])
            got = own(await peer.collect_until(marker(r), "the end marker"), r)
            expect(
                all(e["seq"] > peer.welcome["seq"] for e in got) and before not in [e["seq"] for e in got],
                f"{RULE}: the cursor starts at welcome.seq ({peer.welcome['seq']}); seq {before} came "
                "before it, got "
                f"{[e['seq'] for e in got]}",
            )

    return [
        Case(
            "cursor.nothing_before_subscribe",
            f"{RULE}: nothing is delivered until the first subscribe",
            nothing_before_subscribe,
        ),
        Case(
            "cursor.late_subscribe",
            f"{RULE}: a late subscribe still gets every event committed after welcome.seq",
            late_subscribe,
        ),
        Case(
            "cursor.starts_at_welcome",
            f"{RULE}: the cursor starts at welcome.seq; earlier events are not sent",
            starts_at_welcome,
        ),
    ]
