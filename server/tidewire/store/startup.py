"""Opening the daemon's store in its data directory, with the checks that keep damage from passing
silently: the high-water mark beside the database, and what else in the directory shows use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .store import Store
from .watermark import FileMark

if TYPE_CHECKING:
    from ..config import Settings

MARK_NAME = "tidewire.mark"

# What the daemon leaves in a data dir it has used, besides the database and the mark.
_STATE_DIRS = (
    ("worktrees", "worktrees/ holds checkouts"),
    ("agents", "agents/ holds run logs"),
    ("mcp", "mcp/ holds server logs"),
)


def data_dir_state(data_dir: Path) -> list[str]:
    """A description of each thing in ``data_dir`` showing a database was in use there."""
    found = []
    for name, what in _STATE_DIRS:
        folder = data_dir / name
        try:
            if folder.is_dir() and any(folder.iterdir()):
                found.append(what)
        except OSError:
            found.append(f"{name}/ exists but cannot be read")
    return found


def open_daemon_store(settings: Settings) -> Store:
    """The store for ``tidewire serve``.

    Raises ``StoreStartError`` (with its exit code) when the daemon must not start on it.
    """
    return Store.open_sync(
        settings.db_path,
        retain=settings.retain,
        synchronous=settings.synchronous,
        mark=FileMark(settings.data_dir / MARK_NAME),
        existing_state=data_dir_state(settings.data_dir),
        allow_reinit=settings.allow_reinit,
    )
