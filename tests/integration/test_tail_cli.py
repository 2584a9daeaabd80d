"""`tidewire tail` as a person meets it: a clear exit when nothing listens, typos caught before
connecting, durations and times a person reads, and JSON lines for pipes."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time

import pytest
from support import Daemon
from support.daemon import free_port
from support.examples import example_data
from tidewire.protocol import ServerFrame
from tidewire.tail import clock, duration, format_line

WAIT_S = 30.0


def tail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "tail", *args],
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        stdin=subprocess.DEVNULL,
    )


def test_nothing_listening_exits_1_within_seconds() -> None:
    started = time.monotonic()
    result = tail("--url", f"http://127.0.0.1:{free_port()}", "--connect-timeout", "2")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "cannot connect" in result.stderr and "tidewire serve" in result.stderr
    assert elapsed < 15, elapsed  # a bound on a hang, not a performance figure


def test_a_typo_is_a_usage_error_naming_the_closest_event() -> None:
    result = tail("--url", f"http://127.0.0.1:{free_port()}", "taks.created")
    assert result.returncode == 2
    assert "taks.created" in result.stderr and "task.created" in result.stderr
    family = tail("--url", f"http://127.0.0.1:{free_port()}", "tsk.*")
    assert family.returncode == 2 and "task.*" in family.stderr


def test_allow_unknown_subscribes_anyway(daemon: Daemon) -> None:
    result = tail("--url", daemon.base_url, "--allow-unknown", "-n", "0", "future.thing")
    assert result.returncode == 0, result.stderr
    assert "following" in result.stderr


def test_json_prints_one_object_per_line_from_a_real_daemon(daemon: Daemon) -> None:
    cmd = [sys.executable, "-m", "tidewire", "tail", "--url", daemon.base_url, "--json", "-n", "3"]
    cmd += ["task.created", "agent.completed"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("tail: following"):
                break
        created = example_data("task.created")
        multiline = copy.deepcopy(created)
        multiline["task"]["title"] = "two\nlines"
        seqs = [
            daemon.emit("task.created", created),
            daemon.emit("task.created", multiline),
            daemon.emit("agent.completed", example_data("agent.completed")),
        ]
        out, _ = proc.communicate(timeout=WAIT_S)
    finally:
        proc.kill()
    assert proc.returncode == 0
    lines = out.splitlines()
    assert len(lines) == 3
    frames = [json.loads(line) for line in lines]
    assert [f["seq"] for f in frames] == seqs
    assert frames[1]["data"]["task"]["title"] == "two\nlines"


@pytest.mark.parametrize(
    ("ms", "text"),
    [(3161.784133000083, "3.16 s"), (412, "412 ms"), (412.4, "412 ms"), (65_000, "1 min 5 s"), (0, "0 ms")],
)
def test_durations_read_like_a_person_writes_them(ms: float, text: str) -> None:
    assert duration(ms) == text


def test_lines_show_readable_durations_and_times() -> None:
    data = example_data("agent.completed", duration_ms=3161.784133000083)
    frame = {"seq": 7, "ts": "2026-01-02T03:04:05.678Z", "type": "agent.completed", "data": data}
    event = ServerFrame.model_validate(frame).root
    line = format_line(event)  # type: ignore[arg-type]
    assert "3.16 s" in line and "3161.78" not in line
    shown = clock(frame["ts"])
    assert shown in line and "T" not in shown and "+" not in shown
