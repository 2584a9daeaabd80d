"""The `Idempotency-Key` header and the request fingerprint: pure functions, no I/O.

The IETF httpapi draft (draft-ietf-httpapi-idempotency-key-header) defines the header as a
Structured Field String, `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`. Plenty of
clients send the bare value instead, so both are accepted; they name the same key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tidewire.errors import InvalidArgument

KEY_HEADER = "Idempotency-Key"
# The header's grammar, for the OpenAPI document (parse_key is what enforces it).
KEY_PATTERN = (
    r'^(?:[\x21\x23-\x7e](?:[\x20\x21\x23-\x7e]{0,253}[\x21\x23-\x7e])?'
    r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){1,255}")$'
)
MAX_KEY_LENGTH = 255


def _printable(value: str) -> bool:
    return all(0x20 <= ord(ch) <= 0x7E for ch in value)


def parse_key(raw: str) -> str:
    """The key a header value names; `InvalidArgument` for one that is malformed or too long."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        inner = value[1:-1]
        out: list[str] = []
        escaped = False
        for ch in inner:
            if escaped:
                if ch not in '"\\':
                    raise InvalidArgument(f'{KEY_HEADER}: only \\" and \\\\ may be escaped')
                out.append(ch)
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                raise InvalidArgument(f"{KEY_HEADER}: an unescaped quote inside the string")
            else:
                out.append(ch)
        if escaped:
            raise InvalidArgument(f"{KEY_HEADER}: the string ends in a lone backslash")
        value = "".join(out)
    elif '"' in value:
        raise InvalidArgument(f"{KEY_HEADER}: a quoted key must be quoted at both ends")
    if not value:
        raise InvalidArgument(f"{KEY_HEADER} must not be empty")
    if len(value) > MAX_KEY_LENGTH:
        raise InvalidArgument(f"{KEY_HEADER} is longer than {MAX_KEY_LENGTH} characters")
    if not _printable(value):
        raise InvalidArgument(f"{KEY_HEADER} may hold only printable ASCII characters")
    return value


def _canonical_body(body: bytes) -> bytes:
    """JSON bodies by meaning (key order and spacing do not count); anything else byte for byte."""
    if not body.strip():
        return b""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return b"raw:" + body
    return b"json:" + json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same request" for one key: method, path and body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), _canonical_body(body)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
