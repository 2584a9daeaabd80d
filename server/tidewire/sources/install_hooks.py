"""Writes tidewire's hook entries into an agent CLI's settings file, keeping what is there."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CLAUDE_HOOKS = (
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "Notification",
    "Stop",
    "SubagentStop",
    "PreCompact",
    "SessionEnd",
)
GEMINI_HOOKS = (
    "SessionStart",
    "SessionEnd",
    "BeforeAgent",
    "AfterAgent",
    "BeforeTool",
    "AfterTool",
    "Notification",
    "PreCompress",
)
# Hooks whose entries are filtered by tool name; "*" matches every tool.
_TOOL_HOOKS = frozenset({"PreToolUse", "PostToolUse", "BeforeTool", "AfterTool"})


class SettingsError(Exception):
    pass


def default_settings_path(source: str) -> Path:
    folder = ".claude" if source == "claude" else ".gemini"
    return Path.home() / folder / "settings.json"


def hook_command(source: str, url: str | None, explicit: str | None) -> str:
    if explicit:
        return explicit
    parts = ["tidewire", "hook", "--source", source]
    if url:
        parts += ["--url", url]
    return shlex.join(parts)


def _is_ours(entry: Any, command: str) -> bool:
    return isinstance(entry, dict) and entry.get("type") == "command" and entry.get("command") == command


def merge_hooks(settings: dict[str, Any], source: str, command: str) -> tuple[dict[str, Any], int]:
    """Returns settings with our hook on every hook name, and how many entries were added.

    Existing hooks (ours or anyone's) are kept; running the merge twice adds nothing.
    """
    merged = json.loads(json.dumps(settings))
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise SettingsError("the settings' `hooks` is not an object")
    added = 0
    for name in CLAUDE_HOOKS if source == "claude" else GEMINI_HOOKS:
        groups = hooks.setdefault(name, [])
        if not isinstance(groups, list):
            raise SettingsError(f"the settings' hooks.{name} is not a list")
        present = any(
            isinstance(group, dict)
            and isinstance(group.get("hooks"), list)
            and any(_is_ours(entry, command) for entry in group["hooks"])
            for group in groups
        )
        if present:
            continue
        group: dict[str, Any] = {"hooks": [{"type": "command", "command": command}]}
        if name in _TOOL_HOOKS:
            group = {"matcher": "*", **group}
        groups.append(group)
        added += 1
    return merged, added


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(path: Path, source: str, command: str, dry_run: bool) -> tuple[str, int, Path | None]:
    """Merges our hooks into `path`; returns the new text, entries added and the backup path."""
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
        except ValueError as exc:
            raise SettingsError(f"{path} is not valid JSON ({exc}); nothing was changed") from exc
        if not isinstance(loaded, dict):
            raise SettingsError(f"{path} does not hold a JSON object; nothing was changed")
        existing = loaded
    merged, added = merge_hooks(existing, source, command)
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    backup: Path | None = None
    if not dry_run and added:
        if path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = path.with_name(f"{path.name}.{stamp}.bak")
            shutil.copy2(path, backup)
        _write_atomically(path, text)
    return text, added, backup


def install_hooks_main(args: argparse.Namespace) -> int:
    path = Path(args.settings) if args.settings else default_settings_path(args.source)
    command = hook_command(args.source, args.url, args.hook_command)
    try:
        text, added, backup = install(path, args.source, command, args.dry_run)
    except (SettingsError, OSError) as exc:
        print(f"tidewire install-hooks: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        sys.stdout.write(text)
    elif added:
        note = f" (backup: {backup})" if backup else ""
        print(f"added {added} hook entries to {path}{note}")
    else:
        print(f"{path} already has tidewire's hooks; nothing changed")
    return 0
