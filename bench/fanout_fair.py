"""Fan-out measured from outside: the real `tidewire serve` process against baselines that get the same
clients, the same frames and the same loop, with the server's CPU per delivered frame beside frames/s.

Per run, one fresh server process and one client process (`bench.clients`, N connections subscribed
to `task.*`):

- (a) `tidewire serve`; the events are committed by `POST /api/tasks/{id}/expand`, 50 subtasks a
  request (51 events: 50 `task.created` and one `task.expanded`, one transaction), 4 requests in
  flight, from this process;
- (b) `websockets.broadcast`, (c) `await send()` to each client in turn, (e) the floor (the frame
  encoded once, `transport.write` of the same bytes to each client): each in `bench.fanserver`,
  on asyncio's default loop like the daemon, compression off like the daemon, sending the very
  frames the daemon committed in the first run at this N (read back from its database), in the same
  groups of 51 with one yield to the loop per group.

The server's CPU time (user + system, read by psutil from the kernel's accounting of that process)
over the run, divided by the frames delivered, is the steadier figure on a shared machine: it does
not depend on how much of a core the server was given. Ratios are taken within one repeat (the
variants of a repeat run back to back); each repeat also records how many cores everything else on
the machine used meanwhile, and the report reads the quietest repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.clients import ClientConfig
from bench.fanout import summarise
from bench.flood import _ServeProcess
from bench.loadproc import ClientProcess
from bench.stats import ratio

SUBTASKS = 50
GROUP = SUBTASKS + 1  # one expand commits its subtasks' `task.created` and the parent's `task.expanded`
IN_FLIGHT = 4
# Counted frames: every task event (the clients skip parsing them).
COUNT_MATCH = '"type":"task.'
# Brings a `task.created` frame of a subtask to about 480 bytes, the size in the figures.
DESCRIPTION = "Fan-out subtask."
BASELINES = ("b", "c", "e")
VARIANTS = ("a", *BASELINES)


def _cpu_s(pid: int) -> float:
    """CPU seconds of every thread of ``pid`` from the scheduler's nanosecond accounting.

    psutil's user + system time counts in clock ticks (10 ms), too coarse for the floor's fraction
    of a second; the scheduler's own figure (``/proc/PID/task/*/schedstat``) is exact. Threads
    that exit during the run take their time with them, so ``_cpu_ticks_s`` is kept beside it.
    """
    total = 0
    task_dir = Path(f"/proc/{pid}/task")
    for task in task_dir.iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def _cpu_ticks_s(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _busy_s() -> float:
    """CPU seconds used by everything on the machine (all cores), since boot."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


class _Accounting:
    """CPU of the server, the client process, this process and everyone else over one run."""

    def __init__(self, server_pid: int, client_pid: int) -> None:
        self.pids = (server_pid, client_pid)
        self.start = self._sample()

    def _sample(self) -> tuple[float, float, float, float, float, float]:
        server, clients = (_cpu_s(p) for p in self.pids)
        ticks = _cpu_ticks_s(self.pids[0])
        return time.monotonic(), server, clients, time.process_time(), _busy_s(), ticks

    def finish(self, frames: int) -> dict[str, Any]:
        end = self._sample()
        wall, server, clients, own, busy, ticks = (b - a for a, b in zip(self.start, end, strict=True))
        others = max(0.0, busy - server - clients - own)
        return {
            "server_cpu_s": round(server, 4),
            "server_cpu_s_ticks": round(ticks, 2),
            "server_cpu_us_per_frame": round(server * 1e6 / frames, 3) if frames else None,
            "server_cpu_share": round(server / wall, 3) if wall > 0 else None,
            "client_cpu_share": round(clients / wall, 3) if wall > 0 else None,
            "others_cores": round(others / wall, 3) if wall > 0 else None,
        }


def _client_config(url: str, n: int, protocol: str, expect: int, timeout_s: float) -> ClientConfig:
    return ClientConfig(
        url=url,
        n=n,
        protocol=protocol,
        subscribe=["task.*"] if protocol == "tidewire" else [],
        expect=expect,
        timeout_s=timeout_s,
        count_match=COUNT_MATCH,
    )


def _expansion(parent: int) -> dict[str, Any]:
    return {
        "subtasks": [
            {"title": f"Fan-out subtask {parent:04d}.{j:02d}", "description": DESCRIPTION}
            for j in range(SUBTASKS)
        ]
    }


async def _post_all(http: httpx.AsyncClient, parents: list[str]) -> None:
    sem = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int, parent: str) -> None:
        async with sem:
            r = await http.post(f"/api/tasks/{parent}/expand", json=_expansion(i))
            r.raise_for_status()

    await asyncio.gather(*(one(i, p) for i, p in enumerate(parents)))


def _frames_after(db: Path, after_seq: int) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT frame FROM events WHERE seq > ? ORDER BY seq", (after_seq,)).fetchall()
    return [str(r[0]) for r in rows]


async def run_daemon(n: int, requests: int, timeout_s: float) -> tuple[dict[str, Any], list[str]]:
    """One run of (a); also returns the frames it committed, as the baselines' input."""
    expect = requests * GROUP
    async with _ServeProcess(("--max-connections", str(n + 64))) as daemon:
        async with httpx.AsyncClient(base_url=daemon.http_url, timeout=60) as http:
            parents = []
            for i in range(requests):
                r = await http.post("/api/tasks", json={"title": f"Fan-out parent {i}"})
                r.raise_for_status()
                parents.append(str(r.json()["id"]))
            head = int((await http.get("/api/events", params={"limit": 1})).json()["seq"])
            cfg = _client_config(daemon.ws_url, n, "tidewire", expect, timeout_s)
            async with ClientProcess(cfg) as clients:
                _check_connected(clients, n, "a")
                assert daemon.proc is not None and clients.proc is not None
                acct = _Accounting(daemon.proc.pid, clients.proc.pid)
                t0 = time.monotonic_ns()
                await _post_all(http, parents)
                emit_s = (time.monotonic_ns() - t0) / 1e9
                per_client = await clients.result()
                out = summarise(per_client, t0, expect, set(), emit_s)
                out.update(acct.finish(out["frames_delivered"]))
            frames = _frames_after(daemon.tmp / "data" / "tidewire.db", head)
    out["frame_bytes_mean"] = round(sum(len(f.encode()) for f in frames) / len(frames), 1) if frames else None
    return out, frames


class _FanServerProcess:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""
        self.pid = 0

    async def __aenter__(self) -> _FanServerProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fanserver",
            self.kind,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        hello = await self._line("url", 60)
        self.url, self.pid = str(hello["url"]), int(hello["pid"])
        return self

    async def _line(self, key: str, limit_s: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), limit_s)
            if not raw:
                raise RuntimeError(f"baseline {self.kind} exited before sending {key!r}")
            obj: dict[str, Any] = json.loads(raw)
            if key in obj:
                return obj

    async def command(self, line: str, key: str, limit_s: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        return await self._line(key, limit_s)

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        assert self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.proc.stdin.write(b"stop\n")
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def run_baseline(kind: str, n: int, frames_file: Path, expect: int, timeout_s: float) -> dict[str, Any]:
    async with _FanServerProcess(kind) as server:
        cfg = _client_config(server.url, n, "plain", expect, timeout_s)
        async with ClientProcess(cfg) as clients:
            _check_connected(clients, n, kind)
            await server.command(f"wait {n}", "clients", 60)
            await server.command(f"load {frames_file}", "loaded", 60)
            assert clients.proc is not None
            acct = _Accounting(server.pid, clients.proc.pid)
            t0 = time.monotonic_ns()
            await server.command("emit", "emitted", timeout_s + 30)
            emit_s = (time.monotonic_ns() - t0) / 1e9
            per_client = await clients.result()
            out = summarise(per_client, t0, expect, set(), emit_s)
            out.update(acct.finish(out["frames_delivered"]))
    return out


def _check_connected(clients: ClientProcess, n: int, name: str) -> None:
    connected = int(clients.ready.get("connected", 0))
    if connected < n:
        raise RuntimeError(f"{name}: only {connected}/{n} clients connected: {clients.ready}")


def repeat_ratios(rep: dict[str, Any]) -> dict[str, float | None]:
    """a over each baseline, within this one repeat: CPU per frame and frames/s."""
    out: dict[str, float | None] = {}
    a = rep.get("a") or {}
    for base in BASELINES:
        b = rep.get(base) or {}
        out[f"cpu_a_over_{base}"] = ratio(a.get("server_cpu_us_per_frame"), b.get("server_cpu_us_per_frame"))
        out[f"fps_a_over_{base}"] = ratio(a.get("frames_per_s"), b.get("frames_per_s"))
    return out


def _others(rep: dict[str, Any]) -> float:
    values = [
        r["others_cores"] for r in rep.values() if isinstance(r, dict) and r.get("others_cores") is not None
    ]
    return sum(values) / len(values) if values else float("inf")


async def _guarded(job: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    try:
        return await job()
    except Exception as exc:
        return {"error": repr(exc)}


async def run_size(n: int, requests: int, repeats: int, timeout_s: float, work: Path) -> dict[str, Any]:
    expect = requests * GROUP
    frames_file = work / f"frames-{n}.json"
    runs: list[dict[str, Any]] = []
    for _ in range(repeats):
        rep: dict[str, Any] = {}
        try:
            rep["a"], frames = await run_daemon(n, requests, timeout_s)
            if not frames_file.exists():
                frames_file.write_text(json.dumps({"frames": frames, "group": GROUP}), encoding="utf-8")
        except Exception as exc:
            rep["a"] = {"error": repr(exc)}
        if not frames_file.exists():
            raise RuntimeError(f"the daemon's frames are needed for the baselines: {rep['a']}")
        for kind in BASELINES:
            rep[kind] = await _guarded(
                lambda kind=kind: run_baseline(kind, n, frames_file, expect, timeout_s)  # type: ignore[misc]
            )
        rep["ratios"] = repeat_ratios(rep)
        rep["others_cores"] = round(_others({k: rep[k] for k in VARIANTS}), 3)
        runs.append(rep)
    quietest = min(range(len(runs)), key=lambda i: runs[i]["others_cores"])
    return {"clients": n, "events": expect, "repeats": runs, "quietest": quietest}


GOAL_TEXT = (
    "at N=100 and N=1,000, in the quietest repeat: daemon CPU per frame <= 1.5x (b) and <= 3x (e), "
    "frames/s >= 0.9x (b)"
)


def goal(rows: list[dict[str, Any]]) -> dict[str, Any]:
    judged = [r for r in rows if r["clients"] in (100, 1_000)]
    met = bool(judged)
    for r in judged:
        x = r["repeats"][r["quietest"]]["ratios"]
        cpu_b, cpu_e, fps_b = x.get("cpu_a_over_b"), x.get("cpu_a_over_e"), x.get("fps_a_over_b")
        met = met and cpu_b is not None and cpu_b <= 1.5 and cpu_e is not None and cpu_e <= 3
        met = met and fps_b is not None and fps_b >= 0.9
    sizes = ", ".join(f"{r['clients']:,}" for r in judged) or "none"
    return {"text": f"{GOAL_TEXT} (measured at N = {sizes})", "met": met}


async def run_suite(sizes: tuple[int, ...], requests: int, repeats: int, timeout_s: float) -> dict[str, Any]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="tidewire-fanout-") as tmp:
        for n in sizes:
            rows.append(await run_size(n, requests, repeats, timeout_s, Path(tmp)))
    return {
        "rows": rows,
        "requests": requests,
        "subtasks_per_request": SUBTASKS,
        "in_flight": IN_FLIGHT,
        "goal": goal(rows),
    }
