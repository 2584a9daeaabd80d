"""The replay ring against a model: the last `capacity` consecutive seqs, nothing else.

A ring index error (a slot off by one, an `oldest` that lags or leads, a `since` window one
short) returns a wrong or missing event for some seq; the model says which.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tidewire.bus.ring import Ring
from tidewire.store.entry import LogEntry


def _entry(seq: int) -> LogEntry:
    return LogEntry(seq, "task.created", f'{{"type":"task.created","seq":{seq}}}', {"n": seq})


class RingModel(RuleBasedStateMachine):
    ring: Ring
    capacity: int
    start: int
    appended: list[int]

    @initialize(capacity=st.integers(1, 9), head=st.integers(0, 50))
    def start_ring(self, capacity: int, head: int) -> None:
        self.ring = Ring(capacity, head=head)
        self.capacity = capacity
        self.start = head
        self.appended = []

    def _head(self) -> int:
        return self.appended[-1] if self.appended else self.start

    def _retained(self) -> list[int]:
        return self.appended[-self.capacity :]

    @rule(n=st.integers(1, 12))
    def append(self, n: int) -> None:
        for _ in range(n):
            seq = self._head() + 1
            self.ring.append(_entry(seq))
            self.appended.append(seq)

    @rule(skip=st.sampled_from([0, 2, 3, -1]))
    def append_out_of_order_is_refused(self, skip: int) -> None:
        wrong = self._head() + skip
        with pytest.raises(ValueError, match=f"^ring expects seq {self._head() + 1}, got {wrong}$"):
            self.ring.append(_entry(wrong))

    @rule(offset=st.integers(-12, 12))
    def get(self, offset: int) -> None:
        seq = self._head() + offset
        got = self.ring.get(seq)
        if seq in self._retained():
            assert got is not None and got.seq == seq and got.data == {"n": seq}
        else:
            assert got is None

    @rule(offset=st.integers(-12, 3), limit=st.integers(1, 12))
    def since(self, offset: int, limit: int) -> None:
        after = self._head() + offset
        want = [s for s in self._retained() if s > after][:limit]
        assert [e.seq for e in self.ring.since(after, limit)] == want

    @invariant()
    def head_and_oldest(self) -> None:
        assert self.ring.head == self._head()
        retained = self._retained()
        assert self.ring.oldest == (retained[0] if retained else self._head() + 1)


# The mutation run's profile keeps its own, smaller count: it runs this once per mutant.
_EXAMPLES = settings.default.max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "mutation" else 200
RingModel.TestCase.settings = settings(max_examples=_EXAMPLES, stateful_step_count=40, deadline=None)
TestRingModel = RingModel.TestCase


@given(st.integers(-3, 0))
def test_capacity_below_one_is_refused(capacity: int) -> None:
    with pytest.raises(ValueError, match=r"^capacity must be at least 1$"):
        Ring(capacity, head=0)
