"""`/api/worktrees`: list and get the worktrees the daemon manages; claim, release, merge, delete.

Creating one stays an MCP tool (`create_worktree`): the dashboard acts on existing worktrees.
Each change is the same service call the MCP tools make, so git work, record and event match.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ..idempotency import IdempotentRoute, reply_from_write
from ..protocol.models import Worktree
from ..services import worktrees
from .deps import Ctx, set_seq, with_seq
from .fields import Line, PathId, QueryId

router = APIRouter(tags=["worktrees"], route_class=IdempotentRoute)

NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "Unknown worktree"}}
CHANGE_ERRORS: dict[int | str, dict[str, str]] = {
    404: {"description": "Unknown worktree"},
    409: {"description": "Not in a state that allows it (e.g. already claimed, merged or deleted)"},
    422: {"description": "Bad body"},
}
MERGE_ERRORS: dict[int | str, dict[str, str]] = {
    **CHANGE_ERRORS,
    409: {
        "description": "`merge_conflict` (the repository is left as it was; the message names the "
        "files), uncommitted changes in the worktree, or not active or claimed"
    },
    422: {"description": "Unknown target branch, or a bad body"},
}
DELETE_ERRORS: dict[int | str, dict[str, str]] = {
    **CHANGE_ERRORS,
    409: {"description": "Already deleted; claimed or with uncommitted changes (without `force`)"},
}


class WorktreeList(BaseModel):
    items: list[Worktree]
    seq: int


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner: Line = Field(description="Who works in it: an agent or a person.")


class Merge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_branch: Line | None = Field(default=None, description="Default: the worktree's base branch.")


@router.get("/api/worktrees", response_model=WorktreeList)
async def list_worktrees(
    response: Response,
    ctx: Ctx,
    project_id: QueryId = None,
) -> WorktreeList:
    items, seq = await worktrees.list_worktrees(ctx.store, project_id)
    set_seq(response, seq)
    return WorktreeList(items=items, seq=seq)


@router.get("/api/worktrees/{worktree_id}", response_model=Worktree, responses=NOT_FOUND)
async def get_worktree(worktree_id: PathId, response: Response, ctx: Ctx) -> Worktree:
    return with_seq(response, await worktrees.get_worktree(ctx.store, worktree_id))


@router.post("/api/worktrees/{worktree_id}/claim", response_model=Worktree, responses=CHANGE_ERRORS)
@reply_from_write(lambda written: written[0])
async def claim_worktree(worktree_id: PathId, body: Claim, response: Response, ctx: Ctx) -> Worktree:
    return with_seq(response, await worktrees.claim_worktree(ctx.store, worktree_id, body.owner))


@router.post("/api/worktrees/{worktree_id}/release", response_model=Worktree, responses=CHANGE_ERRORS)
@reply_from_write(lambda written: written[0])
async def release_worktree(worktree_id: PathId, response: Response, ctx: Ctx) -> Worktree:
    return with_seq(response, await worktrees.release_worktree(ctx.store, worktree_id))


@router.post("/api/worktrees/{worktree_id}/merge", response_model=Worktree, responses=MERGE_ERRORS)
@reply_from_write(lambda written: written[0])
async def merge_worktree(
    worktree_id: PathId, response: Response, ctx: Ctx, body: Merge | None = None
) -> Worktree:
    target = body.target_branch if body else None
    return with_seq(response, await worktrees.merge_worktree(ctx.store, worktree_id, target))


@router.delete("/api/worktrees/{worktree_id}", response_model=Worktree, responses=DELETE_ERRORS)
@reply_from_write(lambda written: written[0])
async def delete_worktree(
    worktree_id: PathId,
    response: Response,
    ctx: Ctx,
    force: bool = Query(
        False, description="Also when claimed or with uncommitted changes; the branch is deleted too"
    ),
) -> Worktree:
    return with_seq(response, await worktrees.delete_worktree(ctx.store, worktree_id, force))
