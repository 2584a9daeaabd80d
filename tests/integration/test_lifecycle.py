"""Daemon lifecycle: SIGTERM closes sockets with 1001 and flushes; one daemon per data dir;
kill -9 loses nothing that was returned; config file; web UI; OpenAPI."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
from support import Daemon, ws_connect
from support.examples import example_data


def _tasks(n: int) -> list[tuple[str, dict[str, object]]]:
    return [("task.created", example_data("task.created", task_id=f"t{i}")) for i in range(n)]


async def test_sigterm_closes_every_socket_with_1001_and_flushes(daemon: Daemon) -> None:
    seqs = daemon.emit_many(_tasks(3))
    async with ws_connect(daemon) as idle, ws_connect(daemon) as live:
        await live.subscribe(["*"])
        stopper = asyncio.get_running_loop().run_in_executor(None, daemon.stop)
        codes = await asyncio.gather(idle.expect_closed(), live.expect_closed())
        assert codes == [1001, 1001]
        assert await stopper == 0
    wal = daemon.data_dir / "tidewire.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    daemon.start()
    assert daemon.health()["seq"] == seqs[-1]


def test_a_second_daemon_on_the_same_data_dir_refuses_to_start(daemon_factory: Callable[..., Daemon]) -> None:
    first = daemon_factory()
    second = daemon_factory(data_dir=first.data_dir, start=False)
    proc = second.spawn()
    assert proc.wait(60) == 3
    assert "already using the data directory" in second.log()
    assert first.health()["status"] == "ok"


def test_a_deleted_lock_file_does_not_let_a_second_daemon_in(
    daemon_factory: Callable[..., Daemon],
) -> None:
    first = daemon_factory()
    seq = first.emit(*_tasks(1)[0])
    (first.data_dir / "tidewire.lock").unlink()
    second = daemon_factory(data_dir=first.data_dir, start=False)
    proc = second.spawn()
    try:
        assert proc.wait(60) == 3
    finally:
        if proc.poll() is None:  # it got in: do not leave it running
            proc.kill()
            proc.wait()
    assert "already using the data directory" in second.log()
    # The first daemon still owns the log: its next write takes the next seq.
    assert first.emit(*_tasks(1)[0]) == seq + 1


def test_kill_9_loses_no_returned_change_and_reuses_no_seq(daemon: Daemon) -> None:
    before = daemon.health()
    seqs = [daemon.emit(t, d) for t, d in _tasks(15)]
    assert seqs == list(range(1, 16))
    daemon.kill()
    daemon.start()
    after = daemon.health()
    assert after["epoch"] == before["epoch"] and after["server_id"] == before["server_id"]
    assert after["seq"] == 15
    body = daemon.get("/api/events", params={"after_seq": 0, "limit": 100}).json()
    assert [e["seq"] for e in body["items"]] == seqs
    assert [e["data"]["task_id"] for e in body["items"]] == [f"t{i}" for i in range(15)]
    assert daemon.emit(*_tasks(1)[0]) == 16


def test_config_file_and_its_errors(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> None:
    cfg = tmp_path / "tidewire.toml"
    cfg.write_text('[server]\nheartbeat_ms = 1234\nretain = 7\n\n[agent]\ncommand = ["echo", "{prompt}"]\n')
    daemon = daemon_factory("--config", str(cfg))
    daemon.emit_many(_tasks(10))
    body = daemon.get("/api/events").json()
    assert body["oldest_seq"] == 4 and len(body["items"]) == 7

    bad = tmp_path / "bad.toml"
    bad.write_text("[server\nport = ")
    broken = daemon_factory("--config", str(bad), start=False)
    assert broken.spawn().wait(60) == 2
    assert "not valid TOML" in broken.log()
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[server]\nprot = 1\n")
    typo = daemon_factory("--config", str(unknown), start=False)
    assert typo.spawn().wait(60) == 2
    assert "unknown key server.prot" in typo.log()


async def test_config_heartbeat_reaches_the_welcome(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    cfg = tmp_path / "hb.toml"
    cfg.write_text("[server]\nheartbeat_ms = 4321\n")
    daemon = daemon_factory("--config", str(cfg))
    async with ws_connect(daemon) as ws:
        assert ws.welcome["heartbeat_ms"] == 4321


def test_web_ui_with_spa_fallback(daemon_factory: Callable[..., Daemon], tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app shell</title>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    daemon = daemon_factory(env={"TIDEWIRE_WEB_DIST": str(dist)})
    assert "app shell" in daemon.get("/").text
    assert "app shell" in daemon.get("/tasks/42").text
    assert daemon.get("/assets/app.js").text == "console.log('hi')"
    assert daemon.get("/assets/missing.js").status_code == 404
    missing_api = daemon.get("/api/nothing-here")
    assert missing_api.status_code == 404 and missing_api.json()["error"]["code"] == "not_found"
    # `/mcp` is a dashboard page for a browser and the MCP endpoint for everyone else.
    page = daemon.get("/mcp", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and "app shell" in page.text
    endpoint = daemon.get("/mcp", headers={"Accept": "application/json"})
    assert endpoint.status_code == 406 and "app shell" not in endpoint.text


def test_without_a_built_ui_a_page_says_what_to_run(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    daemon = daemon_factory(env={"TIDEWIRE_WEB_DIST": str(tmp_path / "nothing")})
    page = daemon.get("/")
    assert page.status_code == 200 and "make setup" in page.text


def test_openapi_and_seq_header(daemon: Daemon) -> None:
    spec = httpx.get(f"{daemon.base_url}/openapi.json").json()
    assert "/api/health" in spec["paths"] and "/api/events" in spec["paths"]
    seq = daemon.emit(*_tasks(1)[0])
    r = daemon.get("/api/health")
    assert r.headers["X-Tidewire-Seq"] == str(seq)
    events = daemon.get("/api/events", params={"after_seq": 0})
    assert events.headers["X-Tidewire-Seq"] == str(seq) and events.json()["seq"] == seq


def test_test_events_are_off_by_default_and_validated(daemon_factory: Callable[..., Daemon]) -> None:
    plain = daemon_factory(test_events=False)
    r = plain.post("/api/test-events", {"type": "task.created", "data": example_data("task.created")})
    assert r.status_code in (404, 405)
    daemon = daemon_factory()
    bad = daemon.post("/api/test-events", {"type": "task.created", "data": {"task_id": 1}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_argument"
    # A well-formed name the daemon has no model for is committed (so a client can be tested
    # against event types newer than itself); a malformed name is still refused.
    unknown = daemon.post("/api/test-events", {"type": "task.nope", "data": {}})
    assert unknown.status_code == 201, unknown.text
    malformed = daemon.post("/api/test-events", {"type": "nope", "data": {}})
    assert malformed.status_code == 422 and malformed.json()["error"]["code"] == "unknown_event"
    half = daemon.post(
        "/api/test-events",
        {
            "events": [
                {"type": "task.created", "data": example_data("task.created")},
                {"type": "nope", "data": {}},
            ]
        },
    )
    assert half.status_code == 422
    assert daemon.health()["seq"] == 1  # the task.nope above; nothing of the refused batch


def test_settings_precedence_cli_over_env_over_file(tmp_path: Path) -> None:
    import pytest
    from tidewire.config import load_settings
    from tidewire.errors import InvalidArgument

    cfg = tmp_path / "t.toml"
    cfg.write_text(
        '[server]\nport = 1111\nretain = 5\nheartbeat_ms = 7\nallow_origins = ["http://a:1"]\n'
        '[agent]\ncommand = ["run", "{prompt}"]\ngrace_seconds = 3\n[sessions]\nidle_timeout_seconds = 9\n'
        '[[mcp_servers]]\nname = "fs"\ncommand = "fs-server"\n'
    )
    env = {"TIDEWIRE_PORT": "2222", "TIDEWIRE_RETAIN": "6", "TIDEWIRE_DATA_DIR": str(tmp_path / "env")}
    s = load_settings({"config_file": str(cfg), "port": 3333, "host": None}, env=env)
    assert (s.port, s.retain, s.heartbeat_ms) == (3333, 6, 7)
    assert s.data_dir == tmp_path / "env" and s.allow_origins == ["http://a:1"]
    assert (
        s.agent_command == ["run", "{prompt}"] and s.agent_grace_seconds == 3 and s.session_idle_timeout == 9
    )
    assert (
        s.mcp_servers == [{"name": "fs", "command": "fs-server"}]
        and s.raw_config["mcp_servers"][0]["name"] == "fs"
    )
    assert s.effective_max_lag == 6
    with pytest.raises(InvalidArgument, match="requires a token"):
        load_settings({"host": "192.0.2.1"}, env={})
    assert load_settings({"host": "192.0.2.1", "token": "t"}, env={}).token == "t"
    with pytest.raises(InvalidArgument, match="TIDEWIRE_PORT"):
        load_settings({}, env={"TIDEWIRE_PORT": "eighty"})


def test_synchronous_level_reaches_the_store(tmp_path: Path) -> None:
    import pytest
    from tidewire.app import create_app
    from tidewire.config import load_settings
    from tidewire.errors import InvalidArgument

    cfg = tmp_path / "t.toml"
    cfg.write_text('[server]\nsynchronous = "normal"\n')
    assert load_settings({"config_file": str(cfg)}, env={}).synchronous == "normal"
    assert load_settings({}, env={"TIDEWIRE_SYNCHRONOUS": "normal"}).synchronous == "normal"
    assert load_settings({}, env={}).synchronous == "full"
    with pytest.raises(InvalidArgument, match="synchronous"):
        load_settings({}, env={"TIDEWIRE_SYNCHRONOUS": "off"})
    settings = load_settings({"data_dir": str(tmp_path / "data"), "synchronous": "normal"}, env={})
    settings.data_dir.mkdir()
    app = create_app(settings)
    assert app.state.ctx.store.synchronous == "normal"
    asyncio.run(app.state.ctx.store.close())
