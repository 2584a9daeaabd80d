"""`tidewire conformance client -- CMD...`: run CMD against a scripted fake daemon, case by case."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from .client_cases import CASES
from .client_scenario import ClientCase, run_case
from .report import Case, Report

SUITE = "tidewire.conformance.client"


def select(names: Sequence[str] | None) -> list[ClientCase]:
    """The cases to run, in their usual order; raises ValueError naming unknown ones."""
    if not names:
        return list(CASES)
    unknown = [n for n in names if n not in {c.name for c in CASES}]
    if unknown:
        raise ValueError(f"no case named {', '.join(unknown)} (see --list)")
    return [c for c in CASES if c.name in names]


def _command(raw: Sequence[str]) -> list[str]:
    cmd = list(raw)
    if cmd[:1] == ["--"]:
        cmd = cmd[1:]
    return cmd


async def _run(cases: Sequence[ClientCase], cmd: Sequence[str], report: Report) -> None:
    for spec in cases:

        async def play(spec: ClientCase = spec) -> None:
            await run_case(spec, cmd)

        await report.run(Case(spec.name, spec.rule, play), spec.limit)


def main(args: argparse.Namespace) -> int:
    try:
        cases = select(args.cases)
    except ValueError as exc:
        print(f"tidewire conformance client: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for c in cases:
            print(f"{c.name}\t{c.rule}")
        return 0
    cmd = _command(args.cmd)
    if not cmd:
        print(
            "tidewire conformance client: give the client to run after --, e.g. "
            "tidewire conformance client -- python my_driver.py",
            file=sys.stderr,
        )
        return 2
    report = Report(SUITE)
    asyncio.run(_run(cases, cmd, report))
    print(report.summary(), flush=True)
    if args.junit is not None:
        report.write_junit(args.junit)
    return report.exit_code()
