"""`tidewire conformance server URL` and `tidewire conformance client -- CMD...`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "conformance",
        help="check a tidewire.v1 server or client against docs/protocol.md",
        description=(
            "Scripted checks of a tidewire.v1 server or client, one line per case, each naming the "
            "rule of docs/protocol.md it checks. Exit status 1 on any failure."
        ),
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    server = kinds.add_parser("server", help="check a server at URL (http://HOST:PORT)")
    server.add_argument("url", metavar="URL", help="the server's base URL, e.g. http://127.0.0.1:8787")
    client = kinds.add_parser("client", help="run CMD as a client against a scripted fake daemon")
    client.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- CMD ...", help="the client under test")
    for sub in (server, client):
        sub.add_argument(
            "--junit", type=Path, default=None, metavar="FILE", help="also write a JUnit XML report"
        )
        sub.add_argument(
            "-k",
            "--case",
            dest="cases",
            action="append",
            default=None,
            metavar="NAME",
            help="run only the named case (repeatable)",
        )
        sub.add_argument("--list", action="store_true", help="list the cases and the rules they check")
    server.add_argument("--token", default=None, help="the server's token (default: $TIDEWIRE_TOKEN)")
    server.add_argument(
        "--max-lag",
        type=int,
        default=10000,
        metavar="N",
        help="the server's max_lag, events a stalled socket may fall behind before resync overflow "
        "(default 10000, the documented default)",
    )
    server.add_argument(
        "--wait",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long a case waits for each frame it expects before it fails (default 5)",
    )
    server.set_defaults(func=_server)
    client.set_defaults(func=_client)


def _server(args: argparse.Namespace) -> int:
    from .server_kit import main

    return main(args)


def _client(args: argparse.Namespace) -> int:
    from .client_kit import main

    return main(args)
