"""How many frames one socket may send: a token bucket, and what to do with a frame over it.

Pure (the clock is passed in), so the policy is tested without sockets or sleeps. Hand-written
rather than taken from a rate-limit library: those limit HTTP requests per key behind a store
or a decorator, while this is a dozen lines of arithmetic that runs once per frame on the
event loop and must not allocate.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

Clock = Callable[[], float]

# A refused client hears about it at most this often, so refusing costs less than serving.
ERROR_INTERVAL_S = 1.0
# Still over the limit this long after the first refusal: the socket is closed (1008).
CLOSE_AFTER_S = 2.0


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; starts full."""

    __slots__ = ("_clock", "_stamp", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        elapsed = now - self._stamp
        self._stamp = now
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)

    def wait_s(self, n: float = 1.0) -> float:
        """Seconds until ``n`` tokens are there (0 when they are now)."""
        self._refill()
        return max(0.0, (n - self._tokens) / self.rate)

    def take(self, n: float = 1.0) -> bool:
        """Take ``n`` tokens if there are that many; False (and nothing taken) if not."""
        self._refill()
        if self._tokens >= n:
            self._tokens -= n
            return True
        return False


class Verdict(enum.Enum):
    ACCEPT = "accept"  # handle the frame
    DROP = "drop"  # do not handle it, say nothing (an error went out less than a second ago)
    REFUSE = "refuse"  # do not handle it, send one `rate_limited` error
    CLOSE = "close"  # over the limit for CLOSE_AFTER_S: close the socket with 1008


class InboundLimit:
    """The verdict on each incoming frame of one socket.

    An over-limit spell starts at the first refused frame and ends when a frame is accepted
    a full ``ERROR_INTERVAL_S`` after the last refusal (the client slowed down). A client
    sending faster than ``rate`` keeps having frames refused as the bucket refills one token
    at a time, so its spell never ends and it is closed ``CLOSE_AFTER_S`` in.
    """

    __slots__ = ("_clock", "_last_error", "_last_refusal", "_spell_start", "bucket")

    def __init__(self, rate: float, burst: float, clock: Clock = time.monotonic) -> None:
        self.bucket = TokenBucket(rate, burst, clock)
        self._clock = clock
        self._spell_start: float | None = None
        self._last_refusal = 0.0
        self._last_error: float | None = None

    def check(self) -> Verdict:
        if self.bucket.take():
            if self._spell_start is not None and self._clock() - self._last_refusal >= ERROR_INTERVAL_S:
                self._spell_start = None
            return Verdict.ACCEPT
        now = self._clock()
        self._last_refusal = now
        if self._spell_start is None:
            self._spell_start = now
        elif now - self._spell_start >= CLOSE_AFTER_S:
            return Verdict.CLOSE
        if self._last_error is None or now - self._last_error >= ERROR_INTERVAL_S:
            self._last_error = now
            return Verdict.REFUSE
        return Verdict.DROP
