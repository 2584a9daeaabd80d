"""REST routers. Each feature appends its router here: an ``APIRouter`` object, or a dotted
name imported when the app is built (``"tidewire.api.tasks"`` uses that module's ``router``;
``"pkg.mod:attr"`` names another attribute). A dotted name whose module does not exist is
skipped with a warning, so a router can be listed before its module lands.
"""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: list[APIRouter | str] = [
    "tidewire.api.health",
    "tidewire.api.events",
    *(f"tidewire.api.{name}" for name in ("sessions", "hooks", "agents", "mcp_servers", "autonomous")),
    "tidewire.api.projects",
    "tidewire.api.tasks",
    "tidewire.api.worktrees",
]
