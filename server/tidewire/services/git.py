"""Git operations the worktree service needs, run as `git` subprocesses (argv lists, never a shell).

Every function either does its whole job or raises `GitError` after leaving the repository as it
found it; callers turn `GitError` into a `DomainError`. A merge conflict is reported as
`MergeConflict`, which names the conflicting files, after the merge has been aborted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio

# Fallback identity for the merge commits the daemon makes in a repository with no configured user;
# a configured `user.name` / `user.email` always wins (see `_identity_args`).
FALLBACK_NAME = "Tidewire"
FALLBACK_EMAIL = "tidewire@localhost"


class GitError(Exception):
    """A git command failed; `message` is meant for the person who asked for the operation."""

    def __init__(self, message: str, *, code: str = "git_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotARepository(GitError):
    def __init__(self, path: str) -> None:
        super().__init__(f"not a git repository (or not a working tree): {path}", code="invalid_argument")


class MergeConflict(GitError):
    def __init__(self, source: str, target: str, files: Sequence[str]) -> None:
        listed = ", ".join(files) if files else "(git reported no file names)"
        super().__init__(
            f"merging {source!r} into {target!r} conflicts in: {listed}; the merge was aborted",
            code="merge_conflict",
        )
        self.files = list(files)


@dataclass(frozen=True)
class GitResult:
    returncode: int
    stdout: str
    stderr: str


def _env() -> Mapping[str, str]:
    env = dict(os.environ)
    # Parseable English messages, no pager, and never block on a credential or editor prompt.
    env.update(
        {
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_EDITOR": "true",
            "GIT_MERGE_AUTOEDIT": "no",
        }
    )
    # A caller's GIT_DIR / GIT_WORK_TREE (e.g. the daemon started from a git hook) would redirect
    # every command away from the repository named by `cwd`.
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"):
        env.pop(name, None)
    return env


async def git(cwd: str | Path, *args: str) -> GitResult:
    """Run `git args...` in `cwd`; never raises for a non-zero exit (callers decide)."""
    try:
        proc = await anyio.run_process(["git", *args], cwd=str(cwd), env=_env(), check=False)
    except FileNotFoundError as exc:
        raise GitError(f"cannot run git in {cwd}: {exc}") from exc
    return GitResult(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


async def git_ok(cwd: str | Path, *args: str) -> str:
    """Run git and return stdout; raise `GitError` with git's own message on failure."""
    result = await git(cwd, *args)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return result.stdout


async def repo_root(path: str | Path) -> Path:
    """The top level of the working tree containing `path`; `NotARepository` if there is none."""
    p = Path(await anyio.Path(path).expanduser())
    if not await anyio.Path(p).is_dir():
        raise NotARepository(str(path))
    inside = await git(p, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise NotARepository(str(path))
    top = await git_ok(p, "rev-parse", "--show-toplevel")
    return Path(await anyio.Path(top.strip()).resolve())


async def current_branch(repo: str | Path) -> str | None:
    """The branch checked out in `repo`, or None on a detached HEAD."""
    result = await git(repo, "symbolic-ref", "--quiet", "--short", "HEAD")
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


async def valid_branch_name(repo: str | Path, name: str) -> bool:
    if not name or name.startswith("-"):
        return False
    result = await git(repo, "check-ref-format", "--branch", name)
    return result.returncode == 0


async def branch_commit(repo: str | Path, branch: str) -> str | None:
    """The commit a local branch points at, or None if there is no such branch."""
    result = await git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


@dataclass(frozen=True)
class WorktreeEntry:
    path: Path
    head: str | None
    branch: str | None  # short name, None when detached
    bare: bool


async def list_worktrees(repo: str | Path) -> list[WorktreeEntry]:
    out = await git_ok(repo, "worktree", "list", "--porcelain", "-z")
    entries: list[WorktreeEntry] = []
    current: dict[str, str] = {}

    def flush() -> None:
        if "worktree" in current:
            branch = current.get("branch")
            entries.append(
                WorktreeEntry(
                    path=Path(current["worktree"]),
                    head=current.get("HEAD"),
                    branch=branch.removeprefix("refs/heads/") if branch else None,
                    bare="bare" in current,
                )
            )
        current.clear()

    # -z: attributes end with NUL, records with an extra NUL (an empty attribute).
    for field in out.split("\0"):
        if not field:
            flush()
            continue
        key, _, value = field.partition(" ")
        current[key] = value
    flush()
    return entries


async def checkout_of(repo: str | Path, branch: str) -> Path | None:
    """The working tree that has `branch` checked out, if any."""
    for entry in await list_worktrees(repo):
        if entry.branch == branch and not entry.bare:
            return entry.path
    return None


async def dirty_files(checkout: str | Path, *, include_untracked: bool = True) -> list[str]:
    """Paths with uncommitted changes in a working tree (empty when clean)."""
    args = ["status", "--porcelain=v1", "-z"]
    args.append("--untracked-files=all" if include_untracked else "--untracked-files=no")
    out = await git_ok(checkout, *args)
    files: list[str] = []
    parts = out.split("\0")
    i = 0
    while i < len(parts):
        item = parts[i]
        i += 1
        if len(item) < 4:
            continue
        files.append(item[3:])
        if item[0] in "RC":  # renames and copies carry the original path as the next field
            i += 1
    return files


async def add_worktree(repo: str | Path, path: str | Path, branch: str, base: str) -> str:
    """Create `branch` at `base` and check it out at `path`; returns the commit it starts at."""
    await anyio.Path(path).parent.mkdir(parents=True, exist_ok=True)
    await git_ok(repo, "worktree", "add", "--quiet", "-b", branch, str(path), f"refs/heads/{base}")
    head = await git_ok(path, "rev-parse", "HEAD")
    return head.strip()


async def remove_worktree(repo: str | Path, path: str | Path, *, force: bool) -> None:
    """Remove a worktree checkout; a checkout that is already gone is only pruned."""
    if not await anyio.Path(path).exists():
        await git_ok(repo, "worktree", "prune")
        return
    args = ["worktree", "remove"]
    if force:
        # Twice: also removes a locked worktree.
        args += ["--force", "--force"]
    result = await git(repo, *args, str(path))
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        if not force and ("modified or untracked" in detail or "is dirty" in detail):
            files = await dirty_files(path)
            raise GitError(
                "worktree has uncommitted changes (" + ", ".join(files) + "); use force to discard them",
                code="conflict",
            )
        raise GitError(f"git worktree remove failed: {detail}")


async def delete_branch(repo: str | Path, branch: str, *, force: bool) -> bool:
    """Delete a local branch; with force=False only if it is merged. Returns whether it was deleted."""
    result = await git(repo, "branch", "-D" if force else "-d", "--", branch)
    return result.returncode == 0


async def _identity_args(cwd: str | Path) -> list[str]:
    args: list[str] = []
    for key, fallback in (("user.name", FALLBACK_NAME), ("user.email", FALLBACK_EMAIL)):
        if (await git(cwd, "config", "--get", key)).returncode != 0:
            args += ["-c", f"{key}={fallback}"]
    return args


async def is_ancestor(repo: str | Path, ancestor: str, descendant: str) -> bool:
    result = await git(repo, "merge-base", "--is-ancestor", ancestor, descendant)
    return result.returncode == 0


async def merge(repo: str | Path, source: str, target: str) -> str:
    """Merge branch `source` into branch `target`; returns the commit `target` points at afterwards.

    If `target` is checked out somewhere, the merge runs in that working tree (which must have no
    uncommitted changes to tracked files) so that checkout stays consistent with its branch. If it
    is not checked out, the merge is computed without a working tree (`git merge-tree`) and the
    branch is moved with a compare-and-swap `update-ref`. On a conflict nothing changes and
    `MergeConflict` names the files.
    """
    source_commit = await branch_commit(repo, source)
    if source_commit is None:
        raise GitError(f"branch {source!r} does not exist", code="invalid_argument")
    target_commit = await branch_commit(repo, target)
    if target_commit is None:
        raise GitError(f"target branch {target!r} does not exist", code="invalid_argument")
    message = f"Merge branch '{source}' into {target}"
    checkout = await checkout_of(repo, target)
    if checkout is not None:
        return await _merge_in_checkout(checkout, source, target, message)
    return await _merge_without_checkout(repo, source, target, source_commit, target_commit, message)


async def _merge_in_checkout(checkout: Path, source: str, target: str, message: str) -> str:
    dirty = await dirty_files(checkout, include_untracked=False)
    if dirty:
        raise GitError(
            f"the checkout of {target!r} at {checkout} has uncommitted changes ({', '.join(dirty)}); "
            "commit or stash them first",
            code="conflict",
        )
    ident = await _identity_args(checkout)
    merge_args = ["merge", "--no-ff", "--no-edit", "--no-verify", "-m", message, f"refs/heads/{source}"]
    result = await git(checkout, *ident, *merge_args)
    if result.returncode == 0:
        return (await git_ok(checkout, "rev-parse", "HEAD")).strip()
    in_progress = await git(checkout, "rev-parse", "--verify", "--quiet", "MERGE_HEAD")
    if in_progress.returncode != 0:
        # Git refused before starting (e.g. untracked files would be overwritten): nothing changed.
        detail = (result.stderr or result.stdout).strip()
        raise GitError(f"git merge refused: {detail}", code="conflict")
    unmerged = await git_ok(checkout, "diff", "--name-only", "-z", "--diff-filter=U")
    files = [f for f in unmerged.split("\0") if f]
    await git_ok(checkout, "merge", "--abort")
    raise MergeConflict(source, target, files)


async def _merge_without_checkout(
    repo: str | Path, source: str, target: str, source_commit: str, target_commit: str, message: str
) -> str:
    if await is_ancestor(repo, source_commit, target_commit):
        return target_commit  # already merged
    result = await git(
        repo, "merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", target_commit, source_commit
    )
    if result.returncode == 1:
        fields = [f for f in result.stdout.split("\0") if f]
        raise MergeConflict(source, target, sorted(set(fields[1:])))
    if result.returncode != 0:
        raise GitError(f"git merge-tree failed: {result.stderr.strip()}")
    tree = result.stdout.split("\0", 1)[0].strip()
    ident = await _identity_args(repo)
    parents = ["-p", target_commit, "-p", source_commit]
    commit = (await git_ok(repo, *ident, "commit-tree", tree, *parents, "-m", message)).strip()
    # Compare-and-swap: fails if someone moved the branch meanwhile, so no commit is lost.
    await git_ok(repo, "update-ref", "-m", message, f"refs/heads/{target}", commit, target_commit)
    return commit
