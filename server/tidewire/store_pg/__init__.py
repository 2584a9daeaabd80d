"""The PostgreSQL backend: a store and an event bus over a database several daemons share.

``PgStore.open(dsn)`` / ``store.write(fn(tx))`` / ``store.read(fn(conn))`` as with the SQLite
store; ``PgEventBus(store)`` implements ``bus.base.EventBus``. See docs/architecture.md,
"PostgreSQL backend".
"""

from .bus import PgEventBus
from .errors import StoreUnavailable
from .follower import LogFollower
from .store import PgStore
from .tx import PgTx

__all__ = ["LogFollower", "PgEventBus", "PgStore", "PgTx", "StoreUnavailable"]
