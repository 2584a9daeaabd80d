"""The store types the sources use (docs/architecture.md, "The store interface")."""

from __future__ import annotations

from tidewire.store import Store as StoreLike
from tidewire.store import Tx

__all__ = ["StoreLike", "Tx"]
