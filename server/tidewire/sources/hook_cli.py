"""`tidewire hook` and `tidewire install-hooks`.

`tidewire hook` is run by an agent CLI on every hook call, so it must never block or
disturb the agent: it posts the payload to the running daemon with short timeouts,
prints nothing on stdout (Claude Code adds a hook's stdout to the conversation for some
hooks) and exits 0 whatever happens. It uses urllib from the standard library instead of
httpx to keep the start-up cost of this per-call process small.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from tidewire.sources.daemon_url import base_url
from tidewire.sources.install_hooks import install_hooks_main

# Largest payload read from stdin; tool responses beyond this are not worth blocking on.
_MAX_STDIN = 16 * 1024 * 1024
_CONNECT_TIMEOUT_S = 1.0


def daemon_url(explicit: str | None) -> str:
    return base_url(explicit)


def _read_payload(argv_payload: str | None) -> bytes:
    # Codex's notify passes the JSON as the last argument instead of on stdin.
    if argv_payload:
        return argv_payload.encode("utf-8")
    if sys.stdin is None or sys.stdin.isatty():
        return b""
    return sys.stdin.buffer.read(_MAX_STDIN)


def post_hook(url: str, source: str, body: bytes, token: str | None, timeout: float) -> int | None:
    """POSTs one payload; returns the HTTP status, or None when the daemon cannot be reached."""
    request = urllib.request.Request(
        f"{url}/api/hooks/{urllib.parse.quote(source, safe='')}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def hook_main(args: argparse.Namespace) -> int:
    try:
        body = _read_payload(args.payload)
        if not body.strip():
            return 0
        token = args.token or os.environ.get("TIDEWIRE_TOKEN")
        status = post_hook(daemon_url(args.url), args.source, body, token, args.timeout)
        if args.verbose:
            outcome = "daemon not reachable" if status is None else f"HTTP {status}"
            print(f"tidewire hook: {outcome}", file=sys.stderr)
    except Exception as exc:  # the agent CLI must never see a failing hook
        if args.verbose:
            print(f"tidewire hook: {exc}", file=sys.stderr)
    return 0


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
        "--timeout", type=float, default=_CONNECT_TIMEOUT_S * 2, help="seconds before giving up"
    )
    hook.add_argument("--verbose", action="store_true", help="report the outcome on stderr")
    hook.add_argument("payload", nargs="?", default=None, help="payload as an argument (Codex notify)")
    hook.set_defaults(func=hook_main, handler=hook_main)

    install = subparsers.add_parser("install-hooks", help="add tidewire hooks to an agent CLI's settings")
    install.add_argument("--source", default="claude", choices=["claude", "gemini"])
    install.add_argument("--settings", default=None, help="settings file (default: the CLI's user settings)")
    install.add_argument("--url", default=None, help="daemon URL written into the hook command")
    install.add_argument("--command", dest="hook_command", default=None, help="hook command to install")
    install.add_argument("--dry-run", action="store_true", help="print the merged settings, write nothing")
    install.set_defaults(func=install_hooks_main, handler=install_hooks_main)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (`python -m tidewire.sources.hook_cli hook ...`)."""
    parser = argparse.ArgumentParser(prog="tidewire")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
