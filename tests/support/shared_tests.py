"""Running another module's tests unchanged with other fixtures (the PostgreSQL backend).

``share(globals(), {"test_module": ("test_a", "fixture_b", ...)})`` loads each module of
tests/integration under its own name (pytest imports the original too, where the tests keep
running on SQLite) and puts the named tests and fixtures into the calling module, whose own
fixtures then take precedence over the originals' conftest ones.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

_INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"shared_{name}", _INTEGRATION / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def share(into: dict[str, Any], modules: Mapping[str, Iterable[str]]) -> None:
    for module_name, names in modules.items():
        module = _load(module_name)
        for name in names:
            into[name] = getattr(module, name)
