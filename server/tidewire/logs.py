"""What the daemon's log may say: no token in any line, and no flood of identical accept errors.

- ``install_token_redaction``: every record created in the process (uvicorn's access log,
  its ``WebSocket /ws?token=...`` lines, ours) has ``token=`` query values and the configured
  token itself replaced before any handler formats it. A record factory rather than handler
  filters, so handlers added later (uvicorn configures its own) are covered too.
- ``is_resource_condition`` / ``ConditionLog``: background loops (spool drain, session follower)
  meet the same exhaustion on every pass; it is logged as one line per interval, no traceback.
- ``AcceptErrorThrottle``: when descriptors run out, asyncio's accept loop logs a traceback for
  every failed ``accept()`` (thousands a second). The filter lets one line per interval
  through, with how many it held back, and drops the traceback.
"""

from __future__ import annotations

import errno
import logging
import re
import time
from collections.abc import Callable
from typing import Any

REDACTED = "***"
# `token=` as a query or form parameter, raw or percent-encoded (`token%3D` in a logged URL).
# An encoded value runs on to the next separator; redacting a little too much is the safe side.
_TOKEN_PARAM = re.compile(r"(?i)(?:(?<![a-z0-9])|(?<=%3F)|(?<=%26))(token(?:=|%3D))[^&;\s\"'#]*")

ACCEPT_ERROR = "socket.accept() out of system resource"
ACCEPT_ERROR_INTERVAL_S = 10.0


def redact(text: str, token: str | None) -> str:
    if token:
        text = text.replace(token, REDACTED)
    return _TOKEN_PARAM.sub(lambda m: m.group(1) + REDACTED, text)


def _redact_value(value: Any, token: str | None) -> Any:
    return redact(value, token) if isinstance(value, str) else value


def install_token_redaction(token: str | None) -> None:
    """Redact tokens in every log record created from now on in this process."""
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.msg = _redact_value(record.msg, token)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(a, token) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_value(v, token) for k, v in record.args.items()}
        return record

    logging.setLogRecordFactory(factory)


class AcceptErrorThrottle(logging.Filter):
    """On the ``asyncio`` logger: one accept-error line per interval instead of one per attempt."""

    def __init__(
        self, interval: float = ACCEPT_ERROR_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.last: float | None = None
        self.held_back = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(ACCEPT_ERROR):
            return True
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.held_back += 1
            return False
        exc = record.exc_info[1] if record.exc_info else None
        more = f"; {self.held_back} more since the last report" if self.last is not None else ""
        record.msg = (
            f"{ACCEPT_ERROR}: {exc or 'no detail'}{more}; new connections wait until descriptors "
            f"free up (reported at most every {self.interval:g} s)"
        )
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        self.last = now
        self.held_back = 0
        return True


def install_accept_error_throttle() -> AcceptErrorThrottle:
    throttle = AcceptErrorThrottle()
    logging.getLogger("asyncio").addFilter(throttle)
    return throttle


_RESOURCE_ERRNOS = {errno.EMFILE, errno.ENFILE, errno.ENOSPC, errno.EDQUOT, errno.ENOMEM}
CONDITION_INTERVAL_S = 10.0


def is_resource_condition(exc: BaseException) -> bool:
    """Out of descriptors, disk or memory, or a shared database that is away: a state that passes,
    not a bug."""
    # Imported here: the store imports this module's redaction helpers at start-up.
    from tidewire.errors import DomainError
    from tidewire.store.errors import OutOfDescriptors, StorageFull

    if isinstance(exc, OutOfDescriptors | StorageFull):
        return True
    if isinstance(exc, DomainError) and exc.code == "store_unavailable":
        return True
    return isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS


class ConditionLog:
    """One line per interval for a condition a loop meets on every pass, with a count of the rest."""

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = CONDITION_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self.last: float | None = None
        self.held_back = 0

    def report(self, what: str, exc: BaseException) -> bool:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.held_back += 1
            return False
        more = f"; {self.held_back} more since the last report" if self.held_back else ""
        self.logger.error("%s (%s)%s; trying again", what, exc, more)
        self.last = now
        self.held_back = 0
        return True
