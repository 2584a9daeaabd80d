"""The event bus: interface (``EventBus``) and the SQLite-backed default (``SqliteEventBus``)."""

from .base import EventBus
from .sqlite import SqliteEventBus

__all__ = ["EventBus", "SqliteEventBus"]
