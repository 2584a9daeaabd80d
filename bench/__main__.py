"""`python -m bench --mode quick|full [--out PATH] [--doc PATH] [--only SUITE,...]`."""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvloop

from bench import (
    browser,
    commit,
    commit_pg,
    connections,
    fanout,
    fanout_fair,
    filtercost,
    flood,
    hooks,
    latency,
    machine,
    report,
    resume,
    slow,
)
from bench.daemon import TidewireHost
from bench.limits import raise_nofile
from bench.modes import MODES, Mode
from bench.profiling import profile
from bench.servers import BroadcastServer, SequentialServer

SUITES = (
    "commit",
    "commit_pg",
    "fanout",
    "slow_consumer",
    "resume",
    "latency",
    "connections",
    "flood",
    "filters",
    "browser",
    "hooks",
)
RESULTS = Path("bench/results")


def _daemon_available() -> str | None:
    """None when the daemon can be built here, else why not (the suites then run baselines only)."""
    try:
        import tidewire.app  # noqa: F401
    except Exception as exc:
        return f"tidewire.app cannot be imported: {exc!r}"
    return None


async def _suite(name: str, mode: Mode, with_daemon: bool) -> dict[str, Any]:
    if name == "commit":
        return await commit.run_suite(mode.commit_events, with_daemon)
    if name == "commit_pg":
        return await commit_pg.run_suite(mode.commit_events, with_daemon)
    if name == "fanout":
        if not with_daemon:
            return {"error": "the daemon cannot be started here"}
        return await fanout_fair.run_suite(
            mode.fanout_clients, mode.fanout_requests, mode.repeats, mode.timeout_s
        )
    if name == "slow_consumer":
        variants: dict[str, Callable[[], Any]] = {}
        if with_daemon:
            variants["a"] = slow.daemon
        variants["b"] = BroadcastServer
        variants["c"] = SequentialServer
        return await slow.run_suite(
            variants, mode.slow_clients, mode.slow_rate, mode.slow_stall_s, mode.timeout_s
        )
    if name == "resume":
        daemon = TidewireHost(retain=mode.resume_events + 1_000) if with_daemon else None
        return await resume.run_suite(daemon, mode.resume_events, mode.timeout_s)
    if name == "latency":
        return await latency.run_suite(
            mode.latency_probes, mode.latency_clients, mode.background_rate, mode.timeout_s, with_daemon
        )
    if name == "connections":
        return await connections.run_suite(mode.connections, mode.timeout_s, with_daemon)
    if name == "flood":
        return await flood.run_suite(
            mode.flood_probes, mode.flood_seconds, mode.flood_compare_unlimited, with_daemon
        )
    if name == "filters":
        return await filtercost.run_suite(mode.filter_sockets, mode.filter_events, with_daemon)
    if name == "browser":
        return await browser.run_suite(mode)
    if name == "hooks":
        return await hooks.run_suite(mode.hook_runs, mode.timeout_s, with_daemon)
    raise ValueError(name)


async def _profiles(results: dict[str, Any], mode: Mode) -> dict[str, Any]:
    """Profile the daemon in the benchmarks whose goal was missed."""
    out: dict[str, Any] = {}
    suites = results["suites"]
    jobs: dict[str, Callable[[], Awaitable[Any]]] = {}
    if _missed(suites.get("fanout")):
        count = max(mode.fanout_min_events, mode.fanout_frames // 100)
        jobs["fanout-100"] = lambda: fanout.run_variant(TidewireHost, 100, count, mode.timeout_s)
    if _missed(suites.get("latency")):
        jobs["latency-load"] = lambda: latency.daemon_latency(
            mode.latency_probes, mode.latency_clients, mode.background_rate, mode.timeout_s
        )
    if _missed(suites.get("resume")):
        jobs["resume"] = lambda: resume.daemon_replay(
            TidewireHost(retain=mode.resume_events + 1_000), mode.resume_events, mode.timeout_s
        )
    if _missed(suites.get("slow_consumer")):
        jobs["slow-consumer"] = lambda: slow.run_one(
            slow.daemon,
            mode.slow_clients,
            mode.slow_rate,
            mode.slow_stall_s,
            mode.timeout_s,
        )
    for label, job in jobs.items():
        try:
            prof = await profile(label, job, RESULTS)
            prof.pop("result", None)
            out[label] = prof
        except Exception as exc:
            out[label] = {"error": repr(exc)}
    return out


def _missed(suite: Any) -> bool:
    return isinstance(suite, dict) and isinstance(suite.get("goal"), dict) and not suite["goal"]["met"]


async def run(mode: Mode, only: tuple[str, ...], with_profiles: bool) -> dict[str, Any]:
    started = datetime.now(UTC)
    t0 = time.monotonic()
    why_not = _daemon_available()
    with_daemon = why_not is None
    results: dict[str, Any] = {
        "mode": mode.name,
        "started": started.isoformat(timespec="seconds"),
        "machine": machine.describe(),
        "daemon": "measured" if with_daemon else f"not measured: {why_not}",
        "suites": {},
    }
    for name in only:
        t_suite = time.monotonic()
        print(f"[bench] {name} ...", flush=True)
        try:
            section = await _suite(name, mode, with_daemon)
        except Exception as exc:
            section = {"error": repr(exc), "traceback": traceback.format_exc(limit=6)}
        section["suite_seconds"] = round(time.monotonic() - t_suite, 1)
        results["suites"][name] = section
        print(f"[bench] {name} done in {section['suite_seconds']} s", flush=True)
    results["goals"] = {
        name: section["goal"]
        for name, section in results["suites"].items()
        if isinstance(section.get("goal"), dict)
    }
    if with_profiles and with_daemon:
        results["profiles"] = await _profiles(results, mode)
    results["duration_s"] = round(time.monotonic() - t0, 1)
    return results


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` with the suites (and their goals and profiles) of `new`; the run notes say which is which."""
    merged = dict(old)
    merged["suites"] = {**old.get("suites", {}), **new["suites"]}
    goals = {k: v for k, v in old.get("goals", {}).items() if k not in new["suites"]}
    merged["goals"] = {**goals, **new.get("goals", {})}
    merged["rerun"] = [*old.get("rerun", []), {"started": new["started"], "suites": sorted(new["suites"])}]
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument(
        "--out", type=Path, default=None, help="results JSON (default bench/results/latest.json)"
    )
    parser.add_argument(
        "--doc",
        type=Path,
        default=None,
        help="Markdown file to update (default: docs/performance.md in full mode, none in quick mode)",
    )
    parser.add_argument(
        "--only", default=",".join(SUITES), help="comma-separated subset of: " + ", ".join(SUITES)
    )
    parser.add_argument("--no-profile", action="store_true", help="skip profiling missed goals (full mode)")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other suites of an existing --out file and replace only the ones run now",
    )
    args = parser.parse_args()
    mode = MODES[args.mode]
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = [s for s in only if s not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(unknown)}")
    raise_nofile()
    out = args.out or RESULTS / "latest.json"
    doc = args.doc or (Path("docs/performance.md") if mode.name == "full" else None)
    results = uvloop.run(run(mode, only, with_profiles=mode.name == "full" and not args.no_profile))
    if args.merge and out.exists():
        results = _merged(json.loads(out.read_text(encoding="utf-8")), results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"[bench] results: {out}")
    if doc is not None:
        report.update_doc(doc, results)
        print(f"[bench] table: {doc}")
    failed = [n for n, s in results["suites"].items() if "error" in s]
    if failed:
        print(f"[bench] suites that could not run: {', '.join(failed)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
