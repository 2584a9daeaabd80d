"""The hook client and its durable spool: every agent CLI hook call reaches the daemon once.

An agent CLI runs the hook command on every hook call (twice per tool call for Claude Code),
and waits for it; so this module is also a script, run as
`python -I -S .../hook_spool.py --source claude`, that imports only built-in modules. Each
import that the standard library would make (argparse, json, socket, http.client, urllib)
costs 5-25 ms of start-up on top of the interpreter's own ~6 ms (measured in
docs/performance.md), which is why the argument parsing and the one HTTP/1.1 request below
are written out by hand on `_socket`.

Each call gets an envelope id here. The daemon stores envelope ids in the same transaction as
the hook's effect and applies an id once, so delivering a call twice is harmless; delivering
it never, or out of order, is what the spool prevents:

- Under the spool's lock, a call is POSTed directly when the spool is empty (the usual case:
  no disk write on this side at all).
- When the daemon cannot take it (not running, restarting, answering 5xx, too slow), the call
  is appended to the spool: `<data dir>/hook-spool/<time_ns>-<envelope id>.hook`, written to a
  temporary file, fsynced, renamed into place and the directory fsynced, so it survives a
  crash or a reboot. A call that finds entries waiting appends itself behind them and then
  delivers the spool in order, oldest first, for at most its time budget.
- The daemon drains the spool itself when it starts and whenever it finds entries
  (tidewire/sources/spool_drain.py), under the same lock, so the order holds whoever delivers.
- The spool is bounded (`--spool-max-bytes`, default 64 MiB). A call that does not fit is
  dropped with a warning on stderr and exit status 1, which Claude Code shows to the user as
  a non-blocking hook error, and a line in `dropped.log` that the daemon reports in its log.
"""

from __future__ import annotations

import os
import sys
import time

# Read by mypy (which honours any constant of this name), never true when run: `typing` and
# `collections.abc` would cost start-up time for annotations only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SPOOL_DIR_NAME = "hook-spool"
ENTRY_SUFFIX = ".hook"
DROPPED_LOG = "dropped.log"
ENVELOPE_HEADER = "X-Tidewire-Envelope-Id"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT_S = 0.5
DEFAULT_PORT = 8787
# Largest payload read from stdin; tool responses beyond this are not worth blocking on.
MAX_STDIN = 16 * 1024 * 1024
# How long a call waits for another holder of the spool lock before it just appends itself.
_LOCK_WAIT_S = 0.2
# Entry header: one line, `v1 <envelope id> <source>`, then the payload bytes unchanged.
_HEADER_VERSION = b"v1"


class UsageError(ValueError):
    pass


class Options:
    # Plain classes, not dataclasses, in this module: `dataclasses` imports ~20 ms of modules.
    def __init__(self) -> None:
        self.source = "claude"
        self.url: str | None = None
        self.token: str | None = None
        self.timeout = DEFAULT_TIMEOUT_S
        self.verbose = False
        self.data_dir: str | None = None
        self.spool_max_bytes = DEFAULT_MAX_BYTES
        self.payload: str | None = None


def default_data_dir() -> str:
    """tidewire.config.default_data_dir, repeated here because importing config costs ~100 ms."""
    env = os.environ.get("TIDEWIRE_DATA_DIR")
    if env:
        return os.path.expanduser(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = os.path.expanduser(xdg) if xdg else os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "tidewire")


def spool_dir(data_dir: str | None) -> str:
    return os.path.join(data_dir or default_data_dir(), SPOOL_DIR_NAME)


def new_envelope_id() -> str:
    return "he_" + os.urandom(12).hex()


def valid_source(source: str) -> bool:
    return 0 < len(source) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in source)


# -- the spool ------------------------------------------------------------------------------


class Entry:
    __slots__ = ("body", "envelope_id", "path", "source")

    def __init__(self, path: str, envelope_id: str, source: str, body: bytes) -> None:
        self.path = path
        self.envelope_id = envelope_id
        self.source = source
        self.body = body


def entry_name(stamp_ns: int, envelope_id: str) -> str:
    # Zero-padded time first: name order is arrival order (the envelope id breaks ties).
    return f"{stamp_ns:020d}-{envelope_id}{ENTRY_SUFFIX}"


def encode_entry(envelope_id: str, source: str, body: bytes) -> bytes:
    return b" ".join((_HEADER_VERSION, envelope_id.encode(), source.encode())) + b"\n" + body


def decode_entry(path: str, data: bytes) -> Entry:
    header, sep, body = data.partition(b"\n")
    parts = header.split(b" ")
    if not sep or len(parts) != 3 or parts[0] != _HEADER_VERSION:
        raise ValueError(f"{path}: not a spool entry")
    return Entry(path, parts[1].decode("ascii"), parts[2].decode("ascii"), body)


class Spool:
    """A directory of entries, one file each, delivered in name order."""

    def __init__(self, directory: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock_fd: int | None = None

    def ensure(self) -> None:
        try:
            os.mkdir(self.directory, 0o700)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(self.directory, 0o700, exist_ok=True)

    # The lock orders deliveries: whoever holds it may POST (or, in the daemon, apply) entries.
    def try_lock(self, wait_s: float) -> bool:
        import fcntl  # built in; only needed here

        self.ensure()
        fd = os.open(os.path.join(self.directory, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.002)

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def names(self) -> list[str]:
        try:
            with os.scandir(self.directory) as it:
                names = [e.name for e in it if e.name.endswith(ENTRY_SUFFIX) and e.name[0] != "."]
        except FileNotFoundError:
            return []
        names.sort()
        return names

    def has_entries(self) -> bool:
        try:
            with os.scandir(self.directory) as it:
                return any(e.name.endswith(ENTRY_SUFFIX) and e.name[0] != "." for e in it)
        except FileNotFoundError:
            return False

    def size(self) -> int:
        total = 0
        try:
            with os.scandir(self.directory) as it:
                for e in it:
                    if e.name.endswith(ENTRY_SUFFIX):
                        try:
                            total += e.stat().st_size
                        except FileNotFoundError:
                            pass  # delivered meanwhile
        except FileNotFoundError:
            return 0
        return total

    def append(self, stamp_ns: int, envelope_id: str, source: str, body: bytes) -> str | None:
        """Writes one entry durably; returns its path, or None when the spool is full."""
        data = encode_entry(envelope_id, source, body)
        self.ensure()
        if self.size() + len(data) > self.max_bytes:
            self._note_dropped(envelope_id, source, len(data))
            return None
        final = os.path.join(self.directory, entry_name(stamp_ns, envelope_id))
        tmp = os.path.join(self.directory, f".{envelope_id}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, final)
        self._sync_dir()
        return final

    def _sync_dir(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _note_dropped(self, envelope_id: str, source: str, size: int) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = f"{stamp} {envelope_id} {source} {size} bytes: the spool is full\n".encode()
        fd = os.open(os.path.join(self.directory, DROPPED_LOG), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def read(self, name: str) -> Entry | None:
        path = os.path.join(self.directory, name)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None  # delivered by someone else meanwhile
        return decode_entry(path, data)

    def remove(self, entry: Entry) -> None:
        # No fsync: an entry whose removal is lost in a crash is delivered again, and the daemon
        # knows its envelope id.
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            pass

    def entries(self) -> Iterator[Entry]:
        for name in self.names():
            try:
                entry = self.read(name)
            except ValueError:
                continue  # left for the daemon, which moves it aside and says so
            if entry is not None:
                yield entry


# -- HTTP -----------------------------------------------------------------------------------


class Target:
    __slots__ = ("host", "path", "port", "tls")

    def __init__(self, host: str, port: int, path: str, tls: bool) -> None:
        self.host = host
        self.port = port
        self.path = path  # the base path, usually ""
        self.tls = tls


def parse_url(url: str | None) -> Target:
    """The daemon's address from `--url`, `$TIDEWIRE_URL` or `$TIDEWIRE_PORT` (see daemon_url.py)."""
    value = (url or os.environ.get("TIDEWIRE_URL") or "").strip()
    if not value:
        value = f"http://127.0.0.1:{os.environ.get('TIDEWIRE_PORT') or DEFAULT_PORT}"
    if "://" not in value:
        value = "http://" + value
    scheme, _, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme not in ("http", "https", "ws", "wss"):
        raise UsageError(f"{value!r} is not a daemon URL (expected http://HOST:PORT)")
    netloc, slash, path = rest.partition("/")
    path = (slash + path).rstrip("/")
    for endpoint in ("/mcp", "/ws"):
        if path.endswith(endpoint):
            path = path[: -len(endpoint)]
    tls = scheme in ("https", "wss")
    host, port = netloc, 443 if tls else 80
    if netloc.startswith("["):
        end = netloc.find("]")
        host, tail = netloc[1:end], netloc[end + 1 :]
        if tail.startswith(":"):
            port = int(tail[1:])
    elif ":" in netloc:
        host, _, port_text = netloc.rpartition(":")
        port = int(port_text)
    if not host:
        raise UsageError(f"{value!r} is not a daemon URL (expected http://HOST:PORT)")
    return Target(host, port, path, tls)


def _quote_source(source: str) -> str:
    return source  # valid_source() allows only characters that need no escaping


def post(target: Target, entry: Entry, token: str | None, timeout: float) -> int | None:
    """POSTs one hook call; returns the HTTP status, or None when the daemon did not answer."""
    path = f"{target.path}/api/hooks/{_quote_source(entry.source)}"
    headers = {"Content-Type": "application/json", ENVELOPE_HEADER: entry.envelope_id}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if target.tls:
        return _post_tls(target, path, headers, entry.body, timeout)
    return _post_plain(target, path, headers, entry.body, timeout)


def _post_plain(
    target: Target, path: str, headers: dict[str, str], body: bytes, timeout: float
) -> int | None:
    import _socket  # the C module: `socket` itself costs ~6 ms of imports per hook call

    host = f"[{target.host}]" if ":" in target.host else target.host
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{target.port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    deadline = time.monotonic() + timeout
    try:
        # Host as bytes: a str would load the idna codec (~10 ms) even for 127.0.0.1.
        infos = _socket.getaddrinfo(target.host.encode("ascii"), target.port, 0, _socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for family, kind, proto, _name, address in infos:
        sock = _socket.socket(family, kind, proto)
        try:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock.connect(address)
            sock.sendall(head.encode("latin-1") + body)
            reply = b""
            while b"\r\n" not in reply:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
            status = reply.split(b"\r\n", 1)[0].split(b" ")
            if len(status) >= 2 and status[0].startswith(b"HTTP/") and status[1].isdigit():
                return int(status[1])
            return None
        except OSError:
            continue
        finally:
            sock.close()
    return None


def _post_tls(target: Target, path: str, headers: dict[str, str], body: bytes, timeout: float) -> int | None:
    # Not the common case (the daemon is local): the standard client, with its import cost.
    import http.client

    conn = http.client.HTTPSConnection(target.host, target.port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def taken(status: int | None) -> bool:
    """The daemon applied the call (2xx), or refused it for good (a 4xx it will always give)."""
    if status is None:
        return False
    if 200 <= status < 300:
        return True
    return 400 <= status < 500 and status not in (408, 409, 425, 429)


# -- one hook call --------------------------------------------------------------------------


class Outcome:
    def __init__(self) -> None:
        self.delivered = 0  # entries the daemon took (this call's included, when it was)
        self.spooled = False
        self.dropped = False
        self.refused: int | None = None  # a 4xx status for this call
        self.left = 0  # entries still spooled after this call


def deliver(
    opts: Options,
    body: bytes,
    poster: Callable[[Entry], int | None] | None = None,
) -> Outcome:
    stamp = time.time_ns()
    envelope_id = new_envelope_id()
    spool = Spool(spool_dir(opts.data_dir), opts.spool_max_bytes)
    if poster is None:
        target = parse_url(opts.url)
        token = opts.token or os.environ.get("TIDEWIRE_TOKEN")

        def poster(entry: Entry) -> int | None:
            return post(target, entry, token, opts.timeout)

    outcome = Outcome()
    mine = Entry("", envelope_id, opts.source, body)
    started = time.monotonic()
    if not spool.try_lock(_LOCK_WAIT_S):
        # Someone is delivering the spool right now: queue behind them.
        _spool(spool, stamp, mine, outcome)
        return outcome
    try:
        if not spool.has_entries():
            status = poster(mine)
            if taken(status):
                outcome.delivered = 1
                if status is not None and status >= 400:
                    outcome.refused = status
                return outcome
            _spool(spool, stamp, mine, outcome)
            return outcome
        _spool(spool, stamp, mine, outcome)
        budget = max(opts.timeout, 0.05) * 2
        for entry in spool.entries():
            if time.monotonic() - started > budget:
                break
            status = poster(entry)
            if not taken(status):
                break
            if status is not None and status >= 400 and entry.envelope_id == envelope_id:
                outcome.refused = status
            spool.remove(entry)
            outcome.delivered += 1
        outcome.left = len(spool.names())
        return outcome
    finally:
        spool.unlock()


def _spool(spool: Spool, stamp: int, entry: Entry, outcome: Outcome) -> None:
    if spool.append(stamp, entry.envelope_id, entry.source, entry.body) is None:
        outcome.dropped = True
    else:
        outcome.spooled = True


# -- the command ----------------------------------------------------------------------------

USAGE = """usage: hook_spool.py [--source CLI] [--url URL] [--token T] [--timeout S] [--data-dir DIR]
                     [--spool-max-bytes N] [--verbose] [PAYLOAD]
Forwards one agent CLI hook payload (stdin, or PAYLOAD) to the Tidewire daemon, spooling it
under DIR/hook-spool when the daemon cannot take it."""

_VALUE_FLAGS = {
    "--source": "source",
    "--url": "url",
    "--token": "token",
    "--timeout": "timeout",
    "--data-dir": "data_dir",
    "--spool-max-bytes": "spool_max_bytes",
}


def parse_args(argv: list[str]) -> Options:
    """The few flags of the hook command (argparse alone costs ~5 ms of imports per call)."""
    opts = Options()
    values: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, inline = arg.partition("=")
        if arg == "--verbose":
            opts.verbose = True
        elif arg in ("-h", "--help"):
            raise UsageError(USAGE)
        elif name in _VALUE_FLAGS:
            if eq:
                values[_VALUE_FLAGS[name]] = inline
            elif i + 1 < len(argv):
                i += 1
                values[_VALUE_FLAGS[name]] = argv[i]
            else:
                raise UsageError(f"{name} needs a value")
        elif arg.startswith("--") and not arg.startswith("--{"):
            raise UsageError(f"unknown option {arg}\n{USAGE}")
        else:
            rest.append(arg)
        i += 1
    if len(rest) > 1:
        raise UsageError(f"one payload argument at most\n{USAGE}")
    opts.payload = rest[0] if rest else None
    opts.source = values.get("source", opts.source)
    opts.url = values.get("url")
    opts.token = values.get("token")
    opts.data_dir = values.get("data_dir") or None
    try:
        opts.timeout = float(values.get("timeout", opts.timeout))
        max_bytes = values.get("spool_max_bytes") or os.environ.get("TIDEWIRE_HOOK_SPOOL_MAX_BYTES")
        if max_bytes:
            opts.spool_max_bytes = int(max_bytes)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not valid_source(opts.source):
        raise UsageError(f"--source {opts.source!r}: letters, digits, '_' and '-' only")
    return opts


def read_payload(argv_payload: str | None) -> bytes:
    # Codex's notify passes the JSON as the last argument instead of on stdin.
    if argv_payload:
        return argv_payload.encode("utf-8", "surrogateescape")
    try:
        if os.isatty(0):
            return b""
    except OSError:
        return b""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_STDIN:
        try:
            chunk = os.read(0, min(1 << 20, MAX_STDIN - size))
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def run(opts: Options) -> int:
    """One hook call. Exit 0 unless the call was dropped (spool full): the agent must go on."""
    try:
        body = read_payload(opts.payload)
        if not body.strip():
            return 0
        outcome = deliver(opts, body)
    except Exception as exc:  # the agent CLI must never see a crashing hook
        print(f"tidewire hook: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 0
    if outcome.dropped:
        print(
            f"tidewire hook: the hook spool {spool_dir(opts.data_dir)} is full "
            f"({opts.spool_max_bytes} bytes) and the daemon is not taking hook calls: this call "
            "was dropped. Start the daemon (it delivers the spool), or raise --spool-max-bytes.",
            file=sys.stderr,
        )
        return 1  # Claude Code: a non-blocking error, shown to the user
    if opts.verbose:
        if outcome.refused is not None:
            text = f"refused, HTTP {outcome.refused}"
        elif outcome.spooled:
            text = "daemon not reachable; spooled"
        else:
            text = "delivered"
        print(
            f"tidewire hook: {text} ({outcome.delivered} delivered, {outcome.left} spooled)", file=sys.stderr
        )
    elif outcome.refused is not None:
        print(f"tidewire hook: the daemon refused the hook call (HTTP {outcome.refused})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        opts = parse_args(list(sys.argv[1:] if argv is None else argv))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 0
    return run(opts)


if __name__ == "__main__":
    sys.exit(main())
