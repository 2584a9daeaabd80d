"""The worktree REST endpoints against a real daemon and real git repositories.

Worktrees are created through the MCP tool an agent would use; the dashboard's actions
(claim, release, merge, delete) go through REST and must give the same records and events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client
from support import Daemon, ws_connect
from support.git import commit_file, make_repo, sh
from support.mcp import call

pytestmark = pytest.mark.daemon


@asynccontextmanager
async def clients(daemon: Daemon) -> AsyncIterator[tuple[httpx.AsyncClient, Client]]:
    async with (
        httpx.AsyncClient(base_url=daemon.base_url, timeout=60) as http,
        Client(daemon.base_url + "/mcp", cache=None) as mcp,
    ):
        yield http, mcp


def error_of(reply: httpx.Response) -> dict[str, Any]:
    body = reply.json()
    assert isinstance(body, dict) and "error" in body, body
    error = body["error"]
    assert isinstance(error, dict)
    return error


async def test_claim_release_merge_delete_through_rest(daemon: Daemon, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    async with ws_connect(daemon) as ws, clients(daemon) as (http, mcp):
        await ws.subscribe(["worktree.*"])
        await call(mcp, "register_project", path=str(repo))
        wt = await call(mcp, "create_worktree", branch="tw/rest")
        assert (await ws.recv_events(1))[0]["type"] == "worktree.created"
        wid = wt["id"]

        got = await http.get(f"/api/worktrees/{wid}")
        assert got.status_code == 200 and got.json() == wt

        claimed = await http.post(f"/api/worktrees/{wid}/claim", json={"owner": "dana"})
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["status"] == "claimed" and claimed.json()["owner"] == "dana"
        again = await http.post(f"/api/worktrees/{wid}/claim", json={"owner": "eve"})
        assert again.status_code == 409 and "dana" in error_of(again)["message"]
        assert (await http.post(f"/api/worktrees/{wid}/claim", json={})).status_code == 422
        assert (await http.post(f"/api/worktrees/{wid}/claim", json={"owner": "  "})).status_code == 422

        released = await http.post(f"/api/worktrees/{wid}/release")
        assert released.status_code == 200 and released.json()["owner"] is None
        assert (await http.post(f"/api/worktrees/{wid}/release")).status_code == 409

        commit_file(Path(wt["path"]), "feature.txt", "hello\n")
        merged = await http.post(f"/api/worktrees/{wid}/merge")
        assert merged.status_code == 200, merged.text
        assert merged.json()["status"] == "merged" and merged.json()["merged_into"] == "main"
        assert (repo / "feature.txt").read_text() == "hello\n"
        assert (await http.post(f"/api/worktrees/{wid}/merge")).status_code == 409

        deleted = await http.delete(f"/api/worktrees/{wid}")
        assert deleted.status_code == 200 and deleted.json()["status"] == "deleted"
        assert not await anyio.Path(wt["path"]).exists()
        assert (await http.delete(f"/api/worktrees/{wid}")).status_code == 409

        # One event per change, none for the refusals.
        frames = await ws.recv_events(4)
        assert [(f["type"], f["data"].get("action")) for f in frames] == [
            ("worktree.updated", "claim"),
            ("worktree.updated", "release"),
            ("worktree.merged", None),
            ("worktree.deleted", None),
        ]
        assert frames[-1]["data"]["worktree"] == deleted.json()
        assert (await http.get("/api/worktrees/wt_missing")).status_code == 404
        assert (await http.post("/api/worktrees/wt_missing/release")).status_code == 404


async def test_a_merge_conflict_is_a_clear_409_and_leaves_the_repository_alone(
    daemon: Daemon, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    async with clients(daemon) as (http, mcp):
        await call(mcp, "register_project", path=str(repo))
        wt = await call(mcp, "create_worktree", branch="tw/clash")
        commit_file(Path(wt["path"]), "README.md", "the branch's words\n")
        commit_file(repo, "README.md", "main's words\n")
        head = sh(repo, "rev-parse", "HEAD")
        seq = (await http.get("/api/events")).json()["seq"]

        reply = await http.post(f"/api/worktrees/{wt['id']}/merge", json={"target_branch": "main"})
        assert reply.status_code == 409
        error = error_of(reply)
        assert error["code"] == "merge_conflict" and "README.md" in error["message"]
        assert sh(repo, "rev-parse", "HEAD") == head and sh(repo, "status", "--porcelain") == ""
        assert (await http.get("/api/events")).json()["seq"] == seq
        assert (await http.get(f"/api/worktrees/{wt['id']}")).json()["status"] == "active"

        unknown = await http.post(f"/api/worktrees/{wt['id']}/merge", json={"target_branch": "nope"})
        assert unknown.status_code == 422 and "nope" in error_of(unknown)["message"]

        # Claimed: deleting needs force; with it, the checkout and its unmerged branch go.
        claim = await http.post(f"/api/worktrees/{wt['id']}/claim", json={"owner": "dana"})
        assert claim.status_code == 200
        refused = await http.delete(f"/api/worktrees/{wt['id']}")
        assert refused.status_code == 409 and "release it first" in error_of(refused)["message"]
        forced = await http.delete(f"/api/worktrees/{wt['id']}", params={"force": "true"})
        assert forced.status_code == 200 and forced.json()["status"] == "deleted"
        assert "tw/clash" not in sh(repo, "branch", "--list")
