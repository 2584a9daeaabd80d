"""``tidewire`` command line: ``serve`` plus whatever feature modules are installed."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__

# Modules that add a subcommand through ``add_parser(subparsers)``; one that is absent is skipped.
FEATURE_MODULES = (
    "tidewire.mcp.stdio",
    "tidewire.tail",
    "tidewire.sources.hook_cli",
    "tidewire.conformance.cli",
)


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_parser() -> argparse.ArgumentParser:
    from . import serve  # imports the whole server: only when a command needs the full parser

    parser = argparse.ArgumentParser(prog="tidewire", description="Coordinate coding agents; live dashboard.")
    parser.add_argument("--version", action="version", version=f"tidewire {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve.add_parser(subparsers)
    _add_store_parser(subparsers)
    for name in FEATURE_MODULES:
        if not _exists(name):
            continue
        try:
            importlib.import_module(name).add_parser(subparsers)
        except Exception as exc:  # a broken feature must not take the other commands down
            print(f"tidewire: warning: {name} is unavailable: {exc}", file=sys.stderr)
    return parser


def _add_store_parser(subparsers: Any) -> None:
    store = subparsers.add_parser("store", help="work on a daemon's store while no daemon uses it")
    commands = store.add_subparsers(dest="store_command", metavar="STORE_COMMAND", required=True)
    p = commands.add_parser(
        "copy",
        help="copy a SQLite store (state, event log, epoch) into an empty PostgreSQL database",
        description=(
            "Copy a stopped SQLite daemon's state and event log, with its epoch and seqs, into a "
            "PostgreSQL database that is empty (or already holds this copy: then nothing is done), "
            "in one transaction, and verify the copy (docs/operations.md, 'Moving from SQLite')."
        ),
    )
    p.add_argument("source", metavar="SOURCE", help="sqlite:///path/to/tidewire.db (or the data directory)")
    p.add_argument("target", metavar="TARGET", help="postgresql://user@host:port/database")
    p.set_defaults(func=_store_copy)


def _store_copy(args: argparse.Namespace) -> int:
    from .store_pg.copy import CopyError, copy_store, report

    try:
        outcome = copy_store(args.source, args.target)
    except CopyError as exc:
        print(f"tidewire: {exc.message}", file=sys.stderr)
        return exc.exit_code
    print(report(outcome))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["hook"]:
        # Agent CLIs run `tidewire hook` on every hook call: skip importing the server (~1 s).
        from .sources.hook_cli import main as hook_main

        return hook_main(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    result = func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
