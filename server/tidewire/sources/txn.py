"""The slice of the store's interface the sources use (docs/architecture.md, "The store interface")."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Tx(Protocol):
    conn: sqlite3.Connection
    now: str

    def emit(self, type: str, data: BaseModel) -> int: ...


class StoreLike(Protocol):
    async def write(self, fn: Callable[[Any], T]) -> T: ...

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> tuple[T, int]: ...
