"""A daemon with the sources' config sections: unknown keys are warned about, bad values refused by name."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.sources_support import write_config
from support import Daemon

pytestmark = pytest.mark.daemon


async def test_unknown_keys_are_warned_about_and_the_daemon_starts(
    daemon_factory: Callable[..., Daemon], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "tidewire.toml",
        {"mcp": {"max_failures": 2, "max_failure": 3}, "sessions": {"poll_interval_s": 1}},
        {},
    )
    daemon = daemon_factory("--config", str(config))
    assert daemon.health()["seq"] >= 0
    log = daemon.log()
    assert "unknown key mcp.max_failure " in log
    assert "unknown key sessions.poll_interval_s " in log


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("mcp", "max_failures", "three"),
        ("sessions", "poll_interval_seconds", "often"),
        ("autonomous", "command", "claude -p {prompt}"),
        # Parsed by the settings loader too: checked before it, so the key is named.
        ("agent", "grace_seconds", "soon"),
        ("sessions", "idle_timeout_seconds", "later"),
    ],
)
def test_a_bad_value_stops_the_start_with_its_name(
    daemon_factory: Callable[..., Daemon], tmp_path: Path, section: str, key: str, value: object
) -> None:
    config = write_config(tmp_path / "tidewire.toml", {section: {key: value}}, {})
    daemon = daemon_factory("--config", str(config), start=False)
    proc = daemon.spawn()
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert code == 2
    assert f"config: {section}.{key} must be" in daemon.log()
