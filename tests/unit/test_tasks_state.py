"""Stateful property test of the task service on a real store: random sequences of creates,
updates, closes and expansions, good and bad, against a plain model of what should be stored.

Invariants after every step: a successful call emitted exactly the events it should, in seq
order right after the previous ones; a refused call wrote and emitted nothing; the store holds
exactly the model's tasks, and each task's last event carries its current record.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tidewire.errors import DomainError
from tidewire.services import tasks
from tidewire.store import LogEntry, Store

titles = st.text(alphabet="abc xyz", min_size=0, max_size=6)
statuses = st.sampled_from(["open", "in_progress", "blocked", "closed", "done"])
priorities = st.integers(-1, 5)


class TaskMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = tempfile.TemporaryDirectory()
        self.store = self.run(Store.open(Path(self.dir.name) / "db.sqlite"))
        self.entries: list[LogEntry] = []
        self.store.add_commit_listener(self.entries.extend)
        self.model: dict[str, dict[str, Any]] = {}
        self.expected_events = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()
        self.dir.cleanup()

    def attempt(self, coro: Any) -> Any:
        """Run a service call; on DomainError check that nothing was written or emitted."""
        before = len(self.entries)
        try:
            return self.run(coro)
        except DomainError:
            assert len(self.entries) == before
            return None

    def ids(self) -> list[str]:
        return list(self.model)  # creation order: the same draws pick the same task on a replay

    @rule(title=titles, priority=priorities)
    def create(self, title: str, priority: int) -> None:
        result = self.attempt(tasks.create_task(self.store, title=title, priority=priority))
        valid = bool(title.strip()) and 0 <= priority <= 4
        assert (result is not None) == valid
        if result is not None:
            task, seq = result
            self.model[task.id] = task.model_dump(mode="json")
            self.expected_events += 1
            assert seq == self.entries[-1].seq and self.entries[-1].type == "task.created"

    @precondition(lambda self: self.model)
    @rule(data=st.data(), status=statuses, title=st.none() | titles)
    def update(self, data: st.DataObject, status: str, title: str | None) -> None:
        tid = data.draw(st.sampled_from(self.ids()))
        before = self.model[tid]
        result = self.attempt(tasks.update_task(self.store, tid, status=status, title=title))
        valid = status in ("open", "in_progress", "blocked") and (title is None or bool(title.strip()))
        assert (result is not None) == valid
        if result is None:
            return
        task, _ = result
        after = task.model_dump(mode="json")
        changed = [k for k in after if k != "updated_at" and after[k] != before[k]]
        if changed:
            self.expected_events += 1
            event = json.loads(self.entries[-1].text)
            assert event["type"] == "task.updated" and event["data"]["changed"] == changed
            assert event["data"]["previous"] == {k: before[k] for k in changed}
        else:
            assert after == before
        self.model[tid] = after

    @precondition(lambda self: self.model)
    @rule(data=st.data(), reason=st.none() | titles)
    def close(self, data: st.DataObject, reason: str | None) -> None:
        tid = data.draw(st.sampled_from(self.ids()))
        was_closed = self.model[tid]["status"] == "closed"
        result = self.attempt(tasks.close_task(self.store, tid, reason))
        assert (result is None) == was_closed
        if result is not None:
            self.model[tid] = result[0].model_dump(mode="json")
            self.expected_events += 1
            assert self.entries[-1].type == "task.closed"

    @precondition(lambda self: self.model)
    @rule(data=st.data(), subtitles=st.lists(titles, max_size=3))
    def expand(self, data: st.DataObject, subtitles: list[str]) -> None:
        tid = data.draw(st.sampled_from(self.ids()))
        specs = [{"title": t} for t in subtitles]
        result = self.attempt(tasks.expand_task(self.store, tid, specs))
        valid = bool(specs) and all(t.strip() for t in subtitles) and self.model[tid]["status"] != "closed"
        assert (result is not None) == valid
        if result is not None:
            (_, created), _ = result
            for sub in created:
                self.model[sub.id] = sub.model_dump(mode="json")
            self.expected_events += len(created) + 1
            assert [e.type for e in self.entries[-len(created) - 1:]] == (
                ["task.created"] * len(created) + ["task.expanded"]
            )

    @rule()
    def unknown_id(self) -> None:
        assert self.attempt(tasks.update_task(self.store, "tsk_unknown", title="x")) is None
        assert self.attempt(tasks.close_task(self.store, "tsk_unknown")) is None

    @invariant()
    def store_matches_model(self) -> None:
        assert len(self.entries) == self.expected_events
        assert [e.seq for e in self.entries] == list(range(1, len(self.entries) + 1))
        stored, seq = self.run(tasks.list_tasks(self.store))
        assert seq == len(self.entries)
        assert {t.id: t.model_dump(mode="json") for t in stored} == self.model
        last: dict[str, dict[str, Any]] = {}
        for entry in self.entries:
            if entry.type != "task.expanded":
                last[entry.data["task_id"]] = entry.data["task"]
        assert last == self.model
        for task in self.model.values():
            closed = task["status"] == "closed"
            assert (task["closed_at"] is not None) == closed
            assert closed or task["closed_reason"] is None


TestTaskMachine = TaskMachine.TestCase
# Short runs, many of them: the profile's example count still applies.
TestTaskMachine.settings = settings(stateful_step_count=25)
