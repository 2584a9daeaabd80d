"""Real git repositories for tests: made, edited and inspected with the git CLI."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

# Content with two lines, so that one edit on a branch and another on main conflict.
DEFAULT_FILES: Mapping[str, str] = {"f.txt": "a\nb\n"}


def sh(cwd: Path, *args: str) -> str:
    """Runs `git *args` in `cwd`; its stdout (a failing command raises)."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_repo(path: Path, files: Mapping[str, str] = DEFAULT_FILES) -> Path:
    """A repository on `main` with `files` in one commit; its resolved path.

    The identity is set in the repository's config so that later commits, by the tests or by
    the daemon (merges), work without a global git config.
    """
    path.mkdir(parents=True, exist_ok=True)
    sh(path, "init", "-q", "-b", "main")
    sh(path, "config", "user.email", "dev@example.com")
    sh(path, "config", "user.name", "Dev")
    for name, text in files.items():
        (path / name).write_text(text)
    sh(path, "add", ".")
    sh(path, "commit", "-qm", "init")
    return path.resolve()


def commit_file(repo: Path, name: str, text: str, message: str | None = None) -> None:
    (repo / name).write_text(text)
    sh(repo, "add", name)
    sh(repo, "commit", "-qm", message or f"edit {name}")
