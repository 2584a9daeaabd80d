"""What the rest of the daemon may rely on from either store backend's event log.

Both ``store.Store`` (SQLite) and ``store_pg.PgStore`` satisfy ``LogStore``; the socket layer
goes through ``bus.base.EventBus`` on top of it. The transaction's ``conn`` is each backend's
own DB-API connection (see docs/architecture.md, "One code path").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel

from ..store.entry import LogEntry

T = TypeVar("T")


class LogTx(Protocol):
    @property
    def now(self) -> str:
        """The transaction's timestamp (RFC 3339, UTC)."""
        ...

    @property
    def seq(self) -> int:
        """The seq the state reflects so far."""
        ...

    def emit(self, type: str, data: BaseModel | Mapping[str, Any], *, allow_unknown: bool = False) -> int:
        """Validate, number and record an event; it commits with the transaction's state."""
        ...


class LogStore(Protocol):
    @property
    def epoch(self) -> str: ...

    @property
    def head(self) -> int: ...

    retain: int
    prune_floor: Callable[[], int | None] | None

    def add_commit_listener(self, listener: Callable[[list[LogEntry]], None]) -> None: ...

    def load_recent(self, limit: int) -> list[LogEntry]: ...

    async def close(self) -> None: ...


if TYPE_CHECKING:
    # Checked by mypy, never run: both backends keep to these interfaces.
    from ..bus.base import EventBus
    from ..store.store import Store, Tx
    from .bus import PgEventBus
    from .store import PgStore
    from .tx import PgTx

    def _stores_conform(sqlite: Store, pg: PgStore) -> tuple[LogStore, LogStore]:
        return sqlite, pg

    def _txs_conform(sqlite: Tx, pg: PgTx) -> tuple[LogTx, LogTx]:
        return sqlite, pg

    def _bus_conforms(bus: PgEventBus) -> EventBus:
        return bus
