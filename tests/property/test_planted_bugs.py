"""The sans-I/O model tests catch the bugs they exist for.

Each case plants one small bug in the socket core, the kind a real-socket test can only
afford to find by luck (a resume that skips an event for some seqs, a cursor off by one, a
wildcard that forgets the high-volume rule, a filter that ignores its value, a ring slot off
by one), and runs the model test against it: the test must fail. The bug is planted by
rewriting one line of the function's source and swapping the function in for this test only.

The budget is the model test's own (``ConnectionMachine``'s settings), without shrinking:
what matters here is that a failure is found, not its smallest form. Examples are drawn
from a fixed seed, so each case is as repeatable as the rest of ``make test``. That the
model tests pass on the code as it is, is their own run (``test_connection_against_the_model``,
``TestRingModel``).
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings
from hypothesis.errors import HypothesisException
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test
from test_connection_model import ConnectionMachine
from test_ring_model import RingModel
from tidewire.bus import ring
from tidewire.ws import connection, filter_index, subscriptions


@dataclass(frozen=True)
class Bug:
    name: str
    owner: Any  # the class (or module) holding the function
    function: str
    line: str  # exactly as in the source
    planted: str


BUGS = [
    # The deliberate bug from issue 16: a resume silently skips one event for some seqs.
    Bug(
        "resume skips an event when after_seq % 7 == 3",
        connection.Connection,
        "_resume_from",
        "self.cursor = frame.after_seq\n",
        "self.cursor = frame.after_seq + (1 if frame.after_seq % 7 == 3 else 0)\n",
    ),
    Bug(
        "resume starts one past after_seq",
        connection.Connection,
        "_resume_from",
        "self.cursor = frame.after_seq\n",
        "self.cursor = frame.after_seq + 1\n",
    ),
    Bug(
        "resume at the head is refused",
        connection.Connection,
        "_resume_from",
        "if frame.after_seq > head:",
        "if frame.after_seq >= head:",
    ),
    Bug(
        "resume to oldest - 1 is refused",
        connection.Connection,
        "_resume_from",
        "frame.after_seq < self.bus.oldest - 1",
        "frame.after_seq < self.bus.oldest",
    ),
    Bug(
        "resume to the last event sent is refused",
        connection.Connection,
        "_resume_from",
        "self.last_sent > frame.after_seq",
        "self.last_sent >= frame.after_seq",
    ),
    Bug(
        "the writer steps two seqs at a time",
        connection.Connection,
        "_advance",
        "nxt = self.cursor + 1",
        "nxt = self.cursor + 1 + (1 if self.cursor % 5 == 4 else 0)",
    ),
    Bug(
        "resumed comes one event early",
        connection.Connection,
        "_maybe_finish_resume",
        "self.cursor >= r.to_seq",
        "self.cursor >= r.to_seq - 1",
    ),
    Bug(
        "replayed is not counted",
        connection.Connection,
        "_advance",
        "self._resume.replayed += 1",
        "self._resume.replayed += 0",
    ),
    Bug(
        "overflow at max_lag instead of past it",
        connection.Connection,
        "published",
        "if self.unread > self.max_lag:",
        "if self.unread >= self.max_lag:",
    ),
    Bug(
        "lag counts events the connection does not want",
        connection.Connection,
        "published",
        "e.seq > cursor and matches(e.type, e.data)",
        "e.seq > cursor",
    ),
    Bug(
        "the high-volume check is dropped from the index",
        filter_index.FilterIndex,
        "_candidates",
        "if event_type not in HIGH_VOLUME:",
        "if True:",
    ),
    Bug(
        "a filter ignores its value",
        filter_index._Node,
        "matches",
        "if key is not None and key in self.values:",
        "if key is not None:",
    ),
    Bug(
        "a prefix matches one segment too far",
        filter_index.FilterIndex,
        "_candidates",
        "group = self._prefix.get(event_type[: end + 1])",
        "group = self._prefix.get(event_type[:end])",
    ),
    Bug(
        "a filter value of a number matches its text only",
        subscriptions,
        "_keys",
        "value_keys(pattern.value, pattern.number)",
        "value_keys(pattern.value, None)",
    ),
    Bug(
        "the ring reads the slot after the seq's",
        ring.Ring,
        "get",
        "entry = self._slots[seq % self.capacity]",
        "entry = self._slots[(seq + 1) % self.capacity]",
    ),
    Bug(
        "the ring's oldest lags by one",
        ring.Ring,
        "append",
        "self.oldest = self.head - self.capacity + 1",
        "self.oldest = self.head - self.capacity",
    ),
    Bug(
        "the ring's since window is one short",
        ring.Ring,
        "since",
        "stop = min(self.head, start + limit - 1)",
        "stop = min(self.head, start + limit - 2)",
    ),
]


def plant(bug: Bug, monkeypatch: pytest.MonkeyPatch) -> None:
    original: Callable[..., Any] = getattr(bug.owner, bug.function)
    source = textwrap.dedent(inspect.getsource(original))
    assert source.count(bug.line) == 1, f"{bug.function} no longer has the line {bug.line!r}"
    namespace: dict[str, Any] = {}
    exec(compile(source.replace(bug.line, bug.planted), f"<planted {bug.name}>", "exec"),
         original.__globals__, namespace)  # fmt: skip
    monkeypatch.setattr(bug.owner, bug.function, namespace[bug.function])


def _fails(machine: type[RuleBasedStateMachine]) -> bool:
    budget = ConnectionMachine.TestCase.settings
    quick = hsettings(
        budget,
        phases=[Phase.generate],
        derandomize=True,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(machine, settings=quick)
    except HypothesisException:
        raise
    except Exception:
        return True
    return False


@pytest.mark.parametrize("bug", BUGS, ids=[b.name for b in BUGS])
def test_the_model_test_catches_the_planted_bug(bug: Bug, monkeypatch: pytest.MonkeyPatch) -> None:
    plant(bug, monkeypatch)
    machines: list[type[RuleBasedStateMachine]] = [ConnectionMachine]
    if bug.owner is ring.Ring:
        machines.append(RingModel)
    for machine in machines:
        assert _fails(machine), f"{machine.__name__} passed with the bug {bug.name!r} planted"
