"""Agent subprocesses: started in their own process group, stdout and stderr read as they come."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tidewire.sources.agent_output import FLUSH_SECONDS, Chunker

STDERR_TAIL_LINES = 20
_MAX_LINE = 2000
_DRAIN_S = 2.0
_EXIT_POLL_S = 0.05
_READ_SIZE = 65536

# Called with ("stdout" | "stderr", chunk) for each chunk, in the order each stream wrote them.
OutputSink = Callable[[str, bytes], Awaitable[None]]


@dataclass
class RunningProcess:
    proc: asyncio.subprocess.Process
    log_path: Path
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=STDERR_TAIL_LINES))
    _partial_stderr: bytes = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def note_stderr(self, chunk: bytes, final: bool = False) -> None:
        """Keeps the last lines of stderr (a line may span chunks)."""
        lines = (self._partial_stderr + chunk).split(b"\n")
        self._partial_stderr = lines.pop()
        if final and self._partial_stderr:
            lines.append(self._partial_stderr)
            self._partial_stderr = b""
        for line in lines:
            text = line.decode("utf-8", errors="replace").rstrip("\r")
            self.stderr_tail.append(text[:_MAX_LINE])


async def spawn(argv: list[str], cwd: str, env: dict[str, str], log_path: Path) -> RunningProcess:
    """Starts `argv` (never through a shell) in a new session, so the whole tree can be signalled.

    The log file is made at once (empty), so a run's log is there from its start.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab"):
        pass
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    return RunningProcess(proc=proc, log_path=log_path)


async def _pump(running: RunningProcess, name: str, sink: OutputSink) -> None:
    """Reads one stream to its end, handing `sink` chunks cut as `agent_output.Chunker` says."""
    stream = running.proc.stdout if name == "stdout" else running.proc.stderr
    if stream is None:
        return
    loop = asyncio.get_running_loop()
    chunker = Chunker()
    deadline: float | None = None

    async def send(chunks: list[bytes], final: bool = False) -> None:
        for chunk in chunks:
            if name == "stderr":
                running.note_stderr(chunk)
            await sink(name, chunk)
        if final and name == "stderr":
            running.note_stderr(b"", final=True)

    while True:
        timeout = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            # StreamReader.read gives up nothing when cancelled: the bytes stay for the next read.
            data = await asyncio.wait_for(stream.read(_READ_SIZE), timeout)
        except TimeoutError:
            await send(chunker.take())
            deadline = loop.time() + FLUSH_SECONDS if chunker.pending else None
            continue
        if not data:
            await send(chunker.take(final=True), final=True)
            return
        await send(chunker.feed(data))
        if not chunker.pending:
            deadline = None
        elif deadline is None:
            deadline = loop.time() + FLUSH_SECONDS


def _close_pipes(proc: asyncio.subprocess.Process) -> None:
    """Ends our side of the output pipes: their readers see the end and send what they hold."""
    transport = getattr(proc, "_transport", None)
    if transport is None:
        return
    for fd in (1, 2):
        pipe = transport.get_pipe_transport(fd)
        if pipe is not None:
            pipe.close()


async def wait(running: RunningProcess, sink: OutputSink) -> int:
    """Reads stdout and stderr into `sink` (stderr's tail kept) and returns the exit code."""
    readers = [asyncio.create_task(_pump(running, name, sink)) for name in ("stdout", "stderr")]
    try:
        code = await exit_code(running.proc)
    except asyncio.CancelledError:
        for reader in readers:
            reader.cancel()
        raise
    # The run is over: whatever it left running in its process group goes with it.
    _signal_group(running.pid, signal.SIGTERM)
    # A background child of the agent may hold the pipes open after the agent itself exited;
    # its output is not worth waiting for: after a while the pipes are closed on our side.
    _done, pending = await asyncio.wait(readers, timeout=_DRAIN_S)
    if pending:
        _close_pipes(running.proc)
        _done, pending = await asyncio.wait(pending, timeout=_DRAIN_S)
    for reader in pending:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    for reader in readers:
        if not reader.cancelled() and reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]
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
