"""Starting and stopping the client under test, and collecting its reporting lines."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence

from .client_report import Line, parse_line
from .report import CaseFailed

# The client's own output is kept for failure messages, not judged.
_STDERR_LINES = 40


class ClientProcess:
    """One run of ``cmd`` with the environment a case gives it (docs/conformance.md)."""

    def __init__(self, cmd: Sequence[str], env: dict[str, str]) -> None:
        self.cmd = list(cmd)
        self.env = env
        self.lines: list[Line] = []
        self.stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        self._proc: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._changed = asyncio.Condition()
        self._eof = False

    async def start(self) -> None:
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self.cmd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env={**os.environ, **self.env},
                # Its own process group, so stopping it also stops what it started (node, a shell).
                start_new_session=True,
            )
        except OSError as exc:
            raise CaseFailed(f"could not start the client {self.cmd[0]!r}: {exc}") from exc
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [
            asyncio.create_task(self._read_stdout(self._proc.stdout)),
            asyncio.create_task(self._read_stderr(self._proc.stderr)),
        ]

    async def _read_stdout(self, stream: asyncio.StreamReader) -> None:
        while raw := await stream.readline():
            line = parse_line(raw.decode("utf-8", "replace"), time.monotonic())
            if line is not None:
                async with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        async with self._changed:
            self._eof = True
            self._changed.notify_all()

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        while raw := await stream.readline():
            self.stderr.append(raw.decode("utf-8", "replace").rstrip())

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.returncode

    def exited(self) -> str | None:
        """Why the client is no longer running, or None while it runs."""
        code = self.returncode
        if code is None:
            return None
        tail = " | ".join(list(self.stderr)[-5:])
        return f"the client exited with status {code}" + (f"; its stderr ends: {tail}" if tail else "")

    async def wait_line(self, what: str, pred: Callable[[Line], bool], within: float) -> Line:
        """The first reporting line (already printed or still to come) that ``pred`` accepts."""

        def found() -> Line | None:
            return next((line for line in self.lines if pred(line)), None)

        async def wait() -> Line:
            async with self._changed:
                while (line := found()) is None:
                    if self._eof:
                        if self._proc is not None:
                            # Stdout closes as the process ends: let its exit status arrive.
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._proc.wait(), 1)
                        why = self.exited() or "it closed its stdout"
                        raise CaseFailed(f"the client did not report {what}: {why}")
                    await self._changed.wait()
                return line

        try:
            return await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise CaseFailed(f"the client did not report {what} within {within:g} s") from None

    async def wait_exit(self) -> None:
        if self._proc is not None:
            await self._proc.wait()

    async def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.returncode is None:
            self._signal(proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 3)
            except TimeoutError:
                self._signal(proc.pid, signal.SIGKILL)
                await proc.wait()
        for task in self._readers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 2)

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        # The group has the client's pid as its id (start_new_session above).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
