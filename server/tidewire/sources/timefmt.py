"""Timestamps in the protocol's form (RFC 3339, UTC, `Z`, milliseconds), as the store writes them."""

from __future__ import annotations

from datetime import UTC, datetime

from tidewire.store.clock import format_ts as format_utc
from tidewire.store.clock import utc_now as now_utc

__all__ = ["format_utc", "now_utc", "parse_utc", "to_utc_z"]


def to_utc_z(value: str) -> str | None:
    """Normalises an ISO 8601 timestamp with an offset to the protocol's form; None if unparseable."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return format_utc(moment)


def parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
