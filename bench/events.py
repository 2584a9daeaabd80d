"""Sample events: the same realistic `task.created` payload for every server under test."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tidewire.protocol.models import Task, TaskCreatedEvent, TaskEventData

EVENT_TYPE = "task.created"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def task_data(i: int, pad: int = 0) -> TaskEventData:
    """A task event payload; `pad` extra characters of description make a bigger frame."""
    ts = _now()
    task = Task(
        id=f"bench-{i:08d}",
        project_id="bench-project",
        title=f"Benchmark task {i}",
        description="A task created by the fan-out benchmark; its size is typical of a real task record."
        + "x" * pad,
        status="open",
        priority=2,
        labels=["bench", "fanout"],
        parent_id=None,
        closed_at=None,
        closed_reason=None,
        created_at=ts,
        updated_at=ts,
    )
    return TaskEventData(task_id=task.id, project_id=task.project_id, task=task)


def frames(count: int, first_seq: int = 1, pad: int = 0) -> list[dict[str, Any]]:
    """`count` task.created frames as plain dicts, with increasing seqs."""
    ts = _now()
    out: list[dict[str, Any]] = []
    for i in range(count):
        frame = TaskCreatedEvent(
            type=EVENT_TYPE, seq=first_seq + i, ts=ts, data=task_data(first_seq + i, pad)
        )
        out.append(frame.model_dump(mode="json"))
    return out
