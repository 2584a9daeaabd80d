"""Whether the shared database answers, as this daemon last found it: what ``/api/health`` shows,
and the short hold-off that makes requests fail at once while it is away.

Every part of the backend that talks to the database reports here: the writer and the readers
after each attempt, the log follower when it loses or regains its connection. The last report
wins. While the database is away, a request that needs a new connection is refused without
trying one for ``HOLD_OFF_S`` after the last failed attempt: a server that drops packets would
otherwise make every queued write wait out its own connect timeout on the one writer thread.
"""

from __future__ import annotations

import threading
import time

from ..store.clock import utc_now
from ..store.store import StoreStatus
from .errors import StoreUnavailable

HOLD_OFF_S = 0.5


class Outage:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: str | None = None
        self._message: str | None = None
        self._retry_at = 0.0

    def failed(self, reason: BaseException | str, *, connecting: bool = False) -> None:
        with self._lock:
            if self._since is None:
                self._since = utc_now()
            self._message = _first_line(reason)
            if connecting:
                self._retry_at = time.monotonic() + HOLD_OFF_S

    def ok(self) -> None:
        with self._lock:
            self._since = self._message = None
            self._retry_at = 0.0

    def check_connect(self) -> None:
        """Before opening a connection: refused at once within the hold-off of a failed one."""
        with self._lock:
            if time.monotonic() >= self._retry_at:
                return
            message = self._message
        raise StoreUnavailable(f"the database is unavailable: {message}")

    def status(self) -> StoreStatus:
        with self._lock:
            if self._since is None:
                return StoreStatus("postgresql", True)
            return StoreStatus("postgresql", False, self._message, self._since)


def _first_line(reason: BaseException | str) -> str:
    text = str(reason).strip()
    return text.splitlines()[0].strip() if text else type(reason).__name__
