"""Valid event payloads for tests, taken from each event schema's own ``examples``."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from tidewire.protocol import EVENT_MODELS

from .tap import SCHEMA_DIR


@cache
def _examples() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in EVENT_MODELS:
        doc = json.loads((SCHEMA_DIR / "events" / f"{name}.json").read_text(encoding="utf-8"))
        examples = doc.get("examples") or []
        if not examples:
            raise LookupError(f"schema/events/{name}.json has no example to build test events from")
        out[name] = examples[0]["data"]
    return out


def example_data(event_type: str, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of the example ``data`` of ``event_type`` with top-level fields overridden."""
    data = copy.deepcopy(_examples()[event_type])
    data.update(overrides)
    return data


def event_types() -> list[str]:
    return sorted(EVENT_MODELS)
