"""`tidewire conformance server URL`: the server cases run one after another against URL, each
with its own connections and a time limit, reported a line each (and as JUnit with --junit)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from .report import Case, Report
from .server_cases import Server, all_cases

DEFAULT_LIMIT_S = 15.0


async def _heartbeat_ms(server: Server) -> int:
    """The server's heartbeat, from one welcome, to bound the heartbeat case; the default if the
    server cannot be reached (then every case fails and says why)."""
    try:
        async with server.connect() as peer:
            return int(peer.welcome["heartbeat_ms"])
    except Exception:
        return server.heartbeat_ms


def select(cases: list[Case], names: list[str] | None) -> list[Case]:
    if not names:
        return cases
    known = {c.name for c in cases}
    unknown = [n for n in names if n not in known]
    if unknown:
        print(
            f"tidewire conformance server: unknown case(s) {', '.join(unknown)}; see --list", file=sys.stderr
        )
        raise SystemExit(2)
    return [c for c in cases if c.name in names]


async def run(server: Server, names: list[str] | None, report: Report) -> None:
    server = Server(server.url, server.token, server.max_lag, await _heartbeat_ms(server), server.wait_s)
    for case in select(all_cases(server), names):
        await report.run(case, case.limit_s or DEFAULT_LIMIT_S)


def main(args: argparse.Namespace) -> int:
    token = args.token if args.token is not None else os.environ.get("TIDEWIRE_TOKEN") or None
    server = Server(args.url, token, args.max_lag, wait_s=args.wait)
    if args.list:
        for case in select(all_cases(server), args.cases):
            print(f"{case.name}  {case.rule}")
        return 0
    report = Report("tidewire.conformance.server")
    asyncio.run(run(server, args.cases, report))
    print(report.summary(), file=sys.stdout, flush=True)
    if args.junit is not None:
        report.write_junit(args.junit)
    return report.exit_code()
