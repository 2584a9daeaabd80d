"""Host, Origin and token checks on HTTP and on the socket handshake."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import httpx
import pytest
import websockets
from support import Daemon, check_frame, ws_connect
from support.examples import example_data


def FOREIGN_HOSTS(port: int) -> list[str]:
    return ["evil.example", f"evil.example:{port}", "127.0.0.1:1", f"localhost.evil.example:{port}"]


async def test_cross_site_origin_is_refused_on_the_socket(daemon: Daemon) -> None:
    for origin in ("http://evil.example", f"http://127.0.0.1:{daemon.port + 1}", "null", "https://localhost"):
        with pytest.raises(websockets.InvalidStatus) as info:
            async with ws_connect(daemon, origin=origin):
                pass
        assert info.value.response.status_code == 403, origin


async def test_own_origins_and_no_origin_are_accepted(daemon: Daemon) -> None:
    for origin in (None, f"http://127.0.0.1:{daemon.port}", f"http://localhost:{daemon.port}"):
        async with ws_connect(daemon, origin=origin) as ws:
            assert ws.welcome["type"] == "welcome"


async def test_allow_origin_adds_an_origin(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--allow-origin", "http://localhost:5173")
    async with ws_connect(daemon, origin="http://localhost:5173") as ws:
        assert ws.welcome["type"] == "welcome"
    with pytest.raises(websockets.InvalidStatus):
        async with ws_connect(daemon, origin="http://localhost:5174"):
            pass


def test_foreign_host_is_refused_on_http(daemon: Daemon) -> None:
    for host in FOREIGN_HOSTS(daemon.port):
        r = httpx.get(f"{daemon.base_url}/api/health", headers={"Host": host})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_host", host
    assert (
        httpx.get(f"{daemon.base_url}/api/health", headers={"Host": f"localhost:{daemon.port}"}).status_code
        == 200
    )


async def test_foreign_host_is_refused_on_the_socket(daemon: Daemon) -> None:
    for host in FOREIGN_HOSTS(daemon.port):
        # A page on a rebinding domain reaches 127.0.0.1 but names its own host.
        with pytest.raises(websockets.InvalidStatus) as info:
            async with websockets.connect(f"ws://{host}/ws", host="127.0.0.1", port=daemon.port):
                pass
        assert info.value.response.status_code == 403, host
    async with websockets.connect(
        f"ws://localhost:{daemon.port}/ws", host="127.0.0.1", port=daemon.port
    ) as ws:
        check_frame(str(await ws.recv()))


def test_cross_site_post_is_refused(daemon: Daemon) -> None:
    r = daemon.post("/api/test-events", {"type": "x", "data": {}}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_origin"


def test_binding_beyond_loopback_without_a_token_refuses_to_start(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--host", "0.0.0.0", start=False)
    proc = daemon.spawn()
    assert proc.wait(60) == 2
    assert "requires a token" in daemon.log()


def test_token_on_http_via_bearer_header_cookie(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--token", "s3cret-Token")
    base = daemon.base_url
    assert httpx.get(f"{base}/api/health").status_code == 401
    assert httpx.get(f"{base}/api/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        httpx.get(f"{base}/api/health", headers={"Authorization": "Bearer s3cret-Token"}).status_code == 200
    )
    assert httpx.get(f"{base}/api/health", headers={"X-Tidewire-Token": "s3cret-Token"}).status_code == 200
    first = httpx.get(f"{base}/?token=s3cret-Token")
    assert first.status_code == 200
    cookie = first.cookies.get("tidewire_token")
    assert cookie == "s3cret-Token"
    assert "httponly" in first.headers["set-cookie"].lower()
    assert httpx.get(f"{base}/api/health", cookies={"tidewire_token": cookie}).status_code == 200
    assert httpx.get(f"{base}/api/health?token=wrong").status_code == 401


async def test_token_on_the_socket_via_bearer_query_cookie(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--token", "s3cret-Token")  # ws_connect sends it as a Bearer header
    async with ws_connect(daemon) as ws:  # Bearer header
        assert ws.welcome["type"] == "welcome"
    async with ws_connect(daemon, token="", query_token="s3cret-Token") as ws:  # what a browser can do
        assert ws.welcome["type"] == "welcome"
    async with ws_connect(daemon, token="", headers={"Cookie": "tidewire_token=s3cret-Token"}) as ws:
        assert ws.welcome["type"] == "welcome"
    async with ws_connect(daemon, token="wrong", read_welcome=False) as ws:
        assert await ws.expect_closed() == 1008
    async with ws_connect(daemon, token="", read_welcome=False) as ws:
        assert await ws.expect_closed() == 1008


def test_token_from_the_environment(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory(env={"TIDEWIRE_TOKEN": "from-env"}, start=False)
    daemon.token = "from-env"
    daemon.start()
    assert httpx.get(f"{daemon.base_url}/api/health").status_code == 401
    assert daemon.get("/api/health").status_code == 200


def test_help_mentions_the_flags() -> None:
    out = subprocess.run(
        [__import__("sys").executable, "-m", "tidewire", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for flag in (
        "--allow-origin",
        "--token",
        "--retain",
        "--heartbeat-ms",
        "--max-frame-bytes",
        "--max-body-bytes",
        "--max-hook-body-bytes",
        "--allow-test-events",
    ):
        assert flag in out


def test_policy_names_and_origins() -> None:
    from tidewire.config import Settings
    from tidewire.security import SecurityPolicy

    local = SecurityPolicy(
        Settings(port=9000, allow_hosts=["tidewire.lan"], allow_origins=["HTTP://Example.com:80"])
    )
    assert local.host_ok("127.0.0.1:9000") and local.host_ok("LOCALHOST:9000") and local.host_ok("[::1]:9000")
    assert local.host_ok("tidewire.lan:9000") and not local.host_ok("tidewire.lan:9001")
    assert not local.host_ok(None) and not local.host_ok("")
    assert local.origin_ok("http://example.com") and local.origin_ok("http://localhost:9000")
    assert not local.origin_ok("http://localhost:9000.evil.example") and not local.origin_ok(
        "http://example.com:81"
    )
    wild = SecurityPolicy(Settings(host="0.0.0.0", port=9000, token="t"))
    # A wildcard bind answers only to the loopback names unless --allow-host adds more.
    assert wild.host_ok("127.0.0.1:9000") and not wild.host_ok("0.0.0.0:9000")
    assert wild.token_ok(["x", "t"]) and not wild.token_ok(["x"]) and not wild.token_ok([])
    anyhost = SecurityPolicy(Settings(host="0.0.0.0", port=9000, token="t", allow_hosts=["*"]))
    assert anyhost.host_ok("whatever:1")


def test_every_response_carries_the_seq_header_refusals_included(
    daemon_factory: Callable[..., Daemon],
) -> None:
    daemon = daemon_factory("--token", "s3cret-Token", "--max-body-bytes", "2048")
    seq = daemon.emit("task.created", example_data("task.created"))
    base = daemon.base_url
    auth = daemon.auth_headers
    refused = [
        httpx.get(f"{base}/api/health"),  # 401
        httpx.get(f"{base}/api/health", headers={**auth, "Host": "evil.example"}),  # 403 host
        httpx.post(f"{base}/api/tasks", json={}, headers={**auth, "Origin": "http://evil.example"}),  # 403
        httpx.get(f"{base}/api/tasks/nope", headers=auth),  # 404
        httpx.get(f"{base}/api/no-such-route", headers=auth),  # 404
        httpx.delete(f"{base}/api/tasks", headers=auth),  # 405
        httpx.post(f"{base}/api/tasks", json={"title": 5}, headers=auth),  # 422
        httpx.post(f"{base}/api/tasks", content=b"x" * 4096, headers=auth),  # 413
    ]
    assert [r.status_code for r in refused] == [401, 403, 403, 404, 404, 405, 422, 413]
    for r in refused:
        assert int(r.headers["x-tidewire-seq"]) >= seq, (r.status_code, r.headers)
        assert "error" in r.json()


def test_any_host_without_a_token_refuses_to_start(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--allow-host", "*", start=False)
    proc = daemon.spawn()
    assert proc.wait(60) == 2
    assert "--allow-host '*' without a token" in daemon.log()
    with_token = daemon_factory("--allow-host", "*", "--token", "s3cret-Token")
    headers = {**with_token.auth_headers, "Host": "any.name"}
    r = httpx.get(f"{with_token.base_url}/api/health", headers=headers)
    assert r.status_code == 200


def test_wrong_methods_and_unknown_api_paths_get_json_errors(daemon: Daemon) -> None:
    r = httpx.delete(f"{daemon.base_url}/api/tasks")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert set(r.headers["allow"].split(", ")) == {"GET", "POST"}
    r = httpx.put(f"{daemon.base_url}/api/tasks/tsk_x")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "PATCH"}
    r = httpx.get(f"{daemon.base_url}/api/nothing/here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert httpx.get(f"{daemon.base_url}/some/client/route").status_code == 200  # the web UI's
