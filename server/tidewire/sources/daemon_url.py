"""One meaning for `TIDEWIRE_URL`: the daemon's base URL (`http://host:port`).

`tidewire hook`, `tidewire mcp` and `tidewire tail` share an environment inside agent runs,
so they read the same value and each derives its own endpoint from it (`/api/hooks/...`,
`/mcp`, `ws://.../ws`). A full endpoint URL (`.../mcp`, `ws://.../ws`) given with `--url`
(or left over in the environment from older setups) is still understood: its endpoint path
is dropped to get back to the base. Standard library only, as `tidewire hook` imports it
on every hook call.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from collections.abc import Mapping

DEFAULT_PORT = 8787
_ENDPOINT_PATHS = ("/mcp", "/ws")
_HTTP_SCHEME = {"http": "http", "https": "https", "ws": "http", "wss": "https"}
_WS_SCHEME = {"http": "ws", "https": "wss"}


class BadDaemonUrl(ValueError):
    pass


def base_url(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The daemon's base URL from `--url`, else `$TIDEWIRE_URL`, else `$TIDEWIRE_PORT`, else the default."""
    env = os.environ if env is None else env
    value = explicit or env.get("TIDEWIRE_URL") or ""
    if not value.strip():
        port = env.get("TIDEWIRE_PORT") or str(DEFAULT_PORT)
        value = f"http://127.0.0.1:{port}"
    return normalize(value)


def normalize(value: str) -> str:
    """`value` as a base URL: http(s) scheme, no trailing slash, no `/mcp` or `/ws` endpoint path."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text  # `127.0.0.1:9000` is plainly meant as a plain-HTTP address
    parts = urllib.parse.urlsplit(text)
    scheme = _HTTP_SCHEME.get(parts.scheme.lower())
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked for it
    except ValueError:
        scheme = None
    if scheme is None or not parts.hostname:
        raise BadDaemonUrl(f"{value!r} is not a daemon URL (expected http://HOST:PORT)")
    path = parts.path.rstrip("/")
    for endpoint in _ENDPOINT_PATHS:
        if path.endswith(endpoint):
            path = path[: -len(endpoint)]
            break
    return urllib.parse.urlunsplit((scheme, parts.netloc, path, "", ""))


def mcp_url(base: str) -> str:
    return base + "/mcp"


def ws_url(base: str) -> str:
    scheme, rest = base.split("://", 1)
    return f"{_WS_SCHEME[scheme]}://{rest}/ws"


def local_url(host: str, port: int) -> str:
    """The URL a process on this machine uses to reach a daemon bound to `host`.

    A wildcard bind (0.0.0.0, ::) is no address to connect to, and the daemon's Host check
    answers to loopback names: such binds are reached over loopback. IPv6 literals are
    bracketed, as URLs require.
    """
    name = host.strip().strip("[]") or "0.0.0.0"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return f"http://{name}:{port}"  # a host name
    if address.is_unspecified:
        address = ipaddress.ip_address("127.0.0.1" if address.version == 4 else "::1")
    return f"http://{'[' + str(address) + ']' if address.version == 6 else address}:{port}"
