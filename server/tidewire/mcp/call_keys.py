"""Exactly-once `tools/call`: a call key in `_meta` makes a retried call return its first result.

The `tidewire mcp` bridge (and any client that wants it) puts a fresh key per call in the
request's `_meta["tidewire/call-key"]` and sends the same key on every retry of that call. The
first call with a key runs; its first store write records the key and the call's fingerprint
(tool name + arguments) in that write's own transaction, through the store's write hook (the
mechanism REST `Idempotency-Key` uses), so the write and its key commit together or not at all.
When the call finishes, the tool result as sent is stored under the key. A retry with the same
key gets that result again (marked `_meta["tidewire/replayed"]`) without running the tool, so
nothing is written or emitted twice; the same key with other arguments is an error result.

A call that wrote nothing (a read, a refused call) records no key: running it again is harmless.
If the daemon dies in the instant between the write's commit and storing the result, a retry
finds only what the write returned and answers with that record instead of running again.

This is the SDK's middleware API (`MCPServer.middleware`): it sees the raw `tools/call` params,
`_meta` included, and the wire result, which is what storing and replaying a result needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
import mcp_types as types
from fastapi.encoders import jsonable_encoder
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from tidewire.errors import Conflict
from tidewire.store import write_hook

from . import call_key_records as records
from .call_key_records import CALL_KEY_META

if TYPE_CHECKING:
    from tidewire.context import AppContext
    from tidewire.store import Tx

REPLAYED_META = "tidewire/replayed"
DEFAULT_TTL_SECONDS = 24 * 60 * 60


def _wire(result: types.CallToolResult) -> dict[str, Any]:
    """A result as the SDK puts it on the wire (the client checks its shape, `resultType` too)."""
    return result.model_dump(by_alias=True, mode="json", exclude_none=True)


def error_result(text: str) -> dict[str, Any]:
    return _wire(types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True))


def _committed_value(result: Any) -> Any:
    """The record a write returned: services write `(record, seq)`, tools answer with the record."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], int):
        result = result[0]
    return jsonable_encoder(result)


def _from_committed(committed: Any) -> dict[str, Any]:
    text = json.dumps(committed, separators=(",", ":"))
    return _wire(
        types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=committed if isinstance(committed, dict) else None,
            is_error=False,
        )
    )


@dataclass
class _Recording:
    """The write hook of one keyed call (see `tidewire.store.write_hook`)."""

    key: str
    fingerprint: str
    ttl: float
    claimed: bool = False
    recorded: bool = False

    def claim(self) -> bool:
        if self.claimed:
            return False
        self.claimed = True
        return True

    def after(self, tx: Tx, result: Any) -> None:
        now = datetime.now(UTC)
        records.prune(tx.conn, now, self.ttl)
        if records.lookup(tx.conn, self.key, now, self.ttl) is not None:
            # Not reachable through one daemon (a key in flight waits first); the store has the last
            # word, so the write is rolled back rather than applied twice.
            raise Conflict(f"call key {self.key!r} is already recorded", code="call_key_in_flight")
        records.record(tx.conn, self.key, self.fingerprint, tx.now, _committed_value(result))
        self.recorded = True


@dataclass
class CallKeys:
    """The middleware; one per MCP server."""

    app: AppContext
    _running: dict[str, anyio.Event] = field(default_factory=dict)

    @property
    def ttl(self) -> float:
        return float(getattr(self.app.settings, "idempotency_ttl", DEFAULT_TTL_SECONDS))

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if (
            ctx.method != "tools/call"
            or ctx.request_id is None
            or not ctx.meta
            or CALL_KEY_META not in ctx.meta
        ):
            return await call_next(ctx)
        key = records.valid_key(ctx.meta.get(CALL_KEY_META))
        if key is None:
            return error_result(
                f"invalid_argument: _meta[{CALL_KEY_META!r}] must be 1-{records.MAX_KEY_LENGTH} "
                "printable ASCII characters without spaces"
            )
        params = ctx.params or {}
        print_ = records.fingerprint(str(params.get("name")), params.get("arguments"))
        # A retry that arrives while the first try still runs (its connection broke, the tool did
        # not) waits for it, then finds its result.
        while (running := self._running.get(key)) is not None:
            await running.wait()
        done = anyio.Event()
        self._running[key] = done
        try:
            return await self._call_once(ctx, call_next, key, print_)
        finally:
            del self._running[key]
            done.set()

    async def _call_once(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext, key: str, print_: str
    ) -> HandlerResult:
        store = self.app.store
        ttl = self.ttl
        stored, _ = await store.read(lambda conn: records.lookup(conn, key, datetime.now(UTC), ttl))
        if stored is not None:
            if stored.fingerprint != print_:
                return error_result(
                    f"call_key_reused: call key {key!r} was already used for a different call (another "
                    "tool or other arguments); use a new key for a new call. Nothing was changed."
                )
            replay = dict(stored.result) if stored.result is not None else _from_committed(stored.committed)
            replay["_meta"] = {**(replay.get("_meta") or {}), REPLAYED_META: True}
            return replay
        recording = _Recording(key, print_, self.ttl)
        token = write_hook.attach(recording)
        try:
            result = await call_next(ctx)
        finally:
            write_hook.detach(token)
        if recording.recorded and isinstance(result, dict):
            wire = dict(result)

            def finish(tx: Tx) -> None:
                records.finish(tx.conn, key, wire)

            await store.write(finish)
        return result
