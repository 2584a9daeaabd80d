"""Blocking file work off the event loop, with a bound on how long the loop waits for it.

`asyncio.to_thread` is not enough for files a hook names: a read that never returns (a
hung network mount, a FUSE file) keeps its executor thread, and `asyncio.run` joins the
default executor at exit, so the daemon could never stop. Here each call gets its own
daemon thread (the interpreter does not join those), the caller stops waiting after
`seconds`, and a key whose call is still stuck is refused until it returns, so one bad
file costs one thread, never one per pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """The previous call for this key has not returned yet."""


class BoundedCalls:
    def __init__(self) -> None:
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    def busy(self, key: str) -> bool:
        with self._lock:
            return key in self._busy

    async def run(self, key: str, fn: Callable[[], T], seconds: float) -> T:
        """`fn()` in a thread; TimeoutError after `seconds` (the thread is left to finish), Busy if stuck."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if key in self._busy:
                raise Busy(key)
            self._busy.add(key)

        def settle(outcome: Callable[[], None]) -> None:
            if not future.done():
                outcome()

        def work() -> None:
            try:
                result = fn()
            except BaseException as exc:  # handed to the awaiting task, whatever it is
                error = exc
                deliver: Callable[[], None] = lambda: future.set_exception(error)  # noqa: E731
            else:
                deliver = lambda: future.set_result(result)  # noqa: E731
            finally:
                with self._lock:
                    self._busy.discard(key)
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
                loop.call_soon_threadsafe(settle, deliver)

        threading.Thread(target=work, name=f"bounded-{key}"[:60], daemon=True).start()
        return await asyncio.wait_for(future, seconds)
