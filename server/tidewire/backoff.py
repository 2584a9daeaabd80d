"""One backoff policy for every retry loop: the socket client's reconnects, the MCP proxy's."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Retry delays: exponential growth, capped, with jitter.

    The delay before retry `n` (0-based) is drawn from `[cap/2, cap]` where
    `cap = min(maximum, initial * factor**n)`: never zero, so a flapping peer is not
    hammered, and spread out, so many clients do not retry in lockstep.
    """

    initial: float = 0.25
    maximum: float = 30.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)

    def cap(self, attempt: int) -> float:
        # min() before the power would overflow for large attempts.
        exponent = min(attempt, 64)
        return min(self.maximum, self.initial * self.factor**exponent)

    def delay(self, attempt: int) -> float:
        cap = self.cap(attempt)
        return self.rng.uniform(cap / 2, cap)
