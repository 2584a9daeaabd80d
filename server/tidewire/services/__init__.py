"""Domain services: validate, then change state and emit events in one store write.

Every public operation raises a `tidewire.errors.DomainError` for bad input before anything
is written (or from inside the write, which rolls it back), so a refused call leaves no
state and no event behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tidewire.errors import InvalidArgument

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
        # The transaction's own head, not the store's: on PostgreSQL the store's head is what this
        # daemon has delivered, which may lag what another daemon committed before this write.
        return value, tx.seq

    return await store.write(run)


_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def clean_text(value: str, field: str, *, single_line: bool) -> str:
    """Refuse text that cannot be stored and shown faithfully.

    NUL cuts strings short in SQLite's and C tools' hands, a lone surrogate cannot be encoded
    as UTF-8 at all, and control characters have no business in one-line fields (titles,
    labels, names); multi-line fields keep newlines and tabs.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgument(f"{field} is not valid Unicode text") from None
    banned = _CONTROL if single_line else {"\x00"}
    if any(ch in banned for ch in value):
        kind = "control characters" if single_line else "NUL characters"
        raise InvalidArgument(f"{field} must not contain {kind}")
    return value


def check_id(value: object, field: str) -> str:
    """A record id as given: ids are matched exactly, so nothing is trimmed."""
    if not isinstance(value, str) or not value:
        raise InvalidArgument(f"{field} must be a non-empty string")
    return clean_text(value, field, single_line=True)


def check_name(value: object, field: str) -> str:
    """A user-typed one-line name (a branch, an owner), trimmed of surrounding whitespace."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{field} must be a non-empty string")
    return clean_text(value.strip(), field, single_line=True)
