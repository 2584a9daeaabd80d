"""Helpers shared by the sources' integration tests: config files, replaying the log through the tap."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from support import TapSocket

# Upper bound on waiting for one event (a failure bound, not a timing assertion).
WAIT_S = 60.0
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def toml_value(value: Any) -> str:
    # JSON strings, numbers, booleans and arrays of those are valid TOML values.
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def write_config(
    path: Path, sections: dict[str, dict[str, Any]], arrays: dict[str, list[dict[str, Any]]]
) -> Path:
    lines: list[str] = []
    for name, table in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in table.items()]
    for name, entries in arrays.items():
        for entry in entries:
            lines.append(f"[[{name}]]")
            lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


async def replay_and_subscribe(ws: TapSocket, events: list[str]) -> None:
    """Replays the whole retained log (so events from before the connection count), then goes live."""
    await ws.send_json({"type": "resume", "epoch": ws.welcome["epoch"], "after_seq": 0})
    await ws.subscribe(events)


async def next_event(ws: TapSocket, type_: str, **match: Any) -> dict[str, Any]:
    """The next event of `type_` whose data has the given fields; earlier other events are skipped."""

    async def find() -> dict[str, Any]:
        while True:
            frame = await ws.recv(WAIT_S)
            if frame["type"] == type_ and all(frame["data"].get(k) == v for k, v in match.items()):
                return frame

    return await asyncio.wait_for(find(), WAIT_S)


def make_repo(path: Path) -> Path:
    """A real git repository with one commit on `main`."""
    import subprocess

    path.mkdir(parents=True, exist_ok=True)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "README.md").write_text("test repository\n")
    subprocess.run([*git, "add", "README.md"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "initial"], cwd=path, check=True)
    return path
