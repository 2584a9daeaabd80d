"""Every task and worktree MCP tool against a real daemon, over streamable HTTP and over the
`tidewire mcp` stdio bridge (a subprocess), with the events checked on a real socket."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from support import Daemon, TapSocket, ws_connect
from support.git import commit_file, make_repo, sh
from support.mcp import call, call_error, text_of

TOOLS = {
    "register_project", "list_projects", "create_task", "update_task", "close_task", "expand_task",
    "get_task", "list_tasks", "create_worktree", "claim_worktree", "release_worktree", "merge_worktree",
    "delete_worktree", "list_worktrees",
}


def exists(path: str | Path) -> bool:
    return Path(path).exists()


def repo_state(repo: Path) -> tuple[str, str, str]:
    return sh(repo, "rev-parse", "HEAD"), sh(repo, "status", "--porcelain"), (repo / "f.txt").read_text()


@asynccontextmanager
async def mcp_client(daemon: Daemon, transport: str, *bridge_args: str) -> AsyncIterator[Client]:
    url = daemon.base_url + "/mcp"
    if transport == "http":
        server: Any = url
    else:
        args = ["-m", "tidewire", "mcp", "--url", url, *bridge_args]
        server = StdioServerParameters(command=sys.executable, args=args)
    async with Client(server, cache=None) as client:
        yield client


def head(daemon: Daemon) -> int:
    return int(daemon.health()["seq"])


async def next_events(ws: TapSocket, n: int) -> list[dict[str, Any]]:
    return await ws.recv_events(n)


@pytest.fixture(params=["http", "stdio"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_every_tool_emits_its_event(daemon: Daemon, transport: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, mcp_client(daemon, transport) as client:
        await ws.subscribe(["task.*", "worktree.*"])
        listed = await client.list_tools()
        assert TOOLS <= {t.name for t in listed.tools}

        project = await call(client, "register_project", path=str(repo), name="demo")
        assert project["path"] == str(repo) and project["name"] == "demo"
        projects = await call(client, "list_projects")
        assert [p["id"] for p in projects["items"]] == [project["id"]]
        pid = project["id"]

        task = await call(client, "create_task", title="Ship it", description="d", priority=1, labels=["x"])
        [created] = await next_events(ws, 1)
        assert created["type"] == "task.created"
        assert created["data"] == {"task_id": task["id"], "project_id": pid, "task": task}

        updated = await call(client, "update_task", task_id=task["id"], status="in_progress", title="Ship")
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "task.updated" and ev["seq"] == created["seq"] + 1
        assert ev["data"]["task"] == updated and ev["data"]["task_id"] == task["id"]
        assert ev["data"]["project_id"] == pid
        assert ev["data"]["changed"] == ["title", "status"]
        assert ev["data"]["previous"] == {"title": "Ship it", "status": "open"}

        subtasks = [{"title": "a"}, {"title": "b", "priority": 4}]
        expansion = await call(client, "expand_task", task_id=task["id"], subtasks=subtasks)
        sub_ids = [s["id"] for s in expansion["subtasks"]]
        evs = await next_events(ws, 3)
        assert [e["type"] for e in evs] == ["task.created", "task.created", "task.expanded"]
        assert [e["data"]["task_id"] for e in evs[:2]] == sub_ids
        assert [e["data"]["task"]["parent_id"] for e in evs[:2]] == [task["id"], task["id"]]
        assert evs[2]["data"]["subtask_ids"] == sub_ids and evs[2]["data"]["task_id"] == task["id"]
        assert evs[2]["data"]["project_id"] == pid

        got = await call(client, "get_task", task_id=sub_ids[1])
        assert got == expansion["subtasks"][1] and got["priority"] == 4
        children = await call(client, "list_tasks", parent_id=task["id"])
        assert [t["id"] for t in children["items"]] == sub_ids and children["seq"] == evs[2]["seq"]

        closed = await call(client, "close_task", task_id=sub_ids[0], reason="done")
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "task.closed" and ev["data"]["task"] == closed
        assert closed["status"] == "closed" and closed["closed_reason"] == "done"

        wt = await call(client, "create_worktree", branch="tw/ship", task_id=task["id"])
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "worktree.created"
        assert ev["data"]["worktree_id"] == wt["id"] and ev["data"]["project_id"] == pid
        assert ev["data"]["worktree"] == wt and wt["base_branch"] == "main" and wt["status"] == "active"
        assert exists(wt["path"]) and str(daemon.data_dir) in wt["path"]

        claimed = await call(client, "claim_worktree", worktree_id=wt["id"], owner="agent-7")
        released = await call(client, "release_worktree", worktree_id=wt["id"])
        evs = await next_events(ws, 2)
        assert [(e["type"], e["data"]["action"]) for e in evs] == [
            ("worktree.updated", "claim"), ("worktree.updated", "release"),
        ]
        assert evs[0]["data"]["worktree"] == claimed and claimed["owner"] == "agent-7"
        assert evs[1]["data"]["worktree"] == released and released["owner"] is None

        commit_file(Path(wt["path"]), "ship.txt", "shipped\n")
        merged = await call(client, "merge_worktree", worktree_id=wt["id"])
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "worktree.merged" and ev["data"]["worktree"] == merged
        assert merged["merged_into"] == "main"
        assert merged["merge_commit"] == sh(repo, "rev-parse", "main").strip()
        assert (repo / "ship.txt").read_text() == "shipped\n"

        deleted = await call(client, "delete_worktree", worktree_id=wt["id"])
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "worktree.deleted" and ev["data"]["worktree"] == deleted
        assert deleted["status"] == "deleted" and not exists(wt["path"])

        wts = await call(client, "list_worktrees", project_id=pid)
        assert wts["items"] == [deleted] and wts["seq"] == ev["seq"]

    # REST agrees with what the events said.
    r = daemon.get(f"/api/tasks/{task['id']}")
    assert r.json() == updated and int(r.headers["X-Tidewire-Seq"]) >= ev["seq"]


BAD_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("register_project", {"path": "/definitely/not/here"}),
    ("register_project", {}),
    ("create_task", {"title": ""}),
    ("create_task", {}),
    ("create_task", {"title": "x", "priority": 7}),
    ("create_task", {"title": "x", "parent_id": "tsk_missing"}),
    ("create_task", {"title": "x", "project_id": "prj_missing"}),
    ("update_task", {"task_id": "tsk_missing", "title": "x"}),
    ("update_task", {"task_id": "@task", "status": "done"}),
    ("update_task", {"task_id": "@task", "status": "closed"}),
    ("close_task", {"task_id": "tsk_missing"}),
    ("expand_task", {"task_id": "@task", "subtasks": []}),
    ("expand_task", {"task_id": "@task", "subtasks": [{"title": "ok"}, {"title": ""}]}),
    ("expand_task", {"task_id": "tsk_missing", "subtasks": [{"title": "a"}]}),
    ("get_task", {"task_id": "tsk_missing"}),
    ("list_tasks", {"status": "done"}),
    ("create_worktree", {"branch": "bad..branch"}),
    ("create_worktree", {"branch": "ok", "base_branch": "nope"}),
    ("create_worktree", {"branch": "main"}),
    ("create_worktree", {"branch": "ok", "task_id": "tsk_missing"}),
    ("claim_worktree", {"worktree_id": "wt_missing", "owner": "me"}),
    ("claim_worktree", {"worktree_id": "@wt", "owner": ""}),
    ("release_worktree", {"worktree_id": "@wt"}),
    ("merge_worktree", {"worktree_id": "@wt", "target_branch": "nope"}),
    ("delete_worktree", {"worktree_id": "wt_missing"}),
    ("no_such_tool", {}),
]


async def test_bad_arguments_are_tool_errors_and_emit_nothing(
    daemon: Daemon, transport: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, mcp_client(daemon, transport) as client:
        await ws.subscribe(["*"])
        await call(client, "register_project", path=str(repo))
        task = await call(client, "create_task", title="t")
        wt = await call(client, "create_worktree", branch="tw/one")
        await next_events(ws, 3)
        seq_before = head(daemon)
        branches_before = sh(repo, "branch", "--list")
        for tool, args in BAD_CALLS:
            args = {k: {"@task": task["id"], "@wt": wt["id"]}.get(v, v) if isinstance(v, str) else v
                    for k, v in args.items()}
            message = await call_error(client, tool, **args)
            assert message, f"{tool} gave an empty error"
        assert head(daemon) == seq_before
        assert sh(repo, "branch", "--list") == branches_before
        # The next event on the socket is the next good call's, right after the last good one.
        await call(client, "update_task", task_id=task["id"], priority=0)
        [ev] = await next_events(ws, 1)
        assert ev["type"] == "task.updated" and ev["seq"] == seq_before + 1
        assert [f["type"] for f in ws.received if "." in f["type"]] == [
            "project.created", "task.created", "worktree.created", "task.updated",
        ]


async def test_error_messages_name_the_problem(daemon: Daemon, tmp_path: Path) -> None:
    async with mcp_client(daemon, "http") as client:
        assert "not_found" in await call_error(client, "get_task", task_id="tsk_nope")
        assert "not a git repository" in await call_error(client, "register_project", path=str(tmp_path))
        assert "register_project" in await call_error(client, "create_worktree", branch="x")
        task = await call(client, "create_task", title="t")
        await call(client, "close_task", task_id=task["id"])
        assert "conflict" in await call_error(client, "close_task", task_id=task["id"])


async def test_merge_conflict_aborts_cleanly_and_names_files(
    daemon: Daemon, transport: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, mcp_client(daemon, transport) as client:
        await ws.subscribe(["worktree.*"])
        await call(client, "register_project", path=str(repo))
        wt = await call(client, "create_worktree", branch="tw/conflict")
        await next_events(ws, 1)
        commit_file(Path(wt["path"]), "f.txt", "a\nbranch\n")
        commit_file(Path(wt["path"]), "g.txt", "branch only\n")
        commit_file(repo, "f.txt", "a\nmain\n")
        before = repo_state(repo)
        seq_before = head(daemon)
        message = await call_error(client, "merge_worktree", worktree_id=wt["id"])
        assert "merge_conflict" in message and "f.txt" in message and "g.txt" not in message
        assert repo_state(repo) == before
        assert not exists(repo / ".git" / "MERGE_HEAD")
        assert head(daemon) == seq_before
        again = await call(client, "list_worktrees")
        assert again["items"][0]["status"] == "active"


async def test_stdio_bridge_forwards_tools_the_daemon_lists(daemon: Daemon) -> None:
    async with mcp_client(daemon, "http") as direct, mcp_client(daemon, "stdio") as bridged:
        direct_tools = {t.name: t for t in (await direct.list_tools()).tools}
        bridged_tools = {t.name: t for t in (await bridged.list_tools()).tools}
        assert set(bridged_tools) == set(direct_tools)
        for name, tool in direct_tools.items():
            assert bridged_tools[name].input_schema == tool.input_schema


async def test_stdio_bridge_reports_an_unreachable_daemon(daemon_factory: Any) -> None:
    stopped: Daemon = daemon_factory(start=False)
    # --retry-for 0: not retried while the daemon is down (test_mcp_exactly_once covers retries).
    async with mcp_client(stopped, "stdio", "--retry-for", "0") as client:
        message = await call_error(client, "create_task", title="t")
        assert "not reachable" in message
        # Once the daemon is up, the same bridge works without being restarted.
        stopped.start()
        task = await call(client, "create_task", title="t")
        assert task["title"] == "t"
        # A daemon restart between calls is invisible to the agent (sessions are stateless).
        stopped.restart()
        again = await call(client, "get_task", task_id=task["id"])
        assert again == task


async def test_stdio_bridge_sends_the_token(daemon_factory: Any) -> None:
    guarded: Daemon = daemon_factory("--token", "s3cret-token")
    url = guarded.base_url + "/mcp"
    for token, works in ((None, False), ("wrong", False), ("s3cret-token", True)):
        args = ["-m", "tidewire", "mcp", "--url", url] + (["--token", token] if token else [])
        async with Client(StdioServerParameters(command=sys.executable, args=args), cache=None) as client:
            result = await client.call_tool("list_projects", {})
            assert result.is_error is not works, text_of(result)
            if not works:
                assert "token" in text_of(result)


async def test_mcp_endpoint_keeps_the_daemon_host_checks(daemon: Daemon) -> None:
    async with httpx.AsyncClient() as http:
        r = await http.post(
            daemon.base_url + "/mcp",
            headers={"Host": "evil.example", "Accept": "application/json, text/event-stream"},
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        )
    assert r.status_code in (400, 403, 421)
