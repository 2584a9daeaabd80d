"""Bundle every file under schema/ into one 2020-12 document with `$defs`.

Each schema file's `title` becomes its key in `$defs`; relative `$ref`s between
files are rewritten to `#/$defs/<Title>`. The generators (Pydantic, ajv,
AsyncAPI) all read this one bundle, so they agree on names and references.
"""

from __future__ import annotations

import json
import posixpath
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
BUNDLE_ID = "https://schemas.tidewire.dev/v1/bundle.json"


def schema_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    return sorted(p for p in schema_dir.rglob("*.json") if p.is_file())


def load_all(schema_dir: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    """Relative path (posix) -> parsed schema."""
    return {
        p.relative_to(schema_dir).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in schema_files(schema_dir)
    }


def _rewrite(node: Any, here: str, titles: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(here), value))
                if target not in titles:
                    raise ValueError(f"{here}: $ref {value!r} points at no schema file")
                out[key] = f"#/$defs/{titles[target]}"
            elif key == "mapping" and isinstance(value, dict):
                out[key] = {
                    k: f"#/$defs/{titles[posixpath.normpath(posixpath.join(posixpath.dirname(here), v))]}"
                    for k, v in value.items()
                }
            else:
                out[key] = _rewrite(value, here, titles)
        return out
    if isinstance(node, list):
        return [_rewrite(v, here, titles) for v in node]
    return node


def bundle(schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    docs = load_all(schema_dir)
    titles: dict[str, str] = {}
    for rel, doc in docs.items():
        title = doc.get("title")
        if not isinstance(title, str) or not title:
            raise ValueError(f"{rel}: every schema needs a title")
        if title in titles.values():
            raise ValueError(f"{rel}: duplicate title {title!r}")
        titles[rel] = title
    defs: dict[str, Any] = {}
    for rel, doc in docs.items():
        body = {k: v for k, v in doc.items() if k not in ("$schema", "$id")}
        defs[titles[rel]] = _rewrite(body, rel, titles)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BUNDLE_ID,
        "title": "Tidewire",
        "$defs": dict(sorted(defs.items())),
    }


def main() -> None:
    json.dump(bundle(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
