"""This daemon's node id: its name among the daemons sharing a database (docs/operations.md).

Configured (``--node-id``, ``TIDEWIRE_NODE_ID``, ``[server] node_id``), or made once and kept in
the data directory's ``node_id`` file, so a daemon restarted on the same data directory is the
same node and finds its own leftover agent runs.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .config import Settings

NODE_FILE = "node_id"


def node_id_path(data_dir: Path) -> Path:
    return data_dir / NODE_FILE


def resolve_node_id(settings: Settings) -> str:
    if settings.node_id is not None:
        return settings.node_id
    path = node_id_path(settings.data_dir)
    try:
        kept = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return kept
    node = "node_" + secrets.token_hex(6)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then renamed: a crash never leaves a half-written id.
    partial = path.with_name(NODE_FILE + ".partial")
    with partial.open("w", encoding="utf-8") as fh:
        fh.write(node + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    return node
