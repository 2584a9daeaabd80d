"""The frame tap: every frame a test client receives is checked against the schemas.

Each frame is validated twice: with the generated ``ServerFrame`` model (what the daemon
builds frames from) and with the JSON Schema of its ``type`` from ``schema/`` (the source of
truth, which is stricter about nulls). Failures are recorded here; the session fixture in
``tests/conftest.py`` fails the run if any were seen, and ``check_frame`` raises at once so
the test that received the frame fails too.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError
from referencing import Registry, Resource
from tidewire.protocol import ServerFrame

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"

_lock = threading.Lock()
invalid_frames: list[str] = []
frames_checked = 0


class InvalidFrame(AssertionError):
    pass


@cache
def _validators() -> dict[str, Draft202012Validator]:
    resources: list[tuple[str, Resource[Any]]] = []
    by_path: dict[Path, dict[str, Any]] = {}
    for path in SCHEMA_DIR.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        by_path[path.resolve()] = doc
        if "$id" in doc:
            resources.append((doc["$id"], Resource.from_contents(doc)))
    registry: Registry[Any] = Registry().with_resources(resources)
    union_path = (SCHEMA_DIR / "frames" / "server_frame.json").resolve()
    union = by_path[union_path]
    out: dict[str, Draft202012Validator] = {}
    for branch in union["oneOf"]:
        target = (union_path.parent / branch["$ref"]).resolve()
        schema = by_path[target]
        frame_type = schema["properties"]["type"]["const"]
        out[frame_type] = Draft202012Validator(schema, registry=registry)
    return out


def server_frame_types() -> frozenset[str]:
    return frozenset(_validators())


def check_frame(text: str) -> dict[str, Any]:
    """Validate one received frame; return it parsed. Raises InvalidFrame (and records it)."""
    global frames_checked
    problem: str | None = None
    obj: Any = None
    try:
        obj = json.loads(text)
    except ValueError as exc:
        problem = f"not JSON: {exc}"
    if problem is None:
        try:
            ServerFrame.model_validate(obj)
        except ValidationError as exc:
            problem = f"ServerFrame model: {exc}"
    if problem is None:
        validator = _validators().get(obj.get("type")) if isinstance(obj, dict) else None
        if validator is None:
            problem = f"no server frame schema for type {obj.get('type') if isinstance(obj, dict) else obj!r}"
        else:
            errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
            if errors:
                problem = "schema: " + "; ".join(
                    f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:3]
                )
    with _lock:
        frames_checked += 1
        if problem is not None:
            invalid_frames.append(f"{problem}\n  frame: {text[:2000]}")
    if problem is not None:
        raise InvalidFrame(f"the daemon sent an invalid frame: {problem}\n  frame: {text[:2000]}")
    assert isinstance(obj, dict)
    return obj
