"""`tidewire install-hooks` as a user runs it: dry run, merge with existing settings, backup, idempotence."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from tidewire.sources.install_hooks import CLAUDE_HOOKS, CODEX_HOOKS, hook_command


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


def install_in(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "HOME")}
    return subprocess.run(
        [sys.executable, "-m", "tidewire", "install-hooks", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**env, "HOME": str(home), "PATH": "/usr/bin:/bin"},  # no venv on PATH
    )


def commands(settings: dict[str, Any], event: str) -> list[str]:
    return [h["command"] for group in settings["hooks"].get(event, []) for h in group["hooks"]]


def test_the_installed_command_runs_without_the_venv_on_path(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = install_in(
        home, "--source", "claude", "--url", "http://127.0.0.1:9", "--data-dir", str(tmp_path / "d")
    )
    assert done.returncode == 0, done.stderr
    written = json.loads((home / ".claude" / "settings.json").read_text())
    assert set(written["hooks"]) == set(CLAUDE_HOOKS)
    assert {"PostToolUseFailure", "PermissionRequest"} <= set(written["hooks"])
    [command] = commands(written, "PreToolUse")
    argv = shlex.split(command)
    assert Path(argv[0]).is_absolute()
    # As the agent CLI runs it: through a shell, with a PATH that lacks the venv.
    ran = subprocess.run(
        ["/bin/sh", "-c", command],
        input=b'{"session_id":"s","hook_event_name":"Stop"}',
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0 and ran.stdout == b"" and ran.stderr == b"", ran.stderr
    assert list((tmp_path / "d" / "hook-spool").glob("*.hook"))  # the daemon is down: spooled


def test_a_symlinked_settings_file_stays_a_symlink_with_its_mode(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "claude-settings.json"
    original = {"model": "opus", "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}
    target.write_text(json.dumps(original))
    target.chmod(0o640)
    link = home / ".claude" / "settings.json"
    link.symlink_to(target)

    done = install_in(home, "--source", "claude")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    written = json.loads(target.read_text())
    assert written["model"] == "opus" and commands(written, "Stop")[0] == "say done"
    assert len(commands(written, "Stop")) == 2

    removed = install_in(home, "--source", "claude", "--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert json.loads(target.read_text()) == original  # exactly what was there before


def test_uninstall_removes_only_tidewire_entries(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    mine = {"type": "command", "command": "my-linter"}
    original = {
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [mine]}],
            # an entry from an older install, by name on PATH: also tidewire's
            "Stop": [{"hooks": [{"type": "command", "command": "tidewire hook --source claude"}, mine]}],
        }
    }
    settings.write_text(json.dumps(original))
    assert install_in(home, "--source", "claude").returncode == 0
    upgraded = json.loads(settings.read_text())
    assert len([c for c in commands(upgraded, "Stop") if "hook_spool.py" in c]) == 1
    assert "tidewire hook --source claude" not in commands(upgraded, "Stop")  # replaced by the new one
    assert install_in(home, "--source", "claude", "--uninstall").returncode == 0
    assert json.loads(settings.read_text()) == {
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [mine]}], "Stop": [{"hooks": [mine]}]}
    }
    again = install_in(home, "--source", "claude", "--uninstall")
    assert again.returncode == 0 and "nothing changed" in again.stdout


def test_codex_hooks_and_feature_flag(tmp_path: Path) -> None:
    home = tmp_path / "home"
    codex = home / ".codex"
    codex.mkdir(parents=True)
    config = codex / "config.toml"
    before = '# my settings\nmodel = "o4"\n\n[features]\nweb_search = true\n\n[tui]\ntheme = "dark"\n'
    config.write_text(before)

    done = install_in(home, "--source", "codex")
    assert done.returncode == 0, done.stderr
    hooks = json.loads((codex / "hooks.json").read_text())
    assert set(hooks["hooks"]) == set(CODEX_HOOKS)
    assert "--source codex" in commands(hooks, "PostToolUse")[0]
    parsed = tomllib.loads(config.read_text())
    assert parsed["features"] == {"web_search": True, "codex_hooks": True}
    assert parsed["tui"] == {"theme": "dark"} and config.read_text().startswith("# my settings\n")
    assert "nothing changed" in install_in(home, "--source", "codex").stdout

    assert install_in(home, "--source", "codex", "--uninstall").returncode == 0
    assert config.read_text() == before
    assert json.loads((codex / "hooks.json").read_text()) == {}


def test_codex_without_a_config_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert install_in(home, "--source", "codex").returncode == 0
    config = home / ".codex" / "config.toml"
    assert tomllib.loads(config.read_text()) == {"features": {"codex_hooks": True}}
    assert install_in(home, "--source", "codex", "--uninstall").returncode == 0
    assert not config.exists()


def test_codex_flag_set_to_false_is_left_to_the_user(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = home / ".codex" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[features]\ncodex_hooks = false\n")
    done = install_in(home, "--source", "codex")
    assert done.returncode == 2 and "codex_hooks" in done.stderr
    assert config.read_text() == "[features]\ncodex_hooks = false\n"
    assert not (home / ".codex" / "hooks.json").exists()
