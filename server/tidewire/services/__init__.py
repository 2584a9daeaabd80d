"""Domain services: validate, then change state and emit events in one store write.

Every public operation raises a `tidewire.errors.DomainError` for bad input before anything
is written (or from inside the write, which rolls it back), so a refused call leaves no
state and no event behind.
"""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """A short random id such as `tsk_3f9a1c0b7e2d` (48 random bits: ample for one daemon's records)."""
    return f"{prefix}_{secrets.token_hex(6)}"
