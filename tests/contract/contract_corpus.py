"""The cross-language contract corpus: frames generated from schema/, and broken copies of them.

Valid instances come from hypothesis-jsonschema, derandomised so that every run (and every
xdist worker) builds the same corpus. Each valid instance then yields a few mutated copies
(missing required field, wrong type, unknown `type`, wrong const, ... at any depth). The
three verdicts (jsonschema, Pydantic, the generated TypeScript guards) are compared on all
of them; whether a mutation happens to stay valid does not matter, only that they agree.
"""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "codegen"))
sys.path.insert(0, str(ROOT / "server"))

from bundle import bundle as build_bundle  # noqa: E402
from tidewire.protocol import models  # noqa: E402

GUARD_VERDICTS = ROOT / "web" / "scripts" / "guard-verdicts.mjs"
UNIONS = ("ServerFrame", "ClientFrame")
# The most examples any one frame gets, whatever the Hypothesis profile says: hypothesis-jsonschema
# needs about 0.1 s of CPU per nested frame, and the whole suite must stay fast on two cores.
MAX_PER_FRAME = 30
# Frames that share their payload schema with an earlier frame (the ten hook.* events, ...)
# differ only in their `type`; they get a quarter of the examples.
SIBLING_SHARE = 4
MIN_PER_FRAME = 8
MUTATIONS_PER_INSTANCE = 3
# Top-level breakage (unknown `type`, ...) looks the same on every instance of a frame.
TOP_LEVEL_EVERY = 4
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z")

Json = Any


@dataclass(frozen=True)
class Entry:
    """One instance to judge against one schema title."""

    schema: str
    frame: str
    kind: str
    instance: Json


@dataclass(frozen=True)
class Judged:
    entry: Entry
    jsonschema: bool
    ts: bool


@dataclass(frozen=True)
class JudgedCorpus:
    """The corpus with the TypeScript guards' and jsonschema's verdicts on each entry, in order."""

    entries: list[Entry]
    ts_verdicts: list[bool]
    jsonschema_verdicts: list[bool]


@cache
def bundle() -> dict[str, Any]:
    doc: dict[str, Any] = build_bundle()
    return doc


def frames() -> list[tuple[str, str]]:
    """(frame title, union title) for every frame of both unions, in union order."""
    out = []
    for union in UNIONS:
        for branch in bundle()["$defs"][union]["oneOf"]:
            out.append((branch["$ref"].removeprefix("#/$defs/"), union))
    return out


def schema_for(title: str) -> dict[str, Any]:
    doc = dict(bundle()["$defs"][title])
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$defs"] = bundle()["$defs"]
    return doc


@cache
def validator(title: str) -> Draft202012Validator:
    return Draft202012Validator(schema_for(title))


def model(title: str) -> type[BaseModel]:
    found = getattr(models, title)
    assert isinstance(found, type) and issubclass(found, BaseModel), title
    return found


def check_hypothesis_jsonschema_works() -> None:
    # hypothesis-jsonschema 0.23.1 drives a private Hypothesis helper that Hypothesis
    # 6.170.10 removed; without this check every object schema fails with an AttributeError.
    if not hasattr(conjecture_utils.many, "more"):
        raise RuntimeError(
            "hypothesis-jsonschema needs hypothesis<6.170.10 (many.more() is gone); "
            "install the versions pinned in pyproject.toml"
        )


def examples_per_frame() -> dict[str, int]:
    budget = min(settings().max_examples, MAX_PER_FRAME)
    seen_payloads: set[str] = set()
    counts = {}
    for title, _ in frames():
        payload = bundle()["$defs"][title]["properties"].get("data", {}).get("$ref", title)
        sibling = payload in seen_payloads
        seen_payloads.add(payload)
        counts[title] = max(budget // SIBLING_SHARE, MIN_PER_FRAME) if sibling else budget
    return counts


def draw_valid(title: str, count: int) -> list[Json]:
    check_hypothesis_jsonschema_works()
    out: list[Json] = []

    @given(from_schema(schema_for(title)))
    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def collect(instance: Json) -> None:
        out.append(instance)

    collect()
    return out


# ---- mutations ------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _locations(node: Json, path: Path_ = ()) -> Iterator[tuple[Path_, Json]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _locations(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _locations(value, (*path, i))


def _set(root: Json, path: Path_, value: Json) -> Json:
    copy = json.loads(json.dumps(root))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


def _delete(root: Json, path: Path_) -> Json:
    copy = json.loads(json.dumps(root))
    node = copy
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return copy


def _wrong_types(value: Json) -> list[tuple[str, Json]]:
    """Replacements of another JSON type, and the classic cross-language traps."""
    if isinstance(value, bool):
        return [("bool_as_int", int(value)), ("string_for_bool", "true"), ("null", None)]
    if isinstance(value, int):
        out = [
            ("string_for_number", str(value)),
            ("bool_for_int", value % 2 == 1),
            ("fraction", value + 0.5),
            ("integral_float", float(value)),
            ("null", None),
            ("below_minimum", -(2**53)),
            ("above_maximum", 2**53),
        ]
        return out
    if isinstance(value, float):
        return [("string_for_number", repr(value)), ("bool_for_number", True), ("null", None)]
    if isinstance(value, str):
        out = [("number_for_string", 7), ("null", None), ("empty_string", ""), ("long_string", "x" * 600)]
        if TIMESTAMP.fullmatch(value):
            out.append(("timestamp_trailing_newline", value + "\n"))
            out.append(("timestamp_no_zone", value[:-1]))
        return out
    if isinstance(value, list):
        return [("object_for_array", {}), ("wrong_item_type", [*value, {"x": 1}]), ("empty_array", [])]
    if isinstance(value, dict):
        return [("array_for_object", []), ("string_for_object", "{}"), ("null", None)]
    return [("string_for_null", "null"), ("number_for_null", 0)]


def _top_level(instance: Json, frame: str) -> list[tuple[str, Json]]:
    if not isinstance(instance, dict):
        return []
    out = [
        ("unknown_type", {**instance, "type": "no_such.frame"}),
        ("missing_type", _delete(instance, ("type",))),
    ]
    own = bundle()["$defs"][frame]["properties"]["type"]["const"]
    # Another frame's type, from a frame of another shape: frames that share a shape (the
    # project events share one payload) are valid as each other's type under the union.
    defs = bundle()["$defs"]

    def shape(title: str) -> Json:
        props = {k: v for k, v in defs[title]["properties"].items() if k != "type"}
        return [props, sorted(defs[title].get("required", []))]

    others = [t for t, _ in frames() if t != frame and shape(t) != shape(frame)]
    other = defs[others[len(own) % len(others)]]["properties"]["type"]["const"]
    out.append(("other_frame_type", {**instance, "type": other}))
    if frame == "WelcomeFrame":
        out.append(("wrong_const", {**instance, "protocol": "tidewire.v0"}))
    out.append(("unknown_field", {**instance, "x_unknown": {"nested": [1, "two", None]}}))
    return out


@cache
def declared_names() -> frozenset[str]:
    """Every property name some schema declares."""
    names: set[str] = set()
    for path, node in _locations(bundle()["$defs"]):
        if path and path[-1] == "properties" and isinstance(node, dict):
            names.update(node)
    return frozenset(names)


def mutations(instance: Json, frame: str, rng: random.Random, top_level: bool) -> list[tuple[str, Json]]:
    candidates: list[tuple[str, Json]] = []
    for path, value in _locations(instance):
        # Breaking one of the unknown fields hypothesis-jsonschema adds proves nothing.
        if not path or any(isinstance(step, str) and step not in declared_names() for step in path):
            continue
        depth = "nested_" if len(path) > 1 else ""
        if isinstance(path[-1], str):
            candidates.append((f"{depth}missing_field", _delete(instance, path)))
        for kind, replacement in _wrong_types(value):
            candidates.append((f"{depth}{kind}", _set(instance, path, replacement)))
        if isinstance(value, dict):
            candidates.append((f"{depth}unknown_field", _set(instance, path, {**value, "x_unknown": 1})))
    picked = rng.sample(candidates, min(MUTATIONS_PER_INSTANCE, len(candidates)))
    return picked + (_top_level(instance, frame) if top_level else [])


# ---- the corpus -----------------------------------------------------------------------------


def build_corpus() -> list[Entry]:
    entries: list[Entry] = []
    counts = examples_per_frame()
    for frame, union in frames():
        for i, instance in enumerate(draw_valid(frame, counts[frame])):
            entries.append(Entry(frame, frame, "generated", instance))
            entries.append(Entry(union, frame, "generated", instance))
            # Top-level mutations come from every instance; the random ones from a seeded rng.
            rng = random.Random(f"{frame}/{i}")
            for kind, mutated in mutations(instance, frame, rng, top_level=i % TOP_LEVEL_EVERY == 0):
                entries.append(Entry(frame, frame, kind, mutated))
                entries.append(Entry(union, frame, kind, mutated))
    return entries


def dump_corpus(entries: list[Entry], path: Path) -> None:
    rows = [{"schema": e.schema, "frame": e.frame, "kind": e.kind, "instance": e.instance} for e in entries]
    path.write_text(json.dumps(rows, allow_nan=False), encoding="utf-8")


def load_corpus(path: Path) -> list[Entry]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Entry(r["schema"], r["frame"], r["kind"], r["instance"]) for r in rows]


def guard_verdicts(corpus_path: Path) -> list[bool]:
    """All TypeScript guard verdicts, from one node process."""
    proc = subprocess.run(
        ["node", str(GUARD_VERDICTS), str(corpus_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT / "web",
    )
    if proc.returncode != 0:
        raise RuntimeError(f"guard-verdicts.mjs failed ({proc.returncode}):\n{proc.stderr}")
    verdicts = json.loads(proc.stdout)
    assert isinstance(verdicts, list) and all(isinstance(v, bool) for v in verdicts)
    return verdicts


# ---- verdicts and equality ------------------------------------------------------------------


def jsonschema_verdict(entry: Entry) -> bool:
    return bool(validator(entry.schema).is_valid(entry.instance))


def pydantic_verdicts(entry: Entry) -> tuple[bool, bool]:
    """(from JSON text, as the daemon reads frames; from Python objects)."""
    cls = model(entry.schema)
    try:
        cls.model_validate_json(json.dumps(entry.instance))
        from_json = True
    except ValidationError:
        from_json = False
    try:
        cls.model_validate(entry.instance)
        from_python = True
    except ValidationError:
        from_python = False
    return from_json, from_python


def json_equal(a: Json, b: Json) -> bool:
    """JSON value equality: 1 and 1.0 are the same number, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b and not (isinstance(a, float) and math.isnan(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
