"""A daemon's node id: `--node-id`, env TIDEWIRE_NODE_ID or `[server] node_id`, else made once and
kept in the data dir; and the lease length, checked before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tidewire.config import DEFAULT_LEASE_MS, load_settings
from tidewire.errors import InvalidArgument
from tidewire.node import resolve_node_id


def test_a_node_id_is_made_once_and_kept_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"  # not there yet: made with the file
    first = resolve_node_id(load_settings({"data_dir": str(data_dir)}, env={}))
    assert first.startswith("node_") and (data_dir / "node_id").read_text() == first + "\n"
    assert resolve_node_id(load_settings({"data_dir": str(data_dir)}, env={})) == first
    other = resolve_node_id(load_settings({"data_dir": str(tmp_path / "other")}, env={}))
    assert other != first
    assert not list(data_dir.glob("*.partial"))


def test_a_configured_node_id_wins_with_the_usual_precedence(tmp_path: Path) -> None:
    config = tmp_path / "tidewire.toml"
    config.write_text('[server]\nnode_id = "file-node"\nlease_ms = 4000\n')
    base = {"config_file": str(config), "data_dir": str(tmp_path / "data")}
    from_file = load_settings(base, env={})
    assert (from_file.node_id, from_file.lease_ms) == ("file-node", 4000)
    from_env = load_settings(base, env={"TIDEWIRE_NODE_ID": "env.node", "TIDEWIRE_LEASE_MS": "900"})
    assert (from_env.node_id, from_env.lease_ms) == ("env.node", 900)
    from_flag = load_settings({**base, "node_id": "flag_node"}, env={"TIDEWIRE_NODE_ID": "env.node"})
    assert resolve_node_id(from_flag) == "flag_node"
    assert not (tmp_path / "data" / "node_id").exists()  # a configured id is not written down
    assert load_settings({}, env={}).lease_ms == DEFAULT_LEASE_MS


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        ({"node_id": ""}, "node_id must be"),
        ({"node_id": "has space"}, "node_id must be"),
        ({"node_id": "-leading"}, "node_id must be"),
        ({"node_id": "x" * 65}, "node_id must be"),
        ({"lease_ms": 299}, "lease_ms must be at least 300"),
    ],
)
def test_a_bad_node_id_or_lease_is_refused(cli: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        load_settings(cli, env={})
