"""Host, Origin and token checks for every HTTP request and socket handshake.

- Host: must name the daemon (``127.0.0.1``, ``localhost``, ``[::1]`` with its port, plus
  the bind address and ``--allow-host`` names), so a DNS-rebinding page cannot reach it.
- Origin: a browser request must come from the daemon's own origins or ``--allow-origin``;
  requests without an Origin (non-browser clients) are accepted.
- Token (required when bound beyond loopback, optional otherwise): ``Authorization: Bearer T``,
  the ``X-Tidewire-Token`` header, the ``tidewire_token`` cookie, or ``?token=T`` in the URL
  (what a browser can do for a WebSocket). A page opened with ``?token=T`` gets the cookie, so
  the web UI's own fetches and socket carry it from then on.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from .config import Settings, is_loopback

TOKEN_COOKIE = "tidewire_token"
TOKEN_HEADER = "x-tidewire-token"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    status: int = 200
    code: str = "ok"
    message: str = ""


OK = Verdict(True)


def _norm_origin(origin: str) -> str:
    parts = urlsplit(origin.strip().lower())
    if not parts.scheme or not parts.netloc:
        return origin.strip().lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return origin.strip().lower()
    netloc = host if port is None or port == default else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}"


class SecurityPolicy:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.token = settings.token
        port = settings.port
        names = {"127.0.0.1", "localhost", "[::1]"}
        if not is_loopback(settings.host) and settings.host not in ("0.0.0.0", "::", ""):
            names.add(f"[{settings.host}]" if ":" in settings.host else settings.host.lower())
        self.any_host = False
        self.allowed_hosts = {f"{n}:{port}" for n in names}
        for host in settings.allow_hosts:
            host = host.strip().lower()
            if host == "*":
                # Only sensible behind a token: any name reaches the daemon.
                self.any_host = True
            elif host.rsplit(":", 1)[-1].isdigit() and not host.endswith("]"):
                self.allowed_hosts.add(host)
            else:
                self.allowed_hosts.add(f"{host}:{port}")
        self.allowed_origins = {_norm_origin(f"http://{n}:{port}") for n in names}
        self.allowed_origins |= {_norm_origin(origin) for origin in settings.allow_origins}

    # -- individual checks -----------------------------------------------------------------

    def host_ok(self, host: str | None) -> bool:
        if self.any_host:
            return True
        if not host:
            return False
        host = host.strip().lower()
        if host in self.allowed_hosts:
            return True
        # A Host header may omit the port only for port 80.
        return self.settings.port == 80 and f"{host}:80" in self.allowed_hosts

    def origin_ok(self, origin: str | None) -> bool:
        if origin is None:
            return True
        return _norm_origin(origin) in self.allowed_origins

    def token_ok(self, presented: Iterable[str]) -> bool:
        if self.token is None:
            return True
        expected = self.token.encode()
        return any(hmac.compare_digest(p.encode(), expected) for p in presented)

    # -- whole requests --------------------------------------------------------------------

    def check(self, headers: dict[str, str], query_string: bytes) -> Verdict:
        """Check one request; ``headers`` has lower-case names (the first value of each)."""
        if not self.host_ok(headers.get("host")):
            return Verdict(False, 403, "forbidden_host", "the Host header does not name this daemon")
        if not self.origin_ok(headers.get("origin")):
            return Verdict(False, 403, "forbidden_origin", "requests from this Origin are not allowed")
        if not self.token_ok(presented_tokens(headers, query_string)):
            return Verdict(False, 401, "unauthorized", "a valid token is required")
        return OK


def query_token(query_string: bytes) -> str | None:
    values = parse_qs(query_string.decode("latin-1")).get("token")
    return values[0] if values else None


def presented_tokens(headers: dict[str, str], query_string: bytes) -> list[str]:
    found: list[str] = []
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        found.append(value.strip())
    if headers.get(TOKEN_HEADER):
        found.append(headers[TOKEN_HEADER].strip())
    cookie_header = headers.get("cookie")
    if cookie_header:
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # a malformed Cookie header just presents no token
            cookies = SimpleCookie()
        morsel = cookies.get(TOKEN_COOKIE)
        if morsel is not None and morsel.value:
            found.append(morsel.value)
    from_query = query_token(query_string)
    if from_query:
        found.append(from_query)
    return found


def header_dict(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        if key not in out:
            out[key] = value.decode("latin-1")
    return out
