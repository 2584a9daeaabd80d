"""`--transcript-root` and `--transcript-max-line-bytes`: flag, env and config file, checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from tidewire.config import DEFAULT_TRANSCRIPT_MAX_LINE_BYTES, load_settings
from tidewire.errors import InvalidArgument


def test_defaults_flags_env_and_file(tmp_path: Path) -> None:
    assert load_settings({}, {}).transcript_roots == []
    assert load_settings({}, {}).transcript_max_line_bytes == DEFAULT_TRANSCRIPT_MAX_LINE_BYTES
    env = {"TIDEWIRE_TRANSCRIPT_ROOTS": "/a,/b", "TIDEWIRE_TRANSCRIPT_MAX_LINE_BYTES": "4096"}
    from_env = load_settings({}, env)
    assert from_env.transcript_roots == ["/a", "/b"] and from_env.transcript_max_line_bytes == 4096
    flags = load_settings({"transcript_roots": ["/c"], "transcript_max_line_bytes": 1024}, env)
    assert flags.transcript_roots == ["/c"] and flags.transcript_max_line_bytes == 1024
    config = tmp_path / "t.toml"
    config.write_text('[server]\ntranscript_roots = ["~/logs"]\ntranscript_max_line_bytes = 2048\n')
    from_file = load_settings({"config_file": str(config)}, {})
    assert from_file.transcript_roots == ["~/logs"] and from_file.transcript_max_line_bytes == 2048


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        ({"transcript_max_line_bytes": 10}, "at least 256"),
        ({"transcript_roots": ["relative/dir"]}, "absolute path"),
    ],
)
def test_bad_values_are_refused(cli: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        load_settings(cli, {})


def test_a_non_string_root_in_the_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "t.toml"
    config.write_text("[server]\ntranscript_roots = [1]\n")
    with pytest.raises(InvalidArgument, match="absolute path"):
        load_settings({"config_file": str(config)}, {})


def test_the_read_timeout_is_a_sessions_key(tmp_path: Path) -> None:
    config = tmp_path / "t.toml"
    config.write_text("[sessions]\nread_timeout_seconds = 0\n")
    with pytest.raises(InvalidArgument, match=r"sessions\.read_timeout_seconds"):
        load_settings({"config_file": str(config)}, {})
