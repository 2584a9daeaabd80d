"""The set of open socket connections, so shutdown can close every one with 1001."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Hub:
    def __init__(self) -> None:
        self._closers: dict[object, Callable[[int, str], Awaitable[None]]] = {}
        self.closing = False

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
