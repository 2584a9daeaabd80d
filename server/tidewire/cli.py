"""``tidewire`` command line: ``serve`` plus whatever feature modules are installed."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from . import __version__, serve

# Modules that add a subcommand through ``add_parser(subparsers)``; one that is absent is skipped.
FEATURE_MODULES = (
    "tidewire.mcp.stdio",
    "tidewire.tail",
    "tidewire.sources.hook_cli",
)


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tidewire", description="Coordinate coding agents; live dashboard.")
    parser.add_argument("--version", action="version", version=f"tidewire {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve.add_parser(subparsers)
    for name in FEATURE_MODULES:
        if not _exists(name):
            continue
        try:
            importlib.import_module(name).add_parser(subparsers)
        except Exception as exc:  # a broken feature must not take the other commands down
            print(f"tidewire: warning: {name} is unavailable: {exc}", file=sys.stderr)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    result = func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
