"""One case's run: a fresh fake daemon, the client under test started against it, the
scenario played, then the checks every case makes (client_report.problems, the fake daemon's
protocol violations, a client that died)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from . import client_frames as frames
from .client_report import Delivered, Line, Refetched, problems
from .client_run import ClientProcess
from .fake_daemon import FakeDaemon, Peer
from .report import CaseFailed

# Generous: the client under test may be an interpreter that takes seconds to start on a busy machine.
START_S = 20.0
WAIT_S = 5.0
SETTLE_S = 0.3


@dataclass(frozen=True)
class ClientCase:
    name: str
    rule: str
    play: Callable[[Scenario], Awaitable[None]]
    limit: float = 40.0
    # The case ends with the client refused for good: it may exit.
    may_exit: bool = False


def client_env(daemon: FakeDaemon, case: str) -> dict[str, str]:
    """The environment a client under test gets (docs/conformance.md, "The driver")."""
    return {
        "TIDEWIRE_URL": daemon.url,
        "TIDEWIRE_WS_URL": daemon.ws_url,
        "TIDEWIRE_TOKEN": daemon.token,
        "TIDEWIRE_EVENTS": json.dumps(list(frames.PATTERNS)),
        "TIDEWIRE_CONFORMANCE_CASE": case,
    }


class Scenario:
    def __init__(self, daemon: FakeDaemon, client: ClientProcess) -> None:
        self.daemon = daemon
        self.client = client

    async def connected(self, within: float = WAIT_S, what: str = "reconnect") -> Peer:
        """The client's next connection, once it has subscribed to its whole set."""
        connecting = asyncio.ensure_future(self.daemon.next_peer(within, what))
        exiting = asyncio.ensure_future(self.client.wait_exit())
        try:
            await asyncio.wait({connecting, exiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exiting.cancel()
        if not connecting.done():
            connecting.cancel()
            raise CaseFailed(f"the client did not {what}: {self.client.exited()}")
        peer = connecting.result()
        await peer.wait_subscribed()
        if peer.index == 1:
            # A client may load its state over REST when it starts; let that land first, so the
            # events a case commits next reach it as events, not inside that first refetch.
            await asyncio.sleep(SETTLE_S)
        return peer

    async def delivered(self, seq: int, after: float = 0.0, within: float = WAIT_S) -> Line:
        """Until the application has event ``seq``: it reported the event, or a refetch whose state
        already holds it (seq at or above), at or after ``after``."""

        def has(x: Line) -> bool:
            if x.at < after:
                return False
            return (isinstance(x, Delivered) and x.seq == seq) or (isinstance(x, Refetched) and x.seq >= seq)

        return await self.client.wait_line(f"event {seq}", has, within)

    async def refetched(self, after: float, why: str, within: float = WAIT_S) -> Refetched:
        await self.daemon.wait_read(after, within, why)
        line = await self.client.wait_line(
            f"a refetch {why}", lambda x: isinstance(x, Refetched) and x.at >= after, within
        )
        assert isinstance(line, Refetched)
        return line

    async def resume_frame(self, peer: Peer, within: float = WAIT_S) -> dict[str, object]:
        return await peer.wait_frame("resume", lambda f: f.get("type") == "resume", within)

    def expect_resume(self, frame: dict[str, object], after_seq: int, why: str) -> None:
        epoch = self.daemon.log.epoch
        if frame.get("epoch") != epoch or frame.get("after_seq") != after_seq:
            raise CaseFailed(
                f"resumed with epoch {frame.get('epoch')!r}, after_seq {frame.get('after_seq')!r}; "
                f"expected epoch {epoch!r}, after_seq {after_seq} ({why})"
            )

    @staticmethod
    def now() -> float:
        return time.monotonic()


def final_problems(daemon: FakeDaemon, lines: Sequence[Line]) -> list[str]:
    served = {r.seq for r in daemon.reads}
    return [*daemon.violations, *problems(lines, daemon.sent, served)]


async def run_case(case: ClientCase, cmd: Sequence[str]) -> None:
    async with FakeDaemon(secrets.token_urlsafe(12)) as daemon:
        client = ClientProcess(cmd, client_env(daemon, case.name))
        await client.start()
        try:
            try:
                await case.play(Scenario(daemon, client))
            except CaseFailed as exc:
                # What went wrong before the scenario got stuck is often the real cause.
                raise CaseFailed("; ".join([str(exc), *final_problems(daemon, client.lines)])) from None
            # Lines printed just before the verdict are still on their way through the pipe.
            await asyncio.sleep(0.05)
            found = final_problems(daemon, client.lines)
            died = None if case.may_exit else client.exited()
            if died:
                found.append(died)
            if found:
                raise CaseFailed("; ".join(found))
        finally:
            await client.stop()
