"""Agent subprocesses: started in their own process group, stdout to a log file, stderr tail kept."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

STDERR_TAIL_LINES = 20
_MAX_LINE = 2000
_STDERR_DRAIN_S = 2.0
_EXIT_POLL_S = 0.05


@dataclass
class RunningProcess:
    proc: asyncio.subprocess.Process
    log_path: Path
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=STDERR_TAIL_LINES))

    @property
    def pid(self) -> int:
        return self.proc.pid


async def spawn(argv: list[str], cwd: str, env: dict[str, str], log_path: Path) -> RunningProcess:
    """Starts `argv` (never through a shell) in a new session, so the whole tree can be signalled."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    return RunningProcess(proc=proc, log_path=log_path)


async def _collect_stderr(running: RunningProcess) -> None:
    stream = running.proc.stderr
    if stream is None:
        return
    # Unbuffered: the log is readable while the agent runs, and complete if the daemon dies.
    with running.log_path.open("ab", buffering=0) as log:
        while True:
            line = await stream.readline()
            if not line:
                break
            log.write(line)
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            running.stderr_tail.append(text[:_MAX_LINE])


async def wait(running: RunningProcess) -> int:
    """Collects stderr (tail kept, everything appended to the log) and returns the exit code."""
    reader = asyncio.create_task(_collect_stderr(running))
    try:
        code = await exit_code(running.proc)
    except asyncio.CancelledError:
        reader.cancel()
        raise
    # The run is over: whatever it left running in its process group goes with it.
    _signal_group(running.pid, signal.SIGTERM)
    # A background child of the agent may hold stderr open after the agent itself exited;
    # its output is not worth waiting for.
    try:
        await asyncio.wait_for(asyncio.shield(reader), timeout=_STDERR_DRAIN_S)
    except TimeoutError:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    return code


async def exit_code(proc: asyncio.subprocess.Process) -> int:
    """The exit code, as soon as the process has exited.

    Not `Process.wait()`: asyncio also waits there for the pipes to close, which a child the
    agent left behind can hold open indefinitely. The return code is set on exit alone.
    """
    while proc.returncode is None:  # noqa: ASYNC110 - no asyncio event fires on exit alone
        await asyncio.sleep(_EXIT_POLL_S)
    return proc.returncode


def _signal_group(pid: int, sig: signal.Signals) -> bool:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


async def terminate(running: RunningProcess, grace_seconds: float) -> None:
    """SIGTERM to the process group; SIGKILL if it is still alive after the grace period."""
    if running.proc.returncode is not None:
        return
    _signal_group(running.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(exit_code(running.proc), timeout=grace_seconds)
    except TimeoutError:
        _signal_group(running.pid, signal.SIGKILL)


async def kill_and_reap(running: RunningProcess, within_seconds: float = 5.0) -> None:
    """SIGKILL to the process group at once, then waits (bounded) until the process is gone."""
    _signal_group(running.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(exit_code(running.proc), timeout=within_seconds)


def owned_by(pid: int, marker: str) -> bool:
    """Whether process `pid` still runs with `marker` (NAME=VALUE) in its environment.

    Used after a restart to tell a leftover agent from an unrelated process that reused its pid.
    """
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False
    return marker.encode() in environ.split(b"\0")


def kill_leftover(pid: int, marker: str) -> bool:
    """SIGKILLs the group of a leftover agent from a previous daemon run; True if it was alive."""
    if not owned_by(pid, marker):
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    return True


def read_tail(path: Path, lines: int = STDERR_TAIL_LINES) -> list[str]:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 16384))
            data = handle.read()
    except OSError:
        return []
    return [line[:_MAX_LINE] for line in data.decode("utf-8", errors="replace").splitlines()[-lines:]]
