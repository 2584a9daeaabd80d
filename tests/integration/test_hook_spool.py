"""Hook calls made while the daemon is down are spooled and delivered exactly once, in order.

Real `tidewire hook` processes (the installed stdlib-only command), a real daemon started,
stopped and killed with SIGKILL, its real SQLite file read back.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import Daemon
from tidewire.sources import hook_spool
from tidewire.sources.install_hooks import hook_command

pytestmark = pytest.mark.daemon

SESSIONS = ("sess-a", "sess-b", "sess-c")


def hook_argv(daemon: Daemon, *extra: str) -> list[str]:
    command = hook_command("claude", daemon.base_url, None, str(daemon.data_dir))
    return [*command_argv(command), *extra]


def command_argv(command: str) -> list[str]:
    return shlex.split(command)


def payload(session: str, n: int, cwd: str) -> bytes:
    return json.dumps(
        {
            "session_id": session,
            "hook_event_name": "PreToolUse",
            "cwd": cwd,
            "tool_name": "Bash",
            "tool_input": {"command": f"step {n}"},
        }
    ).encode()


def run_calls(
    argv: list[str], calls: list[tuple[str, int]], cwd: str
) -> list[subprocess.CompletedProcess[bytes]]:
    """Runs the calls of each session one after another (as an agent CLI does), sessions in parallel."""
    done: list[subprocess.CompletedProcess[bytes]] = []
    lock = threading.Lock()

    def session_worker(session: str) -> None:
        for s, n in calls:
            if s != session:
                continue
            result = subprocess.run(
                argv, input=payload(s, n, cwd), capture_output=True, timeout=60, check=False
            )
            with lock:
                done.append(result)

    threads = [threading.Thread(target=session_worker, args=(s,)) for s in SESSIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


def plan(count: int, first: int = 0) -> list[tuple[str, int]]:
    return [(SESSIONS[i % len(SESSIONS)], first + i) for i in range(count)]


def recorded(daemon: Daemon) -> dict[str, list[int]]:
    """Each session's hook calls as stored, in the order they were applied."""
    conn = sqlite3.connect(f"file:{daemon.data_dir / 'tidewire.db'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT session_id, payload FROM hook_calls ORDER BY id").fetchall()
    finally:
        conn.close()
    out: dict[str, list[int]] = {}
    for session, stored in rows:
        command = json.loads(stored)["tool_input"]["command"]
        out.setdefault(session, []).append(int(command.split()[1]))
    return out


def expected(calls: list[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for session, n in calls:
        out.setdefault(session, []).append(n)
    return out


def spool_of(daemon: Daemon) -> hook_spool.Spool:
    return hook_spool.Spool(str(daemon.data_dir / hook_spool.SPOOL_DIR_NAME))


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def total(daemon: Daemon) -> int:
    return sum(len(v) for v in recorded(daemon).values())


def test_calls_made_while_the_daemon_is_down_arrive_once_in_order(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    daemon = daemon_factory()
    daemon.stop()  # migrated, then down
    argv = hook_argv(daemon)

    first = plan(200)
    results = run_calls(argv, first, str(tmp_path))
    assert all(r.returncode == 0 and r.stdout == b"" for r in results), results[:3]
    assert len(spool_of(daemon).names()) == 200  # nothing reached the daemon; all spooled

    daemon.start()
    wait_for(lambda: not spool_of(daemon).has_entries())
    assert recorded(daemon) == expected(first)

    # Again, and this time the daemon is killed (SIGKILL) in the middle of delivering the spool.
    daemon.stop()
    second = plan(300, first=200)
    run_calls(argv, second, str(tmp_path))
    assert len(spool_of(daemon).names()) == 300
    daemon.start()
    wait_for(lambda: total(daemon) > 200 + 10, timeout=60)
    daemon.kill()
    applied_before_kill = total(daemon)
    left = len(spool_of(daemon).names())
    assert applied_before_kill < 500 and left > 0, "the drain finished before the kill"
    daemon.start()
    wait_for(lambda: not spool_of(daemon).has_entries())
    assert recorded(daemon) == expected(first + second)

    # A call made now goes straight through, behind everything delivered before it.
    run_calls(argv, [("sess-a", 999)], str(tmp_path))
    assert recorded(daemon)["sess-a"][-1] == 999
    assert total(daemon) == 501


def test_an_entry_delivered_twice_is_applied_once(daemon: Daemon, tmp_path: Path) -> None:
    """An entry whose removal was lost (a crash after the commit) is delivered again: nothing happens."""
    daemon.stop()
    argv = hook_argv(daemon)
    run_calls(argv, [("sess-a", 1)], str(tmp_path))
    spool = spool_of(daemon)
    [name] = spool.names()
    saved = tmp_path / name
    shutil.copy(Path(spool.directory) / name, saved)
    daemon.start()
    wait_for(lambda: not spool.has_entries())
    seq = daemon.health()["seq"]
    shutil.copy(saved, Path(spool.directory) / name)  # the same envelope, back in the spool
    wait_for(lambda: not spool.has_entries())
    assert recorded(daemon) == {"sess-a": [1]}
    assert daemon.health()["seq"] == seq  # and nothing was emitted


def test_the_same_envelope_posted_twice_emits_once(daemon: Daemon, tmp_path: Path) -> None:
    body = payload("sess-a", 7, str(tmp_path))
    headers = {"Content-Type": "application/json", hook_spool.ENVELOPE_HEADER: "he_test0001"}
    first = daemon.post("/api/hooks/claude", content=body, headers=headers)
    again = daemon.post("/api/hooks/claude", content=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["events"] and again.json()["events"] == []
    assert again.json()["session_id"] == "sess-a"
    assert recorded(daemon) == {"sess-a": [7]}
    bad = daemon.post("/api/hooks/claude", content=body, headers={hook_spool.ENVELOPE_HEADER: "bad id!"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_argument"


def test_a_full_spool_drops_the_call_with_a_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = "http://127.0.0.1:9"  # discard port: nothing listens
    argv = [*command_argv(hook_command("claude", url, None, str(data))), "--spool-max-bytes", "600"]
    first = subprocess.run(argv, input=payload("s", 1, "/"), capture_output=True, timeout=60, check=False)
    assert first.returncode == 0 and first.stderr == b""
    results = [
        subprocess.run(argv, input=payload("s", n, "/"), capture_output=True, timeout=60, check=False)
        for n in range(2, 8)
    ]
    dropped = [r for r in results if r.returncode != 0]
    assert dropped, "the spool never filled"
    assert all(b"is full" in r.stderr and r.stdout == b"" for r in dropped)
    assert dropped[0].returncode == 1  # Claude Code shows a non-blocking hook error to the user
    log = (data / hook_spool.SPOOL_DIR_NAME / hook_spool.DROPPED_LOG).read_text()
    assert len(log.splitlines()) == len(dropped)


def test_the_daemon_reports_dropped_calls(daemon: Daemon) -> None:
    spool = spool_of(daemon)
    spool.ensure()
    Path(spool.directory, hook_spool.DROPPED_LOG).write_text("x he_1 claude 10 bytes: the spool is full\n")
    wait_for(lambda: "1 hook calls were dropped" in daemon.log())


def test_a_spooled_call_waits_for_the_daemon_and_goes_first(daemon: Daemon, tmp_path: Path) -> None:
    """The next hook call delivers the spool before itself (the daemon's own pass not needed)."""
    daemon.stop()
    argv = hook_argv(daemon)
    run_calls(argv, [("sess-b", 1), ("sess-b", 2)], str(tmp_path))
    daemon.start()
    # Deliver by hand before the daemon's pass could: a hook call through the spool.
    done = subprocess.run(
        [*argv, "--verbose"], input=payload("sess-b", 3, str(tmp_path)), capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    wait_for(lambda: not spool_of(daemon).has_entries())
    assert recorded(daemon) == {"sess-b": [1, 2, 3]}
