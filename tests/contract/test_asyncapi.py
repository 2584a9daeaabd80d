"""docs/asyncapi.yaml: a valid AsyncAPI 3.0 document with a message for every frame."""

from __future__ import annotations

import copy
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "codegen"))

import asyncapi  # noqa: E402
import protocol_reference  # noqa: E402
from bundle import bundle  # noqa: E402

with warnings.catch_warnings():
    # The model library's own field names shadow pydantic attributes; not our concern.
    warnings.simplefilter("ignore", UserWarning)
    from asyncapi3.models.asyncapi import AsyncAPI3


@pytest.fixture(scope="module")
def schema_bundle() -> dict[str, Any]:
    return bundle()


@pytest.fixture(scope="module")
def text(schema_bundle: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("asyncapi")
    asyncapi.generate(schema_bundle, out)
    return (out / "docs" / "asyncapi.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(text: str) -> dict[str, Any]:
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


def _refs(node: Any, path: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            else:
                yield from _refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{path}/{i}")


def _resolve(doc: dict[str, Any], pointer: str) -> Any:
    assert pointer.startswith("#/"), f"only local refs are expected, got {pointer!r}"
    node: Any = doc
    for part in pointer[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise KeyError(pointer)
        node = node[part]
    return node


def dangling_refs(doc: dict[str, Any]) -> list[str]:
    bad = []
    for where, ref in _refs(doc):
        try:
            _resolve(doc, ref)
        except KeyError:
            bad.append(f"{where}: {ref}")
    return bad


def all_frames(schema_bundle: dict[str, Any]) -> dict[str, str]:
    out = {}
    for union in ("ServerFrame", "ClientFrame"):
        out.update(dict(asyncapi.frames(schema_bundle, union)))
    return out


def test_header_and_version(text: str, doc: dict[str, Any]) -> None:
    assert text.startswith("# Generated from schema/")
    assert "do not edit" in text.splitlines()[0]
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["version"] == "tidewire.v1"


def test_document_is_valid_asyncapi_3(doc: dict[str, Any]) -> None:
    AsyncAPI3.model_validate(doc)


def test_validator_rejects_a_broken_document(doc: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    broken["operations"]["sendServerFrames"]["action"] = "publish"  # AsyncAPI 2 wording
    with pytest.raises(ValueError):
        AsyncAPI3.model_validate(broken)


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    assert dangling_refs(doc) == []


def test_ref_check_can_fail(doc: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    del broken["components"]["schemas"]["Task"]
    assert dangling_refs(broken)


def test_every_frame_has_a_message(schema_bundle: dict[str, Any], doc: dict[str, Any]) -> None:
    frames = all_frames(schema_bundle)
    assert {"welcome", "subscribe", "task.created", "session.message"} <= frames.keys()
    messages = doc["components"]["messages"]
    channel = doc["channels"]["ws"]
    assert channel["address"] == "/ws"
    assert {m["name"] for m in messages.values()} == set(frames)
    for name, title in frames.items():
        msg = messages[title]
        assert msg["name"] == name
        assert msg["payload"] == {"$ref": f"#/components/schemas/{title}"}
        assert channel["messages"][title] == {"$ref": f"#/components/messages/{title}"}
        payload = _resolve(doc, msg["payload"]["$ref"])
        assert payload["properties"]["type"]["const"] == name


def test_operations_cover_both_directions(schema_bundle: dict[str, Any], doc: dict[str, Any]) -> None:
    ops = doc["operations"]
    sent = {r["$ref"].rsplit("/", 1)[-1] for r in ops["sendServerFrames"]["messages"]}
    received = {r["$ref"].rsplit("/", 1)[-1] for r in ops["receiveClientFrames"]["messages"]}
    assert sent == {t for _, t in asyncapi.frames(schema_bundle, "ServerFrame")}
    assert received == {t for _, t in asyncapi.frames(schema_bundle, "ClientFrame")}
    assert ops["sendServerFrames"]["action"] == "send"
    assert ops["receiveClientFrames"]["action"] == "receive"
    reply = {r["$ref"].rsplit("/", 1)[-1] for r in ops["handle_resume"]["reply"]["messages"]}
    assert reply == {"ResumedFrame", "ResyncFrame", "ErrorFrame"}


def test_high_volume_flag_follows_schema(schema_bundle: dict[str, Any], doc: dict[str, Any]) -> None:
    for name, title in all_frames(schema_bundle).items():
        msg = doc["components"]["messages"][title]
        if "." in name:
            expected = bool(schema_bundle["$defs"][title].get("x-tidewire-high-volume", False))
            assert msg["x-tidewire-high-volume"] is expected, name
        else:
            assert "x-tidewire-high-volume" not in msg


def test_payload_schemas_judge_like_the_bundle(schema_bundle: dict[str, Any], doc: dict[str, Any]) -> None:
    """Moving the schemas under `components` must not change what they accept: each
    frame's examples (and a few mutations of them) get the same verdict both ways."""
    checked = 0
    for title, msg in doc["components"]["messages"].items():
        via_asyncapi = jsonschema.Draft202012Validator(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": msg["payload"]["$ref"],
                "components": doc["components"],
            }
        )
        via_bundle = jsonschema.Draft202012Validator({**schema_bundle, "$ref": f"#/$defs/{title}"})
        for example in msg.get("examples", []):
            instance = example["payload"]
            candidates = [instance, {**instance, "type": "not-a-frame"}, {"type": instance["type"]}]
            candidates += [{k: v for k, v in instance.items() if k != key} for key in instance]
            for candidate in candidates:
                assert via_asyncapi.is_valid(candidate) == via_bundle.is_valid(candidate), (title, candidate)
                checked += 1
        assert not via_asyncapi.is_valid({"type": "not-a-frame"}), title
    assert checked > len(doc["components"]["messages"])


def test_output_is_deterministic(schema_bundle: dict[str, Any], tmp_path: Path, text: str) -> None:
    asyncapi.generate(copy.deepcopy(schema_bundle), tmp_path)
    assert (tmp_path / "docs" / "asyncapi.yaml").read_text(encoding="utf-8") == text
    assert "&id" not in text  # no YAML anchors


# ---------------------------------------------------------------- the frame reference in docs/protocol.md

PROTOCOL_MD = ROOT / "docs" / "protocol.md"


def test_frame_reference_covers_every_frame_and_record(schema_bundle: dict[str, Any]) -> None:
    reference = protocol_reference.render(schema_bundle)
    assert reference.startswith(protocol_reference.BEGIN)
    assert reference.endswith(protocol_reference.END)
    for name, title in all_frames(schema_bundle).items():
        assert f"#### `{name}` ({title})" in reference, name
        assert f'<a id="{title.lower()}"></a>' in reference
    for record in ("Task", "Worktree", "SessionMessage", "AgentRun", "AutonomousLoop"):
        assert f"#### {record}\n" in reference, record
    assert "| `title` |" in reference and "| yes |" in reference
    assert reference == protocol_reference.render(copy.deepcopy(schema_bundle))


def test_frame_reference_needs_its_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        protocol_reference.splice("# no markers here\n", "x")
    doc = f"before\n{protocol_reference.BEGIN}\nold\n{protocol_reference.END}\nafter\n"
    assert protocol_reference.splice(doc, "NEW") == "before\nNEW\nafter\n"


def test_generate_writes_the_reference_into_protocol_md(
    schema_bundle: dict[str, Any], tmp_path: Path
) -> None:
    asyncapi.generate(schema_bundle, tmp_path)
    text = (tmp_path / "docs" / "protocol.md").read_text(encoding="utf-8")
    hand_written = PROTOCOL_MD.read_text(encoding="utf-8").split(protocol_reference.BEGIN)[0]
    assert text.startswith(hand_written)
    assert protocol_reference.render(schema_bundle) in text


def _anchors(markdown: str) -> set[str]:
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_protocol_md_links_resolve() -> None:
    text = PROTOCOL_MD.read_text(encoding="utf-8")
    anchors = _anchors(text)
    missing = sorted({a for a in re.findall(r"\]\(#([^)]+)\)", text) if a not in anchors})
    assert missing == []
    for section in ("Close codes", "Error codes", "Evolution rules", "Resume and reconnecting", "Resync"):
        assert f"## {section}\n" in text
    for code in ("1000", "1001", "1008", "1009", "1011", "1013"):
        assert f"| {code} |" in text
    for code in (
        "invalid_json",
        "unknown_type",
        "invalid_frame",
        "invalid_subscription",
        "invalid_resume",
        "too_many_filters",
        "rate_limited",
    ):
        assert f"| `{code}` |" in text
