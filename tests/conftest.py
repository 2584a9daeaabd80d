"""Shared test configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs on two shared cores: bounded examples, no deadline (timing is not what we test).
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
# `make mutation` runs the covering tests once per mutant: fewer examples, the same properties,
# and no example database, so a failure found under one mutant is not replayed under the next
# (or in the clean run, where it would be reported as flaky).
settings.register_profile(
    "mutation", max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# --- the real daemon and the frame tap -------------------------------------------------------
# Fixtures:
#   daemon          -- a started `tidewire serve` (free loopback port, tmp data dir, --allow-test-events)
#   daemon_factory  -- daemon_factory(*extra_args, start=True, test_events=True, env=None, data_dir=None)
#                      for daemons with other flags; every daemon made is stopped after the test.
# Sockets: `from support import ws_connect` -- every frame received through it is validated
# against the schemas; `_frame_tap_session_check` fails the run if any frame did not validate.

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from support import Daemon  # noqa: E402
from support import tap as _tap  # noqa: E402


@pytest.fixture
def daemon_factory(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    made: list[Daemon] = []

    def make(
        *args: str,
        start: bool = True,
        test_events: bool = True,
        env: dict[str, str] | None = None,
        data_dir: Path | None = None,
        port: int | None = None,
    ) -> Daemon:
        d = Daemon(
            data_dir or tmp_path / f"data{len(made)}", list(args), test_events=test_events, env=env, port=port
        )
        made.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in made:
        try:
            d.stop()
        finally:
            d.kill()


@pytest.fixture
def daemon(daemon_factory: Callable[..., Daemon]) -> Daemon:
    return daemon_factory()


@pytest.fixture(scope="session", autouse=True)
def _frame_tap_session_check() -> Iterator[None]:
    yield
    if _tap.invalid_frames:
        shown = "\n".join(_tap.invalid_frames[:10])
        pytest.fail(
            f"{len(_tap.invalid_frames)} frame(s) from the daemon did not validate:\n{shown}", pytrace=False
        )


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "daemon: uses a real daemon subprocess")


# --- a real PostgreSQL -----------------------------------------------------------------------
# Fixtures:
#   pg_server  -- one server per test process (so per xdist worker): a throwaway cluster started
#                 with initdb + pg_ctl in a temp dir, or TIDEWIRE_TEST_PG_DSN when it is set
#   pg_cluster -- that cluster (None with TIDEWIRE_TEST_PG_DSN), for tests that restart it
#   pg_dsn     -- a fresh database on it for one test, dropped afterwards
# A server that cannot be had is an error naming why, never a skip.
# The cluster code is tidewire.store_pg.scratch (the benchmarks start theirs with it too).

from tidewire.store_pg.scratch import Cluster as _PgCluster  # noqa: E402
from tidewire.store_pg.scratch import Server as _PgServer  # noqa: E402
from tidewire.store_pg.scratch import postgres_server as _postgres_server  # noqa: E402


@pytest.fixture(scope="session")
def _pg() -> Iterator[tuple[_PgServer, _PgCluster | None]]:
    with _postgres_server() as found:
        yield found


@pytest.fixture(scope="session")
def pg_server(_pg: tuple[_PgServer, _PgCluster | None]) -> _PgServer:
    return _pg[0]


@pytest.fixture(scope="session")
def pg_cluster(_pg: tuple[_PgServer, _PgCluster | None]) -> _PgCluster | None:
    return _pg[1]


@pytest.fixture
def pg_dsn(pg_server: _PgServer) -> Iterator[str]:
    dsn = pg_server.create_database()
    yield dsn
    pg_server.drop_database(dsn)


@pytest.fixture
def pg_own_cluster() -> Iterator[tuple[_PgServer, _PgCluster]]:
    """A throwaway cluster for this test alone (even with TIDEWIRE_TEST_PG_DSN), to restart at will."""
    from tidewire.store_pg.scratch import Cluster, find_bindir

    cluster = Cluster(find_bindir())
    try:
        yield cluster.start(), cluster
    finally:
        cluster.stop()
