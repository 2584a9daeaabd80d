"""Schemathesis hooks for tests/integration/test_openapi_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

Generated cases reuse a handful of header values, so two different writes would often share one
`Idempotency-Key` and be refused (422 `idempotency_key_reused`), as the key's semantics demand. A
client that follows the protocol uses a new key per request: give every case whose key the
daemon would accept a fresh one, and keep malformed keys as generated, so their refusal is
still checked.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis
from tidewire.errors import InvalidArgument
from tidewire.idempotency.keys import KEY_HEADER, parse_key


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() != KEY_HEADER.lower() or not isinstance(value, str):
            continue
        try:
            parse_key(value)
        except InvalidArgument:
            continue
        headers[name] = uuid.uuid4().hex
