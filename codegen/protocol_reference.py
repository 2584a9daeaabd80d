"""The frame reference inside docs/protocol.md, generated from the schema bundle.

docs/protocol.md is written by hand except for the part between the two marker
comments below, which lists every frame and every record it carries (fields, types,
constraints, an example), so the prose document stays complete and never drifts from
schema/. `make check-gen` fails when that part is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOC_PATH = Path("docs") / "protocol.md"
BEGIN = "<!-- BEGIN GENERATED: frame reference (codegen/protocol_reference.py; do not edit) -->"
END = "<!-- END GENERATED: frame reference -->"
TS_PATTERN_HINT = "[0-9]{2}:[0-9]{2}:[0-9]{2}"
HIGH_VOLUME_KEY = "x-tidewire-high-volume"
# The schemas bound integers to what a JSON number holds exactly (2**53 - 1); saying so on
# every integer field would drown the bounds that mean something.
SAFE_INTEGER = 2**53 - 1


def _members(defs: dict[str, Any], union: str) -> list[tuple[str, str]]:
    out = []
    for member in defs[union]["oneOf"]:
        title = member["$ref"].rsplit("/", 1)[-1]
        out.append((defs[title]["properties"]["type"]["const"], title))
    return out


def _link(title: str) -> str:
    return f"[{title}](#{title.lower()})"


def _scalar_type(node: dict[str, Any]) -> str:
    types = node.get("type")
    names = [types] if isinstance(types, str) else [t for t in (types or []) if isinstance(t, str)]
    parts = []
    for name in names:
        if name == "array":
            items = node.get("items")
            text = "array"
            if "minItems" in node or "maxItems" in node:
                text += f" ({_range(node.get('minItems'), node.get('maxItems'), 'items')})"
            parts.append(f"{text} of {describe(items)}" if isinstance(items, dict) else text)
        elif name == "string" and isinstance(node.get("pattern"), str) and TS_PATTERN_HINT in node["pattern"]:
            parts.append("string (RFC 3339 UTC time)")
        else:
            parts.append(name)
    return " or ".join(parts) if parts else "any"


def _range(low: Any, high: Any, unit: str) -> str:
    if high is None:
        return f"at least {low} {unit}"
    if low is None:
        return f"at most {high} {unit}"
    return f"{low} to {high} {unit}"


def _constraints(node: dict[str, Any]) -> list[str]:
    out = []
    if "minLength" in node or "maxLength" in node:
        out.append(_range(node.get("minLength"), node.get("maxLength"), "characters"))
    # For a `number` the safe-integer bounds are a real limit (a client's float clock may exceed
    # them), so they are shown; for an integer they only restate what JSON holds exactly.
    is_number = node.get("type") == "number"
    if "minimum" in node and (is_number or node["minimum"] != -SAFE_INTEGER):
        out.append(f">= {node['minimum']}")
    if "maximum" in node and (is_number or node["maximum"] != SAFE_INTEGER):
        out.append(f"<= {node['maximum']}")
    pattern = node.get("pattern")
    if isinstance(pattern, str) and TS_PATTERN_HINT not in pattern:
        out.append(f"matches `{pattern}`")
    return out


def describe(node: Any) -> str:
    """A short human description of a schema node's type."""
    if not isinstance(node, dict):
        return "any"
    ref = node.get("$ref")
    if isinstance(ref, str):
        text = _link(ref.rsplit("/", 1)[-1])
        if "null" in (node.get("type") or []):
            text += " or null"
        return text
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        values = ", ".join(f"`{json.dumps(v)}`" for v in node["enum"])
        nullable = " or null" if "null" in (node.get("type") or []) and None not in node["enum"] else ""
        return f"one of {values}{nullable}"
    for kw in ("oneOf", "anyOf"):
        if kw in node:
            return " or ".join(describe(branch) for branch in node[kw])
    text = _scalar_type(node)
    extra = _constraints(node)
    return f"{text} ({', '.join(extra)})" if extra else text


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _fields(schema: dict[str, Any]) -> list[str]:
    props: dict[str, Any] = schema.get("properties", {})
    if not props:
        if schema.get("type") != "object" or "enum" in schema or "const" in schema:
            # A record that is a scalar (StopReason is a string enum): say which values.
            return [f"Type: {_cell(describe(schema))}.", ""]
        return ["(no fixed fields)", ""]
    required = set(schema.get("required", []))
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for name, node in props.items():
        desc = node.get("description", "") if isinstance(node, dict) else ""
        lines.append(
            f"| `{name}` | {_cell(describe(node))} | {'yes' if name in required else 'no'} | {_cell(desc)} |"
        )
    lines.append("")
    return lines


def _example(schema: dict[str, Any]) -> list[str]:
    examples = schema.get("examples") or []
    if not examples:
        return []
    return ["```json", json.dumps(examples[0], indent=2, ensure_ascii=False), "```", ""]


def _section(title: str, heading: str, schema: dict[str, Any], extra: str = "") -> list[str]:
    lines = [f'<a id="{title.lower()}"></a>', f"#### {heading}", ""]
    description = schema.get("description")
    if description:
        lines += [f"{description}{extra}", ""]
    lines += _fields(schema)
    lines += _example(schema)
    return lines


def _reachable(defs: dict[str, Any], roots: list[str]) -> list[str]:
    seen: list[str] = []
    stack = list(roots)
    while stack:
        title = stack.pop()
        if title in seen or title not in defs:
            continue
        seen.append(title)
        stack.extend(_refs(defs[title]))
    return seen


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out.append(value.rsplit("/", 1)[-1])
            else:
                out.extend(_refs(value))
        return out
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def render(bundle: dict[str, Any]) -> str:
    defs: dict[str, Any] = bundle["$defs"]
    server = _members(defs, "ServerFrame")
    client = _members(defs, "ClientFrame")
    lines = [
        BEGIN,
        "",
        "Generated from `schema/`. Types: `string`, `integer`, `number`, `boolean`, `null`, "
        "`object`, `array`; a link is a record type described further down. Fields not listed "
        "may appear in newer versions: ignore them.",
        "",
        "### Client to server",
        "",
    ]
    for name, title in client:
        lines += _section(title, f"`{name}` ({title})", defs[title])
    lines += ["### Server to client: control frames", ""]
    for name, title in server:
        if "." not in name:
            lines += _section(title, f"`{name}` ({title})", defs[title])
    lines += ["### Server to client: events", ""]
    lines += ["| event | data | high volume |", "|---|---|---|"]
    for name, title in server:
        if "." in name:
            schema = defs[title]
            data = describe(schema.get("properties", {}).get("data", {}))
            volume = "yes" if schema.get(HIGH_VOLUME_KEY) else "no"
            lines.append(f"| [`{name}`](#{title.lower()}) | {_cell(data)} | {volume} |")
    lines.append("")
    for name, title in server:
        if "." in name:
            schema = defs[title]
            extra = ""
            if schema.get(HIGH_VOLUME_KEY):
                extra = " High volume: delivered only to subscriptions that name it."
            lines += _section(title, f"`{name}` ({title})", schema, extra)
    frame_titles = {t for _, t in server + client} | {"ServerFrame", "ClientFrame"}
    records = sorted(t for t in _reachable(defs, [t for _, t in server + client]) if t not in frame_titles)
    lines += ["### Payloads and records", ""]
    for title in records:
        lines += _section(title, title, defs[title])
    lines.append(END)
    return "\n".join(lines)


def splice(document: str, reference: str) -> str:
    """Replace the generated part of the document (markers included)."""
    start = document.find(BEGIN)
    end = document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{DOC_PATH}: the markers for the generated frame reference are missing")
    return document[:start] + reference + document[end + len(END) :]


def generate(bundle: dict[str, Any], out_root: Path, source_root: Path) -> None:
    source = source_root / DOC_PATH
    if not source.exists():
        return
    text = splice(source.read_text(encoding="utf-8"), render(bundle))
    path = out_root / DOC_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
