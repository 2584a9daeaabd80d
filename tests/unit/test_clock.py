"""Wire timestamps are UTC with a ``Z`` whatever the machine's zone and the input's offset."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from tidewire.store.clock import format_ts, utc_now


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    # A machine zone that is not UTC, so that converting through local time shows.
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_an_instant_is_written_in_utc_to_the_millisecond(far_from_utc: None) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
    assert format_ts(moment) == "2026-01-02T03:04:05.678Z"
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert format_ts(plus_two) == "2026-01-02T03:04:05.678Z"


def test_now_is_the_utc_clock_not_the_local_one(far_from_utc: None) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = datetime.strptime(utc_now(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    after = datetime.now(UTC)
    assert before <= stamp <= after
