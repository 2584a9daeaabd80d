"""Parent side of the client load generator: start it, wait until ready, collect its result."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import sys
from typing import Any

from bench.clients import ClientConfig


class ClientProcessError(RuntimeError):
    pass


class ClientProcess:
    """One `python -m bench.clients` subprocess driving `cfg.n` connections."""

    def __init__(self, cfg: ClientConfig) -> None:
        self.cfg = cfg
        self.proc: asyncio.subprocess.Process | None = None
        self.ready: dict[str, Any] = {}

    async def __aenter__(self) -> ClientProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.clients",
            json.dumps(dataclasses.asdict(self.cfg)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=256 * 2**20,
        )
        self.ready = (await self._line("ready", limit_s=60 + self.cfg.n / 50))["ready"]
        return self

    async def _line(self, key: str, limit_s: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), limit_s)
            if not raw:
                raise ClientProcessError(f"client process exited before sending {key!r}")
            obj: dict[str, Any] = json.loads(raw)
            if key in obj:
                return obj

    def stop(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, RuntimeError):
            self.proc.stdin.write(b"stop\n")

    async def result(self) -> list[dict[str, Any]]:
        res = await self._line("result", limit_s=self.cfg.timeout_s + 60)
        clients: list[dict[str, Any]] = res["result"]["clients"]
        return clients

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.stop()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


class ClientProcesses:
    """`cfg.n` connections spread over several client processes, so on a multi-core machine the
    load generator is not the bottleneck; client 0 of the first process is the recording one."""

    def __init__(self, cfg: ClientConfig, processes: int) -> None:
        k = max(1, min(processes, cfg.n))
        sizes = [cfg.n // k + (1 if i < cfg.n % k else 0) for i in range(k)]
        self.procs = [ClientProcess(dataclasses.replace(cfg, n=size)) for size in sizes]
        self._stack = contextlib.AsyncExitStack()
        self.ready: dict[str, Any] = {}

    async def __aenter__(self) -> ClientProcesses:
        await self._stack.__aenter__()
        try:
            for proc in self.procs:
                await self._stack.enter_async_context(proc)
        except BaseException:
            await self._stack.aclose()
            raise
        self.ready = {"connected": sum(int(p.ready.get("connected", 0)) for p in self.procs)}
        return self

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()

    async def result(self) -> list[dict[str, Any]]:
        results = await asyncio.gather(*(p.result() for p in self.procs))
        return [client for clients in results for client in clients]

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()
