"""Daemon settings, from (in order of precedence) CLI flags, ``TIDEWIRE_*`` env vars, the TOML file, defaults.

The TOML file has a ``[server]`` table with the same names as the flags (``host``, ``port``,
``data_dir``, ``allow_origins``, ``allow_hosts``, ``token``, ``retain``, ``max_lag``,
``heartbeat_ms``, ``max_frame_bytes``, ``max_body_bytes``, ``max_hook_body_bytes``, ``max_connections``,
``ws_rate``, ``ws_burst``,
``synchronous``,
``allow_test_events``, ``allow_reinit``,
``web_dist``, ``transcript_roots``, ``transcript_max_line_bytes``, ``store``, ``node_id``,
``lease_ms``),
an ``[agent]`` table (``command``, a list of strings with ``{prompt}`` placeholders, and
``grace_seconds``), a ``[sessions]`` table (``idle_timeout_seconds``) and ``[[mcp_servers]]``
entries. The whole parsed file is kept in ``Settings.raw_config`` so a feature can read its own
section; the sources' sections are listed in ``tidewire.sources``.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidArgument
from .sources.options import check_sources_config

DEFAULT_PORT = 8787
DEFAULT_RETAIN = 10_000
DEFAULT_HEARTBEAT_MS = 30_000
DEFAULT_MAX_FRAME_BYTES = 1024 * 1024
# Request bodies: 4 MiB everywhere (the MCP SDK's own default), 16 MiB for hook payloads,
# which carry a tool's whole input and output.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_HOOK_BODY_BYTES = 16 * 1024 * 1024
# Open sockets at once: far above a dashboard or a few scripts, far below the descriptors a
# daemon gets once its soft limit is raised (serve.py also keeps it below that limit).
DEFAULT_MAX_CONNECTIONS = 1000
# Frames one socket may send: far above a dashboard's few a minute or a script's resumes and
# pings, low enough that a flooding socket leaves most of the loop to everyone else.
DEFAULT_WS_RATE = 500  # per second, sustained
DEFAULT_WS_BURST = 1000  # at once, after a quiet spell
DEFAULT_AGENT_COMMAND = ["claude", "-p", "{prompt}"]
DEFAULT_TRANSCRIPT_MAX_LINE_BYTES = 8 * 1024 * 1024
# A node's lease on a shared database: renewed every third of this, so two renewals may fail
# (a slow database, a pause) before other nodes take the node for dead.
DEFAULT_LEASE_MS = 15_000
_NODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def default_data_dir() -> Path:
    env = os.environ.get("TIDEWIRE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "tidewire"


def default_web_dist() -> Path:
    env = os.environ.get("TIDEWIRE_WEB_DIST")
    if env:
        return Path(env).expanduser()
    # server/tidewire/config.py -> repository root / web / dist
    return Path(__file__).resolve().parents[2] / "web" / "dist"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=default_data_dir)
    config_file: Path | None = None
    token: str | None = None
    allow_origins: list[str] = field(default_factory=list)
    allow_hosts: list[str] = field(default_factory=list)
    retain: int = DEFAULT_RETAIN
    # A connection gets `resync` overflow when this many events it would receive are committed
    # while it reads nothing (ws/connection.py); None means `retain`.
    max_lag: int | None = None
    heartbeat_ms: int = DEFAULT_HEARTBEAT_MS
    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_hook_body_bytes: int = DEFAULT_MAX_HOOK_BODY_BYTES
    # Sockets past this are refused at the handshake (HTTP 503 too_many_connections).
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    # Frames a socket may send per second, sustained and at once; past them `rate_limited`,
    # then a 1008 close (ws/ratelimit.py).
    ws_rate: int = DEFAULT_WS_RATE
    ws_burst: int = DEFAULT_WS_BURST
    # SQLite durability: "full" keeps commits across power loss; "normal" (WAL) keeps them across
    # a daemon crash but may lose the last ones on power loss, and is faster for lone writes.
    synchronous: str = "full"
    allow_test_events: bool = False
    # Start on an empty database although the data dir shows it was in use (see store/startup.py).
    allow_reinit: bool = False
    # Seconds an Idempotency-Key and its reply are kept (REST writes; docs/protocol.md).
    idempotency_ttl: int = 24 * 60 * 60
    web_dist: Path = field(default_factory=default_web_dist)
    mcp_servers: list[dict[str, Any]] = field(default_factory=list)
    agent_command: list[str] = field(default_factory=lambda: list(DEFAULT_AGENT_COMMAND))
    agent_grace_seconds: float = 10.0
    session_idle_timeout: float = 1800.0
    # Directories transcripts are read from, besides the agent CLIs' own and registered projects.
    transcript_roots: list[str] = field(default_factory=list)
    # A transcript line longer than this is skipped (with a log line), not held in memory.
    transcript_max_line_bytes: int = DEFAULT_TRANSCRIPT_MAX_LINE_BYTES
    raw_config: dict[str, Any] = field(default_factory=dict)
    # Where state and the event log live: None (the default) is the SQLite file in the data dir;
    # a ``postgresql://`` URL is a database several daemons may share (docs/operations.md).
    store: str | None = None
    # This daemon's name among the nodes sharing a database; None: the one kept in the data dir
    # (node.py), made on first start.
    node_id: str | None = None
    # How long a node's lease lasts without renewal before other nodes take it for dead.
    lease_ms: int = DEFAULT_LEASE_MS

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def effective_max_lag(self) -> int:
        return self.retain if self.max_lag is None else self.max_lag

    @property
    def db_path(self) -> Path:
        return self.data_dir / "tidewire.db"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "tidewire.lock"

    @property
    def pg_dsn(self) -> str | None:
        """The PostgreSQL URL when the store is PostgreSQL; None for the SQLite file."""
        return self.store if self.store and _is_pg_url(self.store) else None

    @property
    def store_label(self) -> str:
        """The store as the ready line and messages name it, never with a password."""
        if self.pg_dsn is not None:
            return f"postgresql {redact_dsn(self.pg_dsn)}"
        return f"sqlite {self.db_path}"

    def validate(self) -> None:
        """Raise InvalidArgument for settings the daemon must refuse to start with."""
        if not self.loopback and not self.token:
            raise InvalidArgument(
                f"refusing to bind to {self.host}: binding beyond loopback requires a token "
                "(--token T or env TIDEWIRE_TOKEN)"
            )
        if any(h.strip() == "*" for h in self.allow_hosts) and not self.token:
            raise InvalidArgument(
                "refusing --allow-host '*' without a token: any web page could then reach the daemon "
                "through a DNS-rebinding name (set --token T or env TIDEWIRE_TOKEN, or name the hosts)"
            )
        if not 0 < self.port < 65536:
            raise InvalidArgument(f"port must be 1..65535, not {self.port}")
        if self.retain < 1:
            raise InvalidArgument("retain must be at least 1")
        if self.max_lag is not None and self.max_lag < 1:
            raise InvalidArgument("max_lag must be at least 1")
        if self.heartbeat_ms < 1:
            raise InvalidArgument("heartbeat_ms must be at least 1")
        if self.max_frame_bytes < 256:
            raise InvalidArgument("max_frame_bytes must be at least 256")
        for key in ("max_body_bytes", "max_hook_body_bytes"):
            if getattr(self, key) < 1024:
                raise InvalidArgument(f"{key} must be at least 1024")
        if self.max_connections < 1:
            raise InvalidArgument("max_connections must be at least 1")
        if self.ws_rate < 1:
            raise InvalidArgument("ws_rate must be at least 1 frame per second")
        if self.ws_burst < 1:
            raise InvalidArgument("ws_burst must be at least 1")
        if self.synchronous not in ("full", "normal"):
            raise InvalidArgument(f'synchronous must be "full" or "normal", not {self.synchronous!r}')
        if self.idempotency_ttl < 1:
            raise InvalidArgument("idempotency_ttl must be at least 1 second")
        if self.token is not None and not self.token.strip():
            raise InvalidArgument("the token must not be empty")
        if self.transcript_max_line_bytes < 256:
            raise InvalidArgument("transcript_max_line_bytes must be at least 256")
        for root in self.transcript_roots:
            if not isinstance(root, str) or not os.path.isabs(os.path.expanduser(root)):
                raise InvalidArgument(f"a transcript root must be an absolute path, not {root!r}")
        if self.store is not None:
            check_store(self.store)
        if self.node_id is not None and not _NODE_ID.match(self.node_id):
            raise InvalidArgument(
                f"node_id must be 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or "
                f"digit), not {self.node_id!r}"
            )
        if self.lease_ms < 300:
            raise InvalidArgument("lease_ms must be at least 300")
        if self.pg_dsn is not None:
            # Both only mean something for the SQLite file; taking them silently would let a user
            # believe in a durability setting or a re-initialisation that never happens.
            if self.synchronous != "full":
                raise InvalidArgument(
                    "synchronous applies to the SQLite store only; on PostgreSQL durability is the "
                    "server's synchronous_commit setting"
                )
            if self.allow_reinit:
                raise InvalidArgument(
                    "allow_reinit applies to the SQLite store only; a PostgreSQL database keeps its "
                    "epoch and log for every daemon that uses it"
                )


_PG_SCHEMES = ("postgresql://", "postgres://")


def _is_pg_url(value: str) -> bool:
    return value.lower().startswith(_PG_SCHEMES)


def check_store(value: str) -> None:
    """Refuse a store setting that is not a PostgreSQL URL psycopg can parse (without connecting)."""
    if not _is_pg_url(value):
        raise InvalidArgument(
            f"store must be a postgresql:// URL (leave it unset for the SQLite file in the data dir), "
            f"not {redact_dsn(value)!r}"
        )
    # Imported here: psycopg is only needed when the store is PostgreSQL.
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(value)
    except Exception as exc:  # psycopg raises ProgrammingError; any failure means the URL is unusable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidArgument(f"store {redact_dsn(value)} is not a valid PostgreSQL URL: {first}") from None


def redact_dsn(value: str) -> str:
    """``value`` with the password of a ``scheme://user:password@host`` URL replaced by ``***``."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        return value
    authority, slash, tail = rest.partition("/")
    user, at, host = authority.rpartition("@")
    if at and ":" in user:
        user = user.split(":", 1)[0] + ":***"
    shown = f"{user}@{host}" if at else host
    tail = _redact_query_password(tail)
    return f"{scheme}://{shown}{slash}{tail}"


def _redact_query_password(tail: str) -> str:
    path, q, query = tail.partition("?")
    if not q:
        return tail
    parts = [("password=***" if p.lower().startswith("password=") else p) for p in query.split("&")]
    return f"{path}?{'&'.join(parts)}"


_SERVER_KEYS: dict[str, type] = {
    "host": str,
    "port": int,
    "data_dir": str,
    "token": str,
    "allow_origins": list,
    "allow_hosts": list,
    "retain": int,
    "max_lag": int,
    "heartbeat_ms": int,
    "max_frame_bytes": int,
    "max_body_bytes": int,
    "max_hook_body_bytes": int,
    "max_connections": int,
    "ws_rate": int,
    "ws_burst": int,
    "synchronous": str,
    "allow_test_events": bool,
    "allow_reinit": bool,
    "idempotency_ttl": int,
    "web_dist": str,
    "transcript_roots": list,
    "transcript_max_line_bytes": int,
    "store": str,
    "node_id": str,
    "lease_ms": int,
}

_ENV_KEYS: dict[str, str] = {
    "TIDEWIRE_HOST": "host",
    "TIDEWIRE_PORT": "port",
    "TIDEWIRE_DATA_DIR": "data_dir",
    "TIDEWIRE_TOKEN": "token",
    "TIDEWIRE_ALLOW_ORIGIN": "allow_origins",
    "TIDEWIRE_ALLOW_HOST": "allow_hosts",
    "TIDEWIRE_RETAIN": "retain",
    "TIDEWIRE_MAX_LAG": "max_lag",
    "TIDEWIRE_HEARTBEAT_MS": "heartbeat_ms",
    "TIDEWIRE_MAX_FRAME_BYTES": "max_frame_bytes",
    "TIDEWIRE_MAX_BODY_BYTES": "max_body_bytes",
    "TIDEWIRE_MAX_HOOK_BODY_BYTES": "max_hook_body_bytes",
    "TIDEWIRE_MAX_CONNECTIONS": "max_connections",
    "TIDEWIRE_WS_RATE": "ws_rate",
    "TIDEWIRE_WS_BURST": "ws_burst",
    "TIDEWIRE_SYNCHRONOUS": "synchronous",
    "TIDEWIRE_IDEMPOTENCY_TTL": "idempotency_ttl",
    "TIDEWIRE_WEB_DIST": "web_dist",
    "TIDEWIRE_TRANSCRIPT_ROOTS": "transcript_roots",
    "TIDEWIRE_TRANSCRIPT_MAX_LINE_BYTES": "transcript_max_line_bytes",
    "TIDEWIRE_ALLOW_REINIT": "allow_reinit",
    "TIDEWIRE_STORE": "store",
    "TIDEWIRE_NODE_ID": "node_id",
    "TIDEWIRE_LEASE_MS": "lease_ms",
}


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InvalidArgument(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidArgument(f"config file {path} is not valid TOML: {exc}") from None


def _from_file(raw: Mapping[str, Any], path: Path) -> dict[str, Any]:
    server = raw.get("server", {})
    if not isinstance(server, dict):
        raise InvalidArgument(f"{path}: [server] must be a table")
    out: dict[str, Any] = {}
    for key, value in server.items():
        expected = _SERVER_KEYS.get(key)
        if expected is None:
            raise InvalidArgument(f"{path}: unknown key server.{key}")
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidArgument(f"{path}: server.{key} must be an integer")
        if not isinstance(value, expected):
            raise InvalidArgument(f"{path}: server.{key} must be a {expected.__name__}")
        out[key] = value
    agent = raw.get("agent", {})
    if isinstance(agent, dict):
        command = agent.get("command")
        if command is not None:
            if not isinstance(command, list) or not all(isinstance(p, str) for p in command) or not command:
                raise InvalidArgument(f"{path}: agent.command must be a non-empty list of strings")
            out["agent_command"] = command
        if "grace_seconds" in agent:
            out["agent_grace_seconds"] = float(agent["grace_seconds"])
    sessions = raw.get("sessions", {})
    if isinstance(sessions, dict) and "idle_timeout_seconds" in sessions:
        out["session_idle_timeout"] = float(sessions["idle_timeout_seconds"])
    mcp_servers = raw.get("mcp_servers", [])
    if not isinstance(mcp_servers, list) or not all(isinstance(s, dict) for s in mcp_servers):
        raise InvalidArgument(f"{path}: mcp_servers must be an array of tables ([[mcp_servers]])")
    out["mcp_servers"] = mcp_servers
    return out


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for var, key in _ENV_KEYS.items():
        value = env.get(var)
        if value is None or value == "":
            continue
        out[key] = _coerce(key, value, var)
    return out


def _coerce(key: str, value: str, where: str) -> Any:
    kind = _SERVER_KEYS[key]
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise InvalidArgument(f"{where} must be an integer, not {value!r}") from None
    if kind is list:
        return [part.strip() for part in value.split(",") if part.strip()]
    if kind is bool:
        if value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if value.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise InvalidArgument(f"{where} must be true or false, not {value!r}")
    return value


def load_settings(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Merge CLI values (None means "not given"), env vars and the config file into Settings."""
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    env = os.environ if env is None else env
    config_path_value = cli.get("config_file") or env.get("TIDEWIRE_CONFIG")
    raw: dict[str, Any] = {}
    merged: dict[str, Any] = {}
    config_path: Path | None = None
    if config_path_value:
        config_path = Path(config_path_value).expanduser()
        raw = read_config_file(config_path)
        # The sources' sections are checked before _from_file parses some of their numbers,
        # so a bad value names its key instead of ending in a traceback.
        check_sources_config(raw)
        merged.update(_from_file(raw, config_path))
    merged.update(_from_env(env))
    merged.update(cli)
    merged.pop("config_file", None)
    for key in ("data_dir", "web_dist"):
        if key in merged:
            merged[key] = Path(merged[key]).expanduser()
    settings = Settings(config_file=config_path, raw_config=raw, **merged)
    settings.validate()
    return settings
