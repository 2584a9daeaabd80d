"""`GET /api/worktrees`: the worktrees the daemon manages (changes go through the MCP tools)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from ..protocol.models import Worktree
from ..services import worktrees
from .deps import Ctx, set_seq
from .fields import QueryId

router = APIRouter(tags=["worktrees"])


class WorktreeList(BaseModel):
    items: list[Worktree]
    seq: int


@router.get("/api/worktrees", response_model=WorktreeList)
async def list_worktrees(
    response: Response,
    ctx: Ctx,
    project_id: QueryId = None,
) -> WorktreeList:
    items, seq = await worktrees.list_worktrees(ctx.store, project_id)
    set_seq(response, seq)
    return WorktreeList(items=items, seq=seq)
