"""Flood isolation: does one socket sending `ping` as fast as it can slow everyone else down?

The daemon runs as `tidewire serve` in a process of its own (so its CPU time can be read), the
flooder (`bench.flooder`) in another. This process probes, one request at a time: `GET
/api/health` on a kept-alive HTTP connection, a `ping` on a quiet socket, and every tenth probe a
new socket handshake up to `welcome`. The same probes run idle and then with the flood on, against
the same daemon in the same run; the ratios are flood / idle.

In full mode the same is measured once more with the inbound limit lifted (`--ws-rate` and
`--ws-burst` at a billion): what the rate limit buys over the loop yield alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import free_port
from bench.stats import percentile, ratio

HANDSHAKE_EVERY = 10
# Between probes: the probing client is a quiet one, not a second flood.
PROBE_GAP_S = 0.005
WARMUP = 20
# Settle time once the flood is on, so the probes see the steady state, not its first burst.
FLOOD_SETTLE_S = 0.3
UNLIMITED = ("--ws-rate", "1000000000", "--ws-burst", "1000000000")


class _ServeProcess:
    def __init__(self, extra: tuple[str, ...]) -> None:
        self.port = free_port()
        self.extra = extra
        self.tmp = Path(tempfile.mkdtemp(prefix="tidewire-flood-"))
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def cpu_s(self) -> float:
        assert self.proc is not None
        times = psutil.Process(self.proc.pid).cpu_times()
        return float(times.user + times.system)

    async def __aenter__(self) -> _ServeProcess:
        cmd = [sys.executable, "-m", "tidewire", "serve", "--port", str(self.port)]
        cmd += ["--data-dir", str(self.tmp / "data"), *self.extra]
        with (self.tmp / "daemon.log").open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while True:
                if self.proc.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the daemon did not start: {(self.tmp / 'daemon.log').read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(self.http_url + "/api/health")).status_code == 200:
                        return self
                await asyncio.sleep(0.05)

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class _Flooder:
    def __init__(self, url: str) -> None:
        self.url = url
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> _Flooder:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.flooder",
            self.url,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await self._line("flooding")
        return self

    async def _line(self, key: str) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), 60)
            if not raw:
                raise RuntimeError(f"the flooder exited before sending {key!r}")
            obj: dict[str, Any] = json.loads(raw)
            if key in obj:
                return obj

    async def stop(self) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(b"stop\n")
        result: dict[str, Any] = (await self._line("result"))["result"]
        return result

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()


async def _ping(ws: ClientConnection, frame_id: int) -> None:
    await ws.send(json.dumps({"type": "ping", "id": frame_id}))
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == "pong" and frame.get("id") == frame_id:
            return


async def _handshake(url: str) -> None:
    async with connect(url, open_timeout=60) as ws:
        await ws.recv()  # welcome


def _summary(samples: list[float]) -> dict[str, Any]:
    return {
        "samples": len(samples),
        "p50_ms": percentile(samples, 50),
        "p99_ms": percentile(samples, 99),
        "max_ms": max(samples) if samples else None,
    }


async def _probe(
    daemon: _ServeProcess, http: httpx.AsyncClient, quiet: ClientConnection, n: int, min_s: float = 0.0
) -> dict[str, Any]:
    """At least ``n`` probes, and for at least ``min_s`` seconds."""
    rest: list[float] = []
    ping: list[float] = []
    handshake: list[float] = []
    cpu0, t0 = daemon.cpu_s(), time.monotonic()
    i = 0
    while i < n or time.monotonic() - t0 < min_s:
        start = time.perf_counter()
        r = await http.get("/api/health")
        rest.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
        start = time.perf_counter()
        await _ping(quiet, i)
        ping.append((time.perf_counter() - start) * 1000)
        if i % HANDSHAKE_EVERY == 0:
            start = time.perf_counter()
            await _handshake(daemon.ws_url)
            handshake.append((time.perf_counter() - start) * 1000)
        i += 1
        await asyncio.sleep(PROBE_GAP_S)
    cpu, seconds = daemon.cpu_s() - cpu0, time.monotonic() - t0
    probes = len(rest) + len(ping) + len(handshake)
    return {
        "rest": _summary(rest),
        "ping": _summary(ping),
        "handshake": _summary(handshake),
        "seconds": round(seconds, 3),
        "daemon_cpu_s": round(cpu, 3),
        "daemon_cpu_share": round(cpu / seconds, 3) if seconds > 0 else None,
        "probe_requests": probes,
        "daemon_cpu_ms_per_probe": round(cpu * 1000 / probes, 3) if probes else None,
    }


def _ratios(idle: dict[str, Any], flood: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for what in ("rest", "ping", "handshake"):
        for q in ("p50", "p99"):
            out[f"{what}_{q}"] = ratio(flood[what][f"{q}_ms"], idle[what][f"{q}_ms"])
    return out


async def run_variant(extra: tuple[str, ...], probes: int, seconds: float) -> dict[str, Any]:
    async with _ServeProcess(extra) as daemon:
        async with (
            httpx.AsyncClient(base_url=daemon.http_url, timeout=60) as http,
            connect(daemon.ws_url, open_timeout=60, max_size=None) as quiet,
        ):
            await quiet.recv()  # welcome
            await _probe(daemon, http, quiet, WARMUP)
            idle = await _probe(daemon, http, quiet, probes, seconds)
            cpu0, t0 = daemon.cpu_s(), time.monotonic()
            async with _Flooder(daemon.ws_url) as flooder:
                await asyncio.sleep(FLOOD_SETTLE_S)
                flood = await _probe(daemon, http, quiet, probes, seconds)
                flooded = await flooder.stop()
            flood_cpu, flood_seconds = daemon.cpu_s() - cpu0, time.monotonic() - t0
    pongs = int(flooded["received"].get("pong", 0))
    flood["flooder"] = flooded
    flood["flooder_seconds"] = round(flood_seconds, 3)
    # Written into the socket, not read by the daemon: the rest waits in the kernel's buffers.
    flood["flooder_frames_per_s"] = round(flooded["sent"] / flood_seconds) if flood_seconds > 0 else None
    flood["flooder_pongs_per_s"] = round(pongs / flood_seconds, 1) if flood_seconds > 0 else None
    flood["daemon_cpu_share_whole_flood"] = round(flood_cpu / flood_seconds, 3) if flood_seconds > 0 else None
    return {"idle": idle, "flood": flood, "ratio": _ratios(idle, flood)}


async def run_suite(
    probes: int, seconds: float, compare_unlimited: bool, with_daemon: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"probes": probes, "seconds": seconds, "handshake_every": HANDSHAKE_EVERY}
    if not with_daemon:
        out["error"] = "the daemon cannot be started here"
        return out
    variants: dict[str, tuple[str, ...]] = {"limited": ()}
    if compare_unlimited:
        variants["unlimited"] = UNLIMITED
    for name, extra in variants.items():
        try:
            out[name] = await run_variant(extra, probes, seconds)
        except Exception as exc:
            out[name] = {"error": repr(exc)}
    limited = out.get("limited")
    if isinstance(limited, dict) and "ratio" in limited:
        r = limited["ratio"]
        out["goal"] = {
            "text": "one socket flooding pings: REST and another socket's ping p50 stay within 2x of idle",
            "met": bool((r["rest_p50"] or 99) <= 2 and (r["ping_p50"] or 99) <= 2),
        }
    return out
