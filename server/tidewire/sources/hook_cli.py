"""`tidewire hook` and `tidewire install-hooks`.

`tidewire hook` is run by an agent CLI on every hook call. The work is done by
`tidewire.sources.hook_spool` (stdlib only, also runnable as a script, which is what
install-hooks installs because it starts in a few milliseconds); this entry point gives it
the main CLI's argument parsing and help.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tidewire.sources import hook_spool
from tidewire.sources.daemon_url import base_url
from tidewire.sources.install_hooks import add_install_parser


def daemon_url(explicit: str | None) -> str:
    return base_url(explicit)


def hook_main(args: argparse.Namespace) -> int:
    opts = hook_spool.Options()
    opts.source = args.source
    opts.url = args.url
    opts.token = args.token
    opts.timeout = args.timeout
    opts.verbose = args.verbose
    opts.data_dir = args.data_dir
    opts.spool_max_bytes = args.spool_max_bytes
    opts.payload = args.payload
    if not hook_spool.valid_source(opts.source):
        print(f"tidewire hook: --source {opts.source!r}: letters, digits, '_' and '-' only", file=sys.stderr)
        return 0
    return hook_spool.run(opts)


def _max_bytes_default() -> int:
    value = os.environ.get("TIDEWIRE_HOOK_SPOOL_MAX_BYTES")
    try:
        return int(value) if value else hook_spool.DEFAULT_MAX_BYTES
    except ValueError:
        return hook_spool.DEFAULT_MAX_BYTES


def add_parser(subparsers: Any) -> None:
    """Registers `hook` and `install-hooks` on the main CLI's subparsers."""
    hook = subparsers.add_parser("hook", help="forward one agent CLI hook payload (stdin) to the daemon")
    hook.add_argument("--source", default="claude", help="the agent CLI: claude, gemini, codex, ...")
    hook.add_argument(
        "--url",
        default=None,
        help="the daemon's base URL (default: $TIDEWIRE_URL, else http://127.0.0.1:$TIDEWIRE_PORT or :8787)",
    )
    hook.add_argument("--token", default=None, help="daemon token (default: $TIDEWIRE_TOKEN)")
    hook.add_argument(
        "--timeout",
        type=float,
        default=hook_spool.DEFAULT_TIMEOUT_S,
        help="seconds to wait for the daemon before spooling the call",
    )
    hook.add_argument(
        "--data-dir",
        default=None,
        help="the daemon's data dir, which holds the spool (default: $TIDEWIRE_DATA_DIR, else the default)",
    )
    hook.add_argument(
        "--spool-max-bytes",
        type=int,
        default=_max_bytes_default(),
        help="largest size of the spool (default: $TIDEWIRE_HOOK_SPOOL_MAX_BYTES, else 64 MiB)",
    )
    hook.add_argument("--verbose", action="store_true", help="report the outcome on stderr")
    hook.add_argument("payload", nargs="?", default=None, help="payload as an argument (Codex notify)")
    hook.set_defaults(func=hook_main, handler=hook_main)
    add_install_parser(subparsers)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (`python -m tidewire.sources.hook_cli hook ...`)."""
    parser = argparse.ArgumentParser(prog="tidewire")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
