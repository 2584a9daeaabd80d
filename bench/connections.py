"""Resident memory per idle, subscribed connection (1,000 and 5,000 of them), daemon against (b)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from bench.clients import ClientConfig
from bench.loadproc import ClientProcess

GOAL_BYTES = 64 * 1024


class ServerProcess:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> ServerProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.connserver",
            self.kind,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return self

    async def read(self, limit_s: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), limit_s)
        if not raw:
            raise RuntimeError(f"server process {self.kind} exited")
        value: dict[str, Any] = json.loads(raw)
        return value

    async def send(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            await self.send("stop")
            await asyncio.wait_for(self.proc.wait(), 30)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.proc.kill()
            await self.proc.wait()


async def measure(kind: str, n: int, timeout_s: float) -> dict[str, Any]:
    async with ServerProcess(kind) as server:
        hello = await server.read(60)
        protocol = "tidewire" if kind == "a" else "plain"
        cfg = ClientConfig(
            url=hello["url"],
            n=n,
            protocol=protocol,
            subscribe=["*"],
            expect=0,
            timeout_s=timeout_s,
            connect_concurrency=100,
        )
        async with ClientProcess(cfg) as clients:
            connected = int(clients.ready["connected"])
            await server.send(f"measure {connected}")
            after = await server.read(180)
            clients.stop()
            await clients.result()
    if "error" in after:
        return {"connections": connected, "error": after["error"]}
    per = (after["rss"] - hello["rss"]) / max(1, connected)
    return {
        "connections": connected,
        "rss_before_mib": round(hello["rss"] / 2**20, 1),
        "rss_after_mib": round(after["rss"] / 2**20, 1),
        "bytes_per_connection": round(per),
    }


async def run_suite(sizes: tuple[int, ...], timeout_s: float, with_daemon: bool) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for n in sizes:
        row: dict[str, Any] = {"connections": n}
        for kind in ("a", "b") if with_daemon else ("b",):
            try:
                row[kind] = await measure(kind, n, timeout_s)
            except Exception as exc:
                row[kind] = {"error": repr(exc)}
        a, b = row.get("a", {}), row["b"]
        if a.get("bytes_per_connection") and b.get("bytes_per_connection"):
            row["a_over_b"] = a["bytes_per_connection"] / b["bytes_per_connection"]
        rows.append(row)
    out: dict[str, Any] = {"rows": rows}
    if with_daemon:
        per = [r["a"].get("bytes_per_connection") for r in rows]
        out["goal"] = {
            "text": "under 64 KiB per idle subscribed connection",
            "met": all(p is not None and p < GOAL_BYTES for p in per),
        }
    return out
