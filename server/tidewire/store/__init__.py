"""The SQLite store: ``Store.open``, ``Store.write(fn(tx))``, ``Store.read(fn(conn))``."""

from .clock import utc_now
from .entry import LogEntry
from .store import Store, Tx, build_frame

__all__ = ["LogEntry", "Store", "Tx", "build_frame", "utc_now"]
