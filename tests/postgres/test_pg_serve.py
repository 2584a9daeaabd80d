"""`tidewire serve --store postgresql://…` as a person starts it: the ready line names the store,
the env var and the config file work as the flag does, and a store that cannot be used stops the
start with one line and a documented exit status, never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support import Daemon, free_port
from support.examples import example_data
from support.pg_url import pg_url

EXIT_BAD_SETTING = 2
EXIT_STORE_UNREACHABLE = 8


def _refused(d: Daemon) -> tuple[int, str]:
    proc = d.spawn()
    try:
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"the daemon started on an unusable store:\n{d.log()}") from None
    return code, d.log().strip()


def _one_line(log: str) -> str:
    lines = log.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tidewire: "), log
    assert "Traceback" not in log
    return lines[0]


def test_the_ready_line_names_the_store_without_its_password(tmp_path: Path, pg_dsn: str) -> None:
    url = pg_url(pg_dsn)
    d = Daemon(tmp_path / "data", ["--store", url])
    try:
        d.start()
        [ready] = [line for line in d.log().splitlines() if line.startswith("tidewire ready:")]
        assert f"store postgresql {url}" in ready, ready
        assert not (tmp_path / "data" / "tidewire.db").exists()
    finally:
        code = d.stop()
    # SIGTERM stops it cleanly: the store closed with the app, nothing left to complain about.
    assert code == 0, d.log()
    assert "Traceback" not in d.log() and "ERROR" not in d.log(), d.log()


def test_env_and_config_file_start_the_daemon_on_the_same_database(tmp_path: Path, pg_dsn: str) -> None:
    url = pg_url(pg_dsn)
    config = tmp_path / "tidewire.toml"
    config.write_text(f'[server]\nstore = "{url}"\n')
    by_env = Daemon(tmp_path / "a", env={"TIDEWIRE_STORE": url})
    by_file = Daemon(tmp_path / "b", ["--config", str(config)])
    try:
        by_env.start()
        seq = by_env.emit("task.created", example_data("task.created"))
        by_file.start()
        assert "store postgresql" in by_file.log()
        a, b = by_env.health(), by_file.health()
        assert a["epoch"] == b["epoch"] and b["seq"] >= seq
    finally:
        by_env.stop()
        by_file.stop()


def test_a_url_that_is_not_postgresql_is_a_bad_setting(tmp_path: Path) -> None:
    code, log = _refused(Daemon(tmp_path / "data", ["--store", "mysql://h/db"]))
    assert code == EXIT_BAD_SETTING
    assert "store must be a postgresql:// URL" in _one_line(log)


def test_an_unparsable_url_is_a_bad_setting(tmp_path: Path) -> None:
    code, log = _refused(Daemon(tmp_path / "data", ["--store", "postgresql://h/db?bogus=1"]))
    assert code == EXIT_BAD_SETTING
    assert "is not a valid PostgreSQL URL" in _one_line(log)


def test_a_server_nobody_listens_on_stops_the_start_with_one_line(tmp_path: Path) -> None:
    url = f"postgresql://tw:hunter2@127.0.0.1:{free_port()}/tidewire"
    code, log = _refused(Daemon(tmp_path / "data", ["--store", url]))
    assert code == EXIT_STORE_UNREACHABLE
    line = _one_line(log)
    assert "cannot reach the store postgresql://tw:***@127.0.0.1" in line, line
    assert "hunter2" not in log


def test_a_database_that_does_not_exist_stops_the_start_naming_it(tmp_path: Path, pg_dsn: str) -> None:
    url = pg_url(pg_dsn).replace("/tw_", "/missing_tw_")
    code, log = _refused(Daemon(tmp_path / "data", ["--store", url]))
    assert code == EXIT_STORE_UNREACHABLE
    line = _one_line(log)
    assert "missing_tw_" in line and "does not exist" in line, line
