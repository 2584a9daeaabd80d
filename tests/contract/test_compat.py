"""codegen/compat.py catches breaking schema changes and lets compatible ones through.

Each test copies schema/ to a temporary directory, edits the copy the way a developer
might, and compares it with the untouched schema/ as the baseline.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema"
COMPAT = ROOT / "codegen" / "compat.py"
sys.path.insert(0, str(ROOT / "codegen"))

import compat  # noqa: E402

Json = dict[str, Any]


def edit(root: Path, rel: str, change: Callable[[Json], None]) -> None:
    path = root / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    dest = tmp_path / "schema"
    shutil.copytree(SCHEMA, dest)
    return dest


def findings(new_dir: Path, old_dir: Path = SCHEMA) -> list[compat.Finding]:
    return list(compat.iter_findings(old_dir, new_dir))


def messages(new_dir: Path, old_dir: Path = SCHEMA) -> list[str]:
    return [f.render() for f in findings(new_dir, old_dir)]


def only_one(new_dir: Path, *needles: str) -> str:
    found = messages(new_dir)
    assert len(found) == 1, found
    for needle in needles:
        assert needle in found[0], found[0]
    return found[0]


def add_event(root: Path, name: str, title: str, union: str = "frames/server_frame.json") -> None:
    src = json.loads((root / "events" / "task.created.json").read_text(encoding="utf-8"))
    src["title"] = title
    src["$id"] = src["$id"].replace("task.created", name)
    src["properties"]["type"]["const"] = name
    for example in src["examples"]:
        example["type"] = name
    (root / "events" / f"{name}.json").write_text(json.dumps(src, indent=2), encoding="utf-8")

    def register(doc: Json) -> None:
        doc["oneOf"].append({"$ref": f"../events/{name}.json"})
        mapping = doc.get("discriminator", {}).get("mapping")
        if isinstance(mapping, dict):
            mapping[name] = f"../events/{name}.json"

    edit(root, union, register)


# ---------------------------------------------------------------- no change, compatible changes


def test_identical_schemas_pass(work: Path) -> None:
    assert messages(work) == []


def test_new_optional_field_passes(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["estimate_hours"] = {"type": ["number", "null"], "minimum": 0}

    edit(work, "entities/task.json", change)
    edit(work, "control/client/subscribe.json", lambda d: d["properties"].update(note={"type": "string"}))
    assert messages(work) == []


def test_new_event_passes(work: Path) -> None:
    add_event(work, "task.reopened", "TaskReopenedEvent")
    assert messages(work) == []


def test_new_control_frame_passes(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["title"] = "NoticeFrame"
        doc["$id"] = doc["$id"].replace("pong.json", "notice.json")
        doc["properties"]["type"]["const"] = "notice"
        for example in doc["examples"]:
            example["type"] = "notice"

    shutil.copyfile(work / "control/server/pong.json", work / "control/server/notice.json")
    edit(work, "control/server/notice.json", change)
    edit(
        work,
        "frames/server_frame.json",
        lambda d: d["oneOf"].append({"$ref": "../control/server/notice.json"}),
    )
    assert messages(work) == []


def test_loosening_a_client_frame_passes(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["events"]["maxItems"] = 1024  # was 256: accepts more

    edit(work, "control/client/subscribe.json", change)
    assert messages(work) == []


def test_moving_a_definition_to_another_file_passes(work: Path) -> None:
    shutil.move(work / "entities/task.json", work / "entities/work_item.json")
    for path in work.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        if "task.json" in text:
            path.write_text(text.replace("entities/task.json", "entities/work_item.json"), encoding="utf-8")
    assert messages(work) == []


# ---------------------------------------------------------------- breaking changes


def test_removed_required_field_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        del doc["properties"]["priority"]
        doc["required"].remove("priority")

    edit(work, "entities/task.json", change)
    found = findings(work)
    assert [f.message for f in found] == ["property 'priority' removed"]
    assert found[0].path.endswith(".task.priority")
    assert found[0].location.startswith("schema/entities/task.json#")


def test_removed_event_file_is_caught(work: Path) -> None:
    (work / "events" / "worktree.merged.json").unlink()

    def change(doc: Json) -> None:
        doc["oneOf"] = [m for m in doc["oneOf"] if "worktree.merged" not in m["$ref"]]
        doc.get("discriminator", {}).get("mapping", {}).pop("worktree.merged", None)

    edit(work, "frames/server_frame.json", change)
    only_one(work, "worktree.merged", "removed from ServerFrame", "schema/events/worktree.merged.json")


def test_narrowed_type_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["parent_id"]["type"] = "string"  # was string|null

    edit(work, "entities/task.json", change)
    only_one(work, ".task.parent_id", "type narrowed from null|string to string")


def test_integer_from_number_is_narrowing(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["t"]["type"] = "integer"

    edit(work, "control/client/ping.json", change)
    only_one(work, "ping $.t", "narrowed from number to integer")


def test_removed_enum_value_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["status"]["enum"].remove("blocked")

    edit(work, "entities/task.json", change)
    only_one(work, ".task.status", "enum values removed: ['blocked']")


def test_renamed_property_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["after"] = doc["properties"].pop("after_seq")
        doc["required"] = ["after" if r == "after_seq" else r for r in doc["required"]]

    edit(work, "control/client/resume.json", change)
    found = messages(work)
    assert any("'after_seq' removed (renamed to 'after'?)" in m for m in found), found
    assert any("new required property 'after'" in m for m in found), found


def test_stricter_constraint_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["events"]["maxItems"] = 16

    edit(work, "control/client/subscribe.json", change)
    only_one(work, "subscribe $.events", "maxItems changed from 256 to 16")


def test_new_required_field_in_client_frame_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["client"] = {"type": "string"}
        doc["required"].append("client")

    edit(work, "control/client/ping.json", change)
    only_one(work, "ping $.client", "new required property 'client' in a frame clients send")


def test_new_required_field_in_server_frame_passes(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["uptime_ms"] = {"type": "integer", "minimum": 0}
        doc["required"].append("uptime_ms")

    edit(work, "control/server/pong.json", change)
    assert messages(work) == []


def test_closing_additional_properties_is_caught(work: Path) -> None:
    edit(work, "control/server/welcome.json", lambda d: d.update(additionalProperties=False))
    only_one(work, "welcome $", "additionalProperties closed")


def test_loosening_what_the_server_sends_is_caught(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["reason"]["enum"].append("maintenance")

    edit(work, "control/server/resync.json", change)
    only_one(work, "resync $.reason", "enum values added: ['maintenance']", "clients of the old schema")


def test_required_to_optional_in_server_frame_is_caught(work: Path) -> None:
    edit(work, "control/server/welcome.json", lambda d: d["required"].remove("heartbeat_ms"))
    only_one(work, "welcome $", "'heartbeat_ms' no longer required")


def test_event_turning_high_volume_is_caught(work: Path) -> None:
    edit(work, "events/task.updated.json", lambda d: d.update({"x-tidewire-high-volume": True}))
    only_one(work, "task.updated", "high volume")


def test_changed_const_is_caught(work: Path) -> None:
    edit(
        work, "control/server/welcome.json", lambda d: d["properties"]["protocol"].update(const="tidewire.v2")
    )
    only_one(work, "welcome $.protocol", "const changed")


def test_shared_definition_is_reported_once(work: Path) -> None:
    def change(doc: Json) -> None:
        doc["properties"]["title"]["maxLength"] = 3

    edit(work, "entities/task.json", change)
    found = only_one(work, "schema/entities/task.json#/properties/title", "maxLength")
    assert found.startswith("task.")


# ---------------------------------------------------------------- the command


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(COMPAT), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_command_exits_1_and_prints_each_breaking_change(work: Path) -> None:
    edit(work, "entities/task.json", lambda d: d["properties"]["status"]["enum"].remove("blocked"))
    (work / "events" / "worktree.merged.json").unlink()
    edit(
        work,
        "frames/server_frame.json",
        lambda d: d.update(oneOf=[m for m in d["oneOf"] if "worktree.merged" not in m["$ref"]]),
    )
    result = run("--schema-dir", str(work), "--baseline", str(SCHEMA))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 breaking change(s)" in result.stderr
    assert "$.data.task.status: enum values removed" in result.stderr
    assert "'worktree.merged' removed" in result.stderr


def test_command_passes_on_compatible_change(work: Path) -> None:
    add_event(work, "task.reopened", "TaskReopenedEvent")
    result = run("--schema-dir", str(work), "--baseline", str(SCHEMA))
    assert result.returncode == 0, result.stderr
    assert "no breaking changes" in result.stdout


def test_committed_baseline_loads_and_is_complete() -> None:
    baseline = ROOT / "codegen" / "compat_baseline"
    assert (baseline / "README.md").is_file()
    old = compat.Side.load(baseline)
    assert "task.created" in old.frames("ServerFrame")
    assert "subscribe" in old.frames("ClientFrame")


def test_update_baseline_replaces_the_snapshot(work: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    (snapshot / "stale.json").write_text("{}", encoding="utf-8")
    result = run("--update-baseline", "--schema-dir", str(work), "--baseline", str(snapshot))
    assert result.returncode == 0, result.stderr
    assert not (snapshot / "stale.json").exists()
    copied = sorted(p.relative_to(snapshot) for p in snapshot.rglob("*.json"))
    assert copied == sorted(p.relative_to(work) for p in work.rglob("*.json"))
    assert run("--schema-dir", str(work), "--baseline", str(snapshot)).returncode == 0


def test_last_release_tag_is_preferred(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SCHEMA, repo / "schema")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", "schema")
    git("commit", "-q", "-m", "release")
    git("tag", "v1.0.0")
    # No codegen/compat_baseline in this repo: the tag must be what is compared with.
    assert run("--root", str(repo)).returncode == 0
    edit(repo / "schema", "entities/task.json", lambda d: d["properties"]["status"]["enum"].remove("blocked"))
    result = run("--root", str(repo))
    assert result.returncode == 1
    assert "against tag v1.0.0" in result.stderr
    assert "enum values removed" in result.stderr


def test_update_baseline_from_a_git_ref_ignores_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SCHEMA, repo / "schema")
    for args in (["init", "-q", "-b", "main"], ["add", "schema"], ["commit", "-q", "-m", "schemas"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )
    edit(repo / "schema", "entities/task.json", lambda d: d["properties"]["status"]["enum"].remove("blocked"))
    snapshot = tmp_path / "snap"
    result = run("--root", str(repo), "--update-baseline", "--from-ref", "HEAD", "--baseline", str(snapshot))
    assert result.returncode == 0, result.stderr
    task = json.loads((snapshot / "entities" / "task.json").read_text(encoding="utf-8"))
    assert "blocked" in task["properties"]["status"]["enum"]
    assert "`HEAD`" in (snapshot / "README.md").read_text(encoding="utf-8")
    # The working tree's change is then reported against that snapshot.
    assert run("--root", str(repo), "--baseline", str(snapshot)).returncode == 1


def test_records_no_frame_carries_are_checked_too(work: Path) -> None:
    # McpServer travels only over REST; the daemon sends it, so dropping a field breaks clients.
    edit(work, "entities/mcp_server.json", lambda d: d["properties"].pop("transport"))
    location = "schema/entities/mcp_server.json#"
    only_one(work, "McpServer $.transport", "property 'transport' removed", location)


def test_removed_record_type_is_caught(work: Path) -> None:
    (work / "entities" / "mcp_server.json").unlink()
    only_one(work, "record type 'McpServer' removed")


# ---------------------------------------------------------------- generated mutations anywhere in the schemas

BASE = compat.Side.load(SCHEMA)


def _object_nodes(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths (inside one definition) of every schema node that declares properties."""
    found: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and node["properties"]:
            found.append(path)
        for key in ("properties",):
            for name, child in node.get(key, {}).items():
                found += _object_nodes(child, (*path, key, name))
        if isinstance(node.get("items"), dict):
            found += _object_nodes(node["items"], (*path, "items"))
        for key in ("oneOf", "anyOf", "allOf"):
            for i, child in enumerate(node.get(key, [])):
                found += _object_nodes(child, (*path, key, i))
    return found


LOCATIONS = sorted(
    (title, path)
    for title, schema in BASE.defs.items()
    if title not in ("ServerFrame", "ClientFrame")
    for path in _object_nodes(schema)
)


def _at(defs: dict[str, Any], title: str, path: tuple[str | int, ...]) -> Any:
    node = defs[title]
    for part in path:
        node = node[part]
    return node


def _mutated(st_data: Any) -> tuple[dict[str, Any], dict[str, Any], str]:
    defs = copy.deepcopy(BASE.defs)
    title, path = st_data.draw(st.sampled_from(LOCATIONS), label="location")
    node = _at(defs, title, path)
    prop = st_data.draw(st.sampled_from(sorted(node["properties"])), label="property")
    return defs, node, prop


def _findings(defs: dict[str, Any]) -> list[compat.Finding]:
    return compat.find_breaking(BASE, compat.Side(defs=defs, files=BASE.files))


@given(st.data())
def test_any_removed_or_renamed_property_is_caught(data: st.DataObject) -> None:
    defs, node, prop = _mutated(data)
    renamed = data.draw(st.booleans(), label="rename")
    schema = node["properties"].pop(prop)
    if renamed:
        node["properties"][prop + "_renamed"] = schema
    found = _findings(defs)
    expected = f"property {prop!r} removed"
    if prop == "type" and not any(expected in f.message for f in found):
        # A frame's `type` is its identity: without it the frame itself is gone.
        expected = "removed from"
    assert any(expected in f.message for f in found), found


@given(st.data())
def test_any_narrowed_property_is_caught(data: st.DataObject) -> None:
    defs, node, prop = _mutated(data)
    schema = node["properties"][prop]
    assume(isinstance(schema, dict) and "$ref" not in schema)
    kinds = []
    types = schema.get("type")
    if isinstance(types, list) and len(types) > 1:
        kinds.append("drop_type")
    if isinstance(schema.get("enum"), list) and len(schema["enum"]) > 1:
        kinds.append("drop_enum")
    if "string" in (types if isinstance(types, list) else [types]) and "maxLength" not in schema:
        kinds.append("max_length")
    if "const" not in schema and "enum" not in schema:
        kinds.append("new_const")
    assume(kinds)
    kind = data.draw(st.sampled_from(kinds), label="kind")
    if kind == "drop_type":
        schema["type"] = types[1:]
    elif kind == "drop_enum":
        schema["enum"] = schema["enum"][1:]
    elif kind == "max_length":
        schema["maxLength"] = 1
    else:
        schema["const"] = "only-this"
    assert _findings(defs), (kind, prop)


@given(st.data())
def test_any_new_optional_property_passes(data: st.DataObject) -> None:
    defs, node, _prop = _mutated(data)
    node["properties"]["zz_added_later"] = {"type": ["string", "null"], "description": "new"}
    assert _findings(defs) == []


def test_the_same_change_in_several_files_is_reported_for_each(work: Path) -> None:
    for rel in ("control/client/ping.json", "control/client/subscribe.json"):
        edit(work, rel, lambda d: d["properties"]["id"].update(maxLength=8))
    found = messages(work)
    assert len(found) == 2, found
    assert any("schema/control/client/ping.json#/properties/id" in f for f in found)
    assert any("schema/control/client/subscribe.json#/properties/id" in f for f in found)
