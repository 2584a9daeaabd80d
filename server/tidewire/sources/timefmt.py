"""Timestamps in the protocol's form: RFC 3339, UTC, `Z`, millisecond precision."""

from __future__ import annotations

from datetime import UTC, datetime


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_utc() -> str:
    return format_utc(datetime.now(UTC))


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
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
