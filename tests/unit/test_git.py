"""services/git.py against real repositories made in a temporary directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.git import commit_file, make_repo, sh
from tidewire.services import git

FILES = {"f.txt": "a\nb\n", "g.txt": "x\n"}


def repo_state(repo: Path) -> tuple[str, str, str]:
    return (sh(repo, "rev-parse", "HEAD"), sh(repo, "status", "--porcelain"), sh(repo, "branch", "--list"))


async def test_repo_root_resolves_subdirectory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    (repo / "sub").mkdir()
    assert await git.repo_root(repo / "sub") == repo.resolve()


async def test_repo_root_rejects_plain_directory_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(git.NotARepository):
        await git.repo_root(tmp_path / "plain")
    with pytest.raises(git.NotARepository):
        await git.repo_root(tmp_path / "missing")


async def test_branch_names_and_current_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    assert await git.current_branch(repo) == "main"
    assert await git.valid_branch_name(repo, "tw/feature-1")
    for bad in ("", "-x", "a..b", "with space", "end."):
        assert not await git.valid_branch_name(repo, bad)
    assert await git.branch_commit(repo, "main") == sh(repo, "rev-parse", "HEAD").strip()
    assert await git.branch_commit(repo, "nope") is None


async def test_add_list_and_remove_worktree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    wt = tmp_path / "data" / "wt1"
    head = await git.add_worktree(repo, wt, "tw/one", "main")
    assert head == sh(repo, "rev-parse", "main").strip()
    assert (wt / "f.txt").exists()
    assert await git.checkout_of(repo, "tw/one") == wt.resolve()
    (wt / "new.txt").write_text("untracked\n")
    with pytest.raises(git.GitError) as err:
        await git.remove_worktree(repo, wt, force=False)
    assert err.value.code == "conflict" and "new.txt" in err.value.message
    assert wt.exists()
    await git.remove_worktree(repo, wt, force=True)
    assert not wt.exists()
    assert await git.checkout_of(repo, "tw/one") is None
    assert await git.delete_branch(repo, "tw/one", force=False)  # no commits of its own: merged


async def test_remove_worktree_already_gone_is_pruned(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/gone", "main")
    shutil.rmtree(wt)
    await git.remove_worktree(repo, wt, force=False)
    assert all(e.branch != "tw/gone" for e in await git.list_worktrees(repo))


async def test_merge_into_checked_out_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    commit_file(wt, "feature.txt", "new\n", "feature")
    commit = await git.merge(repo, "tw/feat", "main")
    assert commit == sh(repo, "rev-parse", "HEAD").strip()
    assert (repo / "feature.txt").read_text() == "new\n"
    parents = sh(repo, "rev-list", "--parents", "-n", "1", "HEAD").split()
    assert len(parents) == 3  # a real merge commit (--no-ff)


async def test_merge_conflict_aborts_and_names_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    commit_file(wt, "f.txt", "a\nFEAT\n", "feat edit")
    commit_file(wt, "g.txt", "z\n", "feat g")
    commit_file(repo, "f.txt", "a\nMAIN\n", "main edit")
    commit_file(repo, "g.txt", "y\n", "main g")
    before = repo_state(repo)
    with pytest.raises(git.MergeConflict) as err:
        await git.merge(repo, "tw/feat", "main")
    assert err.value.files == ["f.txt", "g.txt"]
    assert "f.txt" in err.value.message and "g.txt" in err.value.message
    assert repo_state(repo) == before
    assert not (repo / ".git" / "MERGE_HEAD").exists()


async def test_merge_refuses_dirty_target_checkout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    commit_file(wt, "feature.txt", "new\n", "feature")
    (repo / "f.txt").write_text("local edit\n")
    with pytest.raises(git.GitError) as err:
        await git.merge(repo, "tw/feat", "main")
    assert err.value.code == "conflict" and "f.txt" in err.value.message
    assert (repo / "f.txt").read_text() == "local edit\n"
    assert not (repo / "feature.txt").exists()


async def test_merge_into_branch_not_checked_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    sh(repo, "branch", "release")
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    commit_file(wt, "feature.txt", "new\n", "feature")
    main_before = sh(repo, "rev-parse", "main")
    commit = await git.merge(repo, "tw/feat", "release")
    assert sh(repo, "rev-parse", "release").strip() == commit
    assert sh(repo, "rev-parse", "main") == main_before
    assert sh(repo, "show", f"{commit}:feature.txt") == "new\n"
    # Merging again is a no-op that reports the same commit.
    assert await git.merge(repo, "tw/feat", "release") == commit


async def test_merge_conflict_without_checkout_changes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    sh(repo, "branch", "release")
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    commit_file(wt, "f.txt", "a\nFEAT\n", "feat edit")
    sh(repo, "checkout", "-q", "release")
    commit_file(repo, "f.txt", "a\nREL\n", "release edit")
    sh(repo, "checkout", "-q", "main")
    release_before = sh(repo, "rev-parse", "release")
    with pytest.raises(git.MergeConflict) as err:
        await git.merge(repo, "tw/feat", "release")
    assert err.value.files == ["f.txt"]
    assert sh(repo, "rev-parse", "release") == release_before


async def test_merge_unknown_branches(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    with pytest.raises(git.GitError):
        await git.merge(repo, "nope", "main")
    with pytest.raises(git.GitError):
        await git.merge(repo, "main", "nope")


async def test_merge_uses_fallback_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    sh(repo, "config", "--unset", "user.email")
    sh(repo, "config", "--unset", "user.name")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    monkeypatch.delenv("GIT_AUTHOR_EMAIL", raising=False)
    monkeypatch.delenv("GIT_COMMITTER_NAME", raising=False)
    monkeypatch.delenv("GIT_COMMITTER_EMAIL", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    wt = tmp_path / "wt"
    await git.add_worktree(repo, wt, "tw/feat", "main")
    (wt / "feature.txt").write_text("new\n")
    sh(wt, "add", "feature.txt")
    sh(wt, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "f")
    commit = await git.merge(repo, "tw/feat", "main")
    assert sh(repo, "log", "-1", "--format=%ae", commit).strip() == git.FALLBACK_EMAIL


async def test_dirty_files_lists_renames_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    sh(repo, "mv", "g.txt", "h.txt")
    (repo / "u.txt").write_text("u")
    files = await git.dirty_files(repo)
    assert sorted(files) == ["h.txt", "u.txt"]
    assert await git.dirty_files(repo, include_untracked=False) == ["h.txt"]
