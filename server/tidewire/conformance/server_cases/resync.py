"""Every ``resync`` reason: ``epoch_changed``, ``gap_too_old`` (rewinding past a sent event, and a
position older than the retained log) and ``overflow`` (a client that stops reading)."""

from __future__ import annotations

import asyncio
import socket

from ..report import Case, CaseNotApplicable, expect
from .peer import Frame, Peer, Server, brief, marker, own

RULE = "§Resync"
FILL_BATCH = 1000
FILL_BATCHES = 12  # beyond the default retain of 10,000
PAD = "p" * 32768


def _resync(reply: Frame, reason: str, peer: Peer, frame_id: str | None, rule: str) -> None:
    expect(
        reply["type"] == "resync" and reply.get("reason") == reason,
        f"{rule}: expected resync {reason}, got {brief(reply)}",
    )
    if frame_id is not None:
        expect(
            reply.get("id") == frame_id, f"§Frames: a resync answering resume echoes its id: {brief(reply)}"
        )
    if "epoch" in reply:
        expect(
            reply["epoch"] == peer.welcome["epoch"],
            f"{RULE}: resync.epoch is the current epoch: {brief(reply)}",
        )
    if "seq" in reply:
        expect(reply["seq"] >= peer.welcome["seq"], f"{RULE}: resync.seq is the head: {brief(reply)}")


def cases(server: Server) -> list[Case]:
    async def epoch_changed() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            [s] = await server.emit([("conformance.epoch", {"run": r, "end": True})])
            other = "x" + peer.welcome["epoch"][:120]
            reply = await peer.request({"type": "resume", "epoch": other, "after_seq": 0, "id": "e"})
            _resync(reply, "epoch_changed", peer, "e", f"{RULE}: resume naming another epoch")
            await peer.subscribe([f"conformance.epoch:run={r}"])
            got = [e["seq"] for e in await peer.collect_until(marker(r), "the event after resync")]
            expect(
                got == [s],
                f"{RULE}: after epoch_changed the connection continues from welcome.seq: want [{s}], got "
                f"{got}",
            )

    async def gap_rewind() -> None:
        r = server.nonce()
        async with server.connect() as peer:
            await peer.subscribe([f"conformance.rewind:run={r}"])
            seqs = await server.emit([("conformance.rewind", {"run": r, "n": i}) for i in range(2)])
            await peer.until(lambda f: f.get("seq") == seqs[1], "the second event")
            reply = await peer.request(
                {"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": seqs[0], "id": "g"}
            )
            _resync(reply, "gap_too_old", peer, "g", f"{RULE}: a resume that would repeat a sent event")
            [s] = await server.emit([("conformance.rewind", {"run": r, "end": True})])
            await peer.collect_until(marker(r), "the event after resync")
            got = [e["seq"] for e in own(peer.events, r)]
            expect(got == [*seqs, s], f"{RULE}: the connection continues where it was, no repeat: got {got}")

    async def gap_retained() -> None:
        async with server.connect() as probe:
            if "oldest_seq" not in probe.welcome:
                raise CaseNotApplicable("welcome has no oldest_seq: the retained log's start is unknown")
            oldest = int(probe.welcome["oldest_seq"])
        r = server.nonce()
        filled = 0
        while oldest <= 1:
            expect(
                filled < FILL_BATCHES,
                f"{RULE}: {filled * FILL_BATCH} events committed and oldest_seq is still {oldest}",
            )
            await server.emit([("conformance.fill", {"run": r, "n": i}) for i in range(FILL_BATCH)])
            filled += 1
            async with server.connect() as probe:
                oldest = int(probe.welcome["oldest_seq"])
        async with server.connect() as peer:
            oldest = int(peer.welcome["oldest_seq"])
            await peer.subscribe(["conformance.fill.none"])
            reply = await peer.request(
                {"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": oldest - 2, "id": "old"}
            )
            _resync(
                reply,
                "gap_too_old",
                peer,
                "old",
                f"{RULE}: after_seq {oldest - 2} is older than oldest_seq {oldest} - 1",
            )
        async with server.connect() as peer:
            edge = int(peer.welcome["oldest_seq"]) - 1
            await peer.subscribe(["conformance.fill.none"])
            reply = await peer.request(
                {"type": "resume", "epoch": peer.welcome["epoch"], "after_seq": edge, "id": "edge"}
            )
            expect(
                reply["type"] == "resumed",
                f"§Seq, epoch and the cursor: resuming works for after_seq >= oldest_seq - 1 ({edge}), got "
                f"{brief(reply)}",
            )

    async def overflow() -> None:
        r = server.nonce()
        host, port = server.host_port
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer and a one-frame queue: the server's writes wait as soon as the
        # case stops reading, which is the condition the doc names.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        async with server.connect(sock=sock, max_queue=1) as peer:
            peer.stalls = True
            await peer.subscribe([f"conformance.overflow.*:run={r}"])
            async with server.http() as client:
                for _ in range(8):
                    await server.emit(
                        [("conformance.overflow.fill", {"run": r, "pad": PAD}) for _ in range(16)], client
                    )
                left = server.max_lag + 1
                last = 0
                while left > 0:
                    n = min(left, FILL_BATCH)
                    *_, last = await server.emit(
                        [("conformance.overflow.lag", {"run": r}) for _ in range(n)], client
                    )
                    left -= n
            resync = await peer.until(
                lambda f: f["type"] == "resync" or f.get("seq") == last, "resync overflow", 30
            )
            _resync(
                resync,
                "overflow",
                peer,
                None,
                f"{RULE} overflow: {server.max_lag + 1} events while the client read nothing",
            )
            expect(
                "id" not in resync,
                f"§Frames: an overflow resync answers no frame and carries no id: {brief(resync)}",
            )
            jump = int(resync.get("seq", 0))
            [s] = await server.emit([("conformance.overflow.end", {"run": r, "end": True})])
            after = [
                e["seq"]
                for e in own(await peer.collect_until(marker(r), "the event after resync", 30), r)
                if e["seq"] > jump or e["type"] == "conformance.overflow.end"
            ]
            expect(
                bool(after) and after[-1] == s,
                f"{RULE}: delivery continues after the resync, got {after[-3:]}",
            )
            before = [
                f for f in peer.frames[peer.frames.index(resync) + 1 :] if "seq" in f and "." in f["type"]
            ]
            expect(
                all(e["seq"] > jump for e in before),
                f"{RULE}: after resync overflow the cursor is at resync.seq {jump}: got "
                f"{[e['seq'] for e in before][:5]}",
            )

    return [
        Case(
            "resync.epoch_changed",
            f"{RULE}: resume naming another epoch gets resync epoch_changed and continues from welcome.seq",
            epoch_changed,
        ),
        Case(
            "resync.gap_too_old_rewind",
            f"{RULE}: resume behind an event already sent gets resync gap_too_old and repeats nothing",
            gap_rewind,
        ),
        Case(
            "resync.gap_too_old_retained",
            f"{RULE}: after_seq below oldest_seq - 1 gets resync gap_too_old; oldest_seq - 1 resumes",
            gap_retained,
            limit_s=60,
        ),
        Case(
            "resync.overflow",
            f"{RULE}: a client that stops reading gets resync overflow once max_lag matching events "
            "commit, then continues from its seq",
            overflow,
            limit_s=60,
        ),
    ]
