"""Idempotent REST writes: the `Idempotency-Key` header (docs/protocol.md, "Idempotent writes")."""

from __future__ import annotations

from .keys import KEY_HEADER, fingerprint, parse_key
from .route import REPLAYED_HEADER, IdempotentRoute, reply_from_write

__all__ = ["KEY_HEADER", "REPLAYED_HEADER", "IdempotentRoute", "fingerprint", "parse_key", "reply_from_write"]
