"""A throwaway PostgreSQL cluster in a temporary directory, for the tests and the benchmarks
(or the server named by ``TIDEWIRE_TEST_PG_DSN``), with a database of its own for each user.

The cluster is made with Debian's ``initdb`` and ``pg_ctl`` (``make test-deps`` installs the
``postgresql`` package when they are missing); no service needs to be running beforehand. The
server refuses to run as root, so when run as root the cluster belongs to the ``postgres`` system
user the package creates and every server command runs through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

DSN_ENV = "TIDEWIRE_TEST_PG_DSN"
_SERVER_USER = "postgres"
_DEBIAN_BIN = Path("/usr/lib/postgresql")
_NEEDED = ("initdb", "pg_ctl", "postgres")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL could be had; the message says why and what to do."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name)) or (0,)


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres: Debian's newest, else the one on PATH."""
    candidates = sorted(_DEBIAN_BIN.glob("*/bin"), key=lambda p: _version_key(p.parent), reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in _NEEDED):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in "
        f"{_DEBIAN_BIN}/<version>/bin or on PATH; run `make test-deps` (it installs Debian's "
        f"`postgresql` package), or set {DSN_ENV} to a server the tests may create databases on"
    )


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """Where to reach PostgreSQL: a DSN for an account that may create databases."""

    admin_dsn: str

    def dsn_for(self, dbname: str) -> str:
        return psycopg.conninfo.make_conninfo(self.admin_dsn, dbname=dbname)

    def create_database(self, prefix: str = "tw") -> str:
        """A new, empty database; returns its DSN."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return self.dsn_for(name)

    def drop_database(self, dsn: str) -> None:
        name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            # FORCE ends what a test left connected (a killed writer's backend, a follower).
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name))))


class Cluster:
    """A throwaway cluster: ``initdb`` into a temporary directory, ``pg_ctl start`` on a free port."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        # Tests throw their data away: durability across an OS crash is not what they test, and a
        # killed server process loses nothing the OS has been handed. Benchmarks of commits need
        # the real WAL flush, so they ask for a durable cluster.
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="tw-pg-"))
        self.data = self.root / "data"
        # The socket directory path must stay short (a unix socket path is at most 107 bytes).
        self.sockets = self.root / "s"
        self.log = self.root / "server.log"
        self.port = 0
        self._as_user: list[str] = []
        self._options = ""

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as_user, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.root,
        )

    def _check(self, what: str, done: subprocess.CompletedProcess[str]) -> None:
        if done.returncode != 0:
            tail = ""
            with contextlib.suppress(OSError):
                tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
            raise PostgresUnavailable(
                f"{what} failed (exit {done.returncode}) for the cluster in {self.root}:\n"
                f"{done.stdout}{done.stderr}\n{tail}".rstrip()
            )

    def start(self) -> Server:
        self.sockets.mkdir()
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(_SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, and there is no `{_SERVER_USER}` user to run the server as "
                    "(PostgreSQL refuses to run as root); install Debian's `postgresql` package"
                ) from None
            for path in (self.root, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", _SERVER_USER, "--"]
        self._check(
            "initdb",
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                _SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                # C collation: text orders byte-wise, as in SQLite (timestamps compare as strings).
                "--locale=C",
                "--no-sync",
            ),
        )
        last: PostgresUnavailable | None = None
        for _ in range(3):  # a free port can be taken between the probe and the bind
            self.port = free_tcp_port()
            options = " ".join(
                (
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.sockets}",
                    *(() if self.durable else ("-c fsync=off", "-c full_page_writes=off")),
                    "-c max_connections=200",
                    "-c shared_buffers=32MB",
                )
            )
            self._options = options
            done = self._pg_ctl_start()
            if done.returncode == 0:
                return Server(f"host=127.0.0.1 port={self.port} user={_SERVER_USER} dbname=postgres")
            try:
                self._check("pg_ctl start", done)
            except PostgresUnavailable as exc:
                last = exc
        assert last is not None
        raise last

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        return self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self._options,
            "-w",
            "start",
        )

    def halt(self, mode: str = "fast") -> None:
        """``pg_ctl stop``, keeping the data (a test of a daemon whose database is away)."""
        self._check(
            "pg_ctl stop",
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"),
        )

    def resume(self) -> None:
        """``pg_ctl start`` again after ``halt``, on the same port with the same options."""
        self._check("pg_ctl start", self._pg_ctl_start())

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart`` with the same options (a test of a server restart under load)."""
        self._check(
            "pg_ctl restart",
            # -l again: without it the new server writes to pg_ctl's output, which would hold our
            # pipe open for as long as the server runs.
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-m",
                mode,
                "-w",
                "restart",
            ),
        )

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def postmaster_pid(self) -> int | None:
        """The server's main process (its backends are its children), while it runs."""
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None


@contextlib.contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[tuple[Server, Cluster | None]]:
    """``TIDEWIRE_TEST_PG_DSN``'s server when it is set, else a throwaway cluster."""
    given = os.environ.get(DSN_ENV)
    if given:
        try:
            with psycopg.connect(given, autocommit=True, connect_timeout=10) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            raise PostgresUnavailable(f"{DSN_ENV}={given!r} cannot be reached: {exc}") from exc
        yield Server(given), None
        return
    cluster = Cluster(find_bindir(), durable=durable)
    try:
        server = cluster.start()
        yield server, cluster
    finally:
        cluster.stop()
