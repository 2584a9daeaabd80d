"""One meaning for TIDEWIRE_URL (the daemon's base URL) and the endpoints each command derives from it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tidewire.mcp.stdio import endpoint_url
from tidewire.sources.agents import AgentRunner, Placement
from tidewire.sources.daemon_url import BadDaemonUrl, base_url, local_url
from tidewire.sources.hook_cli import daemon_url
from tidewire.tail import socket_url


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("TIDEWIRE_URL", "TIDEWIRE_PORT", "TIDEWIRE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_tidewire_url_is_the_base_url_for_every_command(env: pytest.MonkeyPatch) -> None:
    env.setenv("TIDEWIRE_URL", "http://127.0.0.1:9100/")
    assert daemon_url(None) == "http://127.0.0.1:9100"
    assert endpoint_url() == "http://127.0.0.1:9100/mcp"
    assert socket_url() == "ws://127.0.0.1:9100/ws"


def test_defaults_without_environment(env: pytest.MonkeyPatch) -> None:
    assert (daemon_url(None), endpoint_url(), socket_url()) == (
        "http://127.0.0.1:8787",
        "http://127.0.0.1:8787/mcp",
        "ws://127.0.0.1:8787/ws",
    )
    env.setenv("TIDEWIRE_PORT", "9200")
    assert socket_url() == "ws://127.0.0.1:9200/ws"


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://127.0.0.1:9000/mcp", "http://127.0.0.1:9000"),
        ("http://127.0.0.1:9000/mcp/", "http://127.0.0.1:9000"),
        ("ws://127.0.0.1:9000/ws", "http://127.0.0.1:9000"),
        ("wss://example.test/tidewire/ws", "https://example.test/tidewire"),
        ("https://example.test/tidewire", "https://example.test/tidewire"),
        ("127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
    ],
)
def test_an_explicit_url_may_be_the_base_or_an_endpoint(
    env: pytest.MonkeyPatch, given: str, base: str
) -> None:
    env.setenv("TIDEWIRE_URL", "http://127.0.0.1:1")  # --url wins over the environment
    assert base_url(given) == base
    assert endpoint_url(given) == base + "/mcp"
    assert socket_url(given) == base.replace("http", "ws", 1) + "/ws"


@pytest.mark.parametrize("given", ["ftp://127.0.0.1:9000", "http://", "mailto:someone"])
def test_a_url_that_names_no_daemon_is_refused(env: pytest.MonkeyPatch, given: str) -> None:
    with pytest.raises(BadDaemonUrl):
        base_url(given)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8800"),
        ("0.0.0.0", "http://127.0.0.1:8800"),
        ("::", "http://[::1]:8800"),
        ("[::]", "http://[::1]:8800"),
        ("::1", "http://[::1]:8800"),
        ("fd00::5", "http://[fd00::5]:8800"),
        ("", "http://127.0.0.1:8800"),
        ("localhost", "http://localhost:8800"),
        ("192.168.1.20", "http://192.168.1.20:8800"),
    ],
)
def test_agents_reach_a_wildcard_bind_over_loopback(host: str, url: str) -> None:
    assert local_url(host, 8800) == url


def _runner(tmp_path: Path, **settings: Any) -> AgentRunner:
    fields = {"data_dir": tmp_path, "raw_config": {}, "host": "127.0.0.1", "port": 8800, "token": None}
    ctx: Any = SimpleNamespace(settings=SimpleNamespace(**{**fields, **settings}))
    return AgentRunner(ctx)


def test_agent_environment_names_the_daemon_and_its_token(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    where = Placement(str(tmp_path), "prj_1", None, None)
    env.setenv("TIDEWIRE_TOKEN", "inherited")
    run_env = _runner(tmp_path, host="0.0.0.0", token="daemon-token")._env("agt_1", where)
    assert run_env["TIDEWIRE_URL"] == "http://127.0.0.1:8800"
    assert run_env["TIDEWIRE_TOKEN"] == "daemon-token"
    run_env = _runner(tmp_path, host="::")._env("agt_1", where)
    assert run_env["TIDEWIRE_URL"] == "http://[::1]:8800"
    assert "TIDEWIRE_TOKEN" not in run_env
