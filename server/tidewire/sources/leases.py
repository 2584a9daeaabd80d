"""Node leases on a database several daemons share: each node renews its own, and one survivor
reports a node whose lease expired.

Every node renews its lease row every third of ``lease_ms``. In the same write it looks for other
nodes' leases that have expired; for each, a conditional ``DELETE`` claims it and, only when that
deleted the row, the dead node's running agent runs are recorded `lost` with their events, in that
one transaction. Writes from every daemon run one at a time (they all hold the counter row, see
store_pg/store.py), and a claimed lease row is gone, so a dead node is reported once, by one node.

On the SQLite file a daemon is alone: there is nothing to lease, and this does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from tidewire.sources.agents import AgentRunner, mark_node_lost
from tidewire.sources.timefmt import parse_utc
from tidewire.sources.txn import Tx
from tidewire.store.clock import format_ts

if TYPE_CHECKING:
    from tidewire.context import AppContext

log = logging.getLogger(__name__)


def _later(now: str, ms: int) -> str:
    return format_ts(parse_utc(now) + timedelta(milliseconds=ms))


def renew(tx: Tx, node: str, lease_ms: int) -> tuple[bool, list[str]]:
    """Renews `node`'s lease and reports every other node whose lease has expired.

    Returns whether the node still held its lease (False: another node had taken it for dead),
    and the nodes this call reported.
    """
    expires = _later(tx.now, lease_ms)
    held = (
        tx.conn.execute(
            "UPDATE node_leases SET expires_at = ?, renewed_at = ? WHERE node = ?", (expires, tx.now, node)
        ).rowcount
        == 1
    )
    if not held:
        tx.conn.execute(
            "INSERT INTO node_leases (node, expires_at, renewed_at) VALUES (?, ?, ?)", (node, expires, tx.now)
        )
    expired = [
        str(row[0])
        for row in tx.conn.execute(
            "SELECT node FROM node_leases WHERE node <> ? AND expires_at < ? ORDER BY node", (node, tx.now)
        ).fetchall()
    ]
    reported: list[str] = []
    for dead in expired:
        # The claim: only the write whose DELETE removed the row reports the node.
        claimed = tx.conn.execute(
            "DELETE FROM node_leases WHERE node = ? AND expires_at < ?", (dead, tx.now)
        ).rowcount
        if claimed == 1:
            mark_node_lost(tx, dead)
            reported.append(dead)
    return held, reported


def release(tx: Tx, node: str) -> None:
    """Ends `node`'s lease now (a clean stop), so the next renewal anywhere reports its runs."""
    tx.conn.execute("UPDATE node_leases SET expires_at = ? WHERE node = ?", (tx.now, node))


class NodeLease:
    """Holds this node's lease while the daemon runs; a daemon component (`ctx.components["leases"]`)."""

    name = "leases"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.node = ctx.node_id
        self.lease_ms = int(ctx.settings.lease_ms)
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.ctx.store.shared)

    async def start(self) -> None:
        if not self.active:
            return
        # Taken before the agent runner looks at its leftovers, so a node that starts is never
        # taken for dead by a survivor while it does.
        await self.renew_once(first=True)
        self._task = asyncio.create_task(self._run(), name="node-lease")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        # Stopped after the agent runner (components stop in reverse), whose runs are over or
        # left `running`: another node reports those at its next renewal rather than a lease later.
        try:
            await self.ctx.store.write(lambda tx: release(tx, self.node))
        except Exception:
            log.warning("could not end node %s's lease; other nodes will see it expire", self.node)

    async def renew_once(self, first: bool = False) -> list[str]:
        held, reported = await self.ctx.store.write(lambda tx: renew(tx, self.node, self.lease_ms))
        if not held and not first:
            log.error(
                "node %s's lease had expired and another node reported its running agent runs as lost",
                self.node,
            )
            runner = self.ctx.components.get("agents")
            if isinstance(runner, AgentRunner):
                await runner.stop_disowned()
        for dead in reported:
            log.warning("node %s's lease expired: its running agent runs are recorded as lost", dead)
        return reported

    async def _run(self) -> None:
        interval = self.lease_ms / 3000
        while True:
            await asyncio.sleep(interval)
            try:
                await self.renew_once()
            except Exception as exc:
                # A database that does not answer: try again at the next tick; the lease lasts
                # two more of them.
                log.warning("node %s could not renew its lease: %s", self.node, exc)
