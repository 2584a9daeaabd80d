"""Which transcript files the daemon opens, and how: regular files under known directories only.

A hook names its transcript (`transcript_path`), and anything on the machine that can reach
the daemon can send a hook. So the daemon reads a transcript only where an agent CLI writes
them (its home directories, registered projects, `--transcript-root`), only a regular file
(a FIFO or device would block `open()` or `read()` for ever), and opens it so that a symlink
swapped in after the check is not followed. `fstat` on the open descriptor is what decides.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

SUFFIX = ".jsonl"

# The open flags: no blocking on a FIFO (it then fails the regular-file check instead), no
# following a symlink in the last component, no controlling terminal from a tty.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC


class Refused(Exception):
    """The path is not one the daemon follows; `reason` says why, for the log and the hook reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def home_agent_dirs(env: Mapping[str, str] | None = None, home: Path | None = None) -> list[str]:
    """Where the agent CLIs keep their sessions: ~/.claude, ~/.gemini, ~/.codex and their env overrides."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    dirs = [home / ".claude", home / ".gemini", home / ".codex"]
    for var in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME"):
        if env.get(var):
            dirs.append(Path(env[var]).expanduser())
    return [str(d) for d in dirs]


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symlink"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _within(path: str, roots: Iterable[str]) -> bool:
    for root in roots:
        base = root.rstrip(os.sep) or os.sep
        if path == base or path.startswith(base if base == os.sep else base + os.sep):
            return True
    return False


def real_roots(roots: Iterable[str]) -> list[str]:
    """The roots with `~` expanded and symlinks resolved (a root may itself be a link)."""
    out: list[str] = []
    for root in roots:
        try:
            out.append(os.path.realpath(os.path.expanduser(root)))
        except (OSError, ValueError):
            continue
    return out


def resolve(path: str, roots: Iterable[str]) -> str:
    """The real path of `path` if the daemon may read it; raises Refused otherwise."""
    if not path.endswith(SUFFIX):
        raise Refused(f"{path!r} is not a {SUFFIX} file")
    if not os.path.isabs(path):
        raise Refused(f"{path!r} is not an absolute path")
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL inside
        raise Refused(f"{path!r} cannot be resolved: {exc}") from None
    if not real.endswith(SUFFIX):
        raise Refused(f"{path!r} resolves to {real!r}, which is not a {SUFFIX} file")
    resolved_roots = real_roots(roots)
    if not _within(real, resolved_roots):
        raise Refused(
            f"{path!r} is outside the directories transcripts are read from "
            f"({', '.join(resolved_roots) or 'none'}; add one with --transcript-root)"
        )
    return real


def open_regular(real: str, roots: Iterable[str] | None = None) -> int:
    """Opens `real` (from `resolve`) for reading; a descriptor of a regular file, or Refused.

    FileNotFoundError passes through: a transcript the CLI has not written yet is not refused.
    With `roots`, the opened file's own path (from /proc) must still lie under one, which
    catches a directory swapped for a symlink between `resolve` and here.
    """
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(f"{real!r} is a symlink") from None
        raise Refused(f"{real!r} cannot be opened: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Refused(f"{real!r} is {_kind(mode)}, not a regular file")
        if roots is not None:
            try:
                opened = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                opened = None  # no /proc: the check in `resolve` is all there is
            if opened is not None and not _within(opened, real_roots(roots)):
                raise Refused(f"{real!r} moved outside the transcript directories while being opened")
    except BaseException:
        os.close(fd)
        raise
    return fd


def check(path: str, roots: Iterable[str]) -> str | None:
    """Why `path` will not be followed, or None if it will (or may, once the CLI creates it).

    For the hook reply: `lstat` only, so a FIFO is named without being opened.
    """
    try:
        real = resolve(path, roots)
    except Refused as exc:
        return exc.reason
    try:
        mode = os.lstat(real).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{real!r} cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return f"{real!r} is {_kind(mode)}, not a regular file"
    return None
