"""TypeScript types, compiled validators and type guards, from the schema bundle.

Writes into `web/src/lib/ws/generated/`:
- `types.ts`: one exported type per schema title (json-schema-to-typescript, codegen/ts/types.mjs);
- `validators.js`: ajv standalone validators, one export per title (codegen/ts/validators.mjs),
  with `validators.d.ts` beside it;
- `guards.ts`: `isXxx(x: unknown): x is Xxx` per title, backed by those validators, plus the
  event name lists;
- `index.ts`: re-exports all of it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from python_models import HIGH_VOLUME_KEYWORD

OUT_DIR = Path("web/src/lib/ws/generated")
SCRIPTS = Path(__file__).resolve().parent / "ts"
HEADER = "// generated from schema/ by `make gen`, do not edit"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is required to generate the TypeScript guards (Node.js 20+)")
    return node


def _run_script(script: str, bundle_path: Path, out_path: Path) -> None:
    proc = subprocess.run(
        [_node(), str(SCRIPTS / script), str(bundle_path), str(out_path), HEADER],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"codegen/ts/{script} failed:\n{proc.stderr}{proc.stdout}")


def _event_names(bundle: dict[str, Any]) -> tuple[list[str], list[str]]:
    events: list[str] = []
    high_volume: list[str] = []
    for schema in bundle["$defs"].values():
        if HIGH_VOLUME_KEYWORD in schema:
            name = schema["properties"]["type"]["const"]
            events.append(name)
            if schema[HIGH_VOLUME_KEYWORD] is True:
                high_volume.append(name)
    return sorted(events), sorted(high_volume)


def _frame_types(bundle: dict[str, Any], union: str) -> list[str]:
    types = []
    for branch in bundle["$defs"][union]["oneOf"]:
        title = branch["$ref"].removeprefix("#/$defs/")
        types.append(bundle["$defs"][title]["properties"]["type"]["const"])
    return sorted(types)


def _string_list(name: str, values: list[str], doc: str) -> list[str]:
    return [
        f"/** {doc} */",
        f"export const {name} = [",
        *[f"  {json.dumps(v)}," for v in values],
        "] as const;",
        "",
    ]


def guards_source(bundle: dict[str, Any]) -> str:
    titles = sorted(bundle["$defs"])
    events, high_volume = _event_names(bundle)
    server_control = [t for t in _frame_types(bundle, "ServerFrame") if t not in events]
    client_types = _frame_types(bundle, "ClientFrame")
    lines = [
        HEADER,
        "// Type guards: each runs the ajv validator compiled from the same schema, so a guard",
        "// accepts exactly what the schema accepts.",
        "import type {",
        *[f"  {t}," for t in titles],
        '} from "./types";',
        'import * as validators from "./validators.js";',
        "",
    ]
    for title in titles:
        lines += [
            f"export function is{title}(x: unknown): x is {title} {{",
            f"  return validators.{title}(x);",
            "}",
            "",
        ]
    lines += _string_list("EVENT_TYPES", events, "Every event name (dotted frame types), sorted.")
    lines += [
        "export type EventType = (typeof EVENT_TYPES)[number];",
        "",
    ]
    lines += _string_list(
        "HIGH_VOLUME_EVENTS",
        high_volume,
        "Events that `*` and `prefix.*` do not match: subscribe to them by exact name.",
    )
    lines += _string_list("SERVER_CONTROL_TYPES", server_control, "Server-to-client control frame types.")
    lines += _string_list("CLIENT_FRAME_TYPES", client_types, "Client-to-server frame types.")
    return "\n".join(lines).rstrip("\n") + "\n"


def validators_dts_source(bundle: dict[str, Any]) -> str:
    lines = [
        HEADER,
        "/** One validation failure, as ajv reports it. */",
        "export interface ValidationError {",
        "  readonly instancePath: string;",
        "  readonly schemaPath: string;",
        "  readonly keyword: string;",
        "  readonly params: Readonly<Record<string, unknown>>;",
        "}",
        "",
        "/** A compiled validator: true when `data` is valid; `errors` says why not. */",
        "export interface Validator {",
        "  (data: unknown): boolean;",
        "  errors?: ValidationError[] | null;",
        "}",
        "",
        *[f"export declare const {t}: Validator;" for t in sorted(bundle["$defs"])],
    ]
    return "\n".join(lines) + "\n"


INDEX_SOURCE = "\n".join(
    [
        HEADER,
        'export type * from "./types";',
        'export * from "./guards";',
        'export type { ValidationError, Validator } from "./validators.js";',
        'export * as validators from "./validators.js";',
        "",
    ]
)


def generate(bundle: dict[str, Any], out_root: Path) -> None:
    out_dir = out_root / OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tidewire-tsgen-") as tmp:
        bundle_path = Path(tmp) / "bundle.json"
        bundle_path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
        _run_script("types.mjs", bundle_path, out_dir / "types.ts")
        _run_script("validators.mjs", bundle_path, out_dir / "validators.js")
    (out_dir / "validators.d.ts").write_text(validators_dts_source(bundle), encoding="utf-8")
    (out_dir / "guards.ts").write_text(guards_source(bundle), encoding="utf-8")
    (out_dir / "index.ts").write_text(INDEX_SOURCE, encoding="utf-8")
