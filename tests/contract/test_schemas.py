"""The files under schema/: valid 2020-12 schemas, valid examples, and only constructs that
every tool in the chain reads the same way (jsonschema, datamodel-code-generator + Pydantic,
hypothesis-jsonschema, json-schema-to-typescript, ajv)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from tidewire.protocol import EVENT_NAMES, HIGH_VOLUME, PROTOCOL, models

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schema"
FILES = sorted(p.relative_to(SCHEMA_DIR).as_posix() for p in SCHEMA_DIR.rglob("*.json"))
DOCS: dict[str, dict[str, Any]] = {
    rel: json.loads((SCHEMA_DIR / rel).read_text(encoding="utf-8")) for rel in FILES
}
ID_PREFIX = "https://schemas.tidewire.dev/v1/"
MAX_SAFE_INTEGER = 2**53 - 1

# Keywords every tool in the chain handles, each with the same meaning:
KEYWORDS = {
    # identification and annotations (jsonschema, ajv: annotations; generators: names and docs)
    "$schema", "$id", "title", "description", "examples",
    # structure
    "$ref", "type", "properties", "required", "items", "const", "enum",
    # bounds: datamodel-code-generator writes them as Field() constraints
    "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern",
    # unions, in the restricted forms checked below
    "oneOf", "anyOf", "not", "discriminator",
    # custom annotation, registered with ajv
    "x-tidewire-high-volume",
}  # fmt: skip
# Keywords whose value is a map from names to schemas, or data rather than schemas.
SCHEMA_MAPS = {"properties"}
NOT_SCHEMAS = {"examples", "const", "enum", "required", "discriminator", "type"}
# The only `not`: refuses a newline, because Python's `$` (jsonschema, Hypothesis) also matches
# before a trailing newline while ECMA 262 (ajv) and Rust (Pydantic) do not.
NO_NEWLINE = {"type": "string", "pattern": "\n"}
# Regex syntax on which ECMA 262, Python `re` and Rust `regex` agree: no classes whose meaning
# depends on Unicode mode (\d \w \s \b), no groups with flags or lookaround, no backreferences.
UNPORTABLE_REGEX = re.compile(r"\\[dDwWsSbBAzZ0-9]|\(\?|\\[pPk]")


def nodes(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema, with its JSON pointer."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key, value in node.items():
        if key in NOT_SCHEMAS:
            continue
        if key in SCHEMA_MAPS:
            for name, sub in value.items():
                yield from nodes(sub, f"{path}/{key}/{name}")
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                yield from nodes(sub, f"{path}/{key}/{i}")
        else:
            yield from nodes(value, f"{path}/{key}")


REGISTRY: Registry[Any] = Registry().with_resources(
    (doc["$id"], Resource.from_contents(doc)) for doc in DOCS.values()
)


@pytest.mark.parametrize("rel", FILES)
def test_schema_is_valid_2020_12(rel: str) -> None:
    doc = DOCS[rel]
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)
    assert doc["$id"] == ID_PREFIX + rel
    assert isinstance(doc.get("title"), str) and re.fullmatch(r"[A-Z][A-Za-z0-9]*", doc["title"])
    assert (SCHEMA_DIR / rel).read_text(encoding="utf-8") == json.dumps(
        doc, indent=2, ensure_ascii=False
    ) + "\n"


@pytest.mark.parametrize("rel", FILES)
def test_examples_validate(rel: str) -> None:
    doc = DOCS[rel]
    assert doc.get("examples"), f"{rel} needs at least one example"
    validator = Draft202012Validator(doc, registry=REGISTRY)
    for example in doc["examples"]:
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(example)]
        assert not errors, f"{rel}: {errors}"
        cls = getattr(models, doc["title"], None)
        if cls is not None:  # enums become Literal types, not classes
            cls.model_validate_json(json.dumps(example))


@pytest.mark.parametrize("rel", FILES)
def test_only_portable_keywords(rel: str) -> None:
    doc = DOCS[rel]
    for pointer, node in nodes(doc):
        where = f"{rel} {pointer}"
        unknown = set(node) - KEYWORDS
        assert not unknown, f"{where}: keywords {sorted(unknown)} are not handled alike by every tool"
        if "$ref" in node:
            # Generators ignore keywords beside a $ref; validators apply them.
            assert set(node) <= {"$ref", "description"}, f"{where}: keywords beside $ref"
        if "not" in node:
            assert node["not"] == NO_NEWLINE and "pattern" in node, f"{where}: unsupported `not`"
        if "anyOf" in node:
            branches = node["anyOf"]
            assert len(branches) == 2 and set(branches[0]) == {"$ref"} and branches[1] == {"type": "null"}, (
                f"{where}: anyOf only spells a nullable $ref"
            )
        if "oneOf" in node or "discriminator" in node:
            assert pointer == "#" and rel.startswith("frames/"), f"{where}: unions only in frames/"
            assert node["discriminator"] == {"propertyName": "type"}, where
            assert node["type"] == "object"
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            assert all(isinstance(t, str) for t in types), f"{where}: a type list holds a non-string"
            assert len(set(types)) == len(types)
            if "integer" in types or "number" in types:
                # Beyond 2**53 JavaScript loses integers, and Python's int/float conversion differs.
                lo, hi = node.get("minimum"), node.get("maximum")
                assert lo is not None and hi is not None, f"{where}: numbers need both bounds"
                assert -MAX_SAFE_INTEGER <= lo <= hi <= MAX_SAFE_INTEGER, where
        if "pattern" in node:
            pattern = node["pattern"]
            if pattern == "\n":
                continue
            assert not UNPORTABLE_REGEX.search(pattern), f"{where}: regex {pattern!r} is not portable"
            assert "$" not in pattern[:-1] and "^" not in pattern[1:], f"{where}: anchors only at the ends"
            if pattern.endswith("$"):
                assert node.get("not") == NO_NEWLINE, f"{where}: a `$` pattern needs the no-newline `not`"
        for bound in ("minimum", "maximum"):
            if bound in node:
                assert isinstance(node[bound], int) and not isinstance(node[bound], bool), where
        if "x-tidewire-high-volume" in node:
            assert pointer == "#" and rel.startswith("events/"), where
            assert isinstance(node["x-tidewire-high-volume"], bool)


def test_events_are_one_file_each_and_named_by_their_file() -> None:
    events = {rel: doc for rel, doc in DOCS.items() if rel.startswith("events/")}
    for rel, doc in events.items():
        assert "x-tidewire-high-volume" in doc, rel
        assert doc["properties"]["type"] == {"const": rel.removeprefix("events/").removesuffix(".json")}
        assert doc["required"] == ["type", "seq", "ts", "data"]
    names = {doc["properties"]["type"]["const"] for doc in events.values()}
    assert names == set(EVENT_NAMES)
    assert {n for n in names if events[f"events/{n}.json"]["x-tidewire-high-volume"]} == HIGH_VOLUME


def test_event_names_from_the_protocol_brief() -> None:
    fixed = {
        "task.created", "task.updated", "task.closed", "task.expanded",
        "worktree.created", "worktree.updated", "worktree.merged", "worktree.deleted",
        "project.created", "project.updated", "project.removed",
        "mcp.server_connected", "mcp.server_disconnected", "mcp.tool_called",
        "session.created", "session.updated", "session.ended", "session.message",
        "agent.started", "agent.completed", "agent.failed", "agent.cancelled", "agent.output",
        "autonomous.started", "autonomous.iteration", "autonomous.stopped",
    }  # fmt: skip
    assert fixed <= set(EVENT_NAMES)
    assert {n for n in EVENT_NAMES if n not in fixed} == {n for n in EVENT_NAMES if n.startswith("hook.")}
    assert HIGH_VOLUME == {"mcp.tool_called", "session.message", "agent.output"}


def test_unions_list_every_frame_once() -> None:
    def members(rel: str) -> list[str]:
        return [branch["$ref"] for branch in DOCS[rel]["oneOf"]]

    server = members("frames/server_frame.json")
    client = members("frames/client_frame.json")
    assert len(set(server)) == len(server) and len(set(client)) == len(client)
    expected_server = {f"../{rel}" for rel in FILES if rel.startswith(("events/", "control/server/"))}
    expected_client = {f"../{rel}" for rel in FILES if rel.startswith("control/client/")}
    assert set(server) == expected_server
    assert set(client) == expected_client


def test_protocol_constant_matches_the_welcome_frame() -> None:
    assert DOCS["control/server/welcome.json"]["properties"]["protocol"] == {"const": PROTOCOL}
