"""The project and worktree services on PostgreSQL: the tests of tests/integration (real git
repositories) run unchanged on a `PgStore`, including the concurrent claims and merges that
rely on a write running alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from support.git import make_repo
from support.shared_tests import share
from tidewire.protocol.models import Project
from tidewire.services import projects
from tidewire.store import LogEntry
from tidewire.store_pg import PgStore


class PgEnv:
    """What both modules' `Env` offer, over a PostgreSQL store."""

    def __init__(self, store: PgStore, dsn: str, root: Path) -> None:
        self.store = store
        self.dsn = dsn
        self.root = root
        self.entries: list[LogEntry] = []
        store.add_commit_listener(self.entries.extend)
        # The worktree tests' extras, set by `env` below for them.
        self.repo = root / "repo"
        self.project: Project | None = None
        self.wt_dir = root / "data" / "worktrees"

    def frames(self) -> list[dict[str, Any]]:
        return [json.loads(e.text) for e in self.entries]

    def db_rows(self, sql: str) -> list[tuple[Any, ...]]:
        # A connection of its own: what is committed, not what a transaction sees.
        with psycopg.connect(self.dsn) as conn:
            return list(conn.execute(sql).fetchall())


@pytest.fixture
async def env(request: pytest.FixtureRequest, tmp_path: Path, pg_dsn: str) -> AsyncIterator[PgEnv]:
    store = await PgStore.open(pg_dsn)
    made = PgEnv(store, pg_dsn, tmp_path)
    if request.node.originalname in WORKTREE_TESTS:
        repo = make_repo(made.repo)
        made.project, _ = await projects.register_project(store, str(repo))
        made.entries.clear()
    yield made
    await store.close()


PROJECT_TESTS = (
    "test_register_rename_remove_each_commit_with_their_event",
    "test_renaming_to_the_same_name_changes_nothing",
    "test_bad_paths_are_refused_with_what_is_wrong",
    "test_a_file_and_a_plain_directory_are_not_repositories",
    "test_registering_a_repository_twice_names_the_first_registration",
    "test_rename_and_remove_refuse_unknown_ids_and_bad_names",
    "test_remove_refuses_while_anything_belongs_to_the_project",
    "test_another_project_in_use_does_not_block_removal",
)
WORKTREE_TESTS = (
    "test_full_life_cycle_emits_each_event",
    "test_bad_arguments_write_nothing",
    "test_illegal_transitions_are_conflicts",
    "test_merge_conflict_aborts_and_names_files",
    "test_merge_refuses_uncommitted_work",
    "test_delete_keeps_unmerged_branch_unless_forced",
    "test_merge_into_other_target_branch",
    "test_concurrent_creates_of_one_branch",
    "test_concurrent_merges_into_one_checkout_all_land",
    "test_concurrent_claims_have_one_winner",
)

share(globals(), {"test_projects_service": PROJECT_TESTS, "test_worktrees_service": WORKTREE_TESTS})
