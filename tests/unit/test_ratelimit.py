"""The inbound token bucket and the refuse-then-close policy, on a hand-driven clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tidewire.ws.ratelimit import CLOSE_AFTER_S, ERROR_INTERVAL_S, InboundLimit, TokenBucket, Verdict


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_the_bucket_starts_full_and_holds_at_most_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]
    clock.advance(3600)
    assert bucket.tokens == 5
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]


def test_the_bucket_refills_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    while bucket.take():
        pass
    clock.advance(0.25)  # 2.5 tokens
    assert [bucket.take() for _ in range(3)] == [True, True, False]
    clock.advance(0.0625)  # 0.5 left over + 0.625
    assert bucket.take()
    assert not bucket.take()


def test_a_refused_take_takes_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=3, clock=clock)
    assert bucket.take(2)
    assert not bucket.take(2)
    assert bucket.take(1)


def test_a_clock_going_backwards_adds_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=2, clock=clock)
    assert bucket.take() and bucket.take()
    clock.advance(-5)
    assert not bucket.take()


@pytest.mark.parametrize(("rate", "burst"), [(0, 10), (-1, 10), (10, 0.5)])
def test_nonsense_settings_are_refused(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match=r"^rate must be positive and burst at least 1$"):
        TokenBucket(rate, burst)


@given(
    rate=st.integers(1, 1000),
    burst=st.integers(1, 2000),
    gaps=st.lists(st.floats(0, 0.5, allow_nan=False), min_size=1, max_size=300),
)
def test_accepted_frames_never_exceed_burst_plus_rate_times_time(
    rate: int, burst: int, gaps: list[float]
) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate, burst, clock)
    start = clock.now
    taken = 0
    for gap in gaps:
        clock.advance(gap)
        taken += sum(bucket.take() for _ in range(3))
    assert taken <= burst + rate * (clock.now - start) + 1e-6


def test_within_the_limit_every_frame_is_accepted() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=100, burst=10, clock=clock)
    for _ in range(10_000):  # 100 s at exactly the sustained rate
        assert limit.check() is Verdict.ACCEPT
        clock.advance(0.01)


def test_a_flood_gets_one_error_a_second_then_a_close_after_two_seconds() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=100, burst=10, clock=clock)
    verdicts: list[tuple[float, Verdict]] = []
    start = clock.now
    while True:  # 1,000 frames a second: ten times the rate
        verdict = limit.check()
        verdicts.append((clock.now - start, verdict))
        if verdict is Verdict.CLOSE:
            break
        clock.advance(0.001)
        assert clock.now - start < 10, "never closed"
    first_refusal = next(t for t, v in verdicts if v is not Verdict.ACCEPT)
    refusals = [t for t, v in verdicts if v is Verdict.REFUSE]
    assert refusals[0] == first_refusal
    assert len(refusals) == 2  # at the first refusal and one second later, not one per frame
    assert refusals[1] - refusals[0] >= ERROR_INTERVAL_S
    closed_at = verdicts[-1][0]
    assert CLOSE_AFTER_S <= closed_at - first_refusal < CLOSE_AFTER_S + 0.01
    # Some frames still got through as tokens came back, at the sustained rate only.
    accepted = sum(1 for _, v in verdicts if v is Verdict.ACCEPT)
    assert accepted <= 10 + 100 * closed_at + 1


def test_a_burst_that_stops_in_time_is_forgiven() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=100, burst=10, clock=clock)
    for _ in range(3):
        verdicts = [limit.check() for _ in range(20)]
        assert verdicts[:10] == [Verdict.ACCEPT] * 10
        assert Verdict.REFUSE in verdicts[10:]
        assert Verdict.CLOSE not in verdicts
        clock.advance(ERROR_INTERVAL_S + 0.1)  # quiet: the bucket refills, the spell ends
        assert limit.check() is Verdict.ACCEPT
        clock.advance(0.5)


def test_a_client_that_only_slows_down_below_the_refill_is_still_closed() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=10, burst=1, clock=clock)
    seen: list[Verdict] = []
    for _ in range(60):  # 20 frames a second: twice the rate, every other frame refused
        seen.append(limit.check())
        clock.advance(0.05)
    assert Verdict.CLOSE in seen


def test_wait_s_says_when_the_next_token_is_back() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=4, burst=1, clock=clock)
    assert bucket.wait_s() == 0
    assert bucket.take()
    assert bucket.wait_s() == 0.25
    clock.advance(0.125)
    assert bucket.wait_s() == 0.125
    clock.advance(0.125)
    assert bucket.wait_s() == 0 and bucket.take()


def test_the_intervals_are_inclusive_at_exactly_their_length() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=1, burst=1, clock=clock)
    assert limit.check() is Verdict.ACCEPT
    assert limit.check() is Verdict.REFUSE  # the spell starts; an error goes out
    # Every half second a token's worth of half is back: refused, then accepted and refused.
    clock.advance(0.5)
    assert limit.check() is Verdict.DROP
    clock.advance(0.5)
    assert limit.check() is Verdict.ACCEPT  # the last refusal was 0.5 s ago: the spell goes on
    assert limit.check() is Verdict.REFUSE  # exactly ERROR_INTERVAL_S after the last error
    clock.advance(0.5)
    assert limit.check() is Verdict.DROP
    clock.advance(0.5)
    assert limit.check() is Verdict.ACCEPT
    assert limit.check() is Verdict.CLOSE  # exactly CLOSE_AFTER_S into the spell
    assert (ERROR_INTERVAL_S, CLOSE_AFTER_S) == (1.0, 2.0)


def test_a_spell_ends_at_exactly_one_interval_after_the_last_refusal() -> None:
    clock = FakeClock()
    limit = InboundLimit(rate=1, burst=1, clock=clock)
    assert limit.check() is Verdict.ACCEPT
    assert limit.check() is Verdict.REFUSE
    clock.advance(ERROR_INTERVAL_S)
    assert limit.check() is Verdict.ACCEPT  # ends the spell
    clock.advance(CLOSE_AFTER_S)
    assert limit.check() is Verdict.ACCEPT
    assert limit.check() is Verdict.REFUSE  # a new spell, not a close
