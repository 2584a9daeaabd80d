"""Writes tidewire's hook entries into an agent CLI's settings file, keeping what is there.

The command written is absolute (this interpreter, `-I -S`, the path of hook_spool.py), so it
works whatever the agent CLI's PATH holds and starts in milliseconds. A settings file that is
a symlink stays one (its target is edited) and keeps its mode. `--uninstall` removes tidewire's
entries and nothing else. Codex reads `~/.codex/hooks.json` (the same shape as Claude Code's
hooks) once `[features] codex_hooks = true` is set in `~/.codex/config.toml`, which is added too.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tidewire.sources import hook_spool

CLAUDE_HOOKS = (
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "PostToolUseFailure",
    "Notification",
    "Stop",
    "SubagentStart",
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
CODEX_HOOKS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Stop")
HOOKS_BY_SOURCE = {"claude": CLAUDE_HOOKS, "gemini": GEMINI_HOOKS, "codex": CODEX_HOOKS}
# Hooks whose entries are filtered by tool name; "*" matches every tool.
_TOOL_HOOKS = frozenset(
    {"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest", "BeforeTool", "AfterTool"}
)
# The line install-hooks adds to Codex's config.toml; uninstall removes exactly these lines.
_CODEX_MARK = "# added by tidewire install-hooks"
CODEX_FEATURE_LINE = f"codex_hooks = true  {_CODEX_MARK}"
CODEX_FEATURES_HEADER = f"[features]  {_CODEX_MARK}"


class SettingsError(Exception):
    pass


def default_settings_path(source: str) -> Path:
    if source == "codex":
        return Path.home() / ".codex" / "hooks.json"
    folder = ".claude" if source == "claude" else ".gemini"
    return Path.home() / folder / "settings.json"


def hook_command(source: str, url: str | None, explicit: str | None, data_dir: str | None = None) -> str:
    """The command every hook entry runs: absolute interpreter and script, stdlib-only start."""
    if explicit:
        return explicit
    parts = [sys.executable, "-I", "-S", str(Path(hook_spool.__file__).resolve()), "--source", source]
    if url:
        parts += ["--url", url]
    if data_dir:
        parts += ["--data-dir", str(Path(data_dir).expanduser().resolve())]
    return shlex.join(parts)


def is_tidewire_command(command: Any) -> bool:
    """A hook command tidewire wrote: this script, or `tidewire hook` from older versions."""
    if not isinstance(command, str):
        return False
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    if any(arg.endswith(os.path.join("tidewire", "sources", "hook_spool.py")) for arg in argv):
        return True
    return len(argv) >= 2 and Path(argv[0]).name == "tidewire" and argv[1] == "hook"


def _is_ours(entry: Any, command: str) -> bool:
    if not (isinstance(entry, dict) and entry.get("type") == "command"):
        return False
    found = entry.get("command")
    return bool(found == command or is_tidewire_command(found))


def _groups(hooks: dict[str, Any], name: str) -> list[Any]:
    groups = hooks.setdefault(name, [])
    if not isinstance(groups, list):
        raise SettingsError(f"the settings' hooks.{name} is not a list")
    return groups


def _hooks_of(settings: dict[str, Any]) -> dict[str, Any]:
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise SettingsError("the settings' `hooks` is not an object")
    return hooks


def remove_hooks(settings: dict[str, Any], command: str) -> tuple[dict[str, Any], int]:
    """Settings without tidewire's hook entries (and the groups and lists that held only them)."""
    merged = json.loads(json.dumps(settings))
    if "hooks" not in merged:
        return merged, 0
    hooks = _hooks_of(merged)
    removed = 0
    for name in list(hooks):
        groups = hooks[name]
        if not isinstance(groups, list):
            continue
        kept_groups: list[Any] = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                entries = group["hooks"]
                kept = [entry for entry in entries if not _is_ours(entry, command)]
                removed += len(entries) - len(kept)
                if entries and not kept:
                    continue  # the group held only ours: it goes with them
                group["hooks"] = kept
            kept_groups.append(group)
        if groups and not kept_groups:
            del hooks[name]
        else:
            hooks[name] = kept_groups
    if not hooks and removed:
        del merged["hooks"]
    return merged, removed


def merge_hooks(settings: dict[str, Any], source: str, command: str) -> tuple[dict[str, Any], int]:
    """Returns settings with our hook on every hook name, and how many entries changed.

    Existing hooks are kept; an older tidewire command (another path or interpreter) is
    replaced by the current one; running the merge twice changes nothing.
    """
    merged = json.loads(json.dumps(settings))
    hooks = _hooks_of(merged)
    changed = 0
    for name in HOOKS_BY_SOURCE[source]:
        groups = _groups(hooks, name)
        current = [
            entry
            for group in groups
            if isinstance(group, dict) and isinstance(group.get("hooks"), list)
            for entry in group["hooks"]
            if _is_ours(entry, command)
        ]
        if len(current) == 1 and current[0].get("command") == command:
            continue
        if current:
            cleaned, _ = remove_hooks({"hooks": {name: groups}}, command)
            groups = cleaned.get("hooks", {}).get(name, [])
            hooks[name] = groups
        group: dict[str, Any] = {"hooks": [{"type": "command", "command": command}]}
        if name in _TOOL_HOOKS:
            group = {"matcher": "*", **group}
        groups.append(group)
        changed += 1
    return merged, changed


def _write_keeping(path: Path, text: str) -> None:
    """Atomically replaces the file `path` names, keeping a symlink a symlink and the file's mode."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    mode: int | None = None
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
    except ValueError as exc:
        raise SettingsError(f"{path} is not valid JSON ({exc}); nothing was changed") from exc
    if not isinstance(loaded, dict):
        raise SettingsError(f"{path} does not hold a JSON object; nothing was changed")
    return loaded


def _backup(path: Path) -> Path | None:
    if not path.exists():
        return None
    target = Path(os.path.realpath(path))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = target.with_name(f"{target.name}.{stamp}.bak")
    shutil.copy2(target, backup)
    return backup


def install(
    path: Path, source: str, command: str, dry_run: bool, uninstall: bool = False
) -> tuple[str, int, Path | None]:
    """Merges our hooks into `path` (or removes them); returns the new text, entries changed, backup."""
    existing = _load(path)
    if uninstall:
        merged, changed = remove_hooks(existing, command)
    else:
        merged, changed = merge_hooks(existing, source, command)
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    backup: Path | None = None
    if not dry_run and changed:
        backup = _backup(path)
        _write_keeping(path, text)
    return text, changed, backup


# -- Codex's feature flag -------------------------------------------------------------------


def codex_config_path(hooks_path: Path) -> Path:
    return hooks_path.with_name("config.toml")


def _features_enabled(text: str) -> bool:
    features = tomllib.loads(text).get("features")
    return isinstance(features, dict) and features.get("codex_hooks") is True


def enable_codex_hooks(text: str) -> str:
    """`text` (a config.toml) with `[features] codex_hooks = true`, every other line kept.

    The standard library reads TOML but does not write it, and a rewrite would lose the user's
    comments and layout: so the one line is added by hand, and the result is parsed again.
    """
    try:
        if _features_enabled(text):
            return text
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config.toml is not valid TOML ({exc}); nothing was changed") from exc
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.split("#")[0].strip() == "[features]"), None)
    if header is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [CODEX_FEATURES_HEADER, CODEX_FEATURE_LINE]
    else:
        end = next(
            (i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
        )
        for i in range(header + 1, end):
            if lines[i].split("=")[0].strip() == "codex_hooks":
                raise SettingsError(
                    "config.toml sets [features] codex_hooks to something other than true; "
                    "set it to true yourself (nothing was changed)"
                )
        lines.insert(header + 1, CODEX_FEATURE_LINE)
    result = "\n".join(lines) + "\n"
    if not _features_enabled(result):
        raise SettingsError("could not enable codex_hooks in config.toml; nothing was changed")
    return result


def disable_codex_hooks(text: str) -> str:
    """`text` without the lines install-hooks added (and only those)."""
    kept = [line for line in text.splitlines() if line not in (CODEX_FEATURE_LINE, CODEX_FEATURES_HEADER)]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept) + "\n" if kept else ""


def update_codex_config(path: Path, uninstall: bool, dry_run: bool) -> bool:
    """Adds (or removes) the feature flag; returns whether the file changed."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    after = disable_codex_hooks(before) if uninstall else enable_codex_hooks(before)
    if after == before:
        return False
    if not dry_run:
        if not after:
            Path(os.path.realpath(path)).unlink()  # it held only what install-hooks wrote
        else:
            _write_keeping(path, after)
    return True


# -- the command ----------------------------------------------------------------------------


def install_hooks_main(args: argparse.Namespace) -> int:
    path = Path(args.settings).expanduser() if args.settings else default_settings_path(args.source)
    command = hook_command(args.source, args.url, args.hook_command, args.data_dir)
    try:
        if args.source == "codex" and not args.uninstall:
            # Validate config.toml before touching anything.
            config = codex_config_path(path)
            enable_codex_hooks(config.read_text(encoding="utf-8") if config.exists() else "")
        text, changed, backup = install(path, args.source, command, args.dry_run, args.uninstall)
        flag_changed = False
        if args.source == "codex":
            flag_changed = update_codex_config(codex_config_path(path), args.uninstall, args.dry_run)
    except (SettingsError, OSError) as exc:
        print(f"tidewire install-hooks: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        sys.stdout.write(text)
        return 0
    note = f" (backup: {backup})" if backup else ""
    if args.uninstall:
        if changed:
            print(f"removed {changed} tidewire hook entries from {path}{note}")
        else:
            print(f"{path} has no tidewire hooks; nothing changed")
    elif changed:
        print(f"added {changed} hook entries to {path}{note}")
    else:
        print(f"{path} already has tidewire's hooks; nothing changed")
    if flag_changed:
        config = codex_config_path(path)
        verb = "removed" if args.uninstall else "set"
        print(f"{verb} [features] codex_hooks = true in {config}")
    return 0


def add_install_parser(subparsers: Any) -> None:
    install_cmd = subparsers.add_parser("install-hooks", help="add tidewire hooks to an agent CLI's settings")
    install_cmd.add_argument("--source", default="claude", choices=sorted(HOOKS_BY_SOURCE))
    install_cmd.add_argument(
        "--settings",
        default=None,
        help="settings file (default: ~/.claude/settings.json, ~/.gemini/settings.json, ~/.codex/hooks.json)",
    )
    install_cmd.add_argument("--url", default=None, help="daemon URL written into the hook command")
    install_cmd.add_argument(
        "--data-dir", default=None, help="the daemon's data dir (for its hook spool), when not the default"
    )
    install_cmd.add_argument("--command", dest="hook_command", default=None, help="hook command to install")
    install_cmd.add_argument("--uninstall", action="store_true", help="remove tidewire's hook entries")
    install_cmd.add_argument(
        "--dry-run", action="store_true", help="print the merged settings, write nothing"
    )
    install_cmd.set_defaults(func=install_hooks_main, handler=install_hooks_main)
