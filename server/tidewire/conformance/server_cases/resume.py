"""Resume: replay exactly the subscribed events after ``after_seq``, then ``resumed``, then live
with no gap and no duplicate; position 0 is a position; a seq beyond the head is invalid_resume."""

from __future__ import annotations

from ..report import Case, expect
from .peer import Frame, Peer, Server, brief, is_event, marker, own

RULE = "§Resume and reconnecting"


async def _resumed(peer: Peer, frame_id: str) -> tuple[list[Frame], Frame]:
    """The events received up to the reply to resume ``frame_id``, and that reply."""
    start = len(peer.events)
    reply = await peer.reply(frame_id, f"the reply to resume {frame_id!r}")
    return peer.events[start:], reply


def cases(server: Server) -> list[Case]:
    async def replay(subscribe_first: bool) -> None:
        r = server.nonce()
        name = f"conformance.resume.{'s' if subscribe_first else 'r'}"
        patterns = [f"{name}:run={r}"]
        async with server.connect() as first:
            await first.subscribe(patterns)
            [p] = await server.emit([(name, {"run": r, "n": 0})])
            await first.until(lambda f: f.get("seq") == p, "the first event")
            epoch = first.welcome["epoch"]
        missed = await server.emit(
            [
                (name, {"run": r, "n": 1}),
                (name + "_other", {"run": r}),
                (name, {"run": "x" + r}),
                (name, {"run": r, "n": 2}),
            ]
        )
        want = [missed[0], missed[3]]
        async with server.connect() as peer:
            if subscribe_first:
                await peer.subscribe(patterns)
                await peer.send({"type": "resume", "epoch": epoch, "after_seq": p, "id": "r"})
            else:
                await peer.send({"type": "resume", "epoch": epoch, "after_seq": p, "id": "r"})
                await peer.still_open(RULE)
                expect(
                    not peer.events,
                    f"{RULE}: a resume before any subscribe waits for it, yet events came: {peer.events[:2]}",
                )
                await peer.send({"type": "subscribe", "events": patterns, "id": "s"})
            events, reply = await _resumed(peer, "r")
            expect(
                reply["type"] == "resumed",
                f"{RULE}: a retained position in this epoch gets resumed, got {brief(reply)}",
            )
            got = [e["seq"] for e in own(events, r)]
            expect(
                got == want, f"{RULE}: replay exactly the subscribed events after {p}: want {want}, got {got}"
            )
            expect(
                reply["after_seq"] == p and reply["to_seq"] >= missed[-1] and reply["replayed"] == len(want),
                f"{RULE}: resumed {{after_seq: {p}, to_seq >= {missed[-1]}, replayed: {len(want)}}}, got "
                f"{brief(reply)}",
            )
            [live] = await server.emit([(name, {"run": r, "end": True})])
            after = [
                e["seq"] for e in own(await peer.collect_until(marker(r), "the live event after resumed"), r)
            ]
            expect(
                after == [live],
                f"{RULE}: live delivery continues with no gap and no duplicate: want [{live}], got {after}",
            )

    async def resume_then_subscribe() -> None:
        await replay(False)

    async def subscribe_then_resume() -> None:
        await replay(True)

    async def at_head() -> None:
        async with server.connect() as peer:
            await peer.subscribe(["conformance.head.none"])
            head = peer.welcome["seq"]
            reply = await peer.request({"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": head})
            expect(
                reply["type"] == "resumed"
                and reply["after_seq"] == head
                and reply["replayed"] == 0
                and reply["to_seq"] >= head,
                f"{RULE}: resume at the head gets resumed at once, replayed 0, got {brief(reply)}",
            )

    async def position_zero() -> None:
        r = server.nonce()
        seqs = await server.emit([("conformance.zero", {"run": r, "n": i}) for i in range(2)])
        async with server.connect() as peer:
            oldest = peer.welcome.get("oldest_seq", 1)
            await peer.subscribe([f"conformance.zero:run={r}"])
            await peer.send({"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": 0, "id": "z"})
            events, reply = await _resumed(peer, "z")
            if oldest > 1:
                expect(
                    reply["type"] == "resync" and reply.get("reason") == "gap_too_old",
                    f"{RULE}: after_seq 0 with oldest_seq {oldest} gets resync gap_too_old, got "
                    f"{brief(reply)}",
                )
                return
            expect(
                reply["type"] == "resumed" and reply["after_seq"] == 0,
                f"{RULE}: position 0 is a position: resume after_seq 0 replays the whole log, got "
                f"{brief(reply)}",
            )
            got = [e["seq"] for e in own(events, r)]
            expect(
                got == seqs,
                f"{RULE}: resume after_seq 0 replays every subscribed event: want {seqs}, got {got}",
            )

    async def invalid_resume() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            head = peer.welcome["seq"]
            await peer.error_for(
                {"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": head + 1000, "id": "far"},
                "invalid_resume",
                f"{RULE}: after_seq beyond the head",
                frame_id="far",
            )
            await peer.subscribe([f"conformance.invalid_resume:run={r}"])
            [s] = await server.emit([("conformance.invalid_resume", {"run": r, "end": True})])
            got = [e["seq"] for e in await peer.collect_until(marker(r), "the event after invalid_resume")]
            expect(
                got == [s], f"{RULE}: after invalid_resume the cursor has not moved: want [{s}], got {got}"
            )
            expect(all(not is_event(f) or f["seq"] > head for f in peer.frames), "cursor")

    return [
        Case(
            "resume.replay",
            f"{RULE}: resume then subscribe replays exactly the subscribed events, then resumed, then live",
            resume_then_subscribe,
        ),
        Case(
            "resume.subscribe_first",
            f"{RULE}: subscribe then resume also replays, when no event came between",
            subscribe_then_resume,
        ),
        Case("resume.at_head", f"{RULE}: with nothing to replay, resumed comes at once", at_head),
        Case(
            "resume.position_zero",
            f"{RULE}: position 0 is a position: after_seq 0 replays from the start of the log",
            position_zero,
        ),
        Case(
            "resume.invalid_resume",
            f"{RULE}: after_seq beyond the head is error invalid_resume; the cursor stays",
            invalid_resume,
        ),
    ]
