"""Pydantic v2 models and the event catalogue, from the schema bundle.

Writes `server/tidewire/protocol/models.py` (datamodel-code-generator) and
`server/tidewire/protocol/catalog.py` (event names, frame models, high-volume set).
`server/tidewire/protocol/__init__.py` is hand-written and not touched here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

# The generated text depends on the generator's version; `make check-gen` must give the
# same bytes on every machine, so the version is pinned here and in pyproject.toml.
DATAMODEL_CODEGEN_VERSION = "0.89.0"

PACKAGE_DIR = Path("server/tidewire/protocol")
MODELS_PATH = PACKAGE_DIR / "models.py"
CATALOG_PATH = PACKAGE_DIR / "catalog.py"

HEADER = "# generated from schema/ by `make gen`, do not edit"

HIGH_VOLUME_KEYWORD = "x-tidewire-high-volume"

# fmt: off
CODEGEN_ARGS = [
    "--input-file-type", "jsonschema",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--target-python-version", "3.11",
    "--target-pydantic-version", "2.14",
    "--use-title-as-name",
    "--use-annotated",
    "--field-constraints",
    # No silent coercion ("123" -> 123, 1 -> True); a strict float still takes an int.
    "--strict-types", "str", "int", "bool", "float",
    "--enum-field-as-literal", "all",
    "--use-standard-collections",
    "--use-union-operator",
    "--collapse-root-models",
    # Clients must ignore unknown fields, and a round trip must keep them.
    "--extra-fields", "allow",
    # An optional property that is not nullable may be absent but never null.
    "--use-missing-sentinel",
    # The bundle's own root is only a container of $defs.
    "--skip-root-model",
    "--disable-timestamp",
    "--use-double-quotes",
    # The built-in formatter ships with the generator, so the pinned version alone fixes the bytes.
    "--formatters", "builtin",
    "--custom-file-header", HEADER,
]
# fmt: on

# JSON Schema counts 1.0 as an integer and Pydantic's StrictInt refuses every float, so the
# generated module gets an integer type that takes an integral float and still refuses
# strings and booleans. datamodel-code-generator has no option for this.
JSON_INT_PREAMBLE = '''

def _integral_float_to_int(value: object) -> object:
    """JSON Schema: a number with a zero fractional part is an integer (1.0 is valid)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral_float_to_int), Strict()]
'''


def _check_version() -> None:
    found = version("datamodel-code-generator")
    if found != DATAMODEL_CODEGEN_VERSION:
        raise RuntimeError(
            f"datamodel-code-generator {DATAMODEL_CODEGEN_VERSION} is required for reproducible "
            f"output, found {found} (run `make setup`)"
        )


def _run_codegen(bundle: dict[str, Any]) -> str:
    with tempfile.TemporaryDirectory(prefix="tidewire-pygen-") as tmp:
        src = Path(tmp) / "schema.json"
        src.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "datamodel_code_generator", "--input", str(src), *CODEGEN_ARGS],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"datamodel-codegen failed:\n{proc.stderr}")
    return proc.stdout


def _use_json_int(text: str) -> str:
    """Swap pydantic's strict integers for JsonInt (see JSON_INT_PREAMBLE)."""
    import_block = re.search(r"^from pydantic import \(\n(?P<names>(?:    \w+,\n)+)\)\n", text, re.M)
    if import_block is None:
        raise RuntimeError("unexpected datamodel-codegen output: no `from pydantic import (...)` block")
    names = {n.strip().rstrip(",") for n in import_block["names"].splitlines()}
    names -= {"StrictInt", "conint"}
    names |= {"BeforeValidator", "Strict"}
    # isort order, as the generator writes it: constants first, then classes, then the rest.
    ordered = sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    new_import = "from pydantic import (\n" + "".join(f"    {n},\n" for n in ordered) + ")\n"
    head, tail = text[: import_block.start()], text[import_block.end() :]
    if "from typing import Annotated" not in head:
        raise RuntimeError("unexpected datamodel-codegen output: Annotated is not imported")
    tail = re.sub(r"\bStrictInt\b", "JsonInt", tail)
    # A bounded integer inside a union comes out as conint(..., strict=True).
    conint = r"\bconint\((?P<bounds>[^()]*), strict=True\)"
    tail = re.sub(conint, r"Annotated[JsonInt, Field(\g<bounds>)]", tail)
    if re.search(r"\b(conint|StrictInt)\b", tail):
        raise RuntimeError("unexpected datamodel-codegen output: an integer type JsonInt does not replace")
    return head + new_import + JSON_INT_PREAMBLE + tail


def models_source(bundle: dict[str, Any]) -> str:
    _check_version()
    text = _use_json_int(_run_codegen(bundle))
    return text.rstrip("\n") + "\n"


def _frame_refs(bundle: dict[str, Any], title: str) -> list[str]:
    refs = []
    for branch in bundle["$defs"][title]["oneOf"]:
        ref = branch["$ref"]
        refs.append(ref.removeprefix("#/$defs/"))
    return refs


def _frame_type(bundle: dict[str, Any], title: str) -> str:
    const = bundle["$defs"][title]["properties"]["type"]["const"]
    if not isinstance(const, str):
        raise ValueError(f"{title}: `type` must be a string const")
    return const


def catalog_source(bundle: dict[str, Any]) -> str:
    defs = bundle["$defs"]
    events: dict[str, str] = {}
    high_volume: list[str] = []
    for title, schema in defs.items():
        if HIGH_VOLUME_KEYWORD not in schema:
            continue
        name = _frame_type(bundle, title)
        if name in events:
            raise ValueError(f"event {name!r} is defined twice ({events[name]}, {title})")
        events[name] = title
        if schema[HIGH_VOLUME_KEYWORD] is True:
            high_volume.append(name)
    server = {_frame_type(bundle, t): t for t in _frame_refs(bundle, "ServerFrame")}
    client = {_frame_type(bundle, t): t for t in _frame_refs(bundle, "ClientFrame")}
    missing = sorted(set(events) - set(server))
    if missing:
        raise ValueError(f"events missing from ServerFrame: {missing}")
    server_control = {k: v for k, v in server.items() if k not in events}

    def model_dict(name: str, items: dict[str, str], doc: str) -> list[str]:
        lines = [f"# {doc}", f"{name}: dict[str, type[BaseModel]] = {{"]
        lines += [f'    "{k}": models.{v},' for k, v in sorted(items.items())]
        return [*lines, "}", ""]

    def name_set(name: str, items: list[str], doc: str) -> list[str]:
        body = [f'        "{n}",' for n in sorted(items)]
        return [f"# {doc}", f"{name}: frozenset[str] = frozenset(", "    {", *body, "    }", ")", ""]

    lines = [
        HEADER,
        '"""Event catalogue: every frame type, its model, and which events are high volume."""',
        "",
        "from __future__ import annotations",
        "",
        "from pydantic import BaseModel",
        "",
        "from . import models",
        "",
        *model_dict("EVENT_MODELS", events, "Event name -> model of the whole event frame."),
        "# Every event name, sorted.",
        "EVENT_NAMES: tuple[str, ...] = (",
        *[f'    "{n}",' for n in sorted(events)],
        ")",
        "",
        *name_set(
            "HIGH_VOLUME",
            high_volume,
            f"Events with `{HIGH_VOLUME_KEYWORD}: true`: delivered only to exact subscriptions.",
        ),
        *model_dict("SERVER_CONTROL_MODELS", server_control, "Server-to-client control frame type -> model."),
        *name_set("SERVER_CONTROL", list(server_control), "Server-to-client control frame types."),
        *model_dict("CLIENT_CONTROL_MODELS", client, "Client-to-server frame type -> model."),
        *name_set("CLIENT_CONTROL", list(client), "Client-to-server frame types."),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def generate(bundle: dict[str, Any], out_root: Path) -> None:
    (out_root / PACKAGE_DIR).mkdir(parents=True, exist_ok=True)
    (out_root / MODELS_PATH).write_text(models_source(bundle), encoding="utf-8")
    (out_root / CATALOG_PATH).write_text(catalog_source(bundle), encoding="utf-8")
