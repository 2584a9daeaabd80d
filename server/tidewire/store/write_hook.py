"""Something that must commit with the next write a request makes, in that write's transaction.

A REST request with an `Idempotency-Key` attaches a hook here; the first `Store.write` made in
that request's context claims it and runs it right after the write's own function, inside the
same SAVEPOINT, so the hook's rows commit or roll back with the write's state and events. The
claim is one-shot because tasks started during the request (an agent's monitor, a loop) copy
the request's context and must not carry the hook into their own, later writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
TxT = TypeVar("TxT")


class WriteHook(Protocol):
    def claim(self) -> bool:
        """True once: the write asking is the one the hook belongs to."""

    def after(self, tx: Any, result: Any) -> None:
        """Runs in the write's transaction (either backend's) after its function returned `result`."""


_next_write: ContextVar[WriteHook | None] = ContextVar("tidewire_next_write_hook", default=None)


def attach(hook: WriteHook) -> Token[WriteHook | None]:
    return _next_write.set(hook)


def detach(token: Token[WriteHook | None]) -> None:
    _next_write.reset(token)


def bind(fn: Callable[[TxT], T]) -> Callable[[TxT], T]:
    """`fn`, followed in the same transaction by the hook waiting in this context, if any."""
    hook = _next_write.get()
    if hook is None or not hook.claim():
        return fn

    def run(tx: TxT) -> T:
        result = fn(tx)
        hook.after(tx, result)
        return result

    return run


@contextmanager
def passed_over() -> Iterator[None]:
    """Writes made inside do not claim the waiting hook; the request's next write after does.

    For the preparatory writes of a request whose reply follows from a later one (an agent run's
    own worktree is made before the run's record, and the key belongs with the record).
    """
    token = _next_write.set(None)
    try:
        yield
    finally:
        _next_write.reset(token)
