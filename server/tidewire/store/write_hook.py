"""Something that must commit with the next write a request makes, in that write's transaction.

A REST request with an `Idempotency-Key` attaches a hook here; the first `Store.write` made in
that request's context claims it and runs it right after the write's own function, inside the
same SAVEPOINT, so the hook's rows commit or roll back with the write's state and events. The
claim is one-shot because tasks started during the request (an agent's monitor, a loop) copy
the request's context and must not carry the hook into their own, later writes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from .store import Tx

T = TypeVar("T")


class WriteHook(Protocol):
    def claim(self) -> bool:
        """True once: the write asking is the one the hook belongs to."""

    def after(self, tx: Tx, result: Any) -> None:
        """Runs in the write's transaction after its function returned `result`."""


_next_write: ContextVar[WriteHook | None] = ContextVar("tidewire_next_write_hook", default=None)


def attach(hook: WriteHook) -> Token[WriteHook | None]:
    return _next_write.set(hook)


def detach(token: Token[WriteHook | None]) -> None:
    _next_write.reset(token)


def bind(fn: Callable[[Tx], T]) -> Callable[[Tx], T]:
    """`fn`, followed in the same transaction by the hook waiting in this context, if any."""
    hook = _next_write.get()
    if hook is None or not hook.claim():
        return fn

    def run(tx: Tx) -> T:
        result = fn(tx)
        hook.after(tx, result)
        return result

    return run
