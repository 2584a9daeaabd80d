"""AsyncAPI 3.0 description of the `/ws` socket, generated from the schema bundle.

The document is for third parties and tooling: one channel (`/ws`), one message per
frame (each payload a `$ref` into `components.schemas`, which holds every schema of
the bundle), an operation for the frames the daemon sends, one for the frames it
receives, and a request/reply operation per client control frame.

Everything is derived from the bundle's two unions (`ServerFrame`, `ClientFrame`),
in their order, so the output changes only when schema/ does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import protocol_reference
import yaml
from bundle import ROOT

OUT_PATH = Path("docs") / "asyncapi.yaml"
HEADER = (
    "# Generated from schema/ by codegen/asyncapi.py (`make gen`); do not edit.\n"
    "# The wire protocol in prose: docs/protocol.md.\n"
)
CHANNEL = "ws"
HIGH_VOLUME_KEY = "x-tidewire-high-volume"

# Which server frames answer each client control frame (besides `error`, which can
# answer any of them). This is protocol semantics that the schemas do not carry.
REPLIES: dict[str, list[str]] = {
    "subscribe": ["subscribed"],
    "unsubscribe": ["unsubscribed"],
    "ping": ["pong"],
    "resume": ["resumed", "resync"],
}


# The ways the daemon accepts its token (see server/tidewire/security.py); any one will do.
SECURITY: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer <token>`."},
    "tokenHeader": {"type": "httpApiKey", "in": "header", "name": "X-Tidewire-Token"},
    "tokenQuery": {
        "type": "httpApiKey",
        "in": "query",
        "name": "token",
        "description": "What a browser's WebSocket can send: `/ws?token=<token>`.",
    },
    "tokenCookie": {"type": "httpApiKey", "in": "cookie", "name": "tidewire_token"},
}


def _ref(pointer: str) -> dict[str, str]:
    return {"$ref": pointer}


def _rewrite_refs(node: Any) -> Any:
    """Point bundle-internal refs at `components.schemas` and use AsyncAPI's
    discriminator form (a property name, not OpenAPI's object)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + value[len("#/$defs/") :]
            elif key == "discriminator" and isinstance(value, dict):
                out[key] = value["propertyName"]
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def frames(bundle: dict[str, Any], union: str) -> list[tuple[str, str]]:
    """`(type name, schema title)` of each member of a frame union, in union order.

    The type name is the member's `type` const, the same value the discriminator keys on.
    """
    defs: dict[str, Any] = bundle["$defs"]
    out: list[tuple[str, str]] = []
    for member in defs[union]["oneOf"]:
        title = member["$ref"].rsplit("/", 1)[-1]
        out.append((defs[title]["properties"]["type"]["const"], title))
    return out


def _message(name: str, title: str, schema: dict[str, Any], direction: str) -> dict[str, Any]:
    is_event = "." in name
    msg: dict[str, Any] = {
        "name": name,
        "title": title,
        "summary": schema.get("description", name),
        "contentType": "application/json",
        "tags": [{"name": "event" if is_event else "control"}, {"name": direction}],
        "payload": _ref(f"#/components/schemas/{title}"),
    }
    if is_event:
        msg["tags"].append({"name": name.split(".", 1)[0]})
        msg[HIGH_VOLUME_KEY] = bool(schema.get(HIGH_VOLUME_KEY, False))
    examples = schema.get("examples") or []
    if examples:
        msg["examples"] = [{"payload": ex} for ex in examples]
    return msg


def build(bundle: dict[str, Any]) -> dict[str, Any]:
    defs: dict[str, Any] = bundle["$defs"]
    server = frames(bundle, "ServerFrame")
    client = frames(bundle, "ClientFrame")
    welcome = defs[dict(server)["welcome"]]
    protocol = welcome["properties"]["protocol"]["const"]

    messages: dict[str, Any] = {}
    for name, title in server:
        messages[title] = _message(name, title, defs[title], "server-to-client")
    for name, title in client:
        messages[title] = _message(name, title, defs[title], "client-to-server")

    def chan_msg(title: str) -> dict[str, str]:
        return _ref(f"#/channels/{CHANNEL}/messages/{title}")

    server_titles = dict(server)
    client_titles = dict(client)
    operations: dict[str, Any] = {
        "sendServerFrames": {
            "action": "send",
            "channel": _ref(f"#/channels/{CHANNEL}"),
            "summary": "Frames the daemon sends: control frames and the events a connection subscribed to.",
            "messages": [chan_msg(title) for _, title in server],
        },
        "receiveClientFrames": {
            "action": "receive",
            "channel": _ref(f"#/channels/{CHANNEL}"),
            "summary": "Frames a client may send.",
            "messages": [chan_msg(title) for _, title in client],
        },
    }
    for name, _title in client:
        replies = [server_titles[r] for r in REPLIES.get(name, []) if r in server_titles]
        replies.append(server_titles["error"])
        operations[f"handle_{name}"] = {
            "action": "receive",
            "channel": _ref(f"#/channels/{CHANNEL}"),
            "summary": f"`{name}` and the frame that answers it.",
            "messages": [chan_msg(client_titles[name])],
            "reply": {"channel": _ref(f"#/channels/{CHANNEL}"), "messages": [chan_msg(t) for t in replies]},
        }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tidewire event socket",
            "version": protocol,
            "description": (
                "One WebSocket per client at `/ws`: UTF-8 JSON text frames, one object per frame, "
                "keyed on `type`. Dotted types are events, bare types are control frames. "
                "Semantics (subscriptions, resume, guarantees, close and error codes): docs/protocol.md. "
                "The REST API that goes with it (refetching state, X-Tidewire-Seq): docs/rest.md."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:8787",
                "protocol": "ws",
                "description": (
                    "The daemon's default loopback address. Beyond loopback the daemon requires "
                    "a token, presented in any one of the listed ways."
                ),
                "security": [_ref(f"#/components/securitySchemes/{name}") for name in SECURITY],
            }
        },
        "channels": {
            CHANNEL: {
                "address": "/ws",
                "title": "Event socket",
                "messages": {title: _ref(f"#/components/messages/{title}") for title in messages},
            }
        },
        "operations": operations,
        "components": {
            "schemas": {title: _rewrite_refs(schema) for title, schema in defs.items()},
            "messages": messages,
            "securitySchemes": SECURITY,
        },
    }


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no type hints
    # Anchors/aliases would appear whenever two places share one Python object, which
    # makes the text depend on object identity and is hard for people to read.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(bundle: dict[str, Any]) -> str:
    body: str = yaml.dump(build(bundle), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def generate(bundle: dict[str, Any], out_root: Path) -> None:
    path = out_root / OUT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(bundle), encoding="utf-8")
    # The same schemas, for people: the frame reference section of docs/protocol.md.
    protocol_reference.generate(bundle, out_root, ROOT)
