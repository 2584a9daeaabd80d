"""The set of open socket connections: shutdown closes every one with 1001, and the handshake
asks it for a place so the daemon holds at most ``max_connections`` sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from .subscriptions import FilterBudget
from .wire import FrameCache


class Hub:
    def __init__(self, max_connections: int = 1000) -> None:
        self._closers: dict[object, Callable[[int, str], Awaitable[None]]] = {}
        self.closing = False
        self.max_connections = max_connections
        # Places taken from the handshake on, before the socket is registered with add():
        # the handshake awaits, and other handshakes must see the place as taken meanwhile.
        self.admitted = 0
        # Filter clauses held by all sockets together (each socket also has its own cap).
        self.filters = FilterBudget()
        # Event frames as wire bytes, encoded by the first socket that sends one, for all of them.
        self.frames = FrameCache()

    def admit(self) -> bool:
        """Take a place for a new socket; False when every place is taken."""
        if self.admitted >= self.max_connections:
            return False
        self.admitted += 1
        return True

    def leave(self) -> None:
        self.admitted -= 1

    def __len__(self) -> int:
        return len(self._closers)

    def add(self, key: object, closer: Callable[[int, str], Awaitable[None]]) -> None:
        self._closers[key] = closer

    def discard(self, key: object) -> None:
        self._closers.pop(key, None)

    async def close_all(self, code: int, reason: str, per_socket_s: float = 2.0) -> None:
        """Refuse new sockets and send every open one a close frame (bounded wait per stalled peer)."""
        self.closing = True
        closers = list(self._closers.values())
        if not closers:
            return
        await asyncio.wait(
            [asyncio.ensure_future(asyncio.wait_for(close(code, reason), per_socket_s)) for close in closers]
        )
