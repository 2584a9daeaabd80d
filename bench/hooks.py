"""8. Hook overhead: the wall time a hook adds to an agent's tool call, beside `true`.

Claude Code runs a `"type": "command"` hook through the shell with the hook's JSON on stdin
and waits for it to exit. So each option is run here the same way (`/bin/sh -c COMMAND`, the
payload on stdin, a real `tidewire serve` subprocess behind it), interleaved round by round
with `sh -c true` (the baseline: a hook that does nothing), and the overhead is the option's
median / p99 minus the baseline's, both measured in the same run:

- `python`: `python -I -S -c pass`, the interpreter's start alone (the floor of any Python hook);
- `lean`: the command `install-hooks` writes (`python -I -S .../hook_spool.py`, stdlib only);
- `cli`: `tidewire hook` through the console script (the same work after the CLI's imports);
- `http`: what Claude Code's `"type": "http"` hooks do, a POST of the payload to
  `/api/hooks/claude` from a client that keeps its connection (no process per call);
- `lean_daemon_down`: the lean command with the daemon stopped, so each call goes to the
  spool (written, fsynced, renamed) instead.

CPU per call is the children's user+system time (`RUSAGE_CHILDREN`) over the calls.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.servers import free_port
from bench.stats import median, percentile

GOAL_MEDIAN_MS = 30.0
GOAL_P99_MS = 100.0
PAYLOAD = json.dumps(
    {
        "session_id": "6f1c2a9e-bench-0000-0000-000000000001",
        "transcript_path": "/tmp/bench-transcript.jsonl",
        "cwd": "/tmp",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "ls -la", "description": "List files"},
    }
).encode()


def _shell_run(command: str, env: dict[str, str]) -> float:
    """One hook call as Claude Code makes it; its wall time in ms."""
    t0 = time.perf_counter()
    subprocess.run(
        ["/bin/sh", "-c", command],
        input=PAYLOAD,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    return (time.perf_counter() - t0) * 1000.0


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _summary(samples: list[float], cpu_s: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "runs": len(samples),
        "median_ms": median(samples),
        "p99_ms": percentile(samples, 99),
        "max_ms": max(samples) if samples else None,
    }
    if cpu_s is not None and samples:
        out["cpu_ms_per_call"] = cpu_s * 1000.0 / len(samples)
    return out


def _overhead(option: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    def minus(key: str) -> float | None:
        a, b = option.get(key), base.get(key)
        return None if a is None or b is None else float(a) - float(b)

    return {"median_ms": minus("median_ms"), "p99_ms": minus("p99_ms")}


class _Daemon:
    """A real `tidewire serve` subprocess on a free port with a throwaway data dir."""

    def __init__(self) -> None:
        self.port = free_port()
        self.data_dir = Path(tempfile.mkdtemp(prefix="tidewire-bench-hooks-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float) -> None:
        cmd = [sys.executable, "-m", "tidewire", "serve", "--port", str(self.port)]
        cmd += ["--data-dir", str(self.data_dir)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWIRE_")}
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the daemon exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the daemon did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _commands(daemon: _Daemon) -> dict[str, str]:
    from tidewire.sources.install_hooks import hook_command

    lean = hook_command("claude", daemon.url, None, str(daemon.data_dir))
    console = Path(sys.executable).with_name("tidewire")
    cli_argv = [str(console)] if console.exists() else [sys.executable, "-m", "tidewire"]
    cli = shlex.join([*cli_argv, "hook", "--source", "claude", "--url", daemon.url])
    cli += " --data-dir " + shlex.quote(str(daemon.data_dir))
    python = shlex.join([sys.executable, "-I", "-S", "-c", "pass"])
    return {"true": "true", "python": python, "lean": lean, "cli": cli}


def _interleaved(
    runs: int, options: dict[str, Callable[[], float]], warmup: int = 2
) -> dict[str, dict[str, Any]]:
    """Each option once per round, the order rotated each round, so drift hits all of them alike."""
    names = list(options)
    for _ in range(warmup):
        for name in names:
            options[name]()
    samples: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, float] = dict.fromkeys(names, 0.0)
    for i in range(runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            before = _children_cpu_s()
            samples[name].append(options[name]())
            cpu[name] += _children_cpu_s() - before
    return {n: _summary(samples[n], cpu[n]) for n in names}


def measure(runs: int, timeout_s: float) -> dict[str, Any]:
    daemon = _Daemon()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWIRE_")}
    try:
        daemon.start(timeout_s)
        commands = _commands(daemon)
        with httpx.Client(base_url=daemon.url, timeout=timeout_s) as http:

            def post() -> float:
                t0 = time.perf_counter()
                r = http.post(
                    "/api/hooks/claude", content=PAYLOAD, headers={"Content-Type": "application/json"}
                )
                r.raise_for_status()
                return (time.perf_counter() - t0) * 1000.0

            up = _interleaved(
                runs,
                {
                    "true": lambda: _shell_run(commands["true"], env),
                    "python": lambda: _shell_run(commands["python"], env),
                    "lean": lambda: _shell_run(commands["lean"], env),
                    "cli": lambda: _shell_run(commands["cli"], env),
                    "http": post,
                },
            )
            seen = int(http.get("/api/health").json()["seq"])
        daemon.stop()
        down = _interleaved(
            runs,
            {
                "true": lambda: _shell_run(commands["true"], env),
                "lean_daemon_down": lambda: _shell_run(commands["lean"], env),
            },
        )
        spooled = len(list((daemon.data_dir / "hook-spool").glob("*.hook")))
    finally:
        daemon.cleanup()
    base = up["true"]
    out: dict[str, Any] = {
        "runs": runs,
        "options": {**up, "lean_daemon_down": down["lean_daemon_down"], "true_daemon_down": down["true"]},
        "overhead": {name: _overhead(up[name], base) for name in ("python", "lean", "cli", "http")},
        "daemon_seq_after": seen,
        "spooled_while_down": spooled,
        "lean_command": commands["lean"],
    }
    out["overhead"]["lean_daemon_down"] = _overhead(down["lean_daemon_down"], down["true"])
    lean = out["overhead"]["lean"]
    out["goal"] = {
        "text": f"hook (lean command) adds at most {GOAL_MEDIAN_MS:g} ms median and "
        f"{GOAL_P99_MS:g} ms p99 over `true`",
        "met": bool(
            lean["median_ms"] is not None
            and lean["p99_ms"] is not None
            and lean["median_ms"] <= GOAL_MEDIAN_MS
            and lean["p99_ms"] <= GOAL_P99_MS
        ),
    }
    return out


async def run_suite(runs: int, timeout_s: float, with_daemon: bool) -> dict[str, Any]:
    if not with_daemon:
        return {"error": "the daemon cannot be built here"}
    import asyncio

    # Blocking subprocess runs: off the bench's event loop, which has nothing else to do meanwhile.
    return await asyncio.to_thread(measure, runs, timeout_s)
