"""Idempotency-Key on REST writes, against a real daemon behind a proxy that loses replies after
the write committed: a retry with the key applies nothing twice and gets the first reply again."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.sources_support import FIXTURES, make_repo, write_config
from support import Daemon, ws_connect
from support.faultproxy import FaultProxy

pytestmark = pytest.mark.daemon

AGENT = [sys.executable, str(FIXTURES / "scripted_agent.py")]


@pytest.fixture
def proxy(daemon: Daemon) -> Iterator[FaultProxy]:
    with FaultProxy(daemon.port) as p:
        yield p


def send(
    base: str, method: str, path: str, body: Any = None, key: str | None = None, **headers: str
) -> httpx.Response:
    if key is not None:
        headers["Idempotency-Key"] = key
    return httpx.request(method, base + path, json=body, headers=headers, timeout=30.0)


def send_until_answered(
    base: str, method: str, path: str, body: Any = None, key: str | None = None
) -> tuple[httpx.Response, int]:
    """What a client does on a lost reply: send the same request again. Returns the reply and the tries."""
    for attempt in range(1, 10):
        try:
            return send(base, method, path, body, key), attempt
        except httpx.TransportError:
            continue
    raise AssertionError("never answered")


def titles(daemon: Daemon) -> list[str]:
    return sorted(t["title"] for t in daemon.get("/api/tasks").json()["items"])


def error_code(r: httpx.Response) -> str:
    return str(r.json()["error"]["code"])


async def test_lost_replies_apply_once_with_a_key(daemon: Daemon, proxy: FaultProxy) -> None:
    async with ws_connect(daemon) as ws:
        await ws.subscribe(["task.*"])

        # The fault point really commits before it loses the reply: without a key, a retry doubles.
        proxy.arm("after_commit", 1, "POST /api/tasks")
        r, tries = send_until_answered(proxy.base_url, "POST", "/api/tasks", {"title": "unkeyed"})
        assert r.status_code == 201 and tries == 2
        assert titles(daemon) == ["unkeyed", "unkeyed"]
        await ws.recv_events(2)

        key = str(uuid.uuid4())
        proxy.arm("after_commit", 2, "POST /api/tasks")
        r, tries = send_until_answered(proxy.base_url, "POST", "/api/tasks", {"title": "keyed"}, key)
        assert tries == 3 and r.status_code == 201
        assert r.headers["Idempotent-Replayed"] == "true"
        created = r.json()
        [event] = await ws.recv_events(1)
        assert event["type"] == "task.created" and event["data"]["task"] == created
        assert int(r.headers["X-Tidewire-Seq"]) == event["seq"]
        assert titles(daemon) == ["keyed", "unkeyed", "unkeyed"]

        # Edit, close and expand through lost replies: one event each, the replies of the first run.
        path = f"/api/tasks/{created['id']}"
        for method, suffix, body, events in (
            ("PATCH", "", {"status": "blocked"}, 1),
            ("POST", "/expand", {"subtasks": [{"title": "a"}, {"title": "b"}]}, 3),
            ("POST", "/close", {"reason": "done"}, 1),
        ):
            key = str(uuid.uuid4())
            proxy.arm("after_commit", 2, f"{method} {path}{suffix}")
            r, tries = send_until_answered(proxy.base_url, method, path + suffix, body, key)
            assert tries == 3 and r.status_code == 200, r.text
            got = await ws.recv_events(events)
            assert int(r.headers["X-Tidewire-Seq"]) == got[-1]["seq"]
            again = send(daemon.base_url, method, path + suffix, body, key)
            assert (
                again.content == r.content and again.headers["X-Tidewire-Seq"] == r.headers["X-Tidewire-Seq"]
            )

        # Nothing else was emitted by any retry or replay.
        marker = daemon.emit("task.created", {**event["data"], "task_id": "tsk_marker"})
        [last] = await ws.recv_events(1)
        assert last["seq"] == marker
        assert len(proxy.dropped) == 1 + 2 + 3 * 2
        assert len(daemon.get("/api/tasks").json()["items"]) == 5


def test_a_key_names_one_request(daemon: Daemon) -> None:
    key = "k-" + uuid.uuid4().hex
    first = send(daemon.base_url, "POST", "/api/tasks", {"title": "one", "labels": ["a"]}, key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The same JSON in another order or spacing is the same request; the quoted form is the same key.
    same = httpx.post(
        daemon.base_url + "/api/tasks",
        content=b'{ "labels": ["a"],   "title": "one" }',
        headers={"Idempotency-Key": f'"{key}"', "Content-Type": "application/json"},
    )
    assert same.status_code == 201 and same.content == first.content

    other_body = send(daemon.base_url, "POST", "/api/tasks", {"title": "two"}, key)
    assert other_body.status_code == 422 and error_code(other_body) == "idempotency_key_reused"
    other_path = send(daemon.base_url, "PATCH", f"/api/tasks/{first.json()['id']}", {"title": "one"}, key)
    assert other_path.status_code == 422 and error_code(other_path) == "idempotency_key_reused"

    for bad in ("", "x" * 256, "caf\u00e9", '"open', '"a"b"'):
        r = httpx.post(
            daemon.base_url + "/api/tasks",
            json={"title": "bad key"},
            headers={"Idempotency-Key": bad.encode("utf-8")},
        )
        assert r.status_code == 422 and error_code(r) == "invalid_argument", (bad, r.text)

    # A refused request stores nothing: with the cause fixed, the same key then works.
    missing = send(
        daemon.base_url, "POST", "/api/tasks", {"title": "sub", "parent_id": "tsk_nope"}, "k-refused"
    )
    assert missing.status_code == 404
    daemon.post("/api/tasks", {"title": "parent"})
    assert titles(daemon) == ["one", "parent"]

    # Keys survive a restart: the replay is the first reply, and nothing new is created.
    daemon.restart()
    replay = send(daemon.base_url, "POST", "/api/tasks", {"title": "one", "labels": ["a"]}, key)
    assert replay.status_code == 201 and replay.content == first.content
    assert replay.headers["X-Tidewire-Seq"] == first.headers["X-Tidewire-Seq"]
    assert titles(daemon) == ["one", "parent"]


def test_keys_expire_and_are_pruned(daemon_factory: Callable[..., Daemon]) -> None:
    daemon = daemon_factory("--idempotency-ttl", "1")
    first = send(daemon.base_url, "POST", "/api/tasks", {"title": "t"}, "old-key")
    assert send(daemon.base_url, "POST", "/api/tasks", {"title": "t"}, "old-key").content == first.content
    time.sleep(1.2)
    # Past its time a key is new again: the request runs, and the expired row is pruned.
    fresh = send(daemon.base_url, "POST", "/api/tasks", {"title": "t"}, "old-key")
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    send(daemon.base_url, "POST", "/api/tasks", {"title": "u"}, "other-key")
    time.sleep(1.2)
    send(daemon.base_url, "POST", "/api/tasks", {"title": "v"}, "third-key")
    with sqlite3.connect(daemon.data_dir / "tidewire.db") as conn:
        keys = [row[0] for row in conn.execute("SELECT key FROM idempotency_keys")]
    assert keys == ["third-key"]


async def test_a_retry_while_the_first_runs_is_409(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "tidewire.toml", {"agent": {"command": [*AGENT, "succeed"], "grace_seconds": 2}}, {}
    )
    daemon = daemon_factory("--config", str(config))
    repo = make_repo(tmp_path / "repo")
    project = daemon.post("/api/projects", {"path": str(repo)}).json()["id"]
    marker = tmp_path / "stubborn"
    started = send(
        daemon.base_url,
        "POST",
        "/api/agents",
        {"prompt": "x", "project_id": project, "command": [*AGENT, "stubborn", str(marker)]},
        "start-1",
    )
    assert started.status_code == 201
    agent = started.json()
    for _ in range(200):
        if marker.exists():
            break
        await asyncio.sleep(0.05)
    # The agent ignores SIGTERM, so its cancel takes the grace period: long enough to retry meanwhile.
    async with httpx.AsyncClient(base_url=daemon.base_url, timeout=30.0) as http:
        cancel = asyncio.create_task(
            http.post(f"/api/agents/{agent['id']}/cancel", headers={"Idempotency-Key": "c-1"})
        )
        await asyncio.sleep(0.5)
        during = await http.post(f"/api/agents/{agent['id']}/cancel", headers={"Idempotency-Key": "c-1"})
        assert during.status_code == 409 and error_code(during) == "idempotency_key_in_flight"
        done = await cancel
        assert done.status_code == 200 and done.json()["status"] == "cancelled"
        after = await http.post(f"/api/agents/{agent['id']}/cancel", headers={"Idempotency-Key": "c-1"})
        assert after.status_code == 200 and after.content == done.content
        unkeyed = await http.post(f"/api/agents/{agent['id']}/cancel")
        assert unkeyed.status_code == 409 and error_code(unkeyed) == "conflict"
    # Starting again with the same key answers with the first run; no second agent was started.
    again = send(
        daemon.base_url,
        "POST",
        "/api/agents",
        {"prompt": "x", "project_id": project, "command": [*AGENT, "stubborn", str(marker)]},
        "start-1",
    )
    assert again.status_code == 201 and again.json()["id"] == agent["id"]
    assert [a["id"] for a in daemon.get("/api/agents").json()["items"]] == [agent["id"]]


def test_openapi_documents_the_key_on_every_write(daemon: Daemon) -> None:
    spec = daemon.get("/openapi.json").json()
    writes = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("post", "patch", "delete", "put")
    ]
    assert len(writes) >= 14
    for path, method, op in writes:
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, (method, path)
        assert "idempotency_key_in_flight" in op["responses"]["409"]["description"], (method, path)
        assert "idempotency_key_reused" in op["responses"]["422"]["description"], (method, path)
