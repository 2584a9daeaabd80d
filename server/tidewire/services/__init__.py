"""Domain services: validate, then change state and emit events in one store write.

Every public operation raises a `tidewire.errors.DomainError` for bad input before anything
is written (or from inside the write, which rolls it back), so a refused call leaves no
state and no event behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from tidewire.store import Store, Tx

T = TypeVar("T")


def new_id(prefix: str) -> str:
    """A short random id such as `tsk_3f9a1c0b7e2d` (48 random bits: ample for one daemon's records)."""
    return f"{prefix}_{secrets.token_hex(6)}"


async def write_with_seq(store: Store, fn: Callable[[Tx], T]) -> tuple[T, int]:
    """Run `fn` in one store write; return its value and the seq that value reflects.

    That is the last event the write emitted, or, when it emitted none, the head it ran under
    (writes are serialised, so the head cannot move while `fn` runs). Clients use it as
    `X-Tidewire-Seq`: an upper bound would make them skip a later event, so it must be exact.
    """

    def run(tx: Tx) -> tuple[T, int]:
        value = fn(tx)
        return value, (tx.outbox[-1].seq if tx.outbox else store.head)

    return await store.write(run)
