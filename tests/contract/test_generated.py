"""The generated code: up to date, reproducible, strict where the schema is strict, and
type-correct on both sides."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ValidationError
from tidewire.protocol import (
    CLIENT_CONTROL,
    EVENT_MODELS,
    EVENT_NAMES,
    HIGH_VOLUME,
    SERVER_CONTROL,
    ClientFrame,
    ServerFrame,
    models,
)
from tidewire.protocol.catalog import CLIENT_CONTROL_MODELS, SERVER_CONTROL_MODELS

ROOT = Path(__file__).resolve().parents[2]
GENERATE = ROOT / "codegen" / "generate.py"
GENERATED_TS = ROOT / "web" / "src" / "lib" / "ws" / "generated"
GUARD_VERDICTS = ROOT / "web" / "scripts" / "guard-verdicts.mjs"
GENERATED_FILES = [
    ROOT / "server" / "tidewire" / "protocol" / "models.py",
    ROOT / "server" / "tidewire" / "protocol" / "catalog.py",
    *sorted(GENERATED_TS.iterdir()),
]

TS = "2026-11-26T06:00:00Z"
TASK: dict[str, Any] = {
    "id": "tsk_01",
    "project_id": "prj_01",
    "title": "Add resume",
    "description": "",
    "status": "open",
    "priority": 2,
    "labels": [],
    "parent_id": None,
    "created_at": TS,
    "updated_at": TS,
    "closed_at": None,
    "closed_reason": None,
}
TASK_CREATED: dict[str, Any] = {
    "type": "task.created",
    "seq": 7,
    "ts": TS,
    "data": {"task_id": "tsk_01", "project_id": "prj_01", "task": TASK},
}


def run_generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATE), *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


# ---- make gen / make check-gen ---------------------------------------------------------------


@pytest.mark.timeout(300)
def test_check_gen_passes_and_a_stray_or_stale_file_fails_it(tmp_path: Path) -> None:
    committed = run_generate("--check")
    assert committed.returncode == 0, committed.stderr

    # Generate into a scratch tree, then break it in the ways check-gen must notice.
    assert run_generate("--root", str(tmp_path)).returncode == 0
    assert run_generate("--check", "--root", str(tmp_path)).returncode == 0

    stray = tmp_path / "web/src/lib/ws/generated/leftover.ts"
    stray.write_text("export const x = 1;\n", encoding="utf-8")
    (tmp_path / "server/tidewire/protocol/__pycache__").mkdir()
    (tmp_path / "server/tidewire/protocol/__pycache__/models.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "server/tidewire/protocol/__init__.py").write_text('"""hand-written"""\n', encoding="utf-8")
    failed = run_generate("--check", "--root", str(tmp_path))
    assert failed.returncode == 1
    assert "web/src/lib/ws/generated/leftover.ts (stray" in failed.stderr
    assert "__init__" not in failed.stderr and "__pycache__" not in failed.stderr

    # `gen` refuses to delete a file somebody wrote by hand...
    refused = run_generate("--root", str(tmp_path))
    assert refused.returncode == 1 and "leftover.ts" in refused.stderr
    assert stray.exists()
    # ...and removes one that a generator once wrote.
    stray.write_text("// generated from schema/ by `make gen`, do not edit\n", encoding="utf-8")
    assert run_generate("--root", str(tmp_path)).returncode == 0
    assert not stray.exists()

    models_py = tmp_path / "server/tidewire/protocol/models.py"
    models_py.write_text(models_py.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    stale = run_generate("--check", "--root", str(tmp_path))
    assert stale.returncode == 1 and "server/tidewire/protocol/models.py" in stale.stderr


@pytest.mark.parametrize("path", GENERATED_FILES, ids=lambda p: p.name)
def test_generated_files_say_so_and_hold_no_machine_details(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "generated from schema/ by `make gen`, do not edit" in text.splitlines()[0]
    for leak in ("/tmp", "tidewire-gen-", str(ROOT), "\r"):
        assert leak not in text, f"{path.name} holds {leak!r}"


# ---- Pydantic: discriminated unions, strictness, unknown fields ------------------------------


def _core_schema_types(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("type"), str):
            found.add(schema["type"])
        for value in schema.values():
            found |= _core_schema_types(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _core_schema_types(value)
    return found


@pytest.mark.parametrize("union", [ServerFrame, ClientFrame])
def test_frame_unions_are_tagged_unions(union: type[BaseModel]) -> None:
    # A tagged union picks the branch by `type`; a plain union would try every branch.
    assert "tagged-union" in _core_schema_types(union.__pydantic_core_schema__)
    with pytest.raises(ValidationError) as caught:
        union.model_validate({"type": "no_such.frame"})
    assert [e["type"] for e in caught.value.errors()] == ["union_tag_invalid"]


def test_a_bad_event_reports_only_its_own_branch() -> None:
    bad = {**TASK_CREATED, "seq": "7"}
    with pytest.raises(ValidationError) as caught:
        ServerFrame.model_validate(bad)
    assert {e["loc"][:2] for e in caught.value.errors()} == {("task.created", "seq")}


def test_catalog_matches_the_models() -> None:
    assert tuple(sorted(EVENT_MODELS)) == EVENT_NAMES
    for name, cls in EVENT_MODELS.items():
        assert repr(cls.model_fields["type"].annotation) == repr(Literal[name])
    assert set(SERVER_CONTROL_MODELS) == SERVER_CONTROL
    assert set(CLIENT_CONTROL_MODELS) == CLIENT_CONTROL
    assert SERVER_CONTROL == {"welcome", "subscribed", "unsubscribed", "pong", "resumed", "resync", "error"}
    assert CLIENT_CONTROL == {"subscribe", "unsubscribe", "ping", "resume"}
    assert HIGH_VOLUME <= set(EVENT_NAMES)


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    frame = json.loads(json.dumps(TASK_CREATED))
    node = frame
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    assert isinstance(frame, dict)
    return frame


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("seq",), "7"),  # no "123" -> 123
        (("seq",), True),  # no bool as int
        (("seq",), 7.5),
        (("seq",), 0),  # minimum 1
        (("seq",), 2**53),  # beyond the JavaScript-safe range
        (("data", "task", "priority"), "2"),
        (("data", "task", "priority"), 5),
        (("data", "task", "labels"), None),  # required, not nullable
        (("data", "task", "failure_count"), None),  # optional, not nullable: absent or a number
        (("data", "task", "title"), ""),
        (("data", "task", "status"), "done"),
        (("ts",), TS + "\n"),  # Python's `$` would let a trailing newline through
        (("ts",), "2026-11-26T06:00:00+00:00"),
        (("ts",), "x" + TS),
    ],
)
def test_pydantic_refuses_what_the_schema_refuses(path: tuple[str, ...], value: Any) -> None:
    frame = _with(path, value)
    with pytest.raises(ValidationError):
        ServerFrame.model_validate_json(json.dumps(frame))
    with pytest.raises(ValidationError):
        models.TaskCreatedEvent.model_validate(frame)


@pytest.mark.parametrize(
    ("path", "value", "dumped"),
    [
        (("seq",), 7.0, 7),  # JSON Schema: 1.0 is an integer
        (("data", "task", "priority"), 0, 0),
        (("data", "task", "failure_count"), 3, 3),
        (("data", "task", "closed_reason"), "done", "done"),
    ],
)
def test_pydantic_accepts_what_the_schema_accepts(path: tuple[str, ...], value: Any, dumped: Any) -> None:
    frame = _with(path, value)
    parsed = ServerFrame.model_validate_json(json.dumps(frame))
    out = json.loads(parsed.model_dump_json())
    node = out
    for step in path:
        node = node[step]
    assert node == dumped and type(node) is type(dumped)


def test_numbers_take_integers_and_unknown_fields_survive_a_round_trip() -> None:
    data: dict[str, Any] = {
        "server_name": "fs",
        "tool_name": "read",
        "duration_ms": 3,
        "ok": True,
        "new_field": [1, {}],
    }
    frame: dict[str, Any] = {
        "type": "mcp.tool_called",
        "seq": 9,
        "ts": TS,
        "data": {
            "server_name": "fs",
            "tool_name": "read",
            "duration_ms": 3,
            "ok": True,
            "new_field": [1, {}],
        },
        "added_later": {"nested": None},
    }
    parsed = ServerFrame.model_validate_json(json.dumps(frame))
    out = json.loads(parsed.model_dump_json())
    assert out["added_later"] == {"nested": None}
    assert out["data"]["new_field"] == [1, {}]
    assert out["data"]["duration_ms"] == 3
    assert "error" not in out["data"]  # absent optional fields stay absent
    with pytest.raises(ValidationError):
        ServerFrame.model_validate_json(json.dumps({**frame, "data": {**data, "ok": 1}}))


# ---- TypeScript: types check under strict settings; guards run in node -----------------------


@pytest.mark.timeout(300)
def test_generated_typescript_compiles_under_strict_settings(tmp_path: Path) -> None:
    tsc = ROOT / "web" / "node_modules" / "typescript" / "bin" / "tsc"
    config = {
        "compilerOptions": {
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "Bundler",
            "strict": True,
            "noUncheckedIndexedAccess": True,
            "exactOptionalPropertyTypes": True,
            "noUnusedLocals": True,
            "noUnusedParameters": True,
            "noImplicitReturns": True,
            "noPropertyAccessFromIndexSignature": False,
            "isolatedModules": True,
            "verbatimModuleSyntax": True,
            "skipLibCheck": False,
            "noEmit": True,
            "types": [],
        },
        "files": [str(GENERATED_TS / "index.ts")],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run(
        ["node", str(tsc), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_guard_verdicts_script_refuses_an_unknown_schema(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.json"
    corpus.write_text(
        json.dumps(
            [{"schema": "TaskCreatedEvent", "instance": TASK_CREATED}, {"schema": "Nope", "instance": {}}]
        ),
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["node", str(GUARD_VERDICTS), str(corpus)], capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0 and "Nope" in proc.stderr


def test_guards_module_lists_the_event_types() -> None:
    guards = (GENERATED_TS / "guards.ts").read_text(encoding="utf-8")
    for name in EVENT_NAMES:
        assert f'  "{name}",' in guards
    for title in ("TaskCreatedEvent", "WelcomeFrame", "SubscribeFrame", "ServerFrame", "ClientFrame"):
        assert f"export function is{title}(x: unknown): x is {title} {{" in guards
