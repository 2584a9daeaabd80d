"""`tidewire install-hooks` as a user runs it: dry run, merge with existing settings, backup, idempotence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tidewire.sources.install_hooks import CLAUDE_HOOKS, hook_command


def install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "install-hooks", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_install_hooks_merges_backs_up_and_is_idempotent(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    original = {
        "model": "sonnet",
        "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send"}]}]},
    }
    settings.write_text(json.dumps(original))

    dry = install(
        "--source", "claude", "--settings", str(settings), "--url", "http://127.0.0.1:9999", "--dry-run"
    )
    assert dry.returncode == 0, dry.stderr
    preview = json.loads(dry.stdout)
    assert json.loads(settings.read_text()) == original  # a dry run writes nothing
    assert set(preview["hooks"]) == set(CLAUDE_HOOKS)

    done = install("--source", "claude", "--settings", str(settings), "--url", "http://127.0.0.1:9999")
    assert done.returncode == 0, done.stderr
    written = json.loads(settings.read_text())
    assert written == preview
    assert written["model"] == "sonnet"
    stop_commands = [h["command"] for group in written["hooks"]["Stop"] for h in group["hooks"]]
    assert stop_commands == ["notify-send", hook_command("claude", "http://127.0.0.1:9999", None)]
    backups = list(tmp_path.glob("settings.json.*.bak"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == original

    again = install("--source", "claude", "--settings", str(settings), "--url", "http://127.0.0.1:9999")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert json.loads(settings.read_text()) == written
    assert len(list(tmp_path.glob("settings.json.*.bak"))) == 1


def test_install_hooks_refuses_a_broken_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text("{ not json")
    done = install("--source", "claude", "--settings", str(settings))
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    assert settings.read_text() == "{ not json"
    assert list(tmp_path.iterdir()) == [settings]
