"""Lost events: a new epoch, a pruned log, a log that ends before the client's position, and
an overflow. Each time the client must refetch over REST and apply only what is newer."""

from __future__ import annotations

from ..client_scenario import START_S, ClientCase, Scenario
from ..fake_daemon import Log
from ..report import expect


async def new_epoch(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(3)
    await s.delivered(seqs[-1])
    # A restart on a fresh store: a new epoch whose seqs start again below the client's position.
    s.daemon.log = Log(epoch="ep_conformance_2")
    await s.daemon.commit("task.created")
    await first.close(1001, "the daemon is shutting down")
    back = s.now()
    await s.connected(15)
    await s.refetched(back, "after the epoch changed")
    fresh = await s.daemon.commit_many(2)  # seqs 2 and 3: below the old position, new all the same
    await s.delivered(fresh[-1], after=back)


async def gap_too_old(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(2)
    await s.delivered(seqs[-1])
    first.abort()
    await s.daemon.commit_many(10)
    s.daemon.log.oldest_seq = s.daemon.log.head - 4  # the log no longer holds what the client missed
    back = s.now()
    await s.connected(10)
    await s.refetched(back, "after the resume found the log pruned")
    await s.delivered(await s.daemon.commit("task.created"), after=back)


async def log_behind_position(s: Scenario) -> None:
    first = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(5)
    await s.delivered(seqs[-1])
    # Same epoch, but the log now ends at 2 (a store restored from an older copy): resume gets
    # invalid_resume, and the seqs 3, 4 are handed out again for new events.
    del s.daemon.log.events[2:]
    await first.close(1001, "the daemon is shutting down")
    back = s.now()
    await s.connected(15)
    await s.refetched(back, "after the log turned out to end before the client's position")
    fresh = await s.daemon.commit_many(2)
    await s.delivered(fresh[-1], after=back)


async def overflow(s: Scenario) -> None:
    peer = await s.connected(START_S, "connect")
    seqs = await s.daemon.commit_many(2)
    await s.delivered(seqs[-1])
    # The daemon skips this connection to the head: three events the client will never get.
    dlog = s.daemon.log
    for kind in ("task.created", "task.updated", "worktree.created"):
        dlog.append(kind)
    peer.cursor = dlog.head
    head = dlog.head
    in_flight: list[int] = []

    async def commit_during_refetch(path: str) -> None:
        # Two events reach the socket while the refetch is under way; the refetch reflects them
        # already, so the client must not apply them on top of it.
        if not in_flight:
            in_flight.extend(await s.daemon.commit_many(2))

    s.daemon.before_read = commit_during_refetch
    sent = s.now()
    await peer.send({"type": "resync", "reason": "overflow", "epoch": dlog.epoch, "seq": head})
    refetch = await s.refetched(sent, "after resync overflow")
    expect(refetch.seq == dlog.head, f"the refetch reports seq {refetch.seq}; its reply said {dlog.head}")
    live = await s.daemon.commit("task.created")
    await s.delivered(live, after=sent)
    # The position now includes the skipped and the refetched events.
    peer.abort()
    again = await s.daemon.next_peer(10, "reconnect after the drop")
    s.expect_resume(await s.resume_frame(again), live, "the seq of the last event received")


CASES = (
    ClientCase(
        "new_epoch",
        "§Resync: epoch_changed (a new epoch): refetch, then take the new epoch's events, whatever their seq",
        new_epoch,
    ),
    ClientCase(
        "gap_too_old",
        "§Resync: gap_too_old (the log no longer has the missed events): refetch, then continue",
        gap_too_old,
    ),
    ClientCase(
        "log_behind_position",
        "§Resume and reconnecting: invalid_resume (the log ends before the position): drop the position, "
        "refetch, take the new events",
        log_behind_position,
    ),
    ClientCase(
        "overflow",
        "§Resync: overflow: refetch, apply only events above the refetch's X-Tidewire-Seq, "
        "continue from there",
        overflow,
    ),
)
